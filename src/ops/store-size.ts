/** How much disk the store takes, for `stats` and `prune`. */
import { sql } from 'kysely';
import type { Store } from '../store/index.ts';

/** Bytes the store takes: SQLite's pages plus its write-ahead log; PostgreSQL's database size. */
export async function storeSizeBytes(store: Store): Promise<number> {
  if (store.dialect === 'postgres') {
    const r = await sql<{ size: number }>`select pg_database_size(current_database()) as size`.execute(store.db);
    return Number(r.rows[0]?.size ?? 0);
  }
  const sqlite = store.sqlite;
  if (sqlite === null) return 0;
  const pages = Number(sqlite.pragma('page_count', { simple: true }));
  const pageSize = Number(sqlite.pragma('page_size', { simple: true }));
  let wal = 0;
  if (store.location !== ':memory:') {
    const { statSync } = await import('node:fs');
    try {
      wal = statSync(`${store.location}-wal`).size;
    } catch {
      wal = 0;
    }
  }
  return pages * pageSize + wal;
}
