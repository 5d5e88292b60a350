/**
 * Asks the next `detect` to rescore events from a time on, although none of them is new: a
 * later stage changed what earlier events mean (a credential's origin arrived late, so their
 * actor changed). Kept in `kv` as the earliest such time and a count of calls; `detect`
 * replays from the checkpoint before that time and clears the mark only if no call came in
 * meanwhile (a mark set during its run, even a later one, is kept for the next run).
 */
import type { Store } from './index.ts';

export const RESCORE_KEY = 'detect.rescore_from';

export interface RescoreMark {
  since: number;
  /** The stored value as read, to clear exactly this mark. */
  value: string;
}

export async function markRescoreFrom(store: Store, sinceMs: number): Promise<void> {
  if (!Number.isFinite(sinceMs)) throw new RangeError(`markRescoreFrom: ${sinceMs} is not a time`);
  const current = await readRescoreFrom(store);
  const since = Math.min(Math.floor(sinceMs), current?.since ?? Number.POSITIVE_INFINITY);
  const calls = current ? Number(current.value.split(' ')[1] ?? 0) + 1 : 1;
  const value = `${since} ${calls}`;
  await store.db
    .insertInto('kv')
    .values({ key: RESCORE_KEY, value })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
    .execute();
}

/** The earliest time marked for rescoring, or null. */
export async function readRescoreFrom(store: Store): Promise<RescoreMark | null> {
  const row = await store.db.selectFrom('kv').select('value').where('key', '=', RESCORE_KEY).executeTakeFirst();
  if (!row) return null;
  const since = Number(row.value.split(' ')[0]);
  return Number.isFinite(since) ? { since, value: row.value } : null;
}

/** Clears `mark` if it is still the stored one. */
export async function clearRescoreFrom(store: Store, mark: RescoreMark): Promise<void> {
  await store.db.deleteFrom('kv').where('key', '=', RESCORE_KEY).where('value', '=', mark.value).execute();
}
