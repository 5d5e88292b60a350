/**
 * A share with an account of the organization that already receives its shares (the DR account),
 * and the copy that account keeps, say little by themselves; the same firsts anywhere else are
 * still news.
 */
import { describe, expect, it } from 'vitest';
import type { EventRow } from '../domain/event.ts';
import { buildJourneys } from '../journeys/builder.ts';
import { DAY, HOUR, row, seq, T0 } from '../journeys/rows.fixture.ts';
import { BehaviourModel, type JourneyScore } from './model.ts';
import { ShareDestinations } from './shares.ts';

const PROD = '111122223333';
const DR = '444455556666';
const DEV = '777788889999';
const OUTSIDE = '999900001111';

const dba = { actorName: 'dba', actorKey: `arn:aws:iam::${PROD}:user/dba` };
const sre = { actorName: 'sre', actorKey: `arn:aws:iam::${PROD}:user/sre` };
const dev = { actorName: 'dev', actorKey: `arn:aws:iam::${DEV}:user/dev`, accountId: DEV, actorAccount: DEV };
const drCopier = { actorName: 'dba-dr', actorKey: `arn:aws:iam::${DR}:user/dba`, accountId: DR, actorAccount: DR };

const SHARE_FACTS = ['dataSharedOut', 'externalAccount'];

/** The DBA's fortnightly DR backup: a database snapshot shared with the DR account, copied there. */
function dbaBackup(at: number): EventRow[] {
  return [
    ...seq(['rds:CreateDBSnapshot'], at, { ...dba, readOnly: false, risk: 0.2 }),
    row('rds:ModifyDBSnapshotAttribute', at + 60_000, {
      ...dba,
      readOnly: false,
      facts: SHARE_FACTS,
      risk: 0.9,
      targets: [`account:${DR}`],
    }),
    ...seq(['rds:CopyDBSnapshot'], at + 5 * 60_000, { ...drCopier, readOnly: false, risk: 0.2 }),
  ];
}

/** Three weeks: the SRE's daily snapshots in prod, a developer in dev, and the DBA's backups (learned as `part`). */
function trained(part: 'all' | 'shared' = 'all'): BehaviourModel {
  const sut = new BehaviourModel();
  const rows: EventRow[] = [];
  const backups: EventRow[] = [];
  for (let d = 0; d < 21; d++) {
    rows.push(
      ...seq(['ec2:DescribeVolumes', 'ec2:CreateSnapshot', 'ec2:DescribeSnapshots'], T0 + d * DAY + 2 * HOUR, {
        ...sre,
        risk: 0.2,
      }),
    );
    rows.push(...seq(['ec2:DescribeInstances', 'ec2:RunInstances'], T0 + d * DAY + 3 * HOUR, dev));
    if (d % 7 === 0) backups.push(...dbaBackup(T0 + d * DAY + 5 * HOUR));
  }
  const all = [...rows, ...backups].sort((a, b) => a.time - b.time);
  const backupIds = new Set(backups.map((r) => r.eventId));
  for (const j of buildJourneys(all)) {
    const raw = sut.score(j).raw;
    if (part === 'shared' && j.events.some((e) => backupIds.has(e.eventId)))
      sut.learn(j, raw, undefined, undefined, 1, 'shared');
    else sut.learn(j, raw);
  }
  return sut;
}

/** The SRE's first volume snapshot shared with `accounts`. */
function sreShares(sut: BehaviourModel, accounts: string[]): JourneyScore {
  const at = T0 + 25 * DAY + 2 * HOUR;
  const [j] = buildJourneys([
    ...seq(['ec2:DescribeVolumes', 'ec2:CreateSnapshot', 'ec2:DescribeSnapshots'], at, { ...sre, risk: 0.2 }),
    row('ec2:ModifySnapshotAttribute', at + 3 * 60_000, {
      ...sre,
      readOnly: false,
      facts: SHARE_FACTS,
      risk: 0.9,
      targets: accounts.map((a) => `account:${a}`),
    }),
  ]);
  return sut.score(j as never);
}

const shareWeight = (s: JourneyScore) =>
  s.evidence.find((e) => e.token.startsWith('ec2:ModifySnapshotAttribute') && e.target === undefined)?.weight ?? 0;

describe('a share with an account that already receives the organization’s shares', () => {
  it('is no novelty, and weighs far less than the same first share elsewhere', () => {
    const sut = trained();
    const toDr = sreShares(sut, [DR]);
    const toDev = sreShares(sut, [DEV]);
    expect(toDr.novelty).toBe(0);
    expect(shareWeight(toDev)).toBeGreaterThan(4);
    expect(shareWeight(toDr)).toBeLessThan(shareWeight(toDev) / 2);
    expect(toDr.raw).toBeLessThan(toDev.raw);
  });

  it('stays news to an account of the organization that never received a share', () => {
    expect(sreShares(trained(), [DEV]).novelty).toBeGreaterThan(0);
  });

  it('stays news, and risky, to an account outside the organization', () => {
    const out = sreShares(trained(), [OUTSIDE]);
    expect(out.novelty).toBeGreaterThan(0);
    expect(out.anomalousRisk).toBeGreaterThanOrEqual(0.9);
  });

  it('stays news when the same call also shares outside the organization', () => {
    expect(sreShares(trained(), [DR, OUTSIDE]).novelty).toBeGreaterThan(0);
  });

  it('learns no destination from shares held back in alerts nobody confirmed', () => {
    const sut = trained('shared');
    expect(sut.shareDestinations.accounts.has(DR)).toBe(false);
    expect(sreShares(sut, [DR]).novelty).toBeGreaterThan(0);
  });
});

describe('the receiving end: a snapshot copied in an account that receives the organization’s shares', () => {
  /** The SRE's first call in `account`: copying the snapshot shared with it. */
  function sreCopiesIn(sut: BehaviourModel, account: string): JourneyScore {
    const [j] = buildJourneys(
      seq(['ec2:CopySnapshot'], T0 + 25 * DAY + 2 * HOUR + 10 * 60_000, {
        actorName: 'sre',
        actorKey: `arn:aws:iam::${account}:user/sre`,
        accountId: account,
        actorAccount: account,
        readOnly: false,
        risk: 0.15,
      }),
    );
    return sut.score(j as never);
  }
  const copyWeight = (s: JourneyScore) => s.evidence.find((e) => e.token === 'ec2:CopySnapshot')?.weight ?? 0;

  it('is no novelty in the DR account, and weighs far less than in an account that never received a share', () => {
    const sut = trained();
    const inDr = sreCopiesIn(sut, DR);
    const inDev = sreCopiesIn(sut, DEV);
    expect(inDr.novelty).toBe(0);
    expect(inDev.novelty).toBeGreaterThan(0);
    expect(copyWeight(inDr)).toBeLessThan(copyWeight(inDev) / 2);
  });

  it('stays news when the DR account received shares only in alerts nobody confirmed', () => {
    expect(sreCopiesIn(trained('shared'), DR).novelty).toBeGreaterThan(0);
  });
});

describe('ShareDestinations', () => {
  const org = new Set([PROD, DR, DEV]);
  const share = (over: Partial<EventRow>) =>
    row('ec2:ModifySnapshotAttribute', T0, {
      readOnly: false,
      facts: SHARE_FACTS,
      risk: 0.9,
      targets: [`account:${DR}`],
      ...over,
    });
  function known(): ShareDestinations {
    const d = new ShareDestinations();
    d.learn(share({}));
    return d;
  }

  it('learns where successful shares went, not refused or public ones', () => {
    const d = new ShareDestinations();
    d.learn(share({ success: false, targets: [`account:${DEV}`] }));
    d.learn(share({ facts: ['dataSharedOut', 'publicShare'], targets: [`account:${OUTSIDE}`] }));
    d.learn(share({ facts: [], targets: [`account:${OUTSIDE}`] }));
    expect([...d.accounts]).toEqual([]);
    d.learn(share({}));
    expect([...d.accounts]).toEqual([DR]);
  });

  it('calls a low-risk share with the known destination in-house', () => {
    expect(known().inHouse(share({}), 0.1, org)).toBe(true);
  });

  it('does not call in-house a share that keeps its risk, a refused share, or one with no account', () => {
    const d = known();
    expect(d.inHouse(share({}), 0.9, org)).toBe(false);
    expect(d.inHouse(share({ success: false }), 0.1, org)).toBe(false);
    expect(d.inHouse(share({ targets: [] }), 0.1, org)).toBe(false);
    expect(d.inHouse(share({ facts: ['dataSharedOut', 'publicShare'] }), 0.1, org)).toBe(false);
  });

  it('does not call in-house a known destination the organization no longer counts as its own', () => {
    expect(known().inHouse(share({}), 0.1, new Set([PROD]))).toBe(false);
  });

  it('calls a snapshot copied in a destination its receiving end, not an image copy or a copy elsewhere', () => {
    const d = known();
    const copy = (action: string, accountId: string) => row(action, T0, { accountId, readOnly: false, risk: 0.15 });
    expect(d.receives(copy('ec2:CopySnapshot', DR), 0.15, org)).toBe(true);
    expect(d.receives(copy('rds:CopyDBSnapshot', DR), 0.15, org)).toBe(true);
    expect(d.receives(copy('ec2:CopyImage', DR), 0.15, org)).toBe(false);
    expect(d.receives(copy('ec2:CopySnapshot', DEV), 0.15, org)).toBe(false);
    expect(d.receives({ ...copy('ec2:CopySnapshot', DR), success: false }, 0.15, org)).toBe(false);
    expect(d.receives(copy('ec2:CopySnapshot', DR), 0.15, new Set([PROD]))).toBe(false);
  });

  it('round-trips through JSON', () => {
    expect([...ShareDestinations.fromJSON(known().toJSON()).accounts]).toEqual([DR]);
    expect([...ShareDestinations.fromJSON(undefined).accounts]).toEqual([]);
  });
});
