import { type Kysely, sql } from 'kysely';

// Each (destination, alert) delivery: claimed with a lease before sending, `sent` after, `dead`
// once retries are exhausted (the dead-letter queue `trailhound outputs retry` drains).
// Sends recorded by `output_sends` before this table existed are carried over as `sent`.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('output_deliveries')
    .addColumn('output', 'text', (c) => c.notNull())
    .addColumn('alert_id', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('owner', 'text')
    .addColumn('lease_until', 'bigint', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('last_error', 'text')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('output_deliveries_pk', ['output', 'alert_id'])
    .execute();
  await db.schema.createIndex('output_deliveries_state').on('output_deliveries').columns(['state', 'output']).execute();
  // `trailhound watch`: the last key ingested under each S3 day prefix, so it lists only what is new.
  await db.schema
    .createTable('watch_checkpoints')
    .addColumn('prefix', 'text', (c) => c.primaryKey())
    .addColumn('base', 'text', (c) => c.notNull())
    .addColumn('last_key', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('watch_checkpoints_base').on('watch_checkpoints').columns(['base', 'prefix']).execute();
  await sql`insert into output_deliveries (output, alert_id, state, owner, lease_until, attempts, last_error, updated_at)
    select output, alert_id, 'sent', null, 0, 1, null, sent_at from output_sends`.execute(db);
}
