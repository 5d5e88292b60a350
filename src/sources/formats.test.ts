/**
 * The formats users have (fixtures/formats, built from the real Stratus Red Team and Panther
 * records by fixtures/formats/build.mjs): each is auto-detected and gives back the same events
 * as the original CloudTrail records it was made from.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Event } from '../normalize/event.ts';
import { normalizeRecord } from '../normalize/index.ts';
import { openSource, readAll } from './index.ts';

const FIXTURES = join(import.meta.dirname, '../../fixtures');
const FORMATS = join(FIXTURES, 'formats');

function stratus(...names: string[]): Array<Record<string, unknown>> {
  return names.flatMap((n) => JSON.parse(readFileSync(join(FIXTURES, 'stratus-red-team', `${n}.json`), 'utf8')));
}

function events(records: Array<Record<string, unknown>>): Event[] {
  return records.map((r) => {
    const result = normalizeRecord(r);
    if (!result.ok) throw new Error(`${result.code}: ${result.reason}`);
    return result.event;
  });
}

/** What detection uses of an event: who, what, when, from where, with which outcome and parameters. */
const FULL = [
  'eventId',
  'eventTime',
  'accountId',
  'region',
  'eventSource',
  'action',
  'success',
  'errorCode',
  'sourceIp',
  'userAgent',
  'actor',
  'mfa',
  'session',
  'sessionStart',
  'requestParameters',
  'responseElements',
  'readOnly',
  'eventType',
] as const;

function view(e: Event, fields: readonly (keyof Event)[]): Partial<Event> {
  return Object.fromEntries(fields.map((f) => [f, e[f]]));
}

async function readFixture(name: string) {
  const all = await readAll(openSource(join(FORMATS, name)));
  return { all, events: events(all.records.map((r) => r.record)) };
}

describe('formats users have (fixtures/formats)', () => {
  it('Logstash JSON lines without eventTime (@timestamp; record in message or under a target field)', async () => {
    const { all, events: got } = await readFixture('logstash-ec2-steal-instance-credentials.jsonl');
    const want = events(stratus('aws.credential-access.ec2-steal-instance-credentials'));
    expect(all.problems).toEqual([]);
    expect(got).toHaveLength(45);
    expect(got.map((e) => view(e, FULL))).toEqual(want.map((e) => view(e, FULL)));
  });

  it('Fluentd JSON lines with an epoch `time` and no eventTime', async () => {
    const { all, events: got } = await readFixture('fluentd-cloudtrail-event-selectors.jsonl');
    const want = events(stratus('aws.defense-evasion.cloudtrail-event-selectors'));
    expect(all.problems).toEqual([]);
    expect(got.map((e) => view(e, FULL))).toEqual(want.map((e) => view(e, FULL)));
  });

  it("Fluentd's default out_file lines: time, tag and the record without eventTime, tab-separated", async () => {
    const { all, events: got } = await readFixture('fluentd-out-file-ssm-send-command.log');
    const want = events(stratus('aws.execution.ssm-send-command'));
    expect(all.problems).toEqual([]);
    expect(got).toHaveLength(56);
    expect(got.map((e) => view(e, FULL))).toEqual(want.map((e) => view(e, FULL)));
  });

  it('Elastic Agent / ECS: event.original, message, aws.cloudtrail.* fields nested and flattened', async () => {
    const { all, events: got } = await readFixture('elastic-ecs-defense-evasion.ndjson');
    const want = events(
      stratus(
        'aws.defense-evasion.cloudtrail-stop',
        'aws.defense-evasion.cloudtrail-delete',
        'aws.defense-evasion.vpc-remove-flow-logs',
        'aws.defense-evasion.dns-delete-logs',
        'aws.defense-evasion.organizations-leave',
      ),
    );
    expect(all.problems).toEqual([]);
    expect(got).toHaveLength(7);
    expect(got.map((e) => view(e, FULL))).toEqual(want.map((e) => view(e, FULL)));
  });

  it('Splunk JSON export, one result per line with _raw', async () => {
    const { all, events: got } = await readFixture('splunk-export-compromised-root.json');
    const lines = readFileSync(join(FIXTURES, 'panther/panther_test_scenarios.jsonl'), 'utf8').split('\n');
    const want = events(lines.filter(Boolean).map((l) => JSON.parse(l)));
    expect(all.problems).toEqual([]);
    expect(got).toHaveLength(27);
    expect(got.map((e) => view(e, FULL))).toEqual(want.map((e) => view(e, FULL)));
  });

  it('Splunk {"results":[...]} document', async () => {
    const { all, events: got } = await readFixture('splunk-results-create-admin-user.json');
    const want = events(stratus('aws.persistence.iam-create-admin-user'));
    expect(all.problems).toEqual([]);
    expect(got.map((e) => view(e, FULL))).toEqual(want.map((e) => view(e, FULL)));
  });

  it('Splunk extracted fields (userIdentity.arn, resources{}.ARN) without _raw', async () => {
    const { all, events: got } = await readFixture('splunk-extracted-fields-share.jsonl');
    const want = events(stratus('aws.exfiltration.ec2-share-ebs-snapshot', 'aws.exfiltration.ec2-share-ami'));
    expect(all.problems).toEqual([]);
    expect(got.map((e) => view(e, [...FULL, 'resources']))).toEqual(want.map((e) => view(e, [...FULL, 'resources'])));
  });

  it('CloudTrail Lake get-query-results: QueryResultRows with Trino struct text', async () => {
    const { all, events: got } = await readFixture('lake-query-results-persistence.json');
    const want = events(
      stratus(
        'aws.persistence.iam-backdoor-user',
        'aws.persistence.iam-create-user-login-profile',
        'aws.persistence.iam-backdoor-role',
      ),
    );
    // The query selected these columns only (no responseElements, readOnly, eventType).
    const selected = FULL.filter((f) => !['responseElements', 'readOnly', 'eventType'].includes(f));
    expect(all.problems).toEqual([]);
    expect(got.map((e) => view(e, selected))).toEqual(want.map((e) => view(e, selected)));
    expect(got[0]?.actor.type).toBe('iam-user');
  });

  it('CloudTrail Lake rows holding the whole record as JSON text (eventData)', async () => {
    const { all, events: got } = await readFixture('lake-query-results-eventdata.json');
    const want = events(stratus('aws.persistence.lambda-backdoor-function', 'aws.persistence.lambda-overwrite-code'));
    expect(all.problems).toEqual([]);
    expect(got.map((e) => view(e, FULL))).toEqual(want.map((e) => view(e, FULL)));
  });

  it.each(['security-lake-ocsf-api-activity.jsonl', 'security-lake-ocsf-api-activity.gz.parquet'])(
    'Security Lake OCSF API Activity: %s',
    async (name) => {
      const { all, events: got } = await readFixture(name);
      const want = events(
        stratus('aws.credential-access.ec2-steal-instance-credentials', 'aws.defense-evasion.cloudtrail-stop'),
      );
      expect(all.problems).toEqual([]);
      expect(got).toHaveLength(46);
      expect(got.map((e) => view(e, FULL))).toEqual(want.map((e) => view(e, FULL)));
      expect(all.records.map((r) => r.origin.index ?? r.origin.line)).toEqual(
        name.endsWith('.parquet') ? [...Array(46).keys()] : [...Array(46).keys()].map((i) => i + 1),
      );
    },
  );

  it('a file in a shape Trailhound does not know: one message naming its fields and the shapes accepted', async () => {
    const { all } = await readFixture('unknown-shape.jsonl');
    expect(all.records).toEqual([]);
    const loud = all.problems.filter((p) => !p.quiet);
    expect(loud).toHaveLength(1);
    expect(loud[0]?.code).toBe('not-cloudtrail');
    expect(loud[0]?.reason).toMatch(/none of the 6 JSON value\(s\) of 6/);
    expect(loud[0]?.reason).toContain('top-level fields: ts, principal, operation, service');
    for (const shape of ['accepted shapes: ', 'Logstash', 'Elastic', 'Splunk', 'CloudTrail Lake', 'OCSF'])
      expect(loud[0]?.reason).toContain(shape);
    // Every bad record is still quarantined, where it is.
    expect(all.problems.filter((p) => p.quiet).map((p) => p.origin.line)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('reads the whole folder, every format auto-detected, SOURCE.md and build.mjs skipped', async () => {
    const all = await readAll(openSource(FORMATS));
    expect(all.files.filter((f) => f.skip).map((f) => f.id.slice(FORMATS.length + 1))).toEqual([
      'SOURCE.md',
      'build.mjs',
    ]);
    expect(all.problems.filter((p) => !p.quiet).map((p) => p.origin.file.slice(FORMATS.length + 1))).toEqual([
      'unknown-shape.jsonl',
    ]);
  });

  it('reports a Parquet file it cannot read, by name, without stopping', async () => {
    const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'th-parquet-'));
    try {
      writeFileSync(join(dir, 'broken.parquet'), Buffer.from('PAR1 this is not a parquet footer PAR1'));
      const good = readFileSync(join(FORMATS, 'security-lake-ocsf-api-activity.gz.parquet'));
      writeFileSync(join(dir, 'good.parquet'), good);
      const all = await readAll(openSource(dir));
      expect(all.problems.map((p) => [p.origin.file.slice(dir.length + 1), p.code])).toEqual([
        ['broken.parquet', 'invalid-parquet'],
      ]);
      expect(all.records).toHaveLength(46);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
