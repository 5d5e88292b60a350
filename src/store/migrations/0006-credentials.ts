import type { Kysely } from 'kysely';

// Credential chains: every temporary credential an STS call handed out, keyed by its access key,
// so a role session's calls can be traced to the identity that obtained it (see store/credentials.ts).
// Events gain the traced attribution and the role-session fields, and an index by session: the
// ingest looks up a session's stored events when its issuing call arrives after them.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('credentials')
    .addColumn('access_key', 'text', (c) => c.primaryKey())
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('time', 'bigint', (c) => c.notNull())
    .addColumn('expiration', 'bigint')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('issuer_key', 'text', (c) => c.notNull())
    .addColumn('issuer_session', 'text')
    .addColumn('identity', 'text', (c) => c.notNull())
    .addColumn('session_name', 'text')
    .addColumn('source_identity', 'text')
    .addColumn('origin_hops', 'text', (c) => c.notNull())
    .addColumn('origin_person', 'text')
    .addColumn('compute', 'text')
    .execute();
  await db.schema.createIndex('credentials_issuer_session').on('credentials').column('issuer_session').execute();

  await db.schema.alterTable('events').addColumn('person', 'text').execute();
  await db.schema.alterTable('events').addColumn('chain', 'text').execute();
  await db.schema.alterTable('events').addColumn('session_name', 'text').execute();
  await db.schema.alterTable('events').addColumn('compute', 'text').execute();
  await db.schema.createIndex('events_session').on('events').column('session').execute();
}
