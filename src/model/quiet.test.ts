/**
 * What says little by itself at the scale of a company: a scanner's new checks inside its
 * known sweep, a pipeline's new kind of infrastructure, access taken away, a share with one
 * of the organization's own accounts. Each weighs less than the same call where it is news.
 */
import { describe, expect, it } from 'vitest';
import { narrowsAccess, riskWithinOrganization } from '../catalog/index.ts';
import type { EventRow } from '../domain/event.ts';
import { buildJourneys } from '../journeys/builder.ts';
import { DAY, HOUR, seq, T0 } from '../journeys/rows.fixture.ts';
import { BehaviourModel } from './model.ts';
import { Tokenizer, Vocabulary } from './tokens.ts';

const SWEEP = Array.from({ length: 30 }, (_, i) => `ec2:DescribeThing${String(i).padStart(2, '0')}`);
const NEW_CHECKS = ['bedrock:ListGuardrails', 'ssm:GetServiceSetting'];

function learnAll(sut: BehaviourModel, rows: EventRow[]): void {
  rows.sort((a, b) => a.time - b.time);
  for (const j of buildJourneys(rows)) sut.learn(j, sut.score(j).raw);
}

describe('a sweep the identity knows', () => {
  const scanner = { actorName: 'scanner', actorKey: 'role/scanner' };
  function trained(): BehaviourModel {
    const sut = new BehaviourModel();
    const rows: EventRow[] = [];
    for (let d = 0; d < 15; d++) {
      rows.push(...seq(SWEEP, T0 + d * DAY + 2 * HOUR, scanner));
      rows.push(...seq(['s3:ListBuckets', 'ec2:DescribeInstances'], T0 + d * DAY + 5 * HOUR, scanner));
    }
    learnAll(sut, rows);
    return sut;
  }

  it('scores a scanner’s new checks inside its known sweep as no novelty', () => {
    const sut = trained();
    const [run] = buildJourneys(seq([...SWEEP, ...NEW_CHECKS], T0 + 20 * DAY + 2 * HOUR, scanner));
    const score = sut.score(run as never);
    expect(score.novelty).toBe(0);
    expect(score.reasons.filter((r) => r.text.includes('bedrock:ListGuardrails'))).toEqual([]);
  });

  it('keeps the same new calls as novelty in a short journey, where they are most of it', () => {
    const sut = trained();
    const [short] = buildJourneys(
      seq(['s3:ListBuckets', 'ec2:DescribeInstances', ...NEW_CHECKS], T0 + 20 * DAY + 5 * HOUR, scanner),
    );
    const [sweep] = buildJourneys(seq([...SWEEP, ...NEW_CHECKS], T0 + 20 * DAY + 2 * HOUR, scanner));
    const loud = sut.score(short as never);
    const quiet = sut.score(sweep as never);
    expect(loud.novelty).toBeGreaterThan(0);
    const weightOf = (s: typeof loud) => s.evidence.find((e) => e.token === 'bedrock:ListGuardrails')?.weight ?? 0;
    expect(weightOf(quiet)).toBeLessThan(weightOf(loud) / 2);
  });

  it('never quiets a new call with a fact, even inside the sweep', () => {
    const sut = trained();
    const rows = seq([...SWEEP, 'secretsmanager:GetSecretValue'], T0 + 20 * DAY + 2 * HOUR, scanner).map((r) =>
      r.actionKey === 'GetSecretValue' ? { ...r, facts: ['decryptedSecret'], risk: 0.2 } : r,
    );
    const [run] = buildJourneys(rows);
    expect(sut.score(run as never).novelty).toBeGreaterThan(0);
  });
});

describe('a provisioner', () => {
  const WRITES = Array.from({ length: 12 }, (_, i) => `lambda:UpdateThing${String(i).padStart(2, '0')}`);
  const pipeline = { actorName: 'deployer', actorKey: 'role/deployer' };
  const person = { actorName: 'ops', actorKey: 'role/ops', person: 'ops@example.com' };
  function trained(): BehaviourModel {
    const sut = new BehaviourModel();
    const rows: EventRow[] = [];
    for (let d = 0; d < 15; d++) {
      rows.push(
        ...seq(['sts:GetCallerIdentity', ...WRITES], T0 + d * DAY + 2 * HOUR, { ...pipeline, readOnly: false }),
      );
      rows.push(...seq(['sts:GetCallerIdentity', ...WRITES], T0 + d * DAY + 4 * HOUR, { ...person, readOnly: false }));
    }
    learnAll(sut, rows);
    return sut;
  }
  const refactor = ['sts:GetCallerIdentity', 'ec2:CreateVpc', 'ec2:CreateSubnet', 'ec2:CreateInternetGateway'];

  it('scores a pipeline’s new kinds of plain infrastructure as no novelty', () => {
    const sut = trained();
    const [apply] = buildJourneys(seq(refactor, T0 + 20 * DAY + 2 * HOUR, { ...pipeline, readOnly: false }));
    expect(sut.score(apply as never).novelty).toBe(0);
  });

  it('keeps them novel for a person with the same history', () => {
    const sut = trained();
    const [j] = buildJourneys(seq(refactor, T0 + 20 * DAY + 4 * HOUR, { ...person, readOnly: false }));
    expect(sut.score(j as never).novelty).toBeGreaterThan(0);
  });

  it('scores the pipeline’s known writes in a new order by how often it makes them, not by what they follow', () => {
    const sut = trained();
    const reordered = ['sts:GetCallerIdentity', ...[...WRITES].reverse()];
    const top = (s: ReturnType<BehaviourModel['score']>) => s.evidence[0]?.weight ?? 0;
    const [byPipeline] = buildJourneys(seq(reordered, T0 + 20 * DAY + 2 * HOUR, { ...pipeline, readOnly: false }));
    const [byPerson] = buildJourneys(seq(reordered, T0 + 20 * DAY + 4 * HOUR, { ...person, readOnly: false }));
    const quiet = sut.score(byPipeline as never);
    const loud = sut.score(byPerson as never);
    expect(quiet.sequence).toBeLessThan(loud.sequence / 2);
    expect(top(quiet)).toBeLessThan(top(loud));
  });

  it('quiets the pipeline tearing down a kind of resource it creates, not a person doing it', () => {
    const sut = new BehaviourModel();
    const builds = ['sts:GetCallerIdentity', 'iam:CreateRole', ...WRITES];
    const rows: EventRow[] = [];
    for (let d = 0; d < 15; d++) {
      rows.push(...seq(builds, T0 + d * DAY + 2 * HOUR, { ...pipeline, readOnly: false }));
      rows.push(...seq(builds, T0 + d * DAY + 4 * HOUR, { ...person, readOnly: false }));
    }
    learnAll(sut, rows);
    const teardown = (at: number, who: typeof pipeline) =>
      buildJourneys(
        seq(['sts:GetCallerIdentity', 'iam:DeleteRole', 'iam:DeleteUser'], at, { ...who, readOnly: false }).map((r) =>
          r.actionKey === 'GetCallerIdentity' ? r : { ...r, risk: 0.3 },
        ),
      )[0];
    const weight = (s: ReturnType<BehaviourModel['score']>, t: string) =>
      s.evidence.find((e) => e.token === t)?.weight ?? 0;
    const byPipeline = sut.score(teardown(T0 + 20 * DAY + 2 * HOUR, pipeline) as never);
    const byPerson = sut.score(teardown(T0 + 20 * DAY + 4 * HOUR, person) as never);
    // A user is a kind it never created: still news, for both.
    expect(byPipeline.novelty).toBeGreaterThan(0);
    expect(weight(byPipeline, 'iam:DeleteRole')).toBeLessThan(weight(byPerson, 'iam:DeleteRole') / 2);
    expect(weight(byPipeline, 'iam:DeleteUser')).toBeCloseTo(weight(byPerson, 'iam:DeleteUser'), 5);
  });

  it('keeps a risky new write novel for the pipeline', () => {
    const sut = trained();
    const [j] = buildJourneys(
      seq(['sts:GetCallerIdentity', 'iam:CreateAccessKey'], T0 + 20 * DAY + 2 * HOUR, {
        ...pipeline,
        readOnly: false,
        risk: 0.45,
      }),
    );
    expect(sut.score(j as never).novelty).toBeGreaterThan(0);
  });
});

describe('a pipeline that refreshes before it applies', () => {
  // Terraform's plan reads the state of what it manages across many services, then applies a
  // few kinds of change: fewer kinds of write than a provisioner's bar, the shape of one.
  const REFRESH = [
    'sts:GetCallerIdentity',
    's3:GetBucketPolicy',
    'lambda:GetFunction',
    'iam:GetRole',
    'ec2:DescribeVpcs',
    'ecs:DescribeServices',
    'rds:DescribeDBInstances',
    'kms:DescribeKey',
  ];
  const APPLY = ['lambda:UpdateFunctionCode', 'ecs:RegisterTaskDefinition', 'ecs:UpdateService'];
  const NEW_INFRA = ['ec2:CreateVpc', 'ec2:CreateSubnet', 'ec2:CreateInternetGateway'];
  const ci = { actorName: 'terraform', actorKey: 'role/terraform' };
  const write = (r: EventRow) => (/^(Describe|List|Get)/.test(r.actionKey) ? r : { ...r, readOnly: false });
  function trained(refresh: readonly string[] = REFRESH): BehaviourModel {
    const sut = new BehaviourModel();
    const rows: EventRow[] = [];
    for (let d = 0; d < 15; d++) rows.push(...seq([...refresh, ...APPLY], T0 + d * DAY + 2 * HOUR, ci).map(write));
    learnAll(sut, rows);
    return sut;
  }
  const run = (actions: readonly string[]) =>
    buildJourneys(seq(actions, T0 + 20 * DAY + 2 * HOUR, ci).map(write))[0] as never;

  it('scores new kinds of plain infrastructure after its refresh as no novelty', () => {
    expect(trained().score(run([...REFRESH, ...NEW_INFRA])).novelty).toBe(0);
  });

  it('keeps them novel when the run skips the refresh and goes straight to writing', () => {
    expect(trained().score(run(['sts:GetCallerIdentity', ...NEW_INFRA])).novelty).toBeGreaterThan(0);
  });

  it('keeps them novel for an identity that reads only a few services each run (a deployer)', () => {
    const narrow = REFRESH.slice(0, 4);
    expect(trained(narrow).score(run([...REFRESH, ...NEW_INFRA])).novelty).toBeGreaterThan(0);
  });

  it('keeps them novel for an identity that read those services only now and then', () => {
    const sut = new BehaviourModel();
    const rows: EventRow[] = [];
    for (let d = 0; d < 15; d++) {
      const reads = d % 7 === 0 ? REFRESH : REFRESH.slice(0, 2);
      rows.push(...seq([...reads, ...APPLY], T0 + d * DAY + 2 * HOUR, ci).map(write));
    }
    learnAll(sut, rows);
    expect(sut.score(run([...REFRESH, ...NEW_INFRA])).novelty).toBeGreaterThan(0);
  });

  it('keeps a secret read after the refresh novel', () => {
    const rows = seq([...REFRESH, 'secretsmanager:GetSecretValue'], T0 + 20 * DAY + 2 * HOUR, ci).map((r) =>
      r.actionKey === 'GetSecretValue' ? { ...r, facts: ['decryptedSecret'], targets: ['secret:prod/db'] } : r,
    );
    expect(trained().score(buildJourneys(rows)[0] as never).novelty).toBeGreaterThan(0);
  });
});

describe('direction of risk in the model', () => {
  const admin = { actorName: 'sec', actorKey: 'user/sec' };
  function trained(): BehaviourModel {
    const sut = new BehaviourModel();
    const rows: EventRow[] = [];
    for (let d = 0; d < 15; d++) rows.push(...seq(['iam:ListUsers', 'iam:GetUser'], T0 + d * DAY + 2 * HOUR, admin));
    learnAll(sut, rows);
    return sut;
  }

  it('weighs removing a user from a group far less than adding one, and as no novelty', () => {
    const sut = trained();
    const score = (action: string) => {
      const [j] = buildJourneys(
        seq(['iam:ListUsers', action], T0 + 20 * DAY + 2 * HOUR, { ...admin, readOnly: false, risk: 0.08 }),
      );
      return sut.score(j as never);
    };
    const remove = score('iam:RemoveUserFromGroup');
    const add = score('iam:AddUserToGroup');
    expect(remove.novelty).toBe(0);
    expect(add.novelty).toBeGreaterThan(0);
    const w = (s: typeof add, t: string) => s.evidence.find((e) => e.token === t)?.weight ?? 0;
    expect(w(remove, 'iam:RemoveUserFromGroup')).toBeLessThan(w(add, 'iam:AddUserToGroup') / 2);
  });

  it('knows which calls only take access away', () => {
    expect(narrowsAccess('iam', 'DetachRolePolicy')).toBe(true);
    expect(narrowsAccess('iam', 'DeleteAccessKey')).toBe(true);
    expect(narrowsAccess('iam', 'AttachRolePolicy')).toBe(false);
    // Deactivates or reactivates: not narrowing by name alone.
    expect(narrowsAccess('iam', 'UpdateAccessKey')).toBe(false);
  });
});

describe('risk within the organization', () => {
  const org = new Set(['111122223333', '444455556666']);
  const share = (targets: string[], facts = ['dataSharedOut', 'externalAccount']) => ({
    service: 'ec2',
    actionKey: 'ModifySnapshotAttribute',
    success: true,
    risk: 0.9,
    facts,
    targets,
  });

  it('drops the cross-account facts of a share with one of its own accounts', () => {
    expect(riskWithinOrganization(share(['account:444455556666']), org)).toBe(0.1);
  });

  it('keeps the risk of a share with any account outside it, or with everyone', () => {
    expect(riskWithinOrganization(share(['account:444455556666', 'account:999988887777']), org)).toBe(0.9);
    expect(riskWithinOrganization(share(['account:444455556666'], ['publicShare', 'dataSharedOut']), org)).toBe(0.9);
    expect(riskWithinOrganization(share([]), org)).toBe(0.9);
  });

  it('keeps the risk when the account list was clipped: an outsider may hide behind its own accounts', () => {
    const own = Array.from({ length: 8 }, (_, i) => `1000000000${String(i).padStart(2, '0')}`);
    const wide = new Set([...org, ...own]);
    expect(riskWithinOrganization(share(own.slice(0, 7).map((a) => `account:${a}`)), wide)).toBe(0.1);
    expect(riskWithinOrganization(share(own.map((a) => `account:${a}`)), wide)).toBe(0.9);
  });

  it('keeps the other facts’ floors', () => {
    const trust = {
      service: 'iam',
      actionKey: 'UpdateAssumeRolePolicy',
      success: true,
      risk: 0.92,
      facts: ['adminPolicy', 'externalAccount'],
      targets: ['account:444455556666'],
    };
    expect(riskWithinOrganization(trust, org)).toBe(0.92);
  });
});

describe('a trust in one of the organization’s own accounts', () => {
  const STAGING = '444455556666';
  const OUTSIDER = '999988887777';
  const admin = { actorName: 'iam-admin', actorKey: 'arn:aws:iam::111122223333:user/iam-admin' };
  const trust = (account: string | null, at: number): EventRow[] =>
    seq(['iam:GetRole', 'iam:UpdateAssumeRolePolicy', 'iam:TagRole'], at, admin).map((r) =>
      r.actionKey === 'UpdateAssumeRolePolicy' && account !== null
        ? { ...r, facts: ['externalAccount'], targets: [`account:${account}`], risk: 0.8 }
        : r.actionKey === 'UpdateAssumeRolePolicy'
          ? { ...r, risk: 0.6 }
          : r,
    );

  it('is tokenized as the plain call once the account is known, and an outsider’s keeps its fact', () => {
    const org = new Set(['111122223333']);
    const sut = new Tokenizer(new Vocabulary(), org);
    const [toStaging] = trust(STAGING, T0).filter((r) => r.facts.length > 0);
    const name = (r: EventRow) => sut.vocab.name(sut.token(r));
    expect(name(toStaging as EventRow)).toBe('iam:UpdateAssumeRolePolicy[externalAccount]');
    org.add(STAGING);
    expect(name(toStaging as EventRow)).toBe('iam:UpdateAssumeRolePolicy');
    const [toOutsider] = trust(OUTSIDER, T0).filter((r) => r.facts.length > 0);
    expect(name(toOutsider as EventRow)).toBe('iam:UpdateAssumeRolePolicy[externalAccount]');
  });

  it('is no novelty for an admin whose upkeep trusts services, while an outsider is', () => {
    const sut = new BehaviourModel();
    const rows: EventRow[] = [];
    for (let d = 0; d < 15; d++) {
      rows.push(...trust(null, T0 + d * DAY));
      // Work in the staging account: the trail shows it as one of the organization's.
      rows.push(...seq(['s3:ListBuckets'], T0 + d * DAY + 3 * HOUR, { ...admin, accountId: STAGING }));
    }
    learnAll(sut, rows);
    expect(sut.orgAccounts.has(STAGING)).toBe(true);
    const [own] = buildJourneys(trust(STAGING, T0 + 20 * DAY));
    const [out] = buildJourneys(trust(OUTSIDER, T0 + 20 * DAY));
    const inside = sut.score(own as never);
    const outside = sut.score(out as never);
    expect(inside.evidence.some((e) => e.token.includes('externalAccount'))).toBe(false);
    expect(outside.evidence.some((e) => e.token === 'iam:UpdateAssumeRolePolicy[externalAccount]')).toBe(true);
    expect(inside.raw).toBeLessThan(outside.raw);
    expect(inside.novelty).toBeLessThan(outside.novelty);
  });
});
