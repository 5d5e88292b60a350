import type { Kysely } from 'kysely';
import type { Dialect } from './index.ts';

// Counters the dashboard answers from (maintained incrementally from `events` by row id, so no
// page ever scans the events table) and the log of analysts' verdicts. Times are epoch ms.
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const pg = dialect === 'postgres';

  // Events and failures per identity per UTC day (day = floor(time / 86_400_000)).
  await db.schema
    .createTable('activity_days')
    .addColumn('actor_key', 'text', (c) => c.notNull())
    .addColumn('day', 'integer', (c) => c.notNull())
    .addColumn('events', 'integer', (c) => c.notNull())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('activity_days_pk', ['actor_key', 'day'])
    .execute();
  await db.schema.createIndex('activity_days_day').on('activity_days').column('day').execute();

  // Events per identity per hour of the UTC week (0 = Monday 00:00-01:00 ... 167 = Sunday 23:00).
  await db.schema
    .createTable('activity_hours')
    .addColumn('actor_key', 'text', (c) => c.notNull())
    .addColumn('hour', 'integer', (c) => c.notNull())
    .addColumn('events', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('activity_hours_pk', ['actor_key', 'hour'])
    .execute();

  // Events per account, region and service ever seen (kind = account | region | service):
  // the store's totals and the event search's choices without a DISTINCT over events.
  await db.schema
    .createTable('activity_values')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('events', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('activity_values_pk', ['kind', 'value'])
    .execute();

  const verdicts = pg
    ? db.schema.createTable('alert_verdicts').addColumn('id', 'bigserial', (c) => c.primaryKey())
    : db.schema.createTable('alert_verdicts').addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
  await verdicts
    .addColumn('alert_id', 'text', (c) => c.notNull())
    .addColumn('actor_key', 'text', (c) => c.notNull())
    .addColumn('verdict', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    // The analyst named by the trusted header, null when none is configured.
    .addColumn('analyst', 'text')
    // Expiry (epoch ms) of the suppression added with a benign verdict, null when none.
    .addColumn('suppressed_until', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('alert_verdicts_actor')
    .on('alert_verdicts')
    .columns(['actor_key', 'created_at'])
    .execute();
  await db.schema.createIndex('alert_verdicts_alert').on('alert_verdicts').column('alert_id').execute();

  // The identity page lists an identity's alerts.
  await db.schema.createIndex('alerts_actor').on('alerts').columns(['actor_key', 'start']).execute();
}
