/**
 * Every schema migration, in order. A stage that persists state adds one file and one
 * line here; names sort in the order they must run.
 */
import type { Kysely, Migration } from 'kysely';
import * as ingest from './0001-ingest.ts';
import * as detect from './0002-detect.ts';
import * as outputs from './0003-outputs.ts';
import * as targets from './0004-targets.ts';
import * as history from './0005-history.ts';
import * as credentials from './0006-credentials.ts';
import * as alwaysOn from './0007-always-on.ts';
import * as triage from './0008-triage.ts';
import * as dashboardReads from './0009-dashboard-reads.ts';
import * as workers from './0011-workers.ts';
import * as postgresKeys from './0012-postgres-keys.ts';
import * as workerLz4 from './0013-worker-lz4.ts';
import * as eventIdIndex from './0014-event-id-index.ts';

export type Dialect = 'sqlite' | 'postgres';

/** A migration's `up` is told the dialect (DDL that differs, such as auto-increment keys, asks it). */
export type DialectMigration = { up(db: Kysely<unknown>, dialect: Dialect): Promise<void> };

export const migrations: Record<string, DialectMigration> = {
  '0001-ingest': ingest,
  '0002-detect': detect,
  '0003-outputs': outputs,
  '0004-targets': targets,
  '0005-history': history,
  '0006-credentials': credentials,
  '0007-always-on': alwaysOn,
  '0008-triage': triage,
  '0009-dashboard-reads': dashboardReads,
  '0011-workers': workers,
  '0012-postgres-keys': postgresKeys,
  '0013-worker-lz4': workerLz4,
  '0014-event-id-index': eventIdIndex,
};

/** The migrations for one dialect, as kysely's migrator runs them. */
export function migrationsFor(dialect: Dialect): Record<string, Migration> {
  return Object.fromEntries(Object.entries(migrations).map(([name, m]) => [name, { up: (db) => m.up(db, dialect) }]));
}
