/**
 * A look around: a journey that only reads, from where and how its identity always works (a
 * quarterly access review's first look at IAM in an account). Its new reads are one surprise
 * and one novelty between them in the excess the threshold applies to; a write, a refusal
 * burst, a fact, a target or a new network makes it an ordinary journey again.
 */
import { describe, expect, it } from 'vitest';
import type { EventRow } from '../domain/event.ts';
import { buildJourneys } from '../journeys/builder.ts';
import { DAY, HOUR, seq, T0 } from '../journeys/rows.fixture.ts';
import { BehaviourModel, type JourneyScore } from './model.ts';

const ROUTINE = ['cloudtrail:DescribeTrails', 'guardduty:ListDetectors', 'kms:ListKeys', 'kms:DescribeKey'];
const REVIEW = ['iam:ListUsers', 'iam:ListAccessKeys', 'iam:ListGroupsForUser', 'iam:GetGroup', 'iam:ListRoles'];
const sec = { actorName: 'sec', actorKey: 'arn:aws:iam::111122223333:user/sec' };
const AT = T0 + 30 * DAY + 2 * HOUR;

function trained(): BehaviourModel {
  const sut = new BehaviourModel();
  const rows: EventRow[] = [];
  for (let d = 0; d < 25; d++) rows.push(...seq(ROUTINE, T0 + d * DAY + 2 * HOUR, sec));
  rows.sort((a, b) => a.time - b.time);
  for (const j of buildJourneys(rows)) sut.learn(j, sut.score(j).raw);
  return sut;
}

function scoreOf(rows: EventRow[]): JourneyScore {
  const [j] = buildJourneys(rows);
  return trained().score(j as never);
}

/** What the score left out of the excess for the look (raw, baseline and excess are rounded to 0.01). */
const lookOf = (s: JourneyScore) => s.raw - s.baseline - s.excess;
const noLook = (s: JourneyScore) => {
  expect(Math.abs(lookOf(s))).toBeLessThan(0.02);
  expect(s.reasons.some((r) => r.kind === 'look-around')).toBe(false);
};

describe('a look around', () => {
  it('counts the new reads of a read-only journey in the usual context as one', () => {
    const s = scoreOf(seq([...ROUTINE, ...REVIEW], AT, sec));
    expect(s.context).toBe(0);
    expect(lookOf(s)).toBeGreaterThan(3);
    expect(s.reasons.find((r) => r.kind === 'look-around')?.text).toContain('5 reads new for sec count as one');
    // The surprise stays visible: the reads are still the evidence.
    expect(s.evidence.filter((e) => REVIEW.includes(e.token)).length).toBe(REVIEW.length);
  });

  it('is no look once the journey writes', () => {
    const rows = seq([...ROUTINE, ...REVIEW, 'iam:TagUser'], AT, sec).map((r) =>
      r.actionKey === 'TagUser' ? { ...r, readOnly: false } : r,
    );
    noLook(scoreOf(rows));
  });

  it('is no look from a network the identity never used', () => {
    const s = scoreOf(seq([...ROUTINE, ...REVIEW], AT, { ...sec, sourceIp: '203.0.113.9' }));
    expect(s.context).toBeGreaterThan(0);
    noLook(s);
  });

  it('is no look with more than one refused read', () => {
    const rows = seq([...ROUTINE, ...REVIEW], AT, sec).map((r, i) =>
      i >= ROUTINE.length && i < ROUTINE.length + 2
        ? { ...r, success: false, errorCode: 'AccessDenied', facts: ['accessDenied'] }
        : r,
    );
    noLook(scoreOf(rows));
  });

  it('tolerates a single refused read', () => {
    const rows = seq([...ROUTINE, ...REVIEW, 'iam:GetUser'], AT, sec).map((r) =>
      r.actionKey === 'GetUser' ? { ...r, success: false, errorCode: 'AccessDenied', facts: ['accessDenied'] } : r,
    );
    expect(lookOf(scoreOf(rows))).toBeGreaterThan(3);
  });

  it('is no look when a read carries a fact or a target (a secret decrypted)', () => {
    const rows = seq([...ROUTINE, ...REVIEW, 'secretsmanager:GetSecretValue'], AT, sec).map((r) =>
      r.actionKey === 'GetSecretValue' ? { ...r, facts: ['decryptedSecret'], targets: ['secret:db'] } : r,
    );
    noLook(scoreOf(rows));
  });

  it('leaves a single new read as it was', () => {
    const s = scoreOf(seq([...ROUTINE, 'iam:ListUsers'], AT, sec));
    expect(s.novelty).toBeGreaterThan(0);
    noLook(s);
  });
});

describe('a look that cleans up', () => {
  // Deactivating a key and removing a user from a group reduce exposure: a review's clean-up.
  const cleanUp = (rows: EventRow[]) => [
    ...rows,
    ...seq(['iam:UpdateAccessKey', 'iam:RemoveUserFromGroup'], AT + 20 * 60_000, sec).map((r) => ({
      ...r,
      readOnly: false,
      facts: r.actionKey === 'UpdateAccessKey' ? ['accessKeyDeactivated'] : [],
    })),
  ];

  it('stays a look when its only writes take access away', () => {
    const s = scoreOf(cleanUp(seq([...ROUTINE, ...REVIEW], AT, sec)));
    expect(lookOf(s)).toBeGreaterThan(3);
    expect(s.reasons.find((r) => r.kind === 'look-around')?.text).toContain('took access away');
  });

  it('is no look when a key is set active again: that grants', () => {
    const rows = [
      ...seq([...ROUTINE, ...REVIEW], AT, sec),
      ...seq(['iam:UpdateAccessKey'], AT + 20 * 60_000, { ...sec, readOnly: false }),
    ];
    noLook(scoreOf(rows));
  });

  it('is no look when a clean-up call was refused', () => {
    const rows = cleanUp(seq([...ROUTINE, ...REVIEW], AT, sec)).map((r) =>
      r.actionKey === 'RemoveUserFromGroup' ? { ...r, success: false, errorCode: 'AccessDenied' } : r,
    );
    noLook(scoreOf(rows));
  });
});

describe('a look by an identity with little history', () => {
  // Three journeys of its own with the CLI; a colleague works with boto3.
  function young(): BehaviourModel {
    const sut = new BehaviourModel();
    const rows: EventRow[] = [];
    for (let d = 0; d < 3; d++) rows.push(...seq(ROUTINE, T0 + d * DAY + 2 * HOUR, sec));
    const colleague = { actorName: 'ops', actorKey: 'arn:aws:iam::111122223333:user/ops', clientName: 'boto3' };
    for (let d = 0; d < 25; d++) rows.push(...seq(ROUTINE, T0 + d * DAY + 4 * HOUR, colleague));
    rows.sort((a, b) => a.time - b.time);
    for (const j of buildJourneys(rows)) sut.learn(j, sut.score(j).raw);
    return sut;
  }
  const review = (clientName: string) => buildJourneys(seq([...ROUTINE, ...REVIEW], AT, { ...sec, clientName }))[0];

  it('is a look with a client new to it that the organization knows', () => {
    const s = young().score(review('boto3') as never);
    expect(s.context).toBeGreaterThan(0);
    expect(lookOf(s)).toBeGreaterThan(3);
  });

  it('is no look with a client the organization never saw', () => {
    const s = young().score(review('curl') as never);
    expect(s.context).toBeGreaterThan(3);
    noLook(s);
  });
});
