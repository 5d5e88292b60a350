import { describe, expect, it } from 'vitest';
import { buildJourneys } from '../journeys/builder.ts';
import { DAY, HOUR, seq, T0 } from '../journeys/rows.fixture.ts';
import { potThreshold, ScoreHistory } from './calibration.ts';
import { jaccardDistance, journeyFeatures, MedoidSet } from './medoids.ts';
import { BehaviourModel, roleFamily, surpriseOfNew } from './model.ts';
import { levelProbs, NGramCounts, PairIndex } from './ngram.ts';
import { clusterPeers } from './peers.ts';
import { Tokenizer, tokenText, Vocabulary } from './tokens.ts';

describe('tokens', () => {
  it('adds catalog facts in brackets and ! for failures', () => {
    const [r] = seq(['iam:AttachUserPolicy'], T0, { facts: ['adminPolicy'] });
    expect(tokenText(r as never)).toBe('iam:AttachUserPolicy[adminPolicy]');
    const [f] = seq(['ec2:AuthorizeSecurityGroupIngress'], T0, { facts: ['openToWorld'], success: false });
    expect(tokenText(f as never)).toBe('ec2:AuthorizeSecurityGroupIngress[openToWorld]!');
    const sut = new Tokenizer(new Vocabulary());
    const ids = sut.tokens([...seq(['s3:GetObject', 's3:GetObject'], T0), r as never]);
    expect(ids[0]).toBe(ids[1]);
    expect(sut.vocab.name(ids[2] as number)).toBe('iam:AttachUserPolicy[adminPolicy]');
  });
});

describe('n-gram back-off', () => {
  const pairs = new PairIndex();
  const [a, b, c, d] = [1, 2, 3, 4];
  const self = new NGramCounts();
  const peer = new NGramCounts();
  const org = new NGramCounts();
  for (let i = 0; i < 20; i++) self.add([a, b, c], pairs);
  for (let i = 0; i < 20; i++) peer.add([a, b, d], pairs);
  org.merge(self);
  org.merge(peer);

  it('makes the identity’s own habit likely and what nobody does unlikely', () => {
    const sut = levelProbs([a, b, c, d], pairs, 10, self, peer, org);
    expect(sut.self[2]).toBeGreaterThan(0.8);
    // d after (a b) is the peers' habit, not the identity's: unlikely for self, likely for peers.
    const other = levelProbs([a, b, d], pairs, 10, self, peer, org);
    expect(other.self[2]).toBeLessThan(0.1);
    expect(other.peer[2]).toBeGreaterThan(0.5);
  });

  it('backs off to the peer group when the identity has no history (a new hire)', () => {
    const sut = levelProbs([a, b, d], pairs, 10, null, peer, org);
    expect(sut.self[2]).toBe(sut.peer[2]);
    expect(sut.self[2]).toBeGreaterThan(0.5);
  });

  it('interpolates: probabilities of a context sum to 1', () => {
    let total = 0;
    for (let w = 1; w <= 10; w++) total += levelProbs([a, b, w], pairs, 10, self, peer, org).self[2] as number;
    expect(total).toBeCloseTo(1, 1);
  });
});

describe('typical journeys (medoids)', () => {
  it('groups similar journeys and keeps different habits apart', () => {
    const sut = new MedoidSet(0.5, 3);
    const deploy = journeyFeatures([1, 2, 3, 4]);
    const debug = journeyFeatures([7, 8, 9]);
    sut.add(deploy, [1, 2, 3, 4], 1);
    sut.add(journeyFeatures([1, 2, 3, 4, 4]), [1, 2, 3, 4, 4], 2);
    sut.add(debug, [7, 8, 9], 3);
    expect(sut.medoids.map((m) => m.count)).toEqual([2, 1]);
    expect(sut.nearest(journeyFeatures([7, 8, 9])).distance).toBe(0);
    expect(sut.nearest(journeyFeatures([20, 21])).distance).toBe(1);
  });

  it('computes Jaccard distance on sorted features', () => {
    expect(jaccardDistance([1, 2, 3], [2, 3, 4])).toBeCloseTo(0.5);
    expect(jaccardDistance([], [])).toBe(0);
  });

  it('makes room for a new habit by evicting the least used medoid when full', () => {
    const sut = new MedoidSet(0.2, 2);
    sut.add([1], [1], 1);
    sut.add([1], [1], 2);
    sut.add([2], [2], 3);
    sut.add([3], [3], 4);
    expect(sut.medoids.map((m) => m.tokens)).toEqual([[1], [3]]);
  });
});

describe('peer groups', () => {
  const dev = (key: string, extra: number) => ({
    key,
    counts: new Map([
      [1, 10],
      [2, 8],
      [3, 5],
      [extra, 1],
    ]),
    previous: null,
  });
  const admin = (key: string) => ({
    key,
    counts: new Map([
      [10, 9],
      [11, 7],
      [12, 4],
    ]),
    previous: null,
  });
  const inputs = [dev('d1', 20), admin('a1'), dev('d2', 21), dev('d3', 22), admin('a2')];

  it('clusters identities by behaviour, deterministically and independent of input order', () => {
    const sut = clusterPeers(inputs);
    expect(sut.get('d1')).toBe(sut.get('d2'));
    expect(sut.get('d2')).toBe(sut.get('d3'));
    expect(sut.get('a1')).toBe(sut.get('a2'));
    expect(sut.get('a1')).not.toBe(sut.get('d1'));
    expect([...clusterPeers([...inputs].reverse())].sort()).toEqual([...sut].sort());
  });

  it('keeps membership sticky while an identity still resembles its former peers', () => {
    const first = clusterPeers(inputs);
    const drifted = inputs
      .map((i) =>
        i.key === 'd1'
          ? {
              ...i,
              counts: new Map([
                [1, 10],
                [2, 8],
                [10, 6],
                [11, 6],
              ]),
            }
          : i,
      )
      .map((i) => ({ ...i, previous: first.get(i.key) ?? null }));
    const sut = clusterPeers(drifted);
    expect(sut.get('d1')).toBe(first.get('d2'));
  });
});

describe('calibration', () => {
  it('gives per-identity tail probabilities, never 0', () => {
    const sut = new ScoreHistory(100);
    for (let i = 1; i <= 10; i++) sut.add(i);
    expect(sut.tail(11)).toBeCloseTo(1 / 12);
    expect(sut.tail(1)).toBeCloseTo(11 / 12);
    expect(sut.quantile(0.5)).toBeCloseTo(5.5);
  });

  it('sets the POT threshold so that about q of the values lie above it', () => {
    let x = 12345;
    const rand = () => {
      x = (x * 1103515245 + 12345) % 2147483648;
      return x / 2147483648;
    };
    const values = Array.from({ length: 20000 }, () => -Math.log(1 - rand()) * 2);
    const sut = potThreshold(values, 0.001);
    // Exponential(mean 2): the true 0.999 quantile is 2 ln 1000 = 13.8.
    expect(sut).toBeGreaterThan(11.5);
    expect(sut).toBeLessThan(16.5);
    const above = values.filter((v) => v > sut).length / values.length;
    expect(above).toBeLessThan(0.003);
  });

  it('weighs a new value by how often this identity used new values before (Good-Turing)', () => {
    const office = new Map([['198.51.100.0/24', 40]]);
    const runners = new Map(Array.from({ length: 30 }, (_, i) => [`203.0.${i}.0/24`, 1] as [string, number]));
    expect(surpriseOfNew(office, 40, 3)).toBe(3);
    expect(surpriseOfNew(runners, 32, 3)).toBeLessThan(0.2);
  });
});

describe('BehaviourModel', () => {
  const work = ['sts:GetCallerIdentity', 'ec2:DescribeInstances', 'logs:FilterLogEvents'];
  const admin = ['iam:ListUsers', 'iam:CreateUser', 'iam:CreateAccessKey'];
  function trained(): BehaviourModel {
    const sut = new BehaviourModel();
    const rows = [];
    for (let d = 0; d < 15; d++) {
      for (const name of ['dev1', 'dev2', 'dev3', 'dev4'])
        rows.push(...seq(work, T0 + d * DAY + 2 * HOUR, { actorName: name, actorKey: `user/${name}` }));
      rows.push(...seq(admin, T0 + d * DAY + 4 * HOUR, { actorName: 'iam1', actorKey: 'user/iam1', risk: 0.5 }));
      rows.push(...seq(admin, T0 + d * DAY + 5 * HOUR, { actorName: 'iam2', actorKey: 'user/iam2', risk: 0.5 }));
    }
    rows.sort((a, b) => a.time - b.time);
    for (const j of buildJourneys(rows)) {
      if (j.end - (sut.lastRecluster ?? 0) > 3 * DAY) sut.recluster(j.end);
      sut.learn(j, sut.score(j).raw);
    }
    return sut;
  }

  it('does not flag an admin’s routine, though it is rare in the organization', () => {
    const sut = trained();
    const [routine] = buildJourneys(seq(admin, T0 + 20 * DAY, { actorName: 'iam1', actorKey: 'user/iam1', risk: 0.5 }));
    const score = sut.score(routine as never);
    expect(score.novelty).toBe(0);
    expect(score.excess).toBeLessThan(2);
  });

  it('flags the same actions by a developer, with self and peer evidence', () => {
    const sut = trained();
    const [odd] = buildJourneys(seq(admin, T0 + 20 * DAY, { actorName: 'dev2', actorKey: 'user/dev2', risk: 0.5 }));
    const score = sut.score(odd as never);
    expect(score.novelty).toBeGreaterThan(0);
    expect(score.excess).toBeGreaterThan(8);
    expect(score.peerSize).toBe(3);
    expect(score.reasons[0]?.text).toMatch(/first time dev2 did iam:\w+ in 15 journeys; 0 of dev2's 3 peers ever did/);
    expect(score.typicalJourney).toEqual(work);
  });

  it('counts the peers who did a token as they learn it, held back with an alert or learned', () => {
    const sut = trained();
    const adminOf = (name: string, day: number) =>
      buildJourneys(seq(admin, T0 + day * DAY, { actorName: name, actorKey: `user/${name}`, risk: 0.5 }))[0] as never;
    const peersDid = () =>
      sut
        .score(adminOf('dev2', 20))
        .evidence.filter((e) => e.token.startsWith('iam:'))
        .map((e) => e.peersDid);
    expect(peersDid().length).toBeGreaterThan(0);
    expect(new Set(peersDid())).toEqual(new Set([0]));
    sut.learn(adminOf('dev3', 18), 0);
    expect(new Set(peersDid())).toEqual(new Set([1]));
    sut.learn(adminOf('dev4', 19), 0, undefined, undefined, 1, 'shared');
    expect(new Set(peersDid())).toEqual(new Set([2]));
  });

  const DR = '222233334444';
  const share = (name: string, day: number, account: string) =>
    buildJourneys(
      seq(
        ['rds:CreateDBSnapshot', 'rds:DescribeDBSnapshots', 'rds:ModifyDBSnapshotAttribute'],
        T0 + day * DAY + 3 * HOUR,
        {
          actorName: name,
          actorKey: `user/${name}`,
        },
      ).map((r) =>
        r.action === 'ModifyDBSnapshotAttribute'
          ? { ...r, facts: ['dataSharedOut', 'externalAccount'], risk: 0.9, targets: [`account:${account}`] }
          : r,
      ),
    );
  /** Two SREs who share a snapshot with the DR account every other day, and see its events in the trail. */
  function withDrRoutine(): BehaviourModel {
    const sut = trained();
    const [seen] = buildJourneys(
      seq(['rds:CopyDBSnapshot'], T0 + 15 * DAY, { actorName: 'dr', actorKey: 'user/dr', accountId: DR }),
    );
    sut.learn(seen as never, 0);
    for (let d = 15; d < 30; d += 2)
      for (const name of ['sre1', 'sre2']) for (const j of share(name, d, DR)) sut.learn(j, sut.score(j).raw);
    sut.recluster(T0 + 30 * DAY);
    return sut;
  }

  it('scores nothing for the routine share with the usual account', () => {
    const sut = withDrRoutine();
    const [routine] = share('sre1', 31, DR);
    const score = sut.score(routine as never);
    expect(score.targets).toBe(0);
    expect(score.critical).toBe(false);
    expect(score.reasons.filter((r) => r.kind === 'new-target')).toEqual([]);
  });

  it('makes the same share with an account nobody here ever used critical, with the usual account as evidence', () => {
    const sut = withDrRoutine();
    const [odd] = share('sre1', 31, '999988887777');
    const score = sut.score(odd as never);
    expect(score.critical).toBe(true);
    expect(score.novelty).toBeGreaterThan(0);
    expect(score.evidence.some((e) => e.target === 'account:999988887777')).toBe(true);
    // The routine share names only the organization's DR account, so its word has no
    // externalAccount: a share with an outsider is a word sre1 never wrote, as well as a new target.
    expect(score.evidence[0]?.token).toBe('rds:ModifyDBSnapshotAttribute[dataSharedOut,externalAccount]');
    expect(score.reasons.find((r) => r.kind === 'new-target')?.text).toBe(
      `rds:ModifyDBSnapshotAttribute aimed at account 999988887777, never seen in this organization; sre1's earlier ones went to ${DR} (8x); 0 of sre1's 1 peers ever did`,
    );
  });

  it("does not make a share with another of the organization's own accounts critical", () => {
    const sut = withDrRoutine();
    const [sibling] = buildJourneys(
      seq(['rds:CopyDBSnapshot'], T0 + 31 * DAY, { actorName: 'dr', actorKey: 'user/dr', accountId: '555566667777' }),
    );
    sut.learn(sibling as never, 0);
    const [odd] = share('sre1', 32, '555566667777');
    const score = sut.score(odd as never);
    expect(score.critical).toBe(false);
    expect(score.targets).toBeGreaterThan(0);
  });

  it('learns the account of a share marked benign, and still scores a share with another one', () => {
    const sut = withDrRoutine();
    const [partner] = share('sre1', 31, '999988887777');
    sut.learnBenign(partner as never, sut.score(partner as never).raw);
    const [again] = share('sre1', 32, '999988887777');
    expect(sut.score(again as never).targets).toBe(0);
    const [peer] = share('sre2', 32, '999988887777');
    expect(sut.score(peer as never).evidence.find((e) => e.target !== undefined)).toMatchObject({
      orgDid: 1,
      peersDid: 1,
    });
    const [other] = share('sre1', 33, '444455556666');
    expect(sut.score(other as never).critical).toBe(true);
  });

  it('does not let an alerted share make the account known: it waits with the journey', () => {
    const sut = withDrRoutine();
    const [odd] = share('sre1', 31, '999988887777');
    sut.learn(odd as never, sut.score(odd as never).raw, undefined, undefined, 1, 'shared');
    const [again] = share('sre2', 31.5, '999988887777');
    expect(sut.score(again as never).critical).toBe(true);
  });

  it('counts an attack toolkit the identity never used as a novel action, an ordinary new client not', () => {
    const sut = trained();
    const as = (clientClass: string, clientName: string) =>
      sut.score(
        buildJourneys(
          seq(work, T0 + 20 * DAY, { actorName: 'dev2', actorKey: 'user/dev2', clientClass, clientName }),
        )[0] as never,
      );
    const pacu = as('offensive', 'Pacu');
    expect(pacu.novelty).toBeGreaterThan(0);
    expect(pacu.critical).toBe(true);
    expect(pacu.reasons.find((r) => r.kind === 'new-client')?.text).toBe(
      'client offensive/Pacu never seen in this organization (an attack toolkit)',
    );
    expect(as('console', 'Chrome').novelty).toBe(0);
  });

  it('round-trips through JSON and scores identically', () => {
    const sut = trained();
    const [odd] = buildJourneys(seq(admin, T0 + 20 * DAY, { actorName: 'dev2', actorKey: 'user/dev2', risk: 0.5 }));
    const copy = BehaviourModel.fromJSON(JSON.parse(JSON.stringify(sut.toJSON())));
    expect(copy.score(odd as never).raw).toBe(sut.score(odd as never).raw);
  });
});

// Real addresses, looked up in the bundled AS table: 73.45.x and 24.x are Comcast (AS7922),
// 3.213.88.41 is Amazon (AS14618), 167.99.x is DigitalOcean (AS14061), 10.x has no AS.
describe('BehaviourModel networks and autonomous systems', () => {
  const work = ['sts:GetCallerIdentity', 'ec2:DescribeInstances', 'logs:FilterLogEvents'];
  const homes: Record<string, string> = {
    dev1: '3.213.88.41',
    dev2: '24.91.5.10',
    dev3: '73.45.3.7',
    dev4: '73.45.4.7',
  };
  function trained(): BehaviourModel {
    const sut = new BehaviourModel();
    const rows = [];
    for (let d = 0; d < 15; d++)
      for (const [name, ip] of Object.entries(homes))
        rows.push(...seq(work, T0 + d * DAY + 2 * HOUR, { actorName: name, actorKey: `user/${name}`, sourceIp: ip }));
    rows.sort((a, b) => a.time - b.time);
    for (const j of buildJourneys(rows)) sut.learn(j, sut.score(j).raw);
    return sut;
  }
  const from = (sut: BehaviourModel, ip: string) => {
    const [j] = buildJourneys(seq(work, T0 + 20 * DAY, { actorName: 'dev2', actorKey: 'user/dev2', sourceIp: ip }));
    const score = sut.score(j as never);
    return { context: score.context, reason: score.reasons.find((r) => r.kind === 'new-network')?.text };
  };

  it('names the AS of a new network and says when the organization never used that AS', () => {
    const sut = from(trained(), '167.99.3.4');
    expect(sut.reason).toBe(
      'new network 167.99.3.0/24 (AS14061 DigitalOcean, LLC) for dev2; AS never seen in this organization',
    );
  });

  it('scores a new AS higher than a new prefix of an AS the identity already uses', () => {
    const sut = trained();
    const sameAs = from(sut, '24.98.7.7');
    const newAs = from(sut, '167.99.3.4');
    expect(sameAs.reason).toBe(
      'new network 24.98.7.0/24 (AS7922 Comcast Cable Communications, LLC) for dev2; never seen in this organization',
    );
    expect(newAs.context).toBeGreaterThan(sameAs.context + 2);
  });

  it('scores an AS the organization uses but this identity never did between the two', () => {
    const sut = trained();
    const orgAs = from(sut, '3.213.90.1');
    expect(orgAs.reason).toMatch(/^new network 3\.213\.90\.0\/24 \(AS14618 Amazon\.com, Inc\.\) for dev2; never seen/);
    expect(orgAs.context).toBeGreaterThan(from(sut, '24.98.7.7').context);
    expect(orgAs.context).toBeLessThan(from(sut, '167.99.3.4').context);
  });

  it('keeps the prefix-only weight for addresses without an AS', () => {
    const sut = from(trained(), '10.1.2.3');
    expect(sut.reason).toBe('new network 10.1.2.0/24 for dev2; never seen in this organization');
  });
});

describe('new identities start from their role or permission set', () => {
  const explore = ['sagemaker:ListNotebookInstances', 'sagemaker:ListTrainingJobs', 's3:ListBuckets'];
  const roleOf = (acct: string) =>
    `arn:aws:iam::${acct}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_MLEngineer_${acct === '111122223333' ? 'd544664bc1d940cb' : 'efed0ac9cac84cd1'}`;
  function engineer(name: string, acct: string, start: number) {
    return seq(explore, start, {
      actorKey: `${roleOf(acct)}/${name}@example.com`,
      actorName: `MLEngineer (${name}@example.com)`,
      actorType: 'assumed-role',
      roleArn: roleOf(acct),
      accountId: acct,
    });
  }

  it('names the family the same in every account, and none for an IAM user', () => {
    const sut = roleFamily;
    expect(sut({ roleArn: roleOf('111122223333'), key: 'x' })).toBe('AWSReservedSSO_MLEngineer');
    expect(sut({ roleArn: roleOf('444455556666'), key: 'y' })).toBe('AWSReservedSSO_MLEngineer');
    expect(sut({ roleArn: 'arn:aws:iam::111122223333:role/LumentaSecurityAudit', key: 'z' })).toBe(
      'LumentaSecurityAudit',
    );
    expect(sut({ roleArn: null, key: 'unknown:111122223333:d-9067a1b2c3.0b86' })).toBe('identity-center-user');
    expect(sut({ roleArn: null, key: 'arn:aws:iam::111122223333:user/bob' })).toBeNull();
  });

  /** Four developers with three weeks of routine that never touches SageMaker. */
  function withRoutine(): BehaviourModel {
    const sut = new BehaviourModel();
    const rows = [];
    for (let d = 0; d < 21; d++)
      for (const name of ['dev1', 'dev2', 'dev3', 'dev4'])
        rows.push(
          ...seq(['sts:GetCallerIdentity', 'ec2:DescribeInstances', 'logs:FilterLogEvents'], T0 + d * DAY, {
            actorKey: `arn:aws:iam::111122223333:user/${name}`,
            actorName: name,
          }),
        );
    rows.sort((a, b) => a.time - b.time);
    for (const j of buildJourneys(rows)) sut.learn(j, sut.score(j).raw);
    return sut;
  }
  const later = T0 + 22 * DAY;

  it('scores what a colleague under the same permission set already did as known to peers, not novel', () => {
    const sut = withRoutine();
    const [first] = buildJourneys(engineer('anika', '111122223333', later));
    const before = sut.score(first as never);
    expect(before.novelty).toBeGreaterThan(0);
    sut.learn(first as never, before.raw);
    const [second] = buildJourneys(engineer('olivia', '444455556666', later + 5 * HOUR));
    const after = sut.score(second as never);
    expect(after.peerGroupName).toBe('AWSReservedSSO_MLEngineer (2)');
    expect(after.novelty).toBe(0);
    expect(after.raw).toBeLessThan(before.raw);
  });

  it('keeps a new IAM user all novel: a new user is new, whoever made it', () => {
    const sut = new BehaviourModel();
    const user = (name: string, start: number) =>
      buildJourneys(seq(explore, start, { actorKey: `arn:aws:iam::111122223333:user/${name}`, actorName: name }));
    const [a] = user('bob', T0);
    sut.learn(a as never, sut.score(a as never).raw);
    const [b] = user('mallory', T0 + DAY);
    expect(sut.score(b as never).peerGroupName).toBeNull();
  });

  it('keeps the families across a save and load', () => {
    const sut = withRoutine();
    const [first] = buildJourneys(engineer('anika', '111122223333', later));
    sut.learn(first as never, sut.score(first as never).raw);
    const [second] = buildJourneys(engineer('olivia', '444455556666', later + 5 * HOUR));
    const loaded = BehaviourModel.fromJSON(JSON.parse(JSON.stringify(sut.toJSON())));
    const [a, b] = [loaded.score(second as never), sut.score(second as never)];
    expect(a.peerGroupName).toBe(b.peerGroupName);
    expect(a.novelty).toBe(0);
    expect(a.evidence.map((e) => [e.token, e.peersDid])).toEqual(b.evidence.map((e) => [e.token, e.peersDid]));
  });
});

describe('long horizons: credentials and other users an identity never touched', () => {
  const base = {
    actorKey: 'arn:aws:iam::111122223333:user/sre',
    actorName: 'sre',
    risk: 0.25,
    facts: ['decryptedSecret'],
  };
  /** An SRE that reads one secret daily for four weeks. */
  function sre(): BehaviourModel {
    const sut = new BehaviourModel();
    const rows = [];
    for (let d = 0; d < 28; d++)
      rows.push(
        ...seq(['sts:GetCallerIdentity', 'secretsmanager:GetSecretValue', 'logs:FilterLogEvents'], T0 + d * DAY, {
          ...base,
          targets: [],
        }).map((r) => (r.action === 'GetSecretValue' ? { ...r, targets: ['secret:prod/app'] } : r)),
      );
    for (const j of buildJourneys(rows)) sut.learn(j, sut.score(j).raw);
    return sut;
  }
  const read = (secret: string, start: number) =>
    buildJourneys(seq(['secretsmanager:GetSecretValue'], start, { ...base, targets: [`secret:${secret}`] }));

  it('scores the third day of new secrets as one slow harvest, naming how many and on how many days', () => {
    const sut = sre();
    const days = ['prod/db', 'prod/stripe', 'prod/github'].map((s, i) => read(s, T0 + (29 + i) * DAY)[0]);
    const scores = days.map((j) => {
      const s = sut.score(j as never);
      sut.learn(j as never, s.raw);
      return s;
    });
    const slow = (s: (typeof scores)[number]) => s.reasons.some((r) => r.text.includes('days of the last five'));
    expect(scores.map(slow)).toEqual([false, false, true]);
    expect(scores[2]?.targets).toBeGreaterThan(scores[0]?.targets as number);
    expect(scores[2]?.novelty).toBeGreaterThan(0);
  });

  it('does not for the secret it reads every day', () => {
    const sut = sre();
    const [j] = read('prod/app', T0 + 29 * DAY);
    expect(sut.score(j as never).targets).toBe(0);
  });

  it('gives acting on another user nobody here ever acted on its own reason, inside a routine session', () => {
    const sut = new BehaviourModel();
    const admin = { actorKey: 'arn:aws:iam::111122223333:user/admin', actorName: 'admin', risk: 0.45 };
    const rows = [];
    for (let d = 0; d < 28; d++)
      rows.push(
        ...seq(['iam:ListUsers', 'iam:CreateAccessKey', 'iam:DeleteAccessKey'], T0 + d * DAY, {
          ...admin,
          targets: [`principal:svc-${d % 3}`],
        }),
      );
    for (const j of buildJourneys(rows)) sut.learn(j, sut.score(j).raw);
    const [usual] = buildJourneys(
      seq(['iam:ListUsers', 'iam:CreateAccessKey'], T0 + 29 * DAY, { ...admin, targets: ['principal:svc-1'] }),
    );
    const [dormant] = buildJourneys(
      seq(['iam:ListUsers', 'iam:CreateAccessKey'], T0 + 29 * DAY + 3_600_000, {
        ...admin,
        targets: ['principal:old-contractor'],
      }),
    );
    expect(sut.score(usual as never).targets).toBe(0);
    const s = sut.score(dormant as never);
    expect(s.targets).toBeGreaterThan(4);
    expect(s.novelty).toBeGreaterThan(0);
    expect(s.reasons.some((r) => r.text.includes('principal old-contractor, never seen in this organization'))).toBe(
      true,
    );
  });
});
