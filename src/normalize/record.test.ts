import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_TEXT } from './fields.ts';
import { normalizeRecord as sut } from './index.ts';
import { FIXTURES, handWritten, pick, realRecords } from './test-fixtures.ts';

const real = realRecords();
const hand = handWritten();

function ok(record: Record<string, unknown>) {
  const result = sut(record);
  if (!result.ok) throw new Error(`expected ok, got ${result.code}: ${result.reason}`);
  return result.event;
}

describe('normalizeRecord: a full event', () => {
  it('maps a real IAM user API call field by field', () => {
    const record = pick(real, 'iam-user-create-admin');
    expect(ok(record)).toEqual({
      eventId: record.eventID,
      time: Date.UTC(2024, 7, 1, 13, 33, 28),
      eventTime: '2024-08-01T13:33:28Z',
      accountId: '229654561268',
      region: 'ap-isob-central-3r',
      eventSource: 'iam.amazonaws.com',
      service: 'iam',
      action: 'CreateUser',
      actionKey: 'CreateUser',
      eventType: 'AwsApiCall',
      readOnly: false,
      success: true,
      errorCode: null,
      errorMessage: null,
      sourceIp: '075.050.255.67',
      userAgent: 'stratus-red-team_6bf00313-712c-4fd2-9bdd-88f48a4b1282',
      client: { class: 'offensive', name: 'stratus-red-team', version: null, language: null },
      mfa: null,
      console: false,
      actor: {
        key: 'arn:aws:iam::229654561268:user/christophe',
        type: 'iam-user',
        name: 'christophe',
        accountId: '229654561268',
        roleArn: null,
        person: null,
        crossAccount: false,
        invokedBy: null,
        sessionName: null,
        compute: null,
        chain: null,
      },
      session: 'AKIAOZUDECYXYM4ONAN4',
      sessionStart: null,
      requestParameters: record.requestParameters,
      responseElements: record.responseElements,
      resources: [{ type: 'AWS::IAM::User', arn: null, name: 'malicious-iam-user', accountId: null }],
    });
  });

  it('parses the non-ISO nanosecond eventTime of the Stratus bedrock exports', () => {
    const event = ok(pick(real, 'sso-role-bedrock-nanosecond-time-2'));
    expect(event.eventTime).toBe('2025-03-26T17:22:33Z');
    expect(event.time).toBe(Date.UTC(2025, 2, 26, 17, 22, 33));
    expect(event.sessionStart).toBe(Date.UTC(2025, 2, 26, 16, 42, 44));
  });

  it('strips the Lambda API version from the action key', () => {
    const event = ok(pick(real, 'lambda-versioned-event-name'));
    expect([event.action, event.actionKey, event.service]).toEqual([
      'UpdateFunctionCode20150331v2',
      'UpdateFunctionCode',
      'lambda',
    ]);
    expect(event.resources).toEqual([
      { type: 'AWS::Lambda::Function', arn: null, name: 'production-api', accountId: null },
    ]);
  });

  it('reads a failed console sign-in: Failure, message, MFA, console client', () => {
    const event = ok(pick(real, 'iam-user-console-login-mfa-failure'));
    expect(event).toMatchObject({
      success: false,
      errorCode: 'Failure',
      errorMessage: 'Failed authentication',
      mfa: true,
      console: true,
      client: { class: 'console', name: 'Chrome' },
    });
    const root = ok(pick(real, 'root-console-login-failure'));
    expect(root).toMatchObject({ success: false, errorCode: 'Failure', errorMessage: null, mfa: false, console: true });
    expect(ok(pick(real, 'root-console-login-success'))).toMatchObject({
      success: true,
      errorCode: null,
      console: true,
    });
  });

  it('keeps errorCode and errorMessage of a failed API call', () => {
    const event = ok(pick(real, 'assumed-role-generated-session-go-sdk'));
    expect(event.success).toBe(false);
    expect(event.errorCode).toBe('Client.UnauthorizedOperation');
    expect(event.errorMessage).toMatch(/^You are not authorized to perform this operation\./);
  });

  it('marks console sessions from sessionCredentialFromConsole', () => {
    expect(ok(pick(hand, 'sso-alice-tuesday-console'))).toMatchObject({
      console: true,
      client: { class: 'console', name: 'AWS Internal' },
    });
    expect(ok(pick(hand, 'sso-alice-monday')).console).toBe(false);
  });

  it('takes the account from recipientAccountId, else the actor, else unknown; region unknown when absent', () => {
    const record = pick(real, 'iam-user-create-admin');
    delete record.recipientAccountId;
    delete record.awsRegion;
    expect(ok(record)).toMatchObject({ accountId: '229654561268', region: 'unknown', actor: { crossAccount: false } });
    const anonymous = pick(hand, 'no-identity-service-source');
    delete anonymous.recipientAccountId;
    expect(ok(anonymous).accountId).toBe('unknown');
  });

  it('flags a cross-account actor against recipientAccountId', () => {
    const event = ok(pick(hand, 'role-cross-account'));
    expect(event.accountId).toBe('111122223333');
    expect(event.actor).toMatchObject({ accountId: '444455556666', crossAccount: true });
  });
});

describe('normalizeRecord: refusals', () => {
  const base = () => pick(real, 'iam-user-create-admin');
  const without = (field: string) => {
    const r = base();
    delete r[field];
    return r;
  };
  const withValue = (field: string, value: unknown) => ({ ...base(), [field]: value });

  it.each([
    ['eventID missing', without('eventID'), 'missing-field', 'eventID'],
    ['eventID empty', withValue('eventID', ''), 'missing-field', 'eventID'],
    ['eventID null', withValue('eventID', null), 'missing-field', 'eventID'],
    ['eventID a number', withValue('eventID', 12), 'wrong-type', 'eventID'],
    ['eventTime missing', without('eventTime'), 'missing-field', 'eventTime'],
    ['eventTime an object', withValue('eventTime', { $date: 1 }), 'wrong-type', 'eventTime'],
    ['eventTime a boolean', withValue('eventTime', true), 'wrong-type', 'eventTime'],
    ['eventTime "redacted"', withValue('eventTime', 'redacted'), 'bad-time', 'eventTime'],
    ['eventTime "..."', withValue('eventTime', '...'), 'bad-time', 'eventTime'],
    ['eventName missing', without('eventName'), 'missing-field', 'eventName'],
    ['eventName an array', withValue('eventName', ['CreateUser']), 'wrong-type', 'eventName'],
    ['eventSource missing', without('eventSource'), 'missing-field', 'eventSource'],
    ['eventSource an object', withValue('eventSource', { s: 'iam' }), 'wrong-type', 'eventSource'],
  ])('%s -> %s naming the field', (_label, record, code, field) => {
    const result = sut(record);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.code).toBe(code);
    expect(result.reason).toContain(field);
  });

  it.each([
    ['null', null],
    ['an array', []],
    ['a string', 'CreateUser'],
    ['a number', 7],
  ])('refuses a record that is %s', (_label, value) => {
    expect(sut(value as unknown as Record<string, unknown>)).toMatchObject({ ok: false, code: 'wrong-type' });
  });
});

describe('normalizeRecord: wrong types elsewhere are tolerated', () => {
  const base = () => pick(real, 'iam-user-create-admin');

  it('reads readOnly given as the string "true"', () => {
    expect(ok({ ...base(), readOnly: 'true' }).readOnly).toBe(true);
    expect(ok({ ...base(), readOnly: 'maybe' }).readOnly).toBeNull();
  });

  it('parses requestParameters given as JSON text, drops other strings', () => {
    expect(ok({ ...base(), requestParameters: '{"userName":"x"}' }).requestParameters).toEqual({ userName: 'x' });
    const event = ok({ ...base(), requestParameters: 'userName=x' });
    expect(event.requestParameters).toBeNull();
    expect(event.resources).toEqual([]);
  });

  it('ignores resources that is not an array and skips bad entries', () => {
    expect(ok({ ...base(), requestParameters: null, resources: 'arn:aws:s3:::b' }).resources).toEqual([]);
    expect(
      ok({
        ...base(),
        requestParameters: null,
        resources: [null, 3, { ARN: 5 }, { ARN: 'arn:aws:s3:::b', type: 'AWS::S3::Bucket' }],
      }).resources,
    ).toEqual([{ type: 'AWS::S3::Bucket', arn: 'arn:aws:s3:::b', name: 'b', accountId: null }]);
  });

  it('reads a numeric errorCode and account id', () => {
    expect(ok({ ...base(), errorCode: 403 })).toMatchObject({ success: false, errorCode: '403' });
    expect(ok({ ...base(), recipientAccountId: 229654561268 }).accountId).toBe('229654561268');
  });

  it('treats non-string userAgent, sourceIPAddress, awsRegion and eventType as absent', () => {
    expect(ok({ ...base(), userAgent: 5, sourceIPAddress: {}, awsRegion: [], eventType: false })).toMatchObject({
      userAgent: null,
      sourceIp: null,
      region: 'unknown',
      eventType: 'unknown',
      client: { class: 'unknown' },
    });
  });

  it('bounds huge strings but keeps them verbatim otherwise', () => {
    const hostile = `\u001b[2Kaws-cli/2.0 ${'A'.repeat(1 << 20)}`;
    const event = ok({ ...base(), userAgent: hostile, errorMessage: 'x'.repeat(1 << 20), errorCode: 'E' });
    expect(event.userAgent?.length).toBe(MAX_TEXT);
    expect(event.userAgent?.startsWith('\u001b[2Kaws-cli/2.0 ')).toBe(true);
    expect(event.errorMessage?.length).toBe(MAX_TEXT);
  });

  it('keeps at most 20 resources from a RunInstances of 1,000 instances', () => {
    const items = Array.from({ length: 1000 }, (_, i) => ({ instanceId: `i-${String(i).padStart(17, '0')}` }));
    const event = ok({
      ...base(),
      eventSource: 'ec2.amazonaws.com',
      eventName: 'RunInstances',
      requestParameters: { instancesSet: { items } },
    });
    expect(event.resources).toHaveLength(20);
    expect(event.resources[0]).toEqual({
      type: 'AWS::EC2::Instance',
      arn: null,
      name: 'i-00000000000000000',
      accountId: null,
    });
  });

  it('never throws when any top-level field of a real record takes any type', () => {
    const values: unknown[] = [
      null,
      undefined,
      0,
      -1,
      Number.NaN,
      true,
      '',
      'x',
      '{',
      '{"a":',
      [],
      [1, 'a'],
      {},
      { a: { b: null } },
      'y'.repeat(70_000),
    ];
    let calls = 0;
    let malformed = 0;
    for (const record of [...Object.values(real), ...Object.values(hand)]) {
      for (const key of Object.keys(record)) {
        for (const value of values) {
          const result = sut({ ...record, [key]: value });
          if (typeof result.ok !== 'boolean') malformed++;
          calls++;
        }
      }
    }
    expect(malformed).toBe(0);
    expect(calls).toBeGreaterThan(5000);
  });
});

describe('normalizeRecord: hostile nested fields', () => {
  /** Every (object, key) pair down to `depth` levels: userIdentity.sessionContext.sessionIssuer.arn and the like. */
  function slots(o: Record<string, unknown>, depth: number, out: Array<[Record<string, unknown>, string]>): void {
    for (const key of Object.keys(o)) {
      out.push([o, key]);
      const v = o[key];
      if (depth > 1 && typeof v === 'object' && v !== null && !Array.isArray(v))
        slots(v as Record<string, unknown>, depth - 1, out);
    }
  }

  it('never throws when any field down to four levels deep takes any type', () => {
    const values: unknown[] = [null, 7, true, '', 'arn:aws:sts::1:assumed-role/', ':', [], {}, '{"type":"Root"}'];
    let calls = 0;
    let malformed = 0;
    for (const original of [...Object.values(real), ...Object.values(hand)]) {
      const record = structuredClone(original);
      const all: Array<[Record<string, unknown>, string]> = [];
      slots(record, 4, all);
      for (const [holder, key] of all) {
        const saved = holder[key];
        for (const value of values) {
          holder[key] = value;
          const result = sut(record);
          if (typeof result.ok !== 'boolean' || (result.ok && typeof result.event.actor.key !== 'string')) malformed++;
          calls++;
        }
        holder[key] = saved;
      }
    }
    expect(malformed).toBe(0);
    expect(calls).toBeGreaterThan(5000);
  });
});

/** Every record of both datasets, as the repo ships them. */
function datasetRecords(): Array<{ origin: string; record: Record<string, unknown> }> {
  const out: Array<{ origin: string; record: Record<string, unknown> }> = [];
  for (const file of ['panther_cloudtrail_rule_tests.jsonl', 'panther_test_scenarios.jsonl']) {
    readFileSync(join(FIXTURES, 'panther', file), 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (line.trim())
          out.push({ origin: `panther/${file}:${i + 1}`, record: JSON.parse(line) as Record<string, unknown> });
      });
  }
  const stratus = join(FIXTURES, 'stratus-red-team');
  for (const file of readdirSync(stratus)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const parsed = JSON.parse(readFileSync(join(stratus, file), 'utf8')) as unknown;
    const records = (Array.isArray(parsed) ? parsed : [parsed]) as Record<string, unknown>[];
    for (const [i, record] of records.entries()) out.push({ origin: `stratus-red-team/${file}[${i}]`, record });
  }
  return out;
}

/** Independent oracle: the four required fields are non-empty strings and Date.parse reads the time. */
function wellFormed(r: Record<string, unknown>): boolean {
  const isText = (v: unknown) => typeof v === 'string' && v.length > 0;
  return (
    isText(r.eventID) &&
    isText(r.eventName) &&
    isText(r.eventSource) &&
    isText(r.eventTime) &&
    !Number.isNaN(Date.parse(r.eventTime as string))
  );
}

describe('normalizeRecord over every record of both datasets', () => {
  const all = datasetRecords();

  it('never throws, and is ok exactly for the well-formed records', () => {
    let okCount = 0;
    let wellFormedCount = 0;
    const mismatches: string[] = [];
    for (const { origin, record } of all) {
      const result = sut(record);
      if (result.ok) okCount++;
      if (wellFormed(record)) wellFormedCount++;
      if (result.ok !== wellFormed(record)) mismatches.push(origin);
    }
    expect(mismatches).toEqual([]);
    // 462 + 27 Panther and 312 Stratus records; 55 Panther tests are minimal or redacted
    // (52 without eventID, 2 without eventTime, 1 with eventTime "...").
    expect(all).toHaveLength(801);
    expect(wellFormedCount).toBe(746);
    expect(okCount).toBe(746);
  });

  it('gives every Stratus record an ok event with a real actor, time and offensive client', () => {
    const stratus = all.filter((r) => r.origin.startsWith('stratus'));
    expect(stratus).toHaveLength(312);
    for (const { origin, record } of stratus) {
      const result = sut(record);
      expect(result.ok, origin).toBe(true);
      if (!result.ok) continue;
      expect(result.event.actor.type, origin).not.toBe('unknown');
      expect(result.event.time, origin).toBe(
        Date.parse(
          (record.eventTime as string).replace(' ', 'T').replace(/(\.\d{3})\d*$/, '$1') +
            (String(record.eventTime).endsWith('Z') ? '' : 'Z'),
        ),
      );
      expect(result.event.client.class, origin).toBe('offensive');
    }
  });
});
