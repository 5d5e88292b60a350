import { describe, expect, it } from 'vitest';
import { buildJourneys, type Journey } from '../journeys/builder.ts';
import { DAY, HOUR, seq, T0 } from '../journeys/rows.fixture.ts';
import type { EventRow } from '../store/events.ts';
import { DetectionEngine } from './engine.ts';

const work = ['sts:GetCallerIdentity', 'ec2:DescribeInstances', 'logs:FilterLogEvents'];
const other = ['s3:ListBuckets', 's3:GetObject'];
const escalate = ['iam:CreateUser', 'iam:AttachUserPolicy', 'iam:CreateAccessKey'];

/** Four developers, 28 days of routine; `extra` rows injected. */
function org(extra: EventRow[] = []): Journey[] {
  const rows: EventRow[] = [];
  for (let d = 0; d < 28; d++) {
    for (const name of ['dev1', 'dev2', 'dev3', 'dev4']) {
      rows.push(...seq(work, T0 + d * DAY + 2 * HOUR, { actorName: name, actorKey: `user/${name}` }));
      rows.push(...seq(d % 2 ? other : work, T0 + d * DAY + 6 * HOUR, { actorName: name, actorKey: `user/${name}` }));
    }
  }
  rows.push(...extra);
  rows.sort((a, b) => a.time - b.time || (a.eventId < b.eventId ? -1 : 1));
  return buildJourneys(rows);
}

function run(journeys: Journey[], options = {}) {
  const sut = new DetectionEngine({ learningDays: 14, ...options });
  const alerts = [];
  for (const j of journeys) {
    const { alert, merged } = sut.process(j);
    if (alert) alerts.push({ alert, merged });
  }
  return { sut, alerts };
}

describe('DetectionEngine', () => {
  it('raises nothing on routine, and nothing at all during the learning period', () => {
    const early = seq(escalate, T0 + 5 * DAY + 9 * HOUR, {
      actorName: 'dev2',
      actorKey: 'user/dev2',
      risk: 0.9,
      facts: ['adminPolicy'],
    });
    const { alerts } = run(org(early));
    expect(alerts).toHaveLength(0);
  });

  it('always alerts a critical-risk anomaly after learning', () => {
    const attack = seq(escalate, T0 + 20 * DAY + 9 * HOUR, {
      actorName: 'dev2',
      actorKey: 'user/dev2',
      risk: 0.9,
      facts: ['adminPolicy'],
    });
    const { alerts } = run(org(attack));
    expect(alerts.map((a) => a.alert.actorName)).toEqual(['dev2']);
    expect(alerts[0]?.alert.critical).toBe(true);
    expect(alerts[0]?.alert.journeys[0]?.eventIds).toEqual(attack.map((r) => r.eventId));
  });

  it('alerts an unusual order of a risky routine action that only the identity’s own first, learned-early try outscored', () => {
    const ops = (name: string) => ({ actorName: name, actorKey: `user/${name}` });
    const risky = (rows: EventRow[], at: number[]) =>
      rows.map((r, i) => (at.includes(i) ? { ...r, risk: 0.6, facts: ['forOtherUser'] } : r));
    const rotation = [
      'iam:ListAccessKeys',
      'iam:GetAccessKeyLastUsed',
      'iam:CreateAccessKey',
      'secretsmanager:PutSecretValue',
      'iam:UpdateAccessKey',
    ];
    const rows: EventRow[] = [];
    for (let d = 0; d < 28; d++)
      for (const name of ['ops1', 'ops2'])
        rows.push(
          ...seq(work, T0 + d * DAY + 2 * HOUR, ops(name)),
          ...seq(d % 2 ? other : work, T0 + d * DAY + 6 * HOUR, ops(name)),
        );
    // Key rotations: ops1's first one (day 3) is its highest-scoring journey ever.
    for (const [d, name] of [
      [3, 'ops1'],
      [9, 'ops2'],
      [16, 'ops1'],
    ] as const)
      rows.push(...risky(seq(rotation, T0 + d * DAY + 4 * HOUR, ops(name)), [2]));
    // Every step known to ops1, in an order it never used: two keys minted, no rotation around them.
    const attack = risky(
      seq(['iam:CreateAccessKey', 'iam:ListAccessKeys', 'iam:CreateAccessKey'], T0 + 22 * DAY + 4 * HOUR, ops('ops1')),
      [0, 2],
    );
    const journeys = org([...rows, ...attack]);
    const { alerts } = run(journeys);
    expect(alerts.map((a) => a.alert.journeys[0]?.eventIds)).toEqual([attack.map((r) => r.eventId)]);
  });

  it('merges an identity’s anomalous journeys within 24 hours into one alert', () => {
    const first = seq(escalate, T0 + 20 * DAY + 9 * HOUR, {
      actorName: 'dev2',
      actorKey: 'user/dev2',
      risk: 0.9,
      facts: ['adminPolicy'],
    });
    const second = seq(['kms:ScheduleKeyDeletion', 'cloudtrail:StopLogging'], T0 + 20 * DAY + 15 * HOUR, {
      actorName: 'dev2',
      actorKey: 'user/dev2',
      risk: 0.95,
    });
    const later = seq(['kms:ScheduleKeyDeletion', 'cloudtrail:DeleteTrail'], T0 + 23 * DAY + 9 * HOUR, {
      actorName: 'dev2',
      actorKey: 'user/dev2',
      risk: 0.95,
    });
    const { alerts } = run(org([...first, ...second, ...later]));
    expect(alerts.map((a) => a.merged)).toEqual([false, true, false]);
    expect(alerts[1]?.alert.id).toBe(alerts[0]?.alert.id);
    expect(alerts[2]?.alert.id).not.toBe(alerts[0]?.alert.id);
  });

  it('derives the ordinary threshold from the budget: a bigger budget never lowers it below the floor, a smaller one raises it', () => {
    const journeys = org();
    const strict = run(journeys, { alertsPerWeek: 0.5 }).sut;
    const loose = run(journeys, { alertsPerWeek: 50 }).sut;
    const end = (journeys[journeys.length - 1] as Journey).end;
    expect(strict.threshold(end)).toBeGreaterThanOrEqual(loose.threshold(end));
    expect(loose.threshold(end)).toBeGreaterThanOrEqual(6);
  });

  it('is deterministic', () => {
    const attack = seq(escalate, T0 + 20 * DAY + 9 * HOUR, { actorName: 'dev2', actorKey: 'user/dev2', risk: 0.9 });
    const journeys = org(attack);
    const a = run(journeys).sut.toJSON();
    const b = run(journeys).sut.toJSON();
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });

  it('honours a scoped suppression until it expires', () => {
    const attack = (day: number) =>
      seq(escalate, T0 + day * DAY + 9 * HOUR, { actorName: 'dev2', actorKey: 'user/dev2', risk: 0.6 });
    const journeys = org([...attack(20), ...attack(26)]);
    const sut = new DetectionEngine({ learningDays: 14 });
    sut.suppressions = [{ id: 1, actorKey: 'user/dev2', tokens: escalate, owner: 'secops', expires: T0 + 22 * DAY }];
    const decisions = journeys
      .map((j) => sut.process(j).record)
      .filter(
        (r) =>
          r.actorKey === 'user/dev2' &&
          r.start >= T0 + 20 * DAY + 9 * HOUR &&
          r.eventIds.length === 3 &&
          r.start % DAY === (T0 + 9 * HOUR) % DAY,
      );
    expect(decisions.map((r) => r.decision)).toEqual(['suppressed', 'alert']);
  });
});
