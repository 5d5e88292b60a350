import { type Kysely, sql } from 'kysely';
import type { Dialect } from './index.ts';

// Workers on PostgreSQL (src/workers/): the keys enqueued for ingest, and partitioned detection's
// state. pg-boss keeps its own tables in the `pgboss` schema. Times and days are epoch ms.
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  if (dialect === 'postgres') {
    // The identity's partition key hashed once per event at insert (60 bits of the MD5 of the
    // person behind a traced role session, else of the identity's key): a partition job filters
    // on mod(identity_hash, P) instead of hashing every event of the day again (5.4 of 5.9 ms a
    // query on a 3,000-event day). Rewrites the table once on an existing store.
    await sql`ALTER TABLE events ADD COLUMN identity_hash bigint GENERATED ALWAYS AS (('x' || substr(md5(CASE WHEN person IS NOT NULL AND right(actor_key, length(person) + 1) = '/' || person THEN person ELSE actor_key END), 1, 15))::bit(60)::bigint) STORED`.execute(
      db,
    );
  }
  // A file or S3 key enqueued for ingest, with the fingerprint it had: not queued again unless it changes.
  await db.schema
    .createTable('worker_keys')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('enqueued_at', 'bigint', (c) => c.notNull())
    .execute();
  // The detection run's settings and progress (one row): partitions, options, first event, days.
  await db.schema
    .createTable('worker_detect')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('config', 'text', (c) => c.notNull())
    .execute();
  // Each partition's engine and journey-builder state after the last day it scored.
  await db.schema
    .createTable('worker_partitions')
    .addColumn('partition', 'integer', (c) => c.primaryKey())
    .addColumn('day', 'bigint', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .execute();
  // Per UTC day: partitions done, and whether the day's alerts and snapshot are final.
  await db.schema
    .createTable('worker_days')
    .addColumn('day', 'bigint', (c) => c.primaryKey())
    .addColumn('done', 'integer', (c) => c.notNull())
    .addColumn('finalized', 'integer', (c) => c.notNull())
    .execute();
  // What a partition scored on a day: alert candidates and the excess scores of its ordinary journeys.
  await db.schema
    .createTable('worker_candidates')
    .addColumn('day', 'bigint', (c) => c.notNull())
    .addColumn('partition', 'integer', (c) => c.notNull())
    .addColumn('alert_id', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('worker_candidates_pk', ['day', 'partition', 'alert_id'])
    .execute();
  await db.schema
    .createTable('worker_scores')
    .addColumn('day', 'bigint', (c) => c.notNull())
    .addColumn('partition', 'integer', (c) => c.notNull())
    .addColumn('scores', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('worker_scores_pk', ['day', 'partition'])
    .execute();
  // The organization-wide snapshot after a day (threshold tail, budget counts): version = day.
  await db.schema
    .createTable('worker_snapshots')
    .addColumn('day', 'bigint', (c) => c.primaryKey())
    .addColumn('threshold', 'double precision', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .execute();
}
