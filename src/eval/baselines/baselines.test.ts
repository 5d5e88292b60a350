import { describe, expect, it } from 'vitest';
import type { EventRow } from '../../domain/event.ts';
import type { EvalMeta, RowScanner } from '../types.ts';
import { rarityDetector } from './rarity.ts';
import { rulesDetector } from './rules.ts';

const DAY = 86_400_000;
const meta: EvalMeta = { start: 0, learningEnd: 10 * DAY, end: 20 * DAY, learningDays: 10 };
let n = 0;
function row(actorKey: string, action: string, day: number, extra: Partial<EventRow> = {}): EventRow {
  const [service = '', actionKey = ''] = action.split(':');
  n++;
  return {
    id: n,
    eventId: `e${n}`,
    time: day * DAY,
    accountId: '1',
    region: 'us-east-1',
    service,
    action: actionKey,
    actionKey,
    eventType: 'AwsApiCall',
    readOnly: false,
    success: true,
    errorCode: null,
    sourceIp: null,
    clientClass: 'aws-cli',
    clientName: null,
    mfa: null,
    console: false,
    actorKey,
    actorType: 'assumed-role',
    actorName: actorKey,
    actorAccount: '1',
    roleArn: null,
    session: null,
    facts: [],
    risk: 0,
    targets: [],
    ...extra,
  };
}
const feed = (s: RowScanner, rows: EventRow[]) => {
  for (const r of rows) s.push(r);
  return s.finish();
};

describe('rules baseline', () => {
  it('fires once per successful sensitive event; root console logins only', () => {
    const sut = rulesDetector().scanner?.(meta) as RowScanner;
    const alerts = feed(sut, [
      row('alice', 'iam:CreateUser', 11),
      row('alice', 'iam:CreateUser', 12, { success: false, errorCode: 'AccessDenied' }),
      row('alice', 'ec2:DescribeInstances', 12),
      row('ci', 'lambda:UpdateFunctionCode', 3),
      row('bob', 'signin:ConsoleLogin', 13),
      row('root:1', 'signin:ConsoleLogin', 13, { actorType: 'root' }),
    ]);
    expect(alerts.map((a) => `${a.actor}@${a.start / DAY}`)).toEqual(['alice@11', 'ci@3', 'root:1@13']);
    expect(alerts.every((a) => a.eventIds.length === 1)).toBe(true);
  });
});

describe('rarity baseline', () => {
  it("learns each identity's APIs during learning and alerts on the first new one after it, once", () => {
    const sut = rarityDetector().scanner?.(meta) as RowScanner;
    const alerts = feed(sut, [
      row('alice', 'ec2:DescribeInstances', 1),
      row('alice', 'iam:CreateUser', 2),
      row('alice', 'iam:CreateUser', 11),
      row('alice', 's3:ListBuckets', 12),
      row('alice', 's3:ListBuckets', 13),
      row('new-hire', 'ec2:DescribeInstances', 14),
    ]);
    expect(alerts.map((a) => `${a.actor}:${a.start / DAY}`)).toEqual(['alice:12', 'new-hire:14']);
  });
});
