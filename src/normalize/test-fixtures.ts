/**
 * Loads the normalize fixtures (real records copied from Stratus Red Team and Panther,
 * plus hand-written ones) for tests. Test support only; product code never imports it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures');

type RecordMap = Record<string, Record<string, unknown>>;

function load(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(FIXTURES, 'normalize', file), 'utf8')) as Record<string, unknown>;
}

/** Real records by name (`iam-user-create-admin`, `sso-role-bedrock-nanosecond-time-1`...), unchanged. */
export function realRecords(): RecordMap {
  const out: RecordMap = {};
  for (const [name, entry] of Object.entries(load('real-records.json'))) {
    out[name] = (entry as { record: Record<string, unknown> }).record;
  }
  return out;
}

/** Hand-written records by name (`sso-alice-monday`, `identity-center-user-1`...). */
export function handWritten(): RecordMap {
  const out: RecordMap = {};
  for (const [name, record] of Object.entries(load('hand-written.json'))) {
    if (!name.startsWith('_')) out[name] = record as Record<string, unknown>;
  }
  return out;
}

/** A named fixture record, failing loudly when the name is wrong (a typo must not pass a test). */
export function pick(map: RecordMap, name: string): Record<string, unknown> {
  const record = map[name];
  if (record === undefined) throw new Error(`no fixture record named ${name}`);
  return structuredClone(record);
}
