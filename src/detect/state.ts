/**
 * The detector's state between runs, as text. The whole engine (model counts, score histories,
 * threshold tail, held-back journeys) is serialized as JSON with the journey builder's
 * position. Two places in the store hold it (store/detection-state.ts):
 * - `detect_state` (one row): the state at the end of the last run, with how far into the
 *   events table (`events.id`) that run read; feedback updates its engine.
 * - `detect_checkpoints`: the state at UTC day starts, taken mid-scan before the first event
 *   of the day. A checkpoint depends only on the events before its day, so when events arrive
 *   older than what was scored, `detect` restores the last checkpoint before them and replays.
 * Every row is written in the same transaction as the journeys and alerts it accounts for, so
 * a crash leaves the previous consistent state and the rerun redoes the work.
 */
import type { BuilderPosition, ClosedMark } from '../journeys/builder.ts';
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
  options?: { learningDays: number; alertsPerWeek: number; organizationAccounts?: readonly string[] } | undefined;
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

/** The state before the first run: a fresh engine, nothing scanned. */
export function emptyState(options: EngineOptions): SavedState {
  return { engine: new DetectionEngine(options), resumeFrom: null, closedUntil: new Map(), gapMs: null };
}

export function serializeState(s: SavedState): string {
  return JSON.stringify({ ...s, engine: s.engine.toJSON(), closedUntil: [...s.closedUntil] });
}
