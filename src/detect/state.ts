/**
 * Persistence of the detector between runs. The whole engine (model counts, score histories,
 * threshold tail, held-back journeys) is serialized as JSON with the journey builder's
 * position. Two places hold it:
 * - `detect_state` (one row): the state at the end of the last run, with how far into the
 *   events table (`events.id`) that run read; feedback updates its engine.
 * - `detect_checkpoints`: the state at UTC day starts, taken mid-scan before the first event
 *   of the day. A checkpoint depends only on the events before its day, so when events arrive
 *   older than what was scored, `detect` restores the last checkpoint before them and replays.
 * Every row is written in the same transaction as the journeys and alerts it accounts for, so
 * a crash leaves the previous consistent state and the rerun redoes the work.
 */
import type { BuilderPosition, ClosedMark } from '../journeys/builder.ts';
import type { Store } from '../store/index.ts';
import { DetectionEngine, type EngineOptions } from './engine.ts';

export interface SavedState {
  engine: DetectionEngine;
  /** Rescan events from here (epoch ms) to rebuild the journeys open at this point; null: none. */
  resumeFrom: number | null;
  /** Journey key -> end of the last closed journey (see JourneyBuilder.closedUntil). */
  closedUntil: Map<string, ClosedMark>;
  gapMs: number | null;
  /** Where the journey builder stood (newest event, last sweep); null in states before 0005. */
  builder?: BuilderPosition | null | undefined;
  /** The options the engine ran with: a change replays history from the start. */
  options?: { learningDays: number; alertsPerWeek: number } | undefined;
  /** `detect_state` only: the largest `events.id` the run read (later ids are new). */
  lastEventId?: number | undefined;
  /** The checkpoint (epoch ms, 0 before the first) the state's latest journeys were scored after. */
  segment?: number | undefined;
  /** `detect_state` only: journeys left open, and the earliest last event among them. */
  openJourneys?: number | undefined;
  openLastMin?: number | null | undefined;
  /** `detect_state` only: the newest event time seen. */
  newestEvent?: number | null | undefined;
}

export function parseState(text: string, options: EngineOptions): SavedState {
  const o = JSON.parse(text) as Omit<SavedState, 'engine' | 'closedUntil'> & {
    engine: unknown;
    closedUntil: Array<[string, ClosedMark]>;
  };
  return {
    ...o,
    engine: DetectionEngine.fromJSON(o.engine, options),
    closedUntil: new Map(o.closedUntil),
    gapMs: o.gapMs ?? null,
  };
}

/** The state at the end of the last run, or null before the first. */
export async function readState(store: Store, options: EngineOptions): Promise<SavedState | null> {
  const row = await store.db.selectFrom('detect_state').select('state').where('id', '=', 1).executeTakeFirst();
  return row ? parseState(row.state, options) : null;
}

export async function loadState(store: Store, options: EngineOptions): Promise<SavedState> {
  return (
    (await readState(store, options)) ?? {
      engine: new DetectionEngine(options),
      resumeFrom: null,
      closedUntil: new Map(),
      gapMs: null,
    }
  );
}

export function serializeState(s: SavedState): string {
  return JSON.stringify({ ...s, engine: s.engine.toJSON(), closedUntil: [...s.closedUntil] });
}

export async function saveState(store: Store, s: SavedState, now = Date.now()): Promise<void> {
  const state = serializeState(s);
  await store.db
    .insertInto('detect_state')
    .values({ id: 1, state, updated_at: now })
    .onConflict((oc) => oc.column('id').doUpdateSet({ state, updated_at: now }))
    .execute();
}

/** One checkpoint: the state before the first event at or after `at`, and the alerts open then. */
export interface Checkpoint {
  at: number;
  state: string;
  /** JSON array of stored alerts (bodies) a journey scored after `at` could still grow. */
  alerts: string;
}

/** The latest checkpoint at or before `time`, or null. */
export async function checkpointBefore(store: Store, time: number): Promise<Checkpoint | null> {
  const row = await store.db
    .selectFrom('detect_checkpoints')
    .select(['at', 'state', 'alerts'])
    .where('at', '<=', time)
    .orderBy('at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? { at: Number(row.at), state: row.state, alerts: row.alerts } : null;
}

export async function saveCheckpoint(store: Store, c: Checkpoint, now = Date.now()): Promise<void> {
  await store.db
    .insertInto('detect_checkpoints')
    .values({ at: c.at, state: c.state, alerts: c.alerts, created_at: now })
    .onConflict((oc) => oc.column('at').doUpdateSet({ state: c.state, alerts: c.alerts, created_at: now }))
    .execute();
}

/** Drops the checkpoints after `at` (a replay from `at` writes them again). */
export async function dropCheckpointsAfter(store: Store, at: number): Promise<void> {
  await store.db.deleteFrom('detect_checkpoints').where('at', '>', at).execute();
}

/**
 * Bounded history: every day's checkpoint within `dailyMs` of the newest one, one a week
 * (days since the epoch divisible by 7) before that, and of the checkpoints between day
 * starts (the tail one each run takes) only the newest. Events later than that cost a longer
 * replay, never a wrong one.
 */
export async function pruneCheckpoints(store: Store, dailyMs: number, dayMs: number): Promise<void> {
  const ats = (await store.db.selectFrom('detect_checkpoints').select('at').execute()).map((r) => Number(r.at));
  if (ats.length === 0) return;
  const newest = Math.max(...ats);
  const newestTail = Math.max(...ats.filter((at) => at % dayMs !== 0), Number.NEGATIVE_INFINITY);
  const drop = ats.filter((at) =>
    at % dayMs !== 0 ? at !== newestTail : at < newest - dailyMs && Math.floor(at / dayMs) % 7 !== 0,
  );
  for (let i = 0; i < drop.length; i += 500)
    await store.db
      .deleteFrom('detect_checkpoints')
      .where('at', 'in', drop.slice(i, i + 500))
      .execute();
}
