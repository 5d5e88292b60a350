/**
 * The detection run (`detect`, `run`, `watch`): reads events from the store, feeds the pure
 * engine (src/detect/engine.ts) and writes journeys, alerts and state back. Scores every
 * journey not yet scored, in time order, and raises alerts. Detection is a deterministic
 * function of the events in time order, so every event is scored exactly once whatever order
 * its file arrives in: what is new is found by insertion id (`events.id`),
 * and when it is older than what was scored (another account's or region's file, a backfill,
 * a late file, or `markRescoreFrom`), the run restores the checkpoint taken at the start of
 * the UTC day before it and replays from there. Journeys and alerts are upserted by their
 * deterministic ids; the journeys scored after that checkpoint are rewritten, and an alert a
 * replay no longer raises is kept, marked `withdrawn` (an analyst may have seen it).
 * Idempotent: a run with nothing new, and no journey to close, does nothing.
 */
import { buildAlert } from '../alerts/build.ts';
import { type AlertDraft, DAY, DetectionEngine, type EngineOptions } from '../detect/engine.ts';
import type { HistorySummary } from '../detect/index.ts';
import { emptyState, parseState, type SavedState, serializeState } from '../detect/state.ts';
import type { StoredAlert } from '../domain/alert.ts';
import type { CredentialIssuer } from '../domain/credential.ts';
import { DEFAULT_ALERTS_PER_WEEK, DEFAULT_GAP_MS, DEFAULT_LEARNING_DAYS } from '../domain/defaults.ts';
import type { EventRow } from '../domain/event.ts';
import { type Journey, JourneyBuilder } from '../journeys/builder.ts';
import { Repositories, type Store } from '../store/index.ts';
import { type JourneyRow, journeyRow } from '../store/journeys.ts';
import { alertJourneys } from './feedback.ts';

export interface DetectOptions {
  /** Days from the first event during which nothing alerts. Default 14. */
  learningDays?: number | undefined;
  /** Target alerts per week. Default 3. */
  alertsPerWeek?: number | undefined;
  /** Inactivity that ends a journey, minutes. Default 30. */
  gapMinutes?: number | undefined;
  /**
   * AWS accounts that are the organization's own though the trail may not show them (a trail of
   * one account: its staging, DR and log accounts): a share or trust naming only these is not
   * exposure. A change replays history from the first event.
   */
  organizationAccounts?: readonly string[] | undefined;
  /**
   * Close every open journey now. Not needed: journeys idle for longer than lateness + gap by
   * the clock are closed anyway (a trail that has ended is scored whole), and what a run
   * closes early is rescored by the next run if more of it arrives. Kept for compatibility.
   */
  flush?: boolean | undefined;
  /** The wall clock, epoch ms (tests inject one). Default `Date.now`. */
  now?: (() => number) | undefined;
  onProgress?: ((p: { events: number; journeys: number }) => void) | undefined;
}

export interface DetectSummary {
  eventsScanned: number;
  /** Journeys scored by this run, replayed ones included. */
  journeysScored: number;
  /** Of those, journeys an earlier run had scored (rewritten by a replay). */
  journeysReplayed: number;
  /** ISO-8601 checkpoint a replay started from ('start' from the first event), null without replay. */
  replayedFrom: string | null;
  alertsRaised: number;
  alertsUpdated: number;
  /** Alerts an earlier run raised that the replay no longer raises: kept, marked withdrawn. */
  alertsWithdrawn: number;
  /** Journeys left open for the next run (their last event is too recent to be sure they ended). */
  openJourneys: number;
  /** Checkpoints written, their total size (characters of JSON) and the time spent writing them. */
  checkpoints: { written: number; chars: number; ms: number };
  /** ISO-8601 end of the learning period, null before any event. */
  learningUntil: string | null;
  history: HistorySummary;
  elapsedMs: number;
}

/** Journey rows written per transaction while scanning. */
const JOURNEY_BATCH = 5000;

/** The call that issued a role session's credential and the chain behind it (see store/credentials.ts). */
export async function assumedBy(
  store: Store,
  session: string | null,
  _before: number,
): Promise<CredentialIssuer | null> {
  return new Repositories(store).credentials.issuerOf(session);
}

/** Daily checkpoints are kept this far back from the newest; weekly ones before (see pruneCheckpoints). */
const DAILY_CHECKPOINTS_MS = 3 * DAY;
/** The tail checkpoint stands this far before the newest event, on the hour. */
const TAIL_CHECKPOINT_MS = 2 * 3_600_000;
const HOUR = 3_600_000;
/** An alert a journey scored after a checkpoint may still grow: its end is within this of it. */
const OPEN_ALERT_MS = 2 * DAY;

type WithdrawnAlert = StoredAlert & { withdrawn?: { at: string; reason: string } };

const dayStart = (t: number) => Math.floor(t / DAY) * DAY;
const iso = (t: number) => new Date(t).toISOString();

export async function detect(store: Store, options: DetectOptions = {}): Promise<DetectSummary> {
  const started = performance.now();
  const now = (options.now ?? Date.now)();
  const engineOptions = {
    learningDays: options.learningDays ?? DEFAULT_LEARNING_DAYS,
    alertsPerWeek: options.alertsPerWeek ?? DEFAULT_ALERTS_PER_WEEK,
    organizationAccounts: [...new Set(options.organizationAccounts ?? [])].sort(),
  };
  const repos = new Repositories(store);
  const saved = await readState(repos, engineOptions);
  const gapMs = options.gapMinutes !== undefined ? options.gapMinutes * 60_000 : (saved?.gapMs ?? DEFAULT_GAP_MS);
  const bounds = await repos.events.bounds(saved?.lastEventId ?? 0);
  const rescore = await repos.detection.rescoreMark();
  const probe = new JourneyBuilder({ gapMs });
  const idleBefore = now - probe.latenessMs - gapMs;

  // Where the replay starts: the earliest event not yet scored as it now stands. A state
  // from other options (or before checkpoints existed) is replayed from the first event.
  const compatible =
    saved !== null &&
    saved.lastEventId !== undefined &&
    saved.gapMs === gapMs &&
    saved.options?.learningDays === engineOptions.learningDays &&
    saved.options?.alertsPerWeek === engineOptions.alertsPerWeek &&
    (saved.options?.organizationAccounts ?? []).join(',') === engineOptions.organizationAccounts.join(',');
  let from: number | null = Number.NEGATIVE_INFINITY;
  if (compatible) {
    const earliest = Math.min(bounds.newSince ?? Number.POSITIVE_INFINITY, rescore?.since ?? Number.POSITIVE_INFINITY);
    if (Number.isFinite(earliest)) from = earliest;
    else {
      // Nothing new: work only if journeys left open can now be closed (idle by the clock, or --flush).
      const open = saved.openJourneys ?? 0;
      const closable = open > 0 && (options.flush || (saved.openLastMin ?? Number.POSITIVE_INFINITY) < idleBefore);
      from = closable ? (saved.newestEvent ?? Number.NEGATIVE_INFINITY) : null;
    }
  }
  if (from === null || bounds.maxId === 0) {
    const engine = saved?.engine ?? new DetectionEngine(engineOptions);
    engine.learningDays = engineOptions.learningDays;
    return {
      eventsScanned: 0,
      journeysScored: 0,
      journeysReplayed: 0,
      replayedFrom: null,
      alertsRaised: 0,
      alertsUpdated: 0,
      alertsWithdrawn: 0,
      openJourneys: saved?.openJourneys ?? 0,
      checkpoints: { written: 0, chars: 0, ms: 0 },
      learningUntil: engine.learningUntil === null ? null : iso(engine.learningUntil),
      history: {
        firstEvent: engine.firstEvent,
        newestEvent: saved?.newestEvent ?? null,
        learningDays: engineOptions.learningDays,
        trailEnded: (saved?.openJourneys ?? 0) === 0 && (saved?.newestEvent ?? now) < idleBefore,
      },
      elapsedMs: performance.now() - started,
    };
  }

  const checkpoint = Number.isFinite(from) ? await repos.detection.checkpointBefore(from) : null;
  const segmentStart = checkpoint?.at ?? 0;
  const state: SavedState = checkpoint
    ? parseState(checkpoint.state, engineOptions)
    : { engine: new DetectionEngine(engineOptions), resumeFrom: null, closedUntil: new Map(), gapMs };
  const engine = state.engine;
  engine.learningDays = engineOptions.learningDays;
  engine.alertsPerWeek = engineOptions.alertsPerWeek;
  engine.suppressions = await repos.suppressions.list();
  const builder = new JourneyBuilder({ gapMs }, state.closedUntil);
  builder.restore(state.builder);
  const openAtCheckpoint = new Map(
    (checkpoint ? (JSON.parse(checkpoint.alerts) as StoredAlert[]) : []).map((a) => [a.id, a]),
  );

  // Undo what was scored after the checkpoint: its journeys go, the alerts they raised or grew
  // go back to what they were at the checkpoint; one raised after it is marked withdrawn
  // until the replay raises it again.
  const reset = await store.transaction(async (tx) => {
    await tx.detection.dropCheckpointsAfter(segmentStart);
    const { alertIds: ids, deleted } = await tx.journeys.deleteFromSegment(segmentStart);
    for (const id of ids) {
      const base = openAtCheckpoint.get(id);
      if (base) await tx.alerts.save(base, now);
      else
        await withdraw(
          tx,
          id,
          now,
          compatible
            ? `no longer raised after a replay from ${checkpoint ? iso(checkpoint.at) : 'the first event'}: events that arrived late changed what these journeys are compared with`
            : 'no longer raised after a replay from the first event with other detection settings (learning days, budget, journey gap or the organization’s accounts)',
        );
    }
    return { ids: new Set(ids), journeys: deleted };
  });

  // Feedback given since the checkpoint was taken, applied again: verdicts on alerts whose
  // journeys precede it now, the others as the replay raises them (as `feedback` would have).
  const verdicts = new Map<string, string>();
  for (const a of await repos.alerts.list())
    if (a.status === 'benign' || a.status === 'malicious') verdicts.set(a.id, a.status);
  for (const [id, verdict] of verdicts) {
    if (engine.statuses.get(id) === verdict) continue;
    if (verdict === 'malicious') engine.markMalicious(id);
    else {
      const stored = await repos.alerts.get(id);
      engine.markBenign(id, await alertJourneys(repos, stored?.journeyIds ?? []));
    }
  }

  let segment = segmentStart;
  let pendingRows: JourneyRow[] = [];
  let journeysScored = 0;
  let drafts: AlertDraft[] = [];
  let eventsScanned = 0;
  const closed: Journey[] = [];
  const handle = () => {
    for (const j of closed) {
      const { record, alert } = engine.process(j);
      pendingRows.push(journeyRow(record, segment));
      journeysScored++;
      if (alert) drafts.push(alert);
      const verdict = record.alertId === null ? undefined : verdicts.get(record.alertId);
      if (verdict === 'benign') engine.markBenign(record.alertId as string, [j]);
      else if (verdict === 'malicious') engine.markMalicious(record.alertId as string);
    }
    closed.length = 0;
  };

  // Alerts are built as drafts come (not at the end) so a checkpoint can hold the open ones.
  const built = new Map<string, StoredAlert>();
  const dirty = new Set<string>();
  let alertsRaised = 0;
  let alertsUpdated = 0;
  const previousOf = async (id: string): Promise<StoredAlert | null> => {
    const mine = built.get(id);
    if (mine) return mine;
    const stored = (await repos.alerts.get(id)) as WithdrawnAlert | null;
    if (!stored) return null;
    if (stored.withdrawn) {
      // Raised again: built afresh, keeping the analyst's status and note.
      return null;
    }
    return stored;
  };
  const buildDrafts = async () => {
    for (const draft of drafts) {
      const first = !built.has(draft.id);
      const previous = await previousOf(draft.id);
      if (first) {
        if (previous || reset.ids.has(draft.id) || (await repos.alerts.get(draft.id))) alertsUpdated++;
        else alertsRaised++;
      }
      const events = await repos.events.byIds(draft.journeys.flatMap((j) => j.eventIds));
      const via = previous?.assumedBy ?? (await assumedBy(store, draft.session, draft.start));
      built.set(draft.id, buildAlert(draft, events, previous, via));
      dirty.add(draft.id);
    }
    drafts = [];
  };
  const flushWrites = async (tx: Repositories) => {
    await tx.journeys.upsert(pendingRows);
    for (const id of dirty) await tx.alerts.save(built.get(id) as StoredAlert, now);
  };
  const engineState = (): SavedState => ({
    engine,
    resumeFrom: builder.openFrom(),
    closedUntil: builder.closedUntil,
    gapMs,
    builder: builder.position,
    options: engineOptions,
    segment,
  });

  // A checkpoint at each UTC day start the scan crosses (daily near the newest event, weekly
  // before), and one on the hour 2 h before the newest event (a file later by less than that,
  // as CloudTrail's usually are, replays only those hours). Each is taken before the first
  // event at or after it, with everything scored so far.
  const newestTime = bounds.maxTime ?? 0;
  const tailAt = Math.floor((newestTime - TAIL_CHECKPOINT_MS) / HOUR) * HOUR;
  let tailTaken = tailAt % DAY === 0 || (checkpoint !== null && tailAt <= checkpoint.at);
  let lastBoundary = checkpoint ? dayStart(checkpoint.at) : Number.NEGATIVE_INFINITY;
  let nextMark = Number.NEGATIVE_INFINITY;
  const setNextMark = () => {
    nextMark = Math.min(lastBoundary + DAY, tailTaken ? Number.POSITIVE_INFINITY : tailAt);
  };
  setNextMark();
  const checkpoints = { written: 0, chars: 0, ms: 0 };
  const takeCheckpoint = async (at: number) => {
    const t0 = performance.now();
    await buildDrafts();
    const open: StoredAlert[] = [];
    for (const a of engine.openAlerts.values()) {
      if (a.end < at - OPEN_ALERT_MS) continue;
      const body = await previousOf(a.id);
      if (body) open.push(body);
    }
    open.sort((x, y) => (x.id < y.id ? -1 : 1));
    const text = serializeState(engineState());
    await store.transaction(async (tx) => {
      await flushWrites(tx);
      await tx.detection.saveCheckpoint({ at, state: text, alerts: JSON.stringify(open) }, now);
    });
    pendingRows = [];
    dirty.clear();
    segment = at;
    checkpoints.written++;
    checkpoints.chars += text.length;
    checkpoints.ms += performance.now() - t0;
  };
  // Marks due before this event, in time order (segments must only grow).
  const mark = async (time: number) => {
    const day = dayStart(time);
    const tailDue = !tailTaken && time >= tailAt;
    if (tailDue && tailAt <= day) await takeTail();
    if (day > lastBoundary) {
      const first = lastBoundary === Number.NEGATIVE_INFINITY;
      lastBoundary = day;
      if (!first && (day >= newestTime - DAILY_CHECKPOINTS_MS || Math.floor(day / DAY) % 7 === 0))
        await takeCheckpoint(day);
    }
    if (tailDue && !tailTaken) await takeTail();
    setNextMark();
  };
  const takeTail = async () => {
    tailTaken = true;
    if (tailAt > segment) await takeCheckpoint(tailAt);
  };

  const step = (row: EventRow) => {
    eventsScanned++;
    builder.push(row, closed);
    if (closed.length > 0) handle();
    if (options.onProgress && eventsScanned % 50_000 === 0)
      options.onProgress({ events: eventsScanned, journeys: journeysScored });
  };
  const visit = async (row: EventRow) => {
    if (row.time >= nextMark) await mark(row.time);
    step(row);
    if (drafts.length > 0) await buildDrafts();
    if (pendingRows.length >= JOURNEY_BATCH) {
      const rows = pendingRows;
      await store.transaction((tx) => tx.journeys.upsert(rows));
      pendingRows = [];
    }
  };
  // Rescan from the earliest event of a journey open at the checkpoint: the builder skips
  // what it closed before (closedUntil) and rebuilds the rest.
  const rescanFrom = checkpoint ? (state.resumeFrom ?? checkpoint.at) : null;
  const scan = rescanFrom === null ? {} : { since: rescanFrom };
  const rows = repos.events.scanRowsSync(scan);
  if (rows) {
    // SQLite: a plain loop; the async generator's promise per row cost ~25% of the scan.
    for (const row of rows) {
      if (row.time >= nextMark || drafts.length > 0 || pendingRows.length >= JOURNEY_BATCH) await visit(row);
      else step(row);
    }
  } else for await (const row of repos.events.scanRows(scan)) await visit(row);
  if (drafts.length > 0) await buildDrafts();

  // End of what is stored: close what no late event can extend by the data's own time, then
  // what has been idle that long by the clock (a trail that has ended is scored whole).
  builder.sweep(closed);
  builder.closeIdle(idleBefore, closed);
  if (options.flush) builder.flush(closed);
  handle();
  await buildDrafts();

  let alertsWithdrawn = 0;
  for (const id of reset.ids) if (!openAtCheckpoint.has(id) && !built.has(id)) alertsWithdrawn++;

  const newestEvent = builder.position?.newest ?? null;
  const openJourneys = builder.openCount;
  await store.transaction(async (tx) => {
    await flushWrites(tx);
    await tx.detection.save(
      serializeState({
        ...engineState(),
        lastEventId: bounds.maxId,
        openJourneys,
        openLastMin: builder.openLastMin(),
        newestEvent,
      }),
      now,
    );
    if (rescore) await tx.detection.clearRescoreMark(rescore);
    await tx.detection.pruneCheckpoints(DAILY_CHECKPOINTS_MS, DAY);
  });

  const until = engine.learningUntil;
  return {
    eventsScanned,
    journeysScored,
    journeysReplayed: reset.journeys,
    replayedFrom: reset.journeys > 0 || checkpoint ? (checkpoint ? iso(checkpoint.at) : 'start') : null,
    alertsRaised,
    alertsUpdated,
    alertsWithdrawn,
    openJourneys,
    checkpoints,
    learningUntil: until === null ? null : iso(until),
    history: {
      firstEvent: engine.firstEvent,
      newestEvent,
      learningDays: engineOptions.learningDays,
      trailEnded: openJourneys === 0 && newestEvent !== null && newestEvent < idleBefore,
    },
    elapsedMs: performance.now() - started,
  };
}

/** Marks an alert withdrawn (kept: an analyst or an output may have seen it). */
async function withdraw(tx: Repositories, id: string, now: number, reason: string): Promise<void> {
  const stored = (await tx.alerts.get(id)) as WithdrawnAlert | null;
  if (!stored || stored.withdrawn) return;
  stored.withdrawn = { at: iso(now), reason };
  stored.summary = `Withdrawn ${iso(now).slice(0, 16).replace('T', ' ')} UTC: ${stored.withdrawn.reason}. ${stored.summary}`;
  await tx.alerts.save(stored, now);
}

/** What the last `detect` saw, or null before the first (for messages outside `detect`). */
export async function readHistory(store: Store): Promise<HistorySummary | null> {
  const saved = await readState(new Repositories(store), {});
  if (!saved?.options) return null;
  return {
    firstEvent: saved.engine.firstEvent,
    newestEvent: saved.newestEvent ?? null,
    learningDays: saved.options.learningDays,
    trailEnded: (saved.openJourneys ?? 0) === 0,
  };
}

/** The state at the end of the last run, or null before the first. */
async function readState(repos: Repositories, options: EngineOptions): Promise<SavedState | null> {
  const text = await repos.detection.read();
  return text === null ? null : parseState(text, options);
}

/** The state at the end of the last run, or a fresh engine's before the first. */
export async function loadState(store: Store, options: EngineOptions): Promise<SavedState> {
  return (await readState(new Repositories(store), options)) ?? emptyState(options);
}
