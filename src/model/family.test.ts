/**
 * An identity's role family vouches for what the family does routinely, while its peer group is
 * another one: a platform admin's first sessions in a new account were clustered with readers
 * (and one who keeps mostly reading there stays among them), but opening an SSM session is what
 * their permission set does in every other account. The excess leaves that novelty out; what
 * nobody under the permission set does, and the news of a mature identity among peers of its own
 * permission set, stay novel.
 */
import { describe, expect, it } from 'vitest';
import type { EventRow } from '../domain/event.ts';
import { buildJourneys } from '../journeys/builder.ts';
import { DAY, HOUR, seq, T0 } from '../journeys/rows.fixture.ts';
import { BehaviourModel, type JourneyScore } from './model.ts';

const READS = ['ec2:DescribeInstances', 'logs:DescribeLogGroups', 'logs:FilterLogEvents'];
const SESSION = ['ec2:DescribeInstances', 'ssm:StartSession', 'ssm:TerminateSession'];
const SSO = 'role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_PlatformAdmin';

function admin(account: string, suffix: string, name: string): Partial<EventRow> {
  const roleArn = `arn:aws:iam::${account}:${SSO}_${suffix}`;
  return { actorName: `PlatformAdmin (${name})`, actorKey: `${roleArn}/${name}`, roleArn, accountId: account };
}
const reader = (i: number): Partial<EventRow> => ({ actorName: `reader${i}`, actorKey: `user/reader${i}` });
const young = admin('444455556666', 'bbbbbbbbbbbbbbbb', 'dana@example.com');

/** Five readers by default; `adminReaders` platform admins who only read, in a third account. */
function trained(youngJourneys: number, readers = 5, adminReaders = 0): BehaviourModel {
  const sut = new BehaviourModel();
  const rows: EventRow[] = [];
  for (let d = 0; d < 15; d++) {
    for (let i = 0; i < readers; i++) rows.push(...seq(READS, T0 + d * DAY + (2 + i) * HOUR, reader(i)));
    for (let i = 0; i < adminReaders; i++)
      rows.push(...seq(READS, T0 + d * DAY + (8 + i) * HOUR, admin('777788889999', 'cccccccccccccccc', `ar${i}`)));
    for (let i = 0; i < 4; i++)
      rows.push(...seq(SESSION, T0 + d * DAY + (3 + i) * HOUR, admin('111122223333', 'aaaaaaaaaaaaaaaa', `pa${i}`)));
  }
  for (let d = 0; d < youngJourneys; d++) rows.push(...seq(READS, T0 + (15 + d) * DAY + 9 * HOUR, young));
  rows.sort((a, b) => a.time - b.time);
  for (const j of buildJourneys(rows)) sut.learn(j, sut.score(j).raw);
  sut.recluster(T0 + 40 * DAY);
  return sut;
}

function scoreOf(sut: BehaviourModel, actions: string[]): JourneyScore {
  const [j] = buildJourneys(seq(actions, T0 + 40 * DAY + 9 * HOUR, young));
  return sut.score(j as never);
}

describe('a young identity’s role family', () => {
  it('vouches for an action its permission set does routinely, when its own peer group never did', () => {
    const sut = trained(5);
    const s = scoreOf(sut, SESSION);
    expect(s.peerGroup?.startsWith('role:')).toBe(false);
    const vouched = s.reasons.find((r) => r.kind === 'family-routine');
    expect(vouched?.text).toContain('ssm:StartSession');
    expect(vouched?.weight).toBeLessThan(0);
    // Still new for the identity and its peers: the evidence says so, the excess leaves it out.
    expect(s.novelty).toBeGreaterThan(0);
    expect(s.raw - s.baseline - s.excess).toBeGreaterThan(1);
  });

  it('vouches for nothing the permission set never does', () => {
    const s = scoreOf(trained(5), ['ec2:DescribeInstances', 'iam:CreateAccessKey']);
    expect(s.reasons.some((r) => r.kind === 'family-routine')).toBe(false);
    expect(Math.abs(s.raw - s.baseline - s.excess)).toBeLessThan(0.02);
  });

  it('still vouches once the identity has a history of its own, while most of its peers work under other permission sets', () => {
    const s = scoreOf(trained(12), SESSION);
    expect(s.peerGroup?.startsWith('role:')).toBe(false);
    expect(s.reasons.find((r) => r.kind === 'family-routine')?.text).toContain('ssm:StartSession');
  });

  it('vouches for nothing once the identity has a history of its own among peers of its own permission set', () => {
    const s = scoreOf(trained(12, 1, 3), SESSION);
    expect(s.peerGroupName).toMatch(/\(5\)$/);
    expect(s.novelty).toBeGreaterThan(0);
    expect(s.reasons.some((r) => r.kind === 'family-routine')).toBe(false);
  });
});
