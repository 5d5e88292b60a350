/**
 * Events whose scoring inputs changed after they were stored (an actor re-attributed when its
 * credential's issuing call arrived late) are scored again from the earliest such time. This
 * keeps the minimum in one kv row. A minimal stand-in with the signature the detector's
 * history work defines (`markRescoreFrom`); the detector reads and clears the mark there.
 */
import type { Store } from './index.ts';

export const RESCORE_KEY = 'detect.rescoreFrom';

export async function markRescoreFrom(store: Store, sinceMs: number): Promise<void> {
  const row = await store.db.selectFrom('kv').select('value').where('key', '=', RESCORE_KEY).executeTakeFirst();
  const current = row ? Number(row.value) : Number.POSITIVE_INFINITY;
  if (Number.isFinite(current) && current <= sinceMs) return;
  const value = String(sinceMs);
  await store.db
    .insertInto('kv')
    .values({ key: RESCORE_KEY, value })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
    .execute();
}

/** The earliest time marked for rescoring, or null. */
export async function rescoreFrom(store: Store): Promise<number | null> {
  const row = await store.db.selectFrom('kv').select('value').where('key', '=', RESCORE_KEY).executeTakeFirst();
  return row ? Number(row.value) : null;
}
