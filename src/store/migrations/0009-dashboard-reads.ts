import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// What the dashboard reads without scanning `events`:
// - the catalog's sentence of each event, written when its row is built (and again when a later
//   credential re-attributes it), so an event search never re-reads and re-parses stored files.
//   Rows stored before this migration hold null: their sentence is built from the record when shown;
// - the identities counted so far as `activity_values` of kind `actor` (a count over the counters'
//   one row per identity, where `count(distinct actor_key)` over hours of the week read ~150 rows
//   per identity), filled here from the day counters already kept;
// - when the newest file finished (the overview's lag) from an index, not a scan of `files`.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('events').addColumn('sentence', 'text').execute();
  await sql`INSERT INTO activity_values (kind, value, events) SELECT 'actor', actor_key, sum(events) FROM activity_days GROUP BY actor_key`.execute(
    db,
  );
  await db.schema.createIndex('files_finished_at').on('files').column('finished_at').execute();
}
