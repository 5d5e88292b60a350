/**
 * `detect`: scores every journey not yet scored, in time order, and raises alerts. Idempotent
 * (a second run with no new events adds nothing) and incremental (a run resumes from the
 * saved state and rescans only the events a still-open journey may hold).
 */
import { buildAlert, type StoredAlert } from '../alerts/build.ts';
import { getStoredAlert, listAlerts, saveAlert } from '../alerts/repository.ts';
import { DEFAULT_GAP_MS, type Journey, JourneyBuilder } from '../journeys/builder.ts';
import { type CredentialIssuer, CredentialsRepository } from '../store/credentials.ts';
import { type EventRow, eventsById, scanEventRows, scanEventRowsSync } from '../store/events.ts';
import type { Store } from '../store/index.ts';
import type { JourneysTable } from '../store/schema.ts';
import type { AlertDraft, JourneyRecord } from './engine.ts';
import { loadState, saveState } from './state.ts';
import { loadSuppressions } from './suppressions.ts';

export { listAlerts };

export interface DetectOptions {
  /** Days from the first event during which nothing alerts. Default 14. */
  learningDays?: number | undefined;
  /** Target alerts per week. Default 3. */
  alertsPerWeek?: number | undefined;
  /** Inactivity that ends a journey, minutes. Default 30. */
  gapMinutes?: number | undefined;
  /** Close every open journey now (end of data). Later events then start new journeys. */
  flush?: boolean | undefined;
  onProgress?: ((p: { events: number; journeys: number }) => void) | undefined;
}

export interface DetectSummary {
  eventsScanned: number;
  journeysScored: number;
  alertsRaised: number;
  alertsUpdated: number;
  /** Journeys left open for the next run (their last event is too recent to be sure they ended). */
  openJourneys: number;
  /** ISO-8601 end of the learning period, null before any event. */
  learningUntil: string | null;
  elapsedMs: number;
}

/** Journey rows written per transaction while scanning. */
const JOURNEY_BATCH = 5000;

type JourneyRow = JourneysTable;

function journeyRow(r: JourneyRecord): JourneyRow {
  return {
    id: r.id,
    actor_key: r.actorKey,
    actor_name: r.actorName,
    session: r.session,
    start: r.start,
    end: r.end,
    event_count: r.eventIds.length,
    event_ids: r.eventIds.join(' '),
    raw: r.raw,
    excess: r.excess,
    decision: r.decision,
    alert_id: r.alertId,
  };
}

const JOURNEY_COLUMNS = [
  'id',
  'actor_key',
  'actor_name',
  'session',
  'start',
  'end',
  'event_count',
  'event_ids',
  'raw',
  'excess',
  'decision',
  'alert_id',
] as const satisfies ReadonlyArray<keyof JourneyRow>;

/** Journey rows written before the run's final transaction, in one transaction of their own. */
async function writeJourneys(store: Store, rows: readonly JourneyRow[]): Promise<void> {
  await store.db.transaction().execute((trx) => insertJourneys({ ...store, db: trx }, rows));
}

/**
 * Upserts journey rows inside the caller's transaction. A journey's id is deterministic, so a
 * rerun after a crash (rows written, state not yet saved) rewrites the same rows with what it
 * decides now. SQLite: one prepared statement (the query builder cost ~10x the rows/s).
 */
async function insertJourneys(store: Store, rows: readonly JourneyRow[]): Promise<void> {
  if (rows.length === 0) return;
  if (store.sqlite) {
    const stmt = store.sqlite.prepare(
      `INSERT INTO journeys (${JOURNEY_COLUMNS.map((c) => `"${c}"`).join(', ')}) VALUES (${JOURNEY_COLUMNS.map(() => '?').join(', ')})
       ON CONFLICT (id) DO UPDATE SET ${JOURNEY_COLUMNS.slice(1)
         .map((c) => `"${c}" = excluded."${c}"`)
         .join(', ')}`,
    );
    for (const r of rows) stmt.run(JOURNEY_COLUMNS.map((c) => r[c]));
    return;
  }
  for (let i = 0; i < rows.length; i += 200)
    await store.db
      .insertInto('journeys')
      .values(rows.slice(i, i + 200))
      .onConflict((oc) =>
        oc.column('id').doUpdateSet((eb) => ({
          actor_key: eb.ref('excluded.actor_key'),
          actor_name: eb.ref('excluded.actor_name'),
          session: eb.ref('excluded.session'),
          start: eb.ref('excluded.start'),
          end: eb.ref('excluded.end'),
          event_count: eb.ref('excluded.event_count'),
          event_ids: eb.ref('excluded.event_ids'),
          raw: eb.ref('excluded.raw'),
          excess: eb.ref('excluded.excess'),
          decision: eb.ref('excluded.decision'),
          alert_id: eb.ref('excluded.alert_id'),
        })),
      )
      .execute();
}

/** The call that issued a role session's credential and the chain behind it (see store/credentials.ts). */
export async function assumedBy(
  store: Store,
  session: string | null,
  _before: number,
): Promise<CredentialIssuer | null> {
  return new CredentialsRepository(store).issuerOf(session);
}

export async function detect(store: Store, options: DetectOptions = {}): Promise<DetectSummary> {
  const started = performance.now();
  const engineOptions = { learningDays: options.learningDays ?? 14, alertsPerWeek: options.alertsPerWeek ?? 3 };
  const state = await loadState(store, engineOptions);
  const engine = state.engine;
  engine.learningDays = engineOptions.learningDays;
  engine.alertsPerWeek = engineOptions.alertsPerWeek;
  engine.suppressions = await loadSuppressions(store);
  const gapMs = options.gapMinutes !== undefined ? options.gapMinutes * 60_000 : (state.gapMs ?? DEFAULT_GAP_MS);
  const builder = new JourneyBuilder({ gapMs }, state.closedUntil);

  // Journey rows go to the store in batches as they are scored, so a run's memory does not
  // grow with its events; alerts and the state follow in one transaction at the end.
  let pendingRows: JourneyRow[] = [];
  let journeysScored = 0;
  const drafts: AlertDraft[] = [];
  let eventsScanned = 0;
  const closed: Journey[] = [];
  const handle = () => {
    for (const j of closed) {
      const { record, alert } = engine.process(j);
      pendingRows.push(journeyRow(record));
      journeysScored++;
      if (alert) drafts.push(alert);
    }
    closed.length = 0;
  };
  const step = (row: EventRow) => {
    eventsScanned++;
    builder.push(row, closed);
    if (closed.length > 0) handle();
    if (options.onProgress && eventsScanned % 50_000 === 0)
      options.onProgress({ events: eventsScanned, journeys: journeysScored });
  };
  const scan = state.resumeFrom === null ? {} : { since: state.resumeFrom };
  const rows = scanEventRowsSync(store, scan);
  if (rows) {
    // SQLite: a plain loop; the async generator's promise per row cost ~25% of the scan.
    for (const row of rows) {
      step(row);
      if (pendingRows.length >= JOURNEY_BATCH) {
        await writeJourneys(store, pendingRows);
        pendingRows = [];
      }
    }
  } else
    for await (const row of scanEventRows(store, scan)) {
      step(row);
      if (pendingRows.length >= JOURNEY_BATCH) {
        await writeJourneys(store, pendingRows);
        pendingRows = [];
      }
    }
  builder.sweep(closed);
  if (options.flush) builder.flush(closed);
  handle();

  const resumeFrom = builder.resumeFrom() ?? state.resumeFrom;
  if (resumeFrom !== null) builder.pruneClosed(resumeFrom - 1);

  // Alerts: build each draft over its full events (merging into an open alert when it grew).
  let alertsRaised = 0;
  let alertsUpdated = 0;
  const built = new Map<string, StoredAlert>();
  for (const draft of drafts) {
    const previous = built.get(draft.id) ?? (await getStoredAlert(store, draft.id));
    const events = await eventsById(
      store,
      draft.journeys.flatMap((j) => j.eventIds),
    );
    const via = previous?.assumedBy ?? (await assumedBy(store, draft.session, draft.start));
    built.set(draft.id, buildAlert(draft, events, previous, via));
    if (previous) alertsUpdated++;
    else alertsRaised++;
  }

  await store.db.transaction().execute(async (trx) => {
    const tx = { ...store, db: trx };
    await insertJourneys(tx, pendingRows);
    for (const alert of built.values()) await saveAlert(tx, alert);
    await saveState(tx, { engine, resumeFrom, closedUntil: builder.closedUntil, gapMs });
  });

  const until = engine.learningUntil;
  return {
    eventsScanned,
    journeysScored,
    alertsRaised,
    alertsUpdated: alertsUpdated,
    openJourneys: builder.openCount,
    learningUntil: until === null ? null : new Date(until).toISOString(),
    elapsedMs: performance.now() - started,
  };
}
