import { type CreateTableBuilder, type Kysely, sql } from 'kysely';
import type { Dialect } from './index.ts';

// Dialect-neutral DDL: runs on SQLite and PostgreSQL. `bigint` holds epoch milliseconds.
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const pg = dialect === 'postgres';
  const id = <T extends string>(t: CreateTableBuilder<T>) =>
    pg
      ? t.addColumn('id', 'bigserial', (c) => c.primaryKey())
      : t.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());

  await id(db.schema.createTable('files'))
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('records', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('problems', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('finished_at', 'bigint')
    .execute();

  await id(db.schema.createTable('events'))
    .addColumn('event_id', 'text', (c) => c.notNull().unique())
    .addColumn('time', 'bigint', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('region', 'text', (c) => c.notNull())
    .addColumn('service', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('action_key', 'text', (c) => c.notNull())
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('read_only', 'integer')
    .addColumn('success', 'integer', (c) => c.notNull())
    .addColumn('error_code', 'text')
    .addColumn('source_ip', 'text')
    .addColumn('client_class', 'text', (c) => c.notNull())
    .addColumn('client_name', 'text')
    .addColumn('mfa', 'integer')
    .addColumn('console', 'integer', (c) => c.notNull())
    .addColumn('actor_key', 'text', (c) => c.notNull())
    .addColumn('actor_type', 'text', (c) => c.notNull())
    .addColumn('actor_name', 'text', (c) => c.notNull())
    .addColumn('actor_account', 'text')
    .addColumn('role_arn', 'text')
    .addColumn('session', 'text')
    .addColumn('facts', 'text', (c) => c.notNull())
    .addColumn('risk', 'real', (c) => c.notNull())
    .addColumn('raw', 'text')
    .addColumn('blob_id', 'bigint')
    .addColumn('raw_line', 'integer')
    .addColumn('raw_index', 'integer')
    .addColumn('file_id', 'bigint')
    .execute();

  await id(db.schema.createTable('raw_blobs'))
    .addColumn('file_id', 'bigint')
    .addColumn('data', pg ? 'bytea' : 'blob', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('kv')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('events_time').on('events').columns(['time', 'event_id']).execute();
  await db.schema.createIndex('events_actor_time').on('events').columns(['actor_key', 'time']).execute();

  await id(db.schema.createTable('quarantine'))
    .addColumn('file', 'text', (c) => c.notNull())
    .addColumn('line', 'integer')
    .addColumn('idx', 'integer')
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('excerpt', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('quarantine_file').on('quarantine').column('file').execute();

  await id(db.schema.createTable('insights'))
    .addColumn('event_id', 'text', (c) => c.notNull().unique())
    .addColumn('time', 'bigint')
    .addColumn('raw', 'text', (c) => c.notNull())
    .execute();
  void sql;
}
