import type { Kysely } from 'kysely';
import type { Dialect } from './index.ts';

// The detector's tables (dialect-neutral DDL: SQLite and PostgreSQL). Times are epoch ms.
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const pg = dialect === 'postgres';

  // The detector's resumable state: one row, the serialized model and engine (JSON).
  await db.schema
    .createTable('detect_state')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('journeys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('actor_key', 'text', (c) => c.notNull())
    .addColumn('actor_name', 'text', (c) => c.notNull())
    .addColumn('session', 'text')
    .addColumn('start', 'bigint', (c) => c.notNull())
    .addColumn('end', 'bigint', (c) => c.notNull())
    .addColumn('event_count', 'integer', (c) => c.notNull())
    .addColumn('event_ids', 'text', (c) => c.notNull())
    .addColumn('raw', 'real', (c) => c.notNull())
    .addColumn('excess', 'real', (c) => c.notNull())
    .addColumn('decision', 'text', (c) => c.notNull())
    .addColumn('alert_id', 'text')
    .execute();
  await db.schema.createIndex('journeys_actor_start').on('journeys').columns(['actor_key', 'start']).execute();
  await db.schema.createIndex('journeys_alert').on('journeys').column('alert_id').execute();

  await db.schema
    .createTable('alerts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('actor_key', 'text', (c) => c.notNull())
    .addColumn('start', 'bigint', (c) => c.notNull())
    .addColumn('end', 'bigint', (c) => c.notNull())
    .addColumn('score', 'integer', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('alerts_start').on('alerts').column('start').execute();

  const id = pg
    ? db.schema.createTable('suppressions').addColumn('id', 'bigserial', (c) => c.primaryKey())
    : db.schema.createTable('suppressions').addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
  await id
    .addColumn('actor_key', 'text', (c) => c.notNull())
    .addColumn('tokens', 'text', (c) => c.notNull())
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('expires', 'bigint', (c) => c.notNull())
    .addColumn('alert_id', 'text')
    .addColumn('note', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
}
