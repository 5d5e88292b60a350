/** Format detection: every shape CloudTrail is delivered or exported in, found from content alone. */
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_LIMITS,
  decode,
  oversizedElements,
  type ParseContext,
  parseBuffer,
  recordOpeningsBoundSizes,
  shortJson,
} from './parse.ts';
import type { SourceItem } from './types.ts';

const FILE = '/logs/x';
const ctx: ParseContext = { file: FILE, limits: DEFAULT_LIMITS, insightFile: false };
const rec = (id: string, extra: Record<string, unknown> = {}) => ({
  eventVersion: '1.09',
  eventID: id,
  eventName: 'GetUser',
  eventSource: 'iam.amazonaws.com',
  eventTime: '2024-07-30T21:31:10Z',
  ...extra,
});
const envelope = (detail: unknown, detailType = 'AWS API Call via CloudTrail') => ({
  version: '0',
  id: 'e1',
  'detail-type': detailType,
  source: 'aws.iam',
  account: '111122223333',
  time: '2024-07-30T21:31:10Z',
  region: 'us-east-1',
  resources: [],
  detail,
});
const lookupEvents = (...records: unknown[]) => ({
  Events: records.map((r, i) => ({
    EventId: `e${i}`,
    EventName: 'GetUser',
    ReadOnly: 'true',
    CloudTrailEvent: JSON.stringify(r),
  })),
  NextToken: 'abc',
});
const athenaRow = (id: string) => ({
  eventversion: '1.08',
  useridentity: {
    type: 'AssumedRole',
    principalid: 'AROA:bob',
    arn: 'arn:aws:sts::111122223333:assumed-role/dev/bob',
    accountid: '111122223333',
    accesskeyid: 'ASIA',
    sessioncontext: {
      attributes: { mfaauthenticated: 'false', creationdate: '2024-07-30T21:00:00Z' },
      sessionissuer: { type: 'Role', username: 'dev' },
    },
  },
  eventtime: '2024-07-30T21:31:10Z',
  eventsource: 'iam.amazonaws.com',
  eventname: 'GetUser',
  awsregion: 'us-east-1',
  sourceipaddress: '198.51.100.1',
  useragent: 'aws-cli/2',
  errorcode: null,
  requestparameters: '{"userName":"bob"}',
  responseelements: null,
  requestid: 'r1',
  eventid: id,
  readonly: 'true',
  eventtype: 'AwsApiCall',
  recipientaccountid: '111122223333',
  resources: [{ arn: 'arn:aws:iam::111122223333:user/bob', accountid: '111122223333', type: 'AWS::IAM::User' }],
});
const lines = (...values: unknown[]) => values.map((v) => JSON.stringify(v)).join('\n');
const insight = {
  eventVersion: '1.08',
  eventTime: '2024-07-30T21:35:00Z',
  eventID: 'ins-1',
  eventType: 'AwsCloudTrailInsight',
  insightDetails: { state: 'Start' },
  eventCategory: 'Insight',
};
const logsPayload = {
  messageType: 'DATA_MESSAGE',
  owner: '111122223333',
  logGroup: 'aws-cloudtrail',
  logStream: 's',
  subscriptionFilters: ['f'],
  logEvents: [
    { id: '1', timestamp: 1, message: JSON.stringify(rec('a')) },
    { id: '2', timestamp: 2, message: JSON.stringify(rec('b')) },
  ],
};

async function items(content: Buffer | string, context: ParseContext = ctx): Promise<SourceItem[]> {
  const out: SourceItem[] = [];
  for await (const item of parseBuffer(typeof content === 'string' ? Buffer.from(content) : content, context))
    out.push(item);
  return out;
}

/** kind:eventID@line/index, a compact picture of what was read. */
function picture(list: SourceItem[]): string[] {
  return list.map((i) => {
    const where = `${i.origin.line ?? ''}/${i.origin.index ?? ''}`;
    return i.kind === 'problem' ? `problem:${i.code}@${where}` : `${i.kind}:${String(i.record.eventID)}@${where}`;
  });
}

const FORMATS: Array<[name: string, content: Buffer | string, expected: string[]]> = [
  ['a Records file', JSON.stringify({ Records: [rec('a'), rec('b')] }), ['record:a@/0', 'record:b@/1']],
  [
    'a gzipped Records file',
    zlib.gzipSync(JSON.stringify({ Records: [rec('a'), rec('b')] })),
    ['record:a@/0', 'record:b@/1'],
  ],
  ['a pretty-printed Records file', JSON.stringify({ Records: [rec('a')] }, null, 2), ['record:a@/0']],
  ['an empty Records array', '{"Records":[]}', []],
  [
    'a JSON array of records',
    JSON.stringify([rec('a'), rec('b'), rec('c')]),
    ['record:a@/0', 'record:b@/1', 'record:c@/2'],
  ],
  ['JSON Lines', `${lines(rec('a'), rec('b'))}\n`, ['record:a@1/', 'record:b@2/']],
  ['gzipped JSON Lines', zlib.gzipSync(lines(rec('a'), rec('b'))), ['record:a@1/', 'record:b@2/']],
  [
    'JSON Lines with CRLF and blank lines',
    `${JSON.stringify(rec('a'))}\r\n\r\n  \r\n${JSON.stringify(rec('b'))}\r\n`,
    ['record:a@1/', 'record:b@4/'],
  ],
  [
    'JSON Lines of EventBridge envelopes',
    lines(envelope(rec('a')), envelope(rec('b'), 'AWS Console Sign In via CloudTrail')),
    ['record:a@1/', 'record:b@2/'],
  ],
  ['one EventBridge envelope', JSON.stringify(envelope(rec('a')), null, 2), ['record:a@/']],
  [
    'an array of EventBridge envelopes',
    JSON.stringify([envelope(rec('a')), envelope(rec('b'))]),
    ['record:a@/0', 'record:b@/1'],
  ],
  [
    'an EventBridge event that is not CloudTrail',
    JSON.stringify(envelope({ state: 'running' }, 'EC2 Instance State-change Notification')),
    ['problem:not-cloudtrail@/'],
  ],
  ['a single record, pretty-printed', JSON.stringify(rec('a'), null, 4), ['record:a@/']],
  [
    'JSON Lines whose lines are Records files',
    lines({ Records: [rec('a'), rec('b')] }, { Records: [rec('c')] }),
    ['record:a@1/0', 'record:b@1/1', 'record:c@2/0'],
  ],
  [
    'an Insights record among API records',
    JSON.stringify({ Records: [rec('a'), insight] }),
    ['record:a@/0', 'insight:ins-1@/1'],
  ],
  ['a CloudWatch Logs subscription payload', JSON.stringify(logsPayload), ['record:a@/0', 'record:b@/1']],
  [
    'concatenated gzip members',
    Buffer.concat([zlib.gzipSync(`${JSON.stringify(rec('a'))}\n`), zlib.gzipSync(`${JSON.stringify(rec('b'))}\n`)]),
    ['record:a@1/', 'record:b@2/'],
  ],
  ['a JSON scalar', '42', ['problem:not-cloudtrail@/']],
  [
    "concatenated pretty-printed objects (jq '.Records[]')",
    [rec('a'), rec('b'), rec('c')].map((r) => JSON.stringify(r, null, 2)).join('\n'),
    ['record:a@1/', 'record:b@8/', 'record:c@15/'],
  ],
  [
    'concatenated objects with a broken one and junk between',
    `${JSON.stringify(rec('a'), null, 2)}\n{"eventID": tru}\noops\n${JSON.stringify(rec('b'))}{"eventID":"c","x":"}{"}\n{"eventID":"cut`,
    [
      'record:a@1/',
      'problem:invalid-json@8/',
      'problem:invalid-json@9/',
      'record:b@10/',
      'record:c@10/1',
      'problem:invalid-json@11/',
    ],
  ],
  [
    '`aws cloudtrail lookup-events` output',
    JSON.stringify(lookupEvents(rec('a'), rec('b')), null, 4),
    ['record:a@/0', 'record:b@/1'],
  ],
  [
    'lookup-events pages as JSON Lines',
    lines(lookupEvents(rec('a')), lookupEvents(rec('b'), rec('c'))),
    ['record:a@1/0', 'record:b@2/0', 'record:c@2/1'],
  ],
  [
    'lookup-events with a broken CloudTrailEvent',
    JSON.stringify({
      Events: [{ EventId: 'x', CloudTrailEvent: '{"eventID":' }, { CloudTrailEvent: JSON.stringify(rec('b')) }],
    }),
    ['problem:invalid-json@/0', 'record:b@/1'],
  ],
  [
    'a Splunk JSON export',
    lines(
      { preview: false, result: { _raw: JSON.stringify(rec('a')), _time: 't' } },
      { preview: false, result: { _raw: JSON.stringify(rec('b')) } },
    ),
    ['record:a@1/', 'record:b@2/'],
  ],
  ['OpenSearch hits of raw records', JSON.stringify([{ _index: 'ct', _id: '1', _source: rec('a') }]), ['record:a@/0']],
  ['Athena rows (lower-case columns)', lines(athenaRow('a'), athenaRow('b')), ['record:a@1/', 'record:b@2/']],
];

describe('parseBuffer formats', () => {
  it.each(FORMATS)('reads %s', async (_name, content, expected) => {
    expect(picture(await items(content))).toEqual(expected);
  });

  it.each(FORMATS)('gives every item of %s a distinct origin', async (_name, content) => {
    const origins = (await items(content))
      .filter((i) => i.kind !== 'problem')
      .map((i) => `${i.origin.line}:${i.origin.index}`);
    expect(new Set(origins).size).toBe(origins.length);
  });

  it('gives every item the file as origin', async () => {
    const all = await items(JSON.stringify({ Records: [rec('a'), 1] }));
    expect(all.map((i) => i.origin.file)).toEqual([FILE, FILE]);
  });

  it('marks every record of a file under CloudTrail-Insight/ as an insight', async () => {
    const all = await items(JSON.stringify({ Records: [{ ...insight, eventType: undefined }] }), {
      ...ctx,
      insightFile: true,
    });
    expect(picture(all)).toEqual(['insight:ins-1@/0']);
  });

  it('keeps the record object as parsed, fields untouched', async () => {
    const original = rec('a', { requestParameters: { userName: 'bob' }, errorCode: 'AccessDenied' });
    const [item] = await items(JSON.stringify({ Records: [original] }));
    expect(item?.kind === 'record' && item.record).toEqual(original);
  });
});

describe('Athena rows', () => {
  it('are renamed back to CloudTrail keys, JSON columns parsed', async () => {
    const [item] = await items(JSON.stringify(athenaRow('a')));
    expect(item?.kind === 'record' && item.record).toEqual({
      eventVersion: '1.08',
      userIdentity: {
        type: 'AssumedRole',
        principalId: 'AROA:bob',
        arn: 'arn:aws:sts::111122223333:assumed-role/dev/bob',
        accountId: '111122223333',
        accessKeyId: 'ASIA',
        sessionContext: {
          attributes: { mfaAuthenticated: 'false', creationDate: '2024-07-30T21:00:00Z' },
          sessionIssuer: { type: 'Role', userName: 'dev' },
        },
      },
      eventTime: '2024-07-30T21:31:10Z',
      eventSource: 'iam.amazonaws.com',
      eventName: 'GetUser',
      awsRegion: 'us-east-1',
      sourceIPAddress: '198.51.100.1',
      userAgent: 'aws-cli/2',
      errorCode: null,
      requestParameters: { userName: 'bob' },
      responseElements: null,
      requestID: 'r1',
      eventID: 'a',
      readOnly: 'true',
      eventType: 'AwsApiCall',
      recipientAccountId: '111122223333',
      resources: [{ arn: 'arn:aws:iam::111122223333:user/bob', accountId: '111122223333', type: 'AWS::IAM::User' }],
    });
  });
});

describe(decode.name, () => {
  it.each([
    ['ASCII', Buffer.from('{"a":"b"}'), '{"a":"b"}'],
    ['UTF-8 with non-ASCII names', Buffer.from('{"userName":"Jérôme 東京"}'), '{"userName":"Jérôme 東京"}'],
    [
      'UTF-8 with a byte-order mark',
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":"é"}')]),
      '{"a":"é"}',
    ],
    [
      'UTF-16LE with a byte-order mark (Windows PowerShell)',
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"a":"é"}', 'utf16le')]),
      '{"a":"é"}',
    ],
  ])('decodes %s', (_name, buf, text) => {
    expect(decode(buf)).toBe(text);
  });

  it('reads a UTF-8 record with a BOM end to end', async () => {
    const all = await items(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(rec('é')))]));
    expect(picture(all)).toEqual(['record:é@/']);
  });
});

describe(oversizedElements.name, () => {
  it('finds elements above the limit in a root array, skipping brackets and escaped quotes inside strings', () => {
    const text = JSON.stringify([{ a: 'x]}",{' }, { b: 'y'.repeat(50) }, 'short', { c: ['\\"', '\\'] }]);
    expect([...oversizedElements(text, null, 40).keys()]).toEqual([1]);
    expect([...oversizedElements(text, null, 10).keys()]).toEqual([0, 1, 3]);
  });

  it('finds them in the Records array, ignoring other root keys', () => {
    const text = JSON.stringify({ before: ['z'.repeat(100)], Records: [{ a: 1 }, { b: 'y'.repeat(100) }] });
    const found = oversizedElements(text, 'Records', 50);
    expect([...found.keys()]).toEqual([1]);
    const [start, end] = found.get(1) ?? [0, 0];
    expect(JSON.parse(text.slice(start, end))).toEqual({ b: 'y'.repeat(100) });
  });
});

describe(recordOpeningsBoundSizes.name, () => {
  const file = (sizes: number[]) =>
    JSON.stringify({ Records: sizes.map((n) => ({ eventVersion: '1.09', pad: 'x'.repeat(n) })) });
  it('vouches for AWS-written files whose records are all small', () => {
    expect(recordOpeningsBoundSizes(file([10, 20, 30]), 3, 100)).toBe(true);
  });
  it('does not vouch when a record may be large, or when the openings do not match the records', () => {
    expect(recordOpeningsBoundSizes(file([10, 200, 30]), 3, 100)).toBe(false);
    expect(recordOpeningsBoundSizes(file([10, 20, 200]), 3, 100)).toBe(false);
    expect(recordOpeningsBoundSizes(file([10, 20]), 3, 100)).toBe(false);
    // A nested object that opens like a record makes the count differ: no vouching.
    expect(
      recordOpeningsBoundSizes(JSON.stringify({ Records: [{ eventVersion: '1', x: { eventVersion: 2 } }] }), 1, 100),
    ).toBe(false);
  });
  it('leaves a large record in an AWS-written file to the exact scan', async () => {
    const text = file([10, 5000, 10]);
    const all = await items(text, { ...ctx, limits: { ...DEFAULT_LIMITS, maxRecordBytes: 1000 } });
    expect(picture(all).map((p) => p.replace(/^record:undefined/, 'record'))).toEqual([
      'record@/0',
      'problem:record-too-large@/1',
      'record@/2',
    ]);
  });
});

describe(shortJson.name, () => {
  it('cuts a huge value near 200 characters without serializing it whole', () => {
    const huge = { a: Array.from({ length: 100_000 }, (_, i) => ({ i })) };
    const out = shortJson(huge);
    expect(out.length).toBeLessThanOrEqual(200);
    expect(out.startsWith('{"a":[{"i":0},{"i":1}')).toBe(true);
  });
});
