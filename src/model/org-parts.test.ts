import { describe, expect, it } from 'vitest';
import type { EventRow } from '../domain/event.ts';
import { buildJourneys, type Journey } from '../journeys/builder.ts';
import { DAY, HOUR, row, seq, T0 } from '../journeys/rows.fixture.ts';
import { BehaviourModel } from './model.ts';
import {
  clearOrgParts,
  emptyOrgParts,
  installOrgParts,
  mergeOrgParts,
  type OrgParts,
  orgDelta,
  orgDeltaSince,
  orgParts,
  PreparedOrgParts,
} from './org-parts.ts';

const alice = { actorName: 'alice', actorKey: 'arn:aws:iam::111122223333:user/alice' };
const bob = {
  actorName: 'bob',
  actorKey: 'arn:aws:iam::444455556666:user/bob',
  accountId: '444455556666',
  sourceIp: '203.0.113.9',
  clientClass: 'console',
  clientName: null,
};

/** Two sessions of one permission set (a role family), in two accounts. */
const deployer = (account: string, who: string) => ({
  actorName: `Deployer (${who})`,
  actorKey: `arn:aws:sts::${account}:assumed-role/Deployer/${who}`,
  actorType: 'assumed-role',
  roleArn: `arn:aws:iam::${account}:role/Deployer`,
  accountId: account,
});

/**
 * Two weeks of alice's and bob's days: different actions, accounts, networks and a share target;
 * each with a session of the Deployer role doing the same deploy (a role family across both).
 */
function journeys(): { alice: Journey[]; bob: Journey[] } {
  const rows: EventRow[] = [];
  for (let d = 0; d < 14; d++) {
    const at = T0 + d * DAY;
    rows.push(...seq(['s3:ListBuckets', 's3:GetObject', 'ec2:DescribeInstances'], at, alice));
    rows.push(...seq(['iam:ListUsers', 'iam:GetUser', 'kms:Decrypt'], at + 2 * HOUR, bob));
    const deploy = ['cloudformation:DescribeStacks', 'cloudformation:UpdateStack', 'lambda:UpdateFunctionCode'];
    rows.push(...seq(deploy, at + 4 * HOUR, deployer('111122223333', 'ci-a')));
    rows.push(...seq(deploy, at + 5 * HOUR, deployer('444455556666', 'ci-b')));
    if (d % 3 === 0)
      rows.push(
        row('ec2:ModifySnapshotAttribute', at + 3 * HOUR, {
          ...bob,
          readOnly: false,
          facts: ['dataSharedOut'],
          risk: 0.6,
          targets: ['account:777788889999'],
        }),
      );
  }
  const all = buildJourneys(rows.sort((a, b) => a.time - b.time));
  // Alice's partition holds the first account's deployer, bob's the second's.
  const inA = (j: Journey) => j.actorName === 'alice' || j.actorName === 'Deployer (ci-a)';
  return { alice: all.filter(inA), bob: all.filter((j) => !inA(j)) };
}

function learnAll(m: BehaviourModel, js: readonly Journey[]): void {
  for (const j of js) m.learn(j, m.score(j).raw);
}

/** Each section as a map: what the organization knows, whatever order it was learned in. */
const asMaps = (p: OrgParts) =>
  Object.fromEntries(
    Object.entries(p).map(([s, e]) => [s, [...e].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))]),
  );

describe('organization-wide parts', () => {
  it('put back into the model they came from, change no score', () => {
    const { alice: a, bob: b } = journeys();
    const sut = new BehaviourModel();
    learnAll(sut, [...a.slice(0, 10), ...b.slice(0, 10)]);
    const before = [...a.slice(10), ...b.slice(10)].map((j) => sut.score(j));
    installOrgParts(sut, new PreparedOrgParts(orgParts(sut)));
    expect([...a.slice(10), ...b.slice(10)].map((j) => sut.score(j))).toEqual(before);
  });

  it("keep the accounts declared the organization's own through clearing and installing", () => {
    const { alice: a } = journeys();
    const sut = new BehaviourModel();
    sut.declareOrgAccounts(['999900001111']);
    learnAll(sut, a);
    const parts = orgParts(sut);
    clearOrgParts(sut, false);
    expect([...sut.orgAccounts]).toEqual(['999900001111']);
    installOrgParts(sut, new PreparedOrgParts({ ...parts, accounts: [['111122223333', 1]] }));
    expect([...sut.orgAccounts].sort()).toEqual(['111122223333', '999900001111']);
  });

  it('summed from two models of disjoint identities, are what one model of both learned', () => {
    const { alice: a, bob: b } = journeys();
    const one = new BehaviourModel();
    learnAll(one, [...a, ...b]);
    const left = new BehaviourModel();
    learnAll(left, a);
    const right = new BehaviourModel();
    learnAll(right, b);
    const empty = emptyOrgParts();
    const merged = mergeOrgParts(empty, [orgDelta(orgParts(left), empty), orgDelta(orgParts(right), empty)]);
    expect(asMaps(merged)).toEqual(asMaps(orgParts(one)));

    // Installed in the left model (alice's): bob's account, network and share target are the
    // organization's, and the organization has two identities.
    installOrgParts(left, new PreparedOrgParts(merged));
    expect(left.orgAccounts.has('444455556666')).toBe(true);
    expect(left.orgContext.nets.has('203.0.113.0/24')).toBe(true);
    expect(left.orgTargets.has('account:777788889999')).toBe(true);
    expect(left.orgIdentityCount).toBe(4);
    expect(left.identities.size).toBe(2);
    // The Deployer family has both sessions, with what the other did.
    const family = left.families.get('Deployer');
    expect(family?.members.sort()).toEqual([
      'arn:aws:sts::111122223333:assumed-role/Deployer/ci-a',
      'arn:aws:sts::444455556666:assumed-role/Deployer/ci-b',
    ]);
    expect(family?.ngram.uniTotal).toBe(one.families.get('Deployer')?.ngram.uniTotal);
    expect(
      left.otherKnown.get('arn:aws:sts::444455556666:assumed-role/Deployer/ci-b')?.has('cloudformation:UpdateStack'),
    ).toBe(true);
    expect(asMaps(orgParts(left))).toEqual(asMaps(orgParts(one)));
  });

  it('a delta taken after more learning carries exactly that learning into the next parts', () => {
    const { alice: a, bob: b } = journeys();
    const sut = new BehaviourModel();
    learnAll(sut, [...a.slice(0, 7), ...b.slice(0, 7)]);
    const base = orgParts(sut);
    learnAll(sut, [...a.slice(7), ...b.slice(7)]);
    expect(asMaps(mergeOrgParts(base, [orgDelta(orgParts(sut), base)]))).toEqual(asMaps(orgParts(sut)));
  });

  it("a partition's delta, taken against what it installed, is the delta of its parts as text", () => {
    const { alice: a, bob: b } = journeys();
    const org = new BehaviourModel();
    learnAll(org, [...a.slice(0, 7), ...b.slice(0, 7)]);
    const installed = orgParts(org);
    // Alice's partition: her own model, the organization's parts installed, then her next week.
    const sut = new BehaviourModel();
    learnAll(sut, a.slice(0, 7));
    const baseline = installOrgParts(sut, new PreparedOrgParts(installed));
    learnAll(sut, a.slice(7));
    const delta = orgDeltaSince(sut, baseline);
    expect(asMaps(delta)).toEqual(asMaps(orgDelta(orgParts(sut), installed)));
    expect(delta.accounts).toEqual([]);
    expect(delta.uni.length).toBeGreaterThan(0);
    // Summed into the organization's parts: what one model of both would know after alice's week.
    learnAll(org, a.slice(7));
    expect(asMaps(mergeOrgParts(installed, [delta]))).toEqual(asMaps(orgParts(org)));
  });
});
