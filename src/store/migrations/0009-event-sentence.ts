import type { Kysely } from 'kysely';

// The catalog's sentence of each event, written when its row is built (and again when a later
// credential re-attributes it), so an event search never re-reads and re-parses stored files.
// Rows stored before this migration hold null: their sentence is built from the record when shown.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('events').addColumn('sentence', 'text').execute();
}
