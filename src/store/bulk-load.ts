/**
 * A first load into an empty SQLite store writes `events` without its time and actor indexes and
 * builds them once at the end: each row lands in the middle of `events_actor_time` (one insertion
 * point per identity), so every batch rewrote most of that index's pages, while a sorted build
 * from the finished table does not. Inserting the rows of a synthetic trail took 0.88x the CPU
 * (index build included) for 100,000 rows and 0.80x for 400,000 (the kept indexes outgrow the page
 * cache as the table grows); a whole ingest of 100 files x 1,000 events 0.96x (farm-bench).
 *
 * Only these two are deferred: the UNIQUE eventID key stays (exactly once), and so does
 * `events_session` (the ingest itself looks sessions up when a credential's issuing call arrives
 * after its events). The indexes dropped are recorded in `kv` in the transaction that drops them;
 * they are built, and the record deleted, in one transaction, at the end of the load (also when
 * it fails) or, for a load that was killed, by the next `openStore`. A store is thus never left
 * without them once opened again; a process that opens the store while a first load runs builds
 * them then (the load goes on, slower, and builds nothing at its end).
 */
import type { Store } from './index.ts';

/** The `kv` key that holds the definitions of the indexes a load deferred. */
export const DEFERRED_INDEXES_KEY = 'events.deferred_indexes';

/** The indexes a first load builds at its end; their definitions are read from the schema, so the migrations stay their one source. */
const DEFERRABLE = ['events_time', 'events_actor_time'];

interface IndexDefinition {
  name: string;
  sql: string;
}

/**
 * Drops the deferrable indexes when `events` is empty (SQLite only), recording them; returns
 * whether it did. A store that already holds events, or whose indexes another load deferred,
 * keeps them as they are.
 */
export function deferEventIndexes(store: Store): boolean {
  const db = store.sqlite;
  if (db === null) return false;
  // IMMEDIATE: the emptiness check and the drop must see no insert from another writer between them.
  return db
    .transaction(() => {
      if (db.prepare('SELECT 1 FROM events LIMIT 1').get() !== undefined) return false;
      if (db.prepare('SELECT 1 FROM kv WHERE key = ?').get(DEFERRED_INDEXES_KEY) !== undefined) return false;
      const found = db
        .prepare(
          `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events' AND sql IS NOT NULL AND name IN (${DEFERRABLE.map(() => '?').join(', ')}) ORDER BY name`,
        )
        .all(...DEFERRABLE) as IndexDefinition[];
      if (found.length === 0) return false;
      db.prepare('INSERT INTO kv (key, value) VALUES (?, ?)').run(DEFERRED_INDEXES_KEY, JSON.stringify(found));
      for (const index of found) db.exec(`DROP INDEX "${index.name}"`);
      return true;
    })
    .immediate();
}

/** Builds the indexes a load deferred, if any are recorded (a finished load, or one that was killed). */
export function restoreEventIndexes(store: Store): void {
  const db = store.sqlite;
  if (db === null) return;
  const recorded = () =>
    db.prepare('SELECT value FROM kv WHERE key = ?').get(DEFERRED_INDEXES_KEY) as { value: string } | undefined;
  // Read first, outside a write transaction: every open passes here, and taking the write lock
  // would wait on any writer of the file (a running ingest) for nothing.
  if (recorded() === undefined) return;
  db.transaction(() => {
    const row = recorded();
    if (row === undefined) return;
    const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?");
    for (const index of JSON.parse(row.value) as IndexDefinition[]) {
      // Only the statements this module recorded are run: the row is data anyone with the file can edit.
      if (!DEFERRABLE.includes(index.name) || !index.sql.startsWith(`CREATE INDEX "${index.name}" on "events" (`))
        throw new Error(`kv ${DEFERRED_INDEXES_KEY} holds an unexpected index definition: ${JSON.stringify(index)}`);
      if (exists.get(index.name) === undefined) db.exec(index.sql);
    }
    db.prepare('DELETE FROM kv WHERE key = ?').run(DEFERRED_INDEXES_KEY);
  }).immediate();
}
