/**
 * Persistence of the detector between runs. Choice: the whole engine (model counts, score
 * histories, threshold tail, held-back journeys) is serialized as one JSON row, together with
 * the journey builder's resume point. Replaying every scored journey on each run would also
 * be deterministic, but costs O(all events) per run; the JSON row costs O(identities), so
 * `detect` stays incremental. It is written in the same transaction as the run's alerts (and
 * last journeys; earlier ones are written in batches during the scan), so a crash leaves the
 * previous consistent state and the rerun redoes the work, rewriting the same journey rows.
 */
import type { Store } from '../store/index.ts';
import { DetectionEngine, type EngineOptions } from './engine.ts';

export interface SavedState {
  engine: DetectionEngine;
  /** Rescan events from here (epoch ms), or from the beginning when null. */
  resumeFrom: number | null;
  /** Journey key -> end of the last closed journey (see JourneyBuilder.closedUntil). */
  closedUntil: Map<string, number>;
  gapMs: number | null;
}

export async function loadState(store: Store, options: EngineOptions): Promise<SavedState> {
  const row = await store.db.selectFrom('detect_state').select('state').where('id', '=', 1).executeTakeFirst();
  if (!row) return { engine: new DetectionEngine(options), resumeFrom: null, closedUntil: new Map(), gapMs: null };
  const o = JSON.parse(row.state) as {
    engine: unknown;
    resumeFrom: number | null;
    closedUntil: Array<[string, number]>;
    gapMs?: number;
  };
  return {
    engine: DetectionEngine.fromJSON(o.engine, options),
    resumeFrom: o.resumeFrom,
    closedUntil: new Map(o.closedUntil),
    gapMs: o.gapMs ?? null,
  };
}

export function serializeState(s: SavedState): string {
  return JSON.stringify({
    engine: s.engine.toJSON(),
    resumeFrom: s.resumeFrom,
    closedUntil: [...s.closedUntil],
    gapMs: s.gapMs,
  });
}

export async function saveState(store: Store, s: SavedState): Promise<void> {
  const state = serializeState(s);
  const now = Date.now();
  await store.db
    .insertInto('detect_state')
    .values({ id: 1, state, updated_at: now })
    .onConflict((oc) => oc.column('id').doUpdateSet({ state, updated_at: now }))
    .execute();
}
