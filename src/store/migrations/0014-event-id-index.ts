import { type Kysely, sql } from 'kysely';
import type { Dialect } from './index.ts';

// SQLite only: eventID uniqueness moves from the column's UNIQUE constraint (an index SQLite
// names itself and will not drop) to the named unique index `events_event_id`, so that a first
// load can build it at its end like the time and actor indexes (bulk-load.ts). Every eventID is
// a random key: each batch of 20,000 rows dirtied about every leaf of that index, and the commit
// rewrote it whole, so a first load of 1.5M events slowed from 40k to 21k events/s as the store
// grew; built at the end, it stayed at ~48k (59.6 s -> 37.4 s). The table is rebuilt once
// (rows, ids and the id sequence kept), in one transaction.
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  if (dialect !== 'sqlite') return;
  const table = await sql<{
    sql: string;
  }>`SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'events'`.execute(db);
  const create = table.rows[0]?.sql;
  const column = '"event_id" text not null unique';
  if (create === undefined || !create.includes(column))
    throw new Error(`events is not as the migrations left it (no ${column}): ${create ?? 'no table'}`);
  await sql`BEGIN IMMEDIATE`.execute(db);
  try {
    const indexes = await sql<{ sql: string }>`
      SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events' AND sql IS NOT NULL`.execute(db);
    const sequence = await sql<{ seq: number }>`SELECT seq FROM sqlite_sequence WHERE name = 'events'`.execute(db);
    await sql
      .raw(
        create
          .replace('CREATE TABLE "events"', 'CREATE TABLE "events_rebuilt"')
          .replace(column, '"event_id" text not null'),
      )
      .execute(db);
    await sql`INSERT INTO events_rebuilt SELECT * FROM events`.execute(db);
    await sql`DROP TABLE events`.execute(db);
    await sql`ALTER TABLE events_rebuilt RENAME TO events`.execute(db);
    for (const index of indexes.rows) await sql.raw(index.sql).execute(db);
    await sql`CREATE UNIQUE INDEX "events_event_id" on "events" ("event_id")`.execute(db);
    // Row ids are never reused, also after retention deleted the newest (detection reads "new" by id).
    const seq = sequence.rows[0]?.seq;
    if (seq !== undefined)
      await sql`UPDATE sqlite_sequence SET seq = max(seq, ${seq}) WHERE name = 'events'`.execute(db);
    await sql`COMMIT`.execute(db);
  } catch (error) {
    await sql`ROLLBACK`.execute(db);
    throw error;
  }
}
