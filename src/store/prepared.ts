/**
 * Runs a query built with kysely: on SQLite through a prepared statement kept per SQL text
 * (kysely's SQLite driver prepares every query anew, a measurable share of a small read on a
 * busy server) or, given readers, on a reader thread; on PostgreSQL as usual.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { Store } from './index.ts';
import type { SqliteReaders } from './readers.ts';

interface Compilable<T> {
  compile(): { sql: string; parameters: readonly unknown[] };
  execute(): Promise<T[]>;
}

const CAPACITY = 256;
const caches = new WeakMap<BetterSqlite3.Database, Map<string, BetterSqlite3.Statement>>();

export async function runPrepared<T>(store: Store, query: Compilable<T>, readers?: SqliteReaders | null): Promise<T[]> {
  const sqlite = store.sqlite;
  if (sqlite === null) return query.execute();
  const compiled = query.compile();
  if (readers) return readers.all<T>(compiled.sql, compiled.parameters);
  let cache = caches.get(sqlite);
  if (cache === undefined) {
    cache = new Map();
    caches.set(sqlite, cache);
  }
  let stmt = cache.get(compiled.sql);
  if (stmt === undefined) {
    stmt = sqlite.prepare(compiled.sql);
    if (cache.size >= CAPACITY) cache.clear();
    cache.set(compiled.sql, stmt);
  }
  return stmt.all(...compiled.parameters) as T[];
}
