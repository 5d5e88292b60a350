/**
 * Detection as jobs, partitioned by identity, in day epochs. Identities are hashed (by the
 * person behind them once the credential chain is traced) into P partitions. For each UTC day
 * D in turn:
 * - P partition jobs: partition p restores its engine and journey builder, takes the
 *   organization's tail of scores from snapshot D-1 (every partition's, through day D-1),
 *   scores its identities' journeys that close on day D, refitting the threshold every 6 h
 *   of data on that tail and its own scores of the day as single-process detection does
 *   (so one partition decides exactly as `detect`), and saves its state, its journeys,
 *   its alert candidates and its scores, in one transaction that holds the partition's row
 *   lock: one worker at a time per partition, and a retried job finds its day done.
 * - The last partition done enqueues one finalize job: it applies the weekly budget and the
 *   learning-period caps organization-wide (candidates in time order), writes the alerts
 *   (their ids are unique on identity and first event), builds snapshot D and starts day D+1.
 * Every decision is a function of the events, the partition's state and the snapshot, never
 * of which worker ran what when: one worker and three give the same alerts.
 */
import type PgBoss from 'pg-boss';
import { buildAlert, type StoredAlert } from '../alerts/build.ts';
import {
  type AlertDraft,
  budgetThreshold,
  DAY,
  DetectionEngine,
  type JourneyRecord,
  LEARNING_ALERTS_PER_DAY,
  LEARNING_ALERTS_PER_WEEK,
  pastWeeklyCap,
  RECENT_CAPACITY,
  WEEK,
  WEEKLY_CAP_FACTOR,
} from '../detect/engine.ts';
import { parseState, type SavedState, serializeState } from '../detect/state.ts';
import { retraceStored } from '../ingest/chains.ts';
import { type Journey, JourneyBuilder } from '../journeys/builder.ts';
import { TimedScores } from '../model/calibration.ts';
import {
  clearOrgParts,
  emptyOrgParts,
  extendOrgHistory,
  installOrgHistory,
  installOrgParts,
  mergeOrgParts,
  type OrgBaseline,
  type OrgParts,
  orgDeltaSince,
  PreparedOrgParts,
} from '../model/org-parts.ts';
import { AlertsRepository } from '../store/alerts.ts';
import { CredentialsRepository } from '../store/credentials.ts';
import { eventsById } from '../store/events.ts';
import { FilesRepository } from '../store/files.ts';
import type { Store } from '../store/index.ts';
import { type JourneyRow, JourneysRepository, journeyRow } from '../store/journeys.ts';
import { SuppressionsRepository } from '../store/suppressions.ts';
import { type WorkerDetectConfig, WorkerDetectRepository } from '../store/workers.ts';
import { type DetectSettings, jobId, type PlanJob, pendingJobs, QUEUES, queueDb } from './queue.ts';

/** Credentials issued this long before the next day to score can still be in use on it (STS allows 36 h). */
const RETRACE_BEFORE_MS = 2 * DAY;
/**
 * A plan waiting for ingest jobs looks again after this many seconds: while the last ingest job
 * runs, every other worker has nothing to do but wait for the plan.
 */
const PLAN_RETRY_SECONDS = 0.05;

export interface PartitionJob {
  day: number;
  partition: number;
}
/** Where a partition job's time went, ms (summed by the worker for the benchmark). */
export interface PartitionTimings {
  /** Locks, settings, snapshot, and the partition's state parsed. */
  load: number;
  /** Reading the partition's events from PostgreSQL. */
  read: number;
  /** Journeys built and scored (the engine). */
  score: number;
  /** Alert bodies built, journeys, candidates and state written. */
  write: number;
}

export interface FinalizeJob {
  day: number;
}

/** What a partition found for the organization-wide decision. */
export interface Candidate {
  alert: StoredAlert;
  /** Raised (not only grown) by this day's journeys. */
  raised: boolean;
  critical: boolean;
  /** Raised this many times past its threshold that the weekly cap does not hold it (`pastWeeklyCap`). */
  pastCap: boolean;
  learningPeriod: boolean;
  /** Epoch ms of the first journey that raised or grew it today: the budget's order. */
  first: number;
}

/**
 * The organization-wide snapshot after a day: the threshold tail, the budgets spent and what
 * the organization as a whole learned (src/model/org-parts.ts).
 */
interface Snapshot {
  day: number;
  /** What a threshold fitted at the next day's start would be (for the log; partitions refit on `recent`). */
  threshold: number;
  recent: ReturnType<TimedScores['toJSON']>;
  weekly: Array<[number, number]>;
  learningDaily: Array<[number, number]>;
  learningWeekly: Array<[number, number]>;
  /** Absent in a snapshot written before organization-wide parts were kept. */
  org?: OrgParts;
  /** The organization's history of raw scores (`ScoreHistory.toJSON`), absent as `org` may be. */
  history?: unknown;
}

/** What a partition hands finalize for a day. */
interface DaySummary {
  /** Its (time, score) of journeys that did not alert, in the order its engine took them. */
  scores: Array<[number, number]>;
  /** What its identities taught the organization's parts this day. */
  org: OrgParts;
  /** The raw scores its engine added to the organization's history, with their journeys' ends, in order. */
  history: Array<[number, number]>;
  /** The partition, and how many events it read: the next day's jobs are ranked by it (absent in older summaries). */
  partition?: number;
  events?: number;
}

function parseSummary(body: string): DaySummary {
  const o = JSON.parse(body) as DaySummary | Array<[number, number]>;
  // A summary written before organization-wide parts were kept held its scores alone.
  return Array.isArray(o) ? { scores: o, org: emptyOrgParts(), history: [] } : o;
}

const dayStart = (t: number) => Math.floor(t / DAY) * DAY;

/**
 * The newest snapshot a worker read, kept between its jobs: the P partitions of a day and the
 * day's finalize read the same one, and a snapshot is written once (finalize runs a day once),
 * so its day is all that needs checking. Jobs only read it.
 */
export class SnapshotCache {
  #snapshot: Snapshot | null = null;
  #org: PreparedOrgParts | null = null;

  /**
   * The newest snapshot before `day`, or null before the first finalize. `newest`: that
   * snapshot's day when the caller read it already (`openPartition`).
   */
  async snapshotBefore(
    tx: WorkerDetectRepository,
    day: number,
    newest?: number | null,
  ): Promise<Readonly<Snapshot> | null> {
    if (newest === undefined) newest = await tx.snapshotDayBefore(day);
    if (newest === null) return null;
    if (newest !== this.#snapshot?.day) {
      this.#snapshot = parseSnapshot((await tx.snapshotBefore(day))?.body);
      this.#org = null;
    }
    return this.#snapshot;
  }

  /** The newest snapshot before `day` and its organization-wide parts, or null before the first finalize. */
  async before(
    tx: WorkerDetectRepository,
    day: number,
    newest?: number | null,
  ): Promise<{ snapshot: Readonly<Snapshot>; org: PreparedOrgParts | null } | null> {
    const snapshot = await this.snapshotBefore(tx, day, newest);
    if (!snapshot) return null;
    // Prepared when a partition job first asks: finalize reads the snapshot alone.
    if (snapshot.org && this.#org === null) this.#org = new PreparedOrgParts(snapshot.org);
    return { snapshot, org: snapshot.org ? this.#org : null };
  }
}

const EMPTY_ORG = new PreparedOrgParts(emptyOrgParts());

/**
 * A day's partition jobs. `events`: each partition's events the day before, when known: workers
 * take the busiest partitions first (pg-boss fetches by priority), so a day ends on small jobs
 * and the workers reach finalize together instead of one waiting out another's large last
 * batch. Only the order changes: every decision is the partitions' own.
 */
function partitionJobs(
  config: WorkerDetectConfig,
  day: number,
  events: ReadonlyMap<number, number> = new Map(),
): PgBoss.JobInsert<PartitionJob>[] {
  return Array.from({ length: config.partitions }, (_, partition) => ({
    name: QUEUES.partition,
    id: jobId(`partition\u0000${day}\u0000${partition}`),
    data: { day, partition },
    priority: events.get(partition) ?? 0,
  }));
}

/**
 * The plan: once no ingest job is left, fixes the run's settings (first plan only) and starts
 * the first day not yet scored, or extends the last day of a run in progress.
 */
export async function runPlan(store: Store, boss: PgBoss, job: PlanJob): Promise<string> {
  if ((await pendingJobs(boss, [QUEUES.ingest])) > 0) {
    await boss.send(QUEUES.plan, job, { startAfter: PLAN_RETRY_SECONDS });
    return 'waiting for ingest';
  }
  // Ingest jobs leave orphaned blobs to this point: the sweep locks out event writers while it
  // runs, so one sweep once ingest is done costs the other workers nothing.
  await new FilesRepository(store).dropOrphanBlobs();
  const repo = new WorkerDetectRepository(store);
  // Ingest jobs ran side by side: one job's issuing call and another's calls made with the
  // credential it issued may have committed unseen by each other, so neither re-attributed
  // the calls to the person behind them (one `ingest` at a time always does). Traced again
  // here, once no ingest job is left, for every credential the days still to score can use.
  const existing = await repo.config();
  await repo.analyzeIfStale();
  await repo.ensurePartitionIndex(existing?.partitions ?? job.settings.partitions);
  const from = existing?.nextDay;
  const keys = await repo.credentialKeysSince(from === undefined ? null : from - RETRACE_BEFORE_MS);
  const reattributed = await retraceStored(store, keys, Number.MAX_SAFE_INTEGER);
  return repo.transaction(async (tx) => {
    const span = await tx.eventSpan();
    if (span.min === null || span.max === null) return 'no events';
    const lastDay = dayStart(span.max);
    let config = await tx.configForUpdate();
    if (!config) {
      config = newConfig(job.settings, span.min, lastDay);
      await tx.saveConfig(config);
      await tx.openDay(config.nextDay);
      await boss.insert(partitionJobs(config, config.nextDay), { db: queueDb(tx.jobRunner()) });
      return `planned ${days(config)} day(s) in ${config.partitions} partitions; ${reattributed} event(s) re-attributed`;
    }
    const idle = config.nextDay > config.lastDay;
    if (lastDay <= config.lastDay) return 'nothing new';
    config.lastDay = lastDay;
    await tx.saveConfig(config);
    if (idle) {
      await tx.openDay(config.nextDay);
      await boss.insert(partitionJobs(config, config.nextDay), { db: queueDb(tx.jobRunner()) });
    }
    return `extended to ${new Date(lastDay).toISOString().slice(0, 10)}`;
  });
}

function newConfig(s: DetectSettings, firstEvent: number, lastDay: number): WorkerDetectConfig {
  return {
    partitions: s.partitions,
    learningDays: s.learningDays,
    alertsPerWeek: s.alertsPerWeek,
    gapMs: s.gapMinutes * 60_000,
    ...(s.organizationAccounts?.length ? { organizationAccounts: s.organizationAccounts } : {}),
    firstEvent,
    nextDay: dayStart(firstEvent),
    lastDay,
  };
}

const days = (c: WorkerDetectConfig) => Math.round((c.lastDay - c.nextDay) / DAY) + 1;

function parseSnapshot(body: string | undefined): Snapshot | null {
  return body === undefined ? null : (JSON.parse(body) as Snapshot);
}

/** Scores one partition's journeys closing on one day. Returns what it did, for the log. */
export async function runPartition(
  store: Store,
  boss: PgBoss,
  job: PartitionJob,
  now: () => number = Date.now,
  timings?: PartitionTimings,
  snapshots: SnapshotCache = new SnapshotCache(),
): Promise<string> {
  let t0 = performance.now();
  const lap = (phase: keyof PartitionTimings) => {
    const t = performance.now();
    if (timings) timings[phase] += t - t0;
    t0 = t;
  };
  const suppressions = await new SuppressionsRepository(store).list();
  const repo = new WorkerDetectRepository(store);
  return repo.transaction(async (tx, txStore) => {
    const { saved, config, snapshotDay } = await tx.openPartition(job.partition, job.day);
    if (saved && saved.day >= job.day) return 'already done';
    if (!config) throw new Error('partition job before any plan: the worker_detect row is missing');
    const read = await snapshots.before(tx, job.day, snapshotDay);
    const snapshot = read?.snapshot;
    const engineOptions = {
      learningDays: config.learningDays,
      alertsPerWeek: config.alertsPerWeek,
      organizationAccounts: config.organizationAccounts ?? [],
    };
    const state: SavedState = saved
      ? parseState(saved.state, engineOptions)
      : { engine: new DetectionEngine(engineOptions), resumeFrom: null, closedUntil: new Map(), gapMs: config.gapMs };
    const engine = state.engine;
    // The organization's clock, budget and threshold, not this partition's: its first event, no
    // caps of its own (finalize applies them across partitions), and every partition's scores to
    // fit the threshold on. The engine refits on its own 6 h cadence, kept in its saved state.
    engine.firstEvent = config.firstEvent;
    engine.learningDays = config.learningDays;
    engine.alertsPerWeek = config.alertsPerWeek;
    engine.capsWeekly = false;
    engine.learningAlertsPerDay = Number.POSITIVE_INFINITY;
    engine.learningAlertsPerWeek = Number.POSITIVE_INFINITY;
    engine.recent = TimedScores.fromJSON(snapshot?.recent ?? [], RECENT_CAPACITY);
    engine.suppressions = suppressions;
    // What every partition's identities taught the organization through yesterday, in place of
    // what this partition's alone did (nothing before the first finalize, or in a snapshot
    // written before the parts were kept).
    // Installed when the day first scores a journey: only scoring reads them, and installing and
    // diffing them was a fixed ~5 ms a job, most of a job's time on small partition-days.
    let orgBefore: OrgBaseline | null = null;
    const installOrg = () => {
      orgBefore = installOrgParts(engine.model, read?.org ?? EMPTY_ORG);
      // One partition's own history is the organization's, sorted when one process sorts it; a
      // copy rebuilt from the snapshot would re-sort its lagging quantiles at other moments.
      if (snapshot?.history !== undefined && config.partitions > 1) installOrgHistory(engine.model, snapshot.history);
    };
    engine.model.orgHistoryLog = [];
    const builder = new JourneyBuilder({ gapMs: config.gapMs }, state.closedUntil);
    builder.restore(state.builder);

    const rows: JourneyRow[] = [];
    const scores: Array<[number, number]> = [];
    const drafts: Array<{ draft: AlertDraft; record: JourneyRecord; pastCap: boolean }> = [];
    const closed: Journey[] = [];
    let scoring = 0;
    const handle = () => {
      if (closed.length === 0) return;
      if (orgBefore === null) installOrg();
      const s0 = performance.now();
      for (const j of closed) {
        const { record, alert } = engine.process(j);
        rows.push(journeyRow(record, job.day));
        if (record.decision === 'normal' || record.decision === 'learning') scores.push([record.end, record.excess]);
        if (alert)
          drafts.push({
            draft: alert,
            record,
            pastCap: record.decision === 'alert' && pastWeeklyCap(record.excess, engine.lastThreshold ?? 0),
          });
      }
      closed.length = 0;
      scoring += performance.now() - s0;
    };
    lap('load');
    let events = 0;
    const since = state.resumeFrom ?? job.day;
    for await (const row of tx.partitionEvents(config.partitions, job.partition, since, job.day + DAY)) {
      events++;
      builder.push(row, closed);
      if (closed.length > 0) handle();
    }
    if (job.day >= config.lastDay) {
      // The newest day stored: close what no late event can extend, then what is idle by the clock.
      builder.sweep(closed);
      builder.closeIdle(now() - builder.latenessMs - config.gapMs, closed);
    }
    handle();
    if (timings) {
      timings.score += scoring;
      timings.read -= scoring;
    }
    lap('read');

    const built = new Map<string, Candidate>();
    const issuers = new CredentialsRepository(store);
    for (const { draft, record, pastCap } of drafts) {
      const mine = built.get(draft.id);
      const previous = mine?.alert ?? (await new AlertsRepository(txStore).get(draft.id));
      const cited = await eventsById(
        store,
        draft.journeys.flatMap((j) => j.eventIds),
      );
      const via = previous?.assumedBy ?? (await issuers.issuerOf(draft.session));
      const alert = buildAlert(draft, cited, previous, via);
      built.set(draft.id, {
        alert,
        raised: (mine?.raised ?? false) || record.decision === 'alert',
        critical: (mine?.critical ?? false) || draft.critical || draft.signals.length > 0,
        pastCap: (mine?.pastCap ?? false) || pastCap,
        learningPeriod: mine?.learningPeriod ?? draft.learningPeriod,
        first: mine?.first ?? record.start,
      });
    }
    // Written once: the partition's lock and day make a retried job return before this point.
    await new JourneysRepository(txStore).upsert(rows);
    await tx.saveCandidates(
      job.day,
      job.partition,
      [...built].map(([id, c]) => ({ id, body: JSON.stringify(c) })),
    );
    // Scores in the order the engine took them (finalize merges partitions by time): with one
    // partition the organization's tail is then the very sequence single-process detection builds.
    const summary: DaySummary = {
      scores,
      org: orgBefore === null ? emptyOrgParts() : orgDeltaSince(engine.model, orgBefore),
      history: engine.model.orgHistoryLog ?? [],
      partition: job.partition,
      events,
    };
    const summaryText = JSON.stringify(summary);
    // The organization's tail lives in the snapshot; P copies of it in the partitions' states
    // would only be written and thrown away.
    engine.recent = new TimedScores(RECENT_CAPACITY);
    // The organization's parts too: the next job installs them from the next snapshot.
    clearOrgParts(engine.model, config.partitions > 1);
    const next: SavedState = {
      engine,
      resumeFrom: builder.openFrom(),
      closedUntil: builder.closedUntil,
      gapMs: config.gapMs,
      builder: builder.position,
      options: engineOptions,
      segment: job.day,
    };
    const done = await tx.closePartition(job.partition, job.day, serializeState(next), summaryText);
    if (done === config.partitions) {
      const finalize: PgBoss.JobInsert<FinalizeJob> = {
        name: QUEUES.finalize,
        id: jobId(`finalize\u0000${job.day}`),
        data: { day: job.day },
      };
      await boss.insert([finalize], { db: queueDb(tx.jobRunner()) });
    }
    lap('write');
    return `${events} events, ${rows.length} journeys, ${built.size} candidates`;
  });
}

/** What the organization's alerts have spent so far, by day and week since its first event. */
export interface Budgets {
  learningDaily: Map<number, number>;
  learningWeekly: Map<number, number>;
  weekly: Map<number, number>;
}

/**
 * Whether a newly raised candidate fits the organization-wide budget, as `DetectionEngine` decides
 * for one process: learning-period alerts by their daily and weekly caps, critical ones always,
 * ordinary ones by the weekly cap unless they are far past their threshold (`pastWeeklyCap`).
 * Takes its room from `spent` when it fits.
 */
export function admit(
  c: Pick<Candidate, 'first' | 'critical' | 'pastCap' | 'learningPeriod'>,
  spent: Budgets,
  config: { firstEvent: number; alertsPerWeek: number },
): boolean {
  const since = c.first - config.firstEvent;
  const bump = (m: Map<number, number>, k: number) => m.set(k, (m.get(k) ?? 0) + 1);
  const w = Math.floor(since / WEEK);
  if (c.learningPeriod) {
    const d = Math.floor(since / DAY);
    if (
      (spent.learningDaily.get(d) ?? 0) >= LEARNING_ALERTS_PER_DAY ||
      (spent.learningWeekly.get(w) ?? 0) >= LEARNING_ALERTS_PER_WEEK
    )
      return false;
    bump(spent.learningDaily, d);
    bump(spent.learningWeekly, w);
    return true;
  }
  if (c.critical) return true;
  if ((spent.weekly.get(w) ?? 0) >= WEEKLY_CAP_FACTOR * config.alertsPerWeek && !c.pastCap) return false;
  bump(spent.weekly, w);
  return true;
}

/**
 * Finalizes a day once every partition scored it: the organization-wide budget, the alerts
 * written, snapshot `day`, and the next day's partition jobs.
 */
export async function runFinalize(
  store: Store,
  boss: PgBoss,
  job: FinalizeJob,
  now: () => number = Date.now,
  snapshots: SnapshotCache = new SnapshotCache(),
): Promise<string> {
  const repo = new WorkerDetectRepository(store);
  return repo.transaction(async (tx, txStore) => {
    const config = await tx.configForUpdate();
    if (!config) throw new Error('finalize job before any plan: the worker_detect row is missing');
    if (await tx.dayFinalized(job.day)) return 'already done';
    // Most often the snapshot this worker's partition jobs of the day already read and parsed:
    // finalize holds every other worker up, so it does not do that again.
    const previous = await snapshots.snapshotBefore(tx, job.day);
    const weekly = new Map(previous?.weekly ?? []);
    const learningDaily = new Map(previous?.learningDaily ?? []);
    const learningWeekly = new Map(previous?.learningWeekly ?? []);
    const alerts = new AlertsRepository(txStore);
    const ts = now();

    const candidates = (await tx.candidates(job.day)).map((b) => JSON.parse(b) as Candidate);
    candidates.sort((a, b) => a.first - b.first || (a.alert.id < b.alert.id ? -1 : a.alert.id > b.alert.id ? 1 : 0));
    let written = 0;
    let refused = 0;
    const spent: Budgets = { learningDaily, learningWeekly, weekly };
    for (const c of candidates) {
      const known = (await alerts.get(c.alert.id)) !== null;
      // Neither known nor raised today: its journeys merged into an alert refused on an earlier
      // day, which the partition's engine still held open. One process, which opens no refused
      // alert, would judge a critical one on its own and raise it: so does this, or it was lost.
      const accept = known || ((c.raised || c.critical) && admit(c, spent, config));
      if (accept) {
        await alerts.save(c.alert, ts);
        written++;
      } else {
        await tx.refuseAlert(c.alert.id);
        refused++;
      }
    }

    const recent = previous ? TimedScores.fromJSON(previous.recent, RECENT_CAPACITY) : new TimedScores(RECENT_CAPACITY);
    const summaries = (await tx.summaries(job.day)).map(parseSummary);
    for (const [t, s] of mergeByTime(summaries.map((x) => x.scores))) recent.push(t, s);
    // The next day's refits trim the tail to 4 weeks before their own time, which is no earlier
    // than this day's start (a journey closes within the gap and lateness after its last event).
    recent.dropBefore(job.day - 4 * WEEK);
    const snapshot: Snapshot = {
      day: job.day,
      threshold: budgetThreshold(
        TimedScores.fromJSON(recent.toJSON(), RECENT_CAPACITY),
        job.day + DAY,
        config.alertsPerWeek,
      ),
      recent: recent.toJSON(),
      weekly: [...weekly],
      learningDaily: [...learningDaily],
      learningWeekly: [...learningWeekly],
      org: mergeOrgParts(
        previous?.org ?? emptyOrgParts(),
        summaries.map((x) => x.org),
      ),
      history: extendOrgHistory(previous?.history, mergeByTime(summaries.map((x) => x.history))),
    };
    await tx.saveSnapshot(job.day, snapshot.threshold, JSON.stringify(snapshot));
    await tx.markFinalized(job.day);
    config.nextDay = job.day + DAY;
    await tx.saveConfig(config);
    if (config.nextDay <= config.lastDay) {
      await tx.openDay(config.nextDay);
      const events = new Map<number, number>();
      for (const x of summaries) if (x.partition !== undefined) events.set(x.partition, x.events ?? 0);
      await boss.insert(partitionJobs(config, config.nextDay, events), { db: queueDb(tx.jobRunner()) });
    }
    return `${written} alert(s) written, ${refused} over the budget, threshold ${snapshot.threshold.toFixed(2)}`;
  });
}

type Scored = readonly [number, number];

/**
 * The partitions' (time, score) lists, each in the order its engine took them, merged by time
 * (ties to the lower partition) without reordering any one list: one partition's list comes out
 * as it went in.
 */
export function mergeByTime(lists: ReadonlyArray<readonly Scored[]>): Array<[number, number]> {
  const heads = lists.map(() => 0);
  const out: Array<[number, number]> = [];
  for (;;) {
    let best: { list: number; pair: Scored } | null = null;
    for (const [i, list] of lists.entries()) {
      const pair = list[heads[i] as number];
      if (pair !== undefined && (best === null || pair[0] < best.pair[0])) best = { list: i, pair };
    }
    if (best === null) return out;
    out.push([best.pair[0], best.pair[1]]);
    heads[best.list] = (heads[best.list] as number) + 1;
  }
}
