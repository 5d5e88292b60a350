import type { Kysely } from 'kysely';

// What a call was aimed at (catalog targets, e.g. `account:111122223333`) as a JSON array, or
// null: 1 in ~300 simulated events has one, so a nullable column costs next to nothing.
// Rows stored before this migration read as having no targets.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('events').addColumn('targets', 'text').execute();
}
