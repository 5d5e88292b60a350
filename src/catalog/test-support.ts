/**
 * Test helpers for the catalog: real records from the repo's fixtures run through the real
 * `normalizeRecord`, and hand-built records for one behaviour at a time. Used by tests only.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Event } from '../normalize/event.ts';
import { normalizeRecord } from '../normalize/index.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const FIXTURES = join(ROOT, 'fixtures');

export interface LabelledRecord {
  label: string;
  record: Record<string, unknown>;
}

/** Every Stratus Red Team detonation record, labelled with its technique id. */
export function stratusRecords(): LabelledRecord[] {
  const dir = join(FIXTURES, 'stratus-red-team');
  const out: LabelledRecord[] = [];
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const parsed: unknown = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    const records = Array.isArray(parsed) ? parsed : [parsed];
    for (const record of records)
      out.push({ label: file.replace(/\.json$/, ''), record: record as Record<string, unknown> });
  }
  return out;
}

/** Every Panther CloudTrail test event and scenario event, labelled with rule and test name. */
export function pantherRecords(): LabelledRecord[] {
  const out: LabelledRecord[] = [];
  for (const file of ['panther_cloudtrail_rule_tests.jsonl', 'panther_test_scenarios.jsonl']) {
    const lines = readFileSync(join(FIXTURES, 'panther', file), 'utf8').split('\n');
    for (const line of lines) {
      if (line.trim() === '') continue;
      const record = JSON.parse(line) as Record<string, unknown>;
      out.push({
        label: `${String(record._source_rule ?? record._scenario ?? file)}: ${String(record._test_name ?? record.eventName)}`,
        record,
      });
    }
  }
  return out;
}

/** Normalizes a record with the real normalizer; throws (failing the test) when it is refused. */
export function eventOf(record: Record<string, unknown>): Event {
  const result = normalizeRecord(record);
  if (!result.ok) throw new Error(`record refused by normalize: ${result.code} ${result.reason}`);
  return result.event;
}

export interface RecordSpec {
  source: string;
  name: string;
  params?: Record<string, unknown> | null;
  response?: Record<string, unknown> | null;
  /** IAM user name of the caller (default alice); `root` for the root user. */
  user?: string;
  errorCode?: string;
  errorMessage?: string;
  ip?: string;
  userAgent?: string;
  extra?: Record<string, unknown>;
}

/** A minimal but realistic CloudTrail record for one call by an IAM user of 111122223333. */
export function record(spec: RecordSpec): Record<string, unknown> {
  const user = spec.user ?? 'alice';
  const identity =
    user === 'root'
      ? { type: 'Root', principalId: '111122223333', arn: 'arn:aws:iam::111122223333:root', accountId: '111122223333' }
      : {
          type: 'IAMUser',
          principalId: 'AIDAEXAMPLE',
          arn: `arn:aws:iam::111122223333:user/${user}`,
          accountId: '111122223333',
          accessKeyId: 'AKIAEXAMPLE',
          userName: user,
        };
  return {
    eventVersion: '1.09',
    userIdentity: identity,
    eventTime: '2026-03-01T12:00:00Z',
    eventSource: spec.source.includes('.') ? spec.source : `${spec.source}.amazonaws.com`,
    eventName: spec.name,
    awsRegion: 'us-east-1',
    sourceIPAddress: spec.ip ?? '203.0.113.7',
    userAgent: spec.userAgent ?? 'aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64.ubuntu',
    requestParameters: spec.params ?? null,
    responseElements: spec.response ?? null,
    ...(spec.errorCode ? { errorCode: spec.errorCode } : {}),
    ...(spec.errorMessage ? { errorMessage: spec.errorMessage } : {}),
    requestID: 'req-1',
    eventID: `ev-${spec.name}`,
    readOnly: /^(Get|List|Describe|Head|Lookup)/.test(spec.name),
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: '111122223333',
    ...spec.extra,
  };
}

/** `record` then `eventOf`. */
export function event(spec: RecordSpec): Event {
  return eventOf(record(spec));
}
