import type { Kysely } from 'kysely';

// What `trailhound notify` delivered where; the primary key makes a second send a no-op.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('output_sends')
    .addColumn('output', 'text', (c) => c.notNull())
    .addColumn('alert_id', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('output_sends_pk', ['output', 'alert_id'])
    .execute();
}
