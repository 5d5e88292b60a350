/**
 * Every schema migration, in order. A stage that persists state adds one file and one
 * line here; names sort in the order they must run.
 */
import type { Migration } from 'kysely';
import * as ingest from './0001-ingest.ts';
import * as detect from './0002-detect.ts';
import * as outputs from './0003-outputs.ts';
import * as targets from './0004-targets.ts';
import * as history from './0005-history.ts';
import * as credentials from './0006-credentials.ts';
import * as alwaysOn from './0007-always-on.ts';
import * as triage from './0008-triage.ts';
import * as workers from './0011-workers.ts';

export const migrations: Record<string, Migration> = {
  '0001-ingest': ingest,
  '0002-detect': detect,
  '0003-outputs': outputs,
  '0004-targets': targets,
  '0005-history': history,
  '0006-credentials': credentials,
  '0007-always-on': alwaysOn,
  '0008-triage': triage,
  '0011-workers': workers,
};
