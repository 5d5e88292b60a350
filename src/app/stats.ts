/** What the store holds and how much disk it takes (`stats`, `prune`). */
import { Repositories, type Store } from '../store/index.ts';
import { type StoreStats, storeStats } from '../store/stats.ts';

export type { StoreStats };

export async function statsOf(store: Store): Promise<StoreStats & { sizeBytes: number }> {
  return { ...(await storeStats(store)), sizeBytes: await storeSize(store) };
}

/** Bytes the store takes: SQLite's pages plus its write-ahead log; PostgreSQL's database size. */
export function storeSize(store: Store): Promise<number> {
  return new Repositories(store).health.sizeBytes();
}
