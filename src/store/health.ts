/** The store's own health and size, for `/healthz`, `stats` and `prune`. */
import { statSync } from 'node:fs';
import { sql } from 'kysely';
import type { Store } from './index.ts';

export class StoreHealthRepository {
  readonly #store: Store;
  constructor(store: Store) {
    this.#store = store;
  }

  /** Resolves when the store answers a read of the table every page reads (so a store without the schema fails). */
  async ping(): Promise<void> {
    await sql`select 1 from events limit 1`.execute(this.#store.db);
  }

  /** Bytes the store takes: SQLite's pages plus its write-ahead log; PostgreSQL's database size. */
  async sizeBytes(): Promise<number> {
    const store = this.#store;
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
      try {
        wal = statSync(`${store.location}-wal`).size;
      } catch {
        wal = 0;
      }
    }
    return pages * pageSize + wal;
  }
}
