/**
 * A first load into an empty SQLite store writes `events` without its eventID, time and actor
 * indexes and builds them once at the end. Each row lands at a random place in the eventID key
 * and in the middle of `events_actor_time` (one insertion point per identity), so every batch
 * dirtied about every leaf page of those indexes and its commit rewrote them whole: the cost of
 * a batch grew with the store. Built sorted from the finished table instead, a first load of
 * 1.5M synthetic events ran at a steady ~48k events/s where it slowed from 40k to 21k (59.6 s ->
 * 37.4 s; the time and actor indexes alone took 0.88x the insert CPU at 100,000 rows).
 *
 * Exactly once still holds: the load inserts every row it reads, and the eventIDs stored twice
 * (the same record in two files) are deleted, keeping the first stored, before the unique index is
 * built; the load reports them as duplicates. `events_session` stays (the ingest itself looks
 * sessions up when a credential's issuing call arrives after its events). The indexes dropped are
 * recorded in `kv` in the transaction that drops them; they are built, and the record deleted, in
 * one transaction, at the end of the load (also when it fails) or, for a load that was killed, by
 * the next `openStore`. A store is thus never left without them once opened again; a process that
 * opens the store while a first load runs builds them then (the load goes on, slower, and builds
 * nothing at its end; duplicates it inserted before are deleted then and not counted as such).
 */
import type { Store } from './index.ts';

/** The `kv` key that holds the definitions of the indexes a load deferred. */
export const DEFERRED_INDEXES_KEY = 'events.deferred_indexes';

/** The indexes a first load builds at its end; their definitions are read from the schema, so the migrations stay their one source. */
const DEFERRABLE = ['events_event_id', 'events_time', 'events_actor_time'];

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

/**
 * Builds the indexes a load deferred, if any are recorded (a finished load, or one that was
 * killed). Returns how many rows it deleted as second copies of an eventID.
 */
export function restoreEventIndexes(store: Store): number {
  const db = store.sqlite;
  if (db === null) return 0;
  const recorded = () =>
    db.prepare('SELECT value FROM kv WHERE key = ?').get(DEFERRED_INDEXES_KEY) as { value: string } | undefined;
  // Read first, outside a write transaction: every open passes here, and taking the write lock
  // would wait on any writer of the file (a running ingest) for nothing.
  if (recorded() === undefined) return 0;
  return db
    .transaction(() => {
      const row = recorded();
      if (row === undefined) return 0;
      const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?");
      let removed = 0;
      for (const index of JSON.parse(row.value) as IndexDefinition[]) {
        // Only the statements this module recorded are run: the row is data anyone with the file can edit.
        const unique = index.name === 'events_event_id';
        const prefix = `CREATE ${unique ? 'UNIQUE ' : ''}INDEX "${index.name}" on "events" (`;
        if (!DEFERRABLE.includes(index.name) || !index.sql.startsWith(prefix))
          throw new Error(`kv ${DEFERRED_INDEXES_KEY} holds an unexpected index definition: ${JSON.stringify(index)}`);
        if (exists.get(index.name) !== undefined) continue;
        if (unique) removed = buildUnique(db, index.sql);
        else db.exec(index.sql);
      }
      db.prepare('DELETE FROM kv WHERE key = ?').run(DEFERRED_INDEXES_KEY);
      return removed;
    })
    .immediate();
}

/**
 * Builds the eventID index; when an eventID is stored twice, first deletes every row whose
 * eventID an earlier row holds. Returns the rows deleted. Tried first: most loads hold no second
 * copy, and the build is one sort where looking for them first was another (1.5M rows: 1.6 s to
 * build, 3.1 s to look).
 */
function buildUnique(db: NonNullable<Store['sqlite']>, create: string): number {
  try {
    db.exec(create);
    return 0;
  } catch (error) {
    if ((error as { code?: string }).code !== 'SQLITE_CONSTRAINT_UNIQUE') throw error;
  }
  const removed = db
    .prepare('DELETE FROM events WHERE id NOT IN (SELECT min(id) FROM events GROUP BY event_id)')
    .run().changes;
  db.exec(create);
  return removed;
}
