/**
 * The company organization (`simulate --org company`): about a hundred people in ten roles,
 * seven CI pipelines, eleven workload roles (five of them reading and writing S3 objects, logged
 * as data events), and the benign events a real company's test weeks hold, each labelled in
 * benign.json and meta.json: a security vendor onboarded through a StackSet (then reading every
 * account every four hours and sharing volume snapshots with itself for agentless scanning), a
 * new team onboarded on one day, a quarterly access review with clean-up, a Terraform refactor,
 * an incident night, rare routine (a partner bucket policy, an occasional DR share, role upkeep),
 * a team change, a return from leave with a new laptop, an org-wide CLI upgrade and travel.
 * Its attacks hide in that routine (`company-attacks.ts`). Everything is drawn from the seed.
 */
import { type ClientProfile, userAgent } from './clients.ts';
import { type AttackLabel, type CompanyAttackPlan, planCompanyAttacks, playCompanyAttacks } from './company-attacks.ts';
import { GITHUB_OIDC, rolePrincipal, terraformReads } from './machines.ts';
import { account } from './org.ts';
import {
  HOUR,
  newDayState,
  type PersonContext,
  type PersonDayState,
  personDay,
  runTask,
  ssoActorKey,
} from './people.ts';
import { hashString, type Rng } from './prng.ts';
import { resourcesOf, rid } from './resources.ts';
import { makeCall, playSession } from './session.ts';
import { TASKS, type TaskTemplate } from './tasks.ts';
import type { AccountRole, Call, Person, Principal, Step } from './types.ts';

export const VENDOR = {
  name: 'Lumenta Security',
  accountId: '734561298340',
  roleName: 'LumentaSecurityAudit',
  externalId: 'lumenta-7f3a91c2',
  ips: ['18.204.33.', '54.157.201.'],
  agent: 'aws-sdk-go-v2/1.30.3 ua/2.1 os/linux lang/go#1.22.5 md/GOOS#linux md/GOARCH#amd64 lumenta-scanner/3.2.0',
} as const;
export const PARTNER_ACCOUNT = '209876543219';
export const DORMANT_USER = 'k.novak';
export const OPS_ROLE = 'prod-ops-maintenance';
const ALL_ACCOUNTS: readonly AccountRole[] = ['management', 'prod', 'staging', 'dev', 'security', 'dr'];

export interface CompanyBenign {
  kind: string;
  description: string;
  actor: string;
  start: string;
  end: string;
  eventIds: string[];
}

/** What the company simulation needs from `simulate()`. */
export interface CompanyEnv {
  rngFor: (label: string) => Rng;
  people: Person[];
  ctxs: PersonContext[];
  learningDays: number;
  days: number;
  dayStart0: number;
  scale: number;
}

const task = (name: string): TaskTemplate => TASKS[name] as TaskTemplate;

/** A short id of a stable label (snapshot ids, volume ids). */
const hex = (label: string, n: number): string => rid('', label, n);

export class CompanySimulation {
  readonly benign = new Map<string, CompanyBenign>();
  readonly labels: AttackLabel[] = [];
  /** Today's sessions and network of each person who worked (attacks ride them). */
  readonly states = new Map<number, PersonDayState>();
  private readonly env: CompanyEnv;
  private readonly when: Record<string, number>;
  private readonly sres: number[];
  private readonly admins: number[];
  private readonly security: number[];
  private readonly newTeam: number[];
  private readonly mover: number;
  private readonly returner: number;
  private readonly travellers: number[];
  private readonly upgraded = new Set<number>();
  private readonly attacks: CompanyAttackPlan[];
  private laptop: ClientProfile | null = null;

  constructor(env: CompanyEnv) {
    this.env = env;
    const T = env.learningDays;
    const testDays = Math.max(1, env.days - T);
    // Spread over the test weeks whatever their number (a short test run still sees every event).
    const at = (f: number) => Math.min(env.days - 1, T + Math.floor(f * testDays));
    this.when = {
      vendor: at(0.1),
      newTeam: at(0.24),
      cliUpgrade: at(0.33),
      teamChange: at(0.29),
      returnFromLeave: at(0.14),
      accessReview: at(0.43),
      travel: at(0.48),
      partnerPolicy: at(0.52),
      terraformRefactor: at(0.57),
      drShare: at(0.62),
      incident: at(0.71),
      roleUpkeep: at(0.76),
    };
    const idx = (kind: Person['persona']) =>
      env.people.flatMap((p, i) => (p.persona === kind && p.joinDay === 0 ? [i] : []));
    this.sres = idx('sre');
    this.admins = idx('iam-admin');
    this.security = idx('security');
    const ml = idx('ml-engineer');
    // The last five ML engineers are the new team: they start on one day of the test weeks.
    this.newTeam = ml.slice(Math.max(1, ml.length - 5));
    for (const i of this.newTeam) (env.people[i] as Person).joinDay = this.when.newTeam as number;
    const devs = idx('developer');
    const rng = env.rngFor('company');
    this.mover = rng.pick(devs);
    this.returner = rng.pick(devs.filter((i) => i !== this.mover));
    this.travellers = rng.shuffle(devs.filter((i) => i !== this.mover && i !== this.returner)).slice(0, 2);
    this.attacks = planCompanyAttacks(env.rngFor('company-attacks'), {
      people: env.people,
      learningDays: T,
      days: env.days,
      sres: this.sres,
      admins: this.admins,
      when: this.when,
    });
  }

  /** Attack plans (for tests and meta). */
  get plannedAttacks(): readonly CompanyAttackPlan[] {
    return this.attacks;
  }

  private label(
    id: string,
    kind: string,
    description: string,
    actor: string,
    calls: readonly Call[],
    expect?: 'notice',
  ): void {
    if (calls.length === 0) return;
    let b = this.benign.get(id);
    if (!b) {
      b = { kind, description, actor, start: '', end: '', eventIds: [], ...(expect ? { expect } : {}) };
      this.benign.set(id, b);
    }
    let lo = b.start ? Date.parse(b.start) : Number.POSITIVE_INFINITY;
    let hi = b.end ? Date.parse(b.end) : Number.NEGATIVE_INFINITY;
    for (const c of calls) {
      b.eventIds.push(c.eventId);
      if (c.time < lo) lo = c.time;
      if (c.time > hi) hi = c.time;
    }
    b.start = new Date(lo).toISOString();
    b.end = new Date(hi).toISOString();
  }

  /** One person's working day, with the company's changes to who they are and how they work. */
  personDay(i: number, day: number, dayStart: number, out: Call[]): void {
    const env = this.env;
    const base = env.ctxs[i] as PersonContext;
    const person = base.person;
    const w = this.when as Record<string, number>;
    // Away on leave for two weeks before returning with a new laptop.
    if (i === this.returner && day >= (w.returnFromLeave as number) - 14 && day < (w.returnFromLeave as number)) return;
    if (i === this.returner && day === w.returnFromLeave) {
      this.laptop = {
        browser: base.profile.browser.replace(/Chrome\/\d+/, 'Chrome/132'),
        os: 'Darwin/24.2.0',
        cliVersion: '2.22.35',
        pyVersion: '3.12.8',
        boto: base.profile.boto,
      };
      base.profile = this.laptop;
    }
    if (i === this.mover && day === w.teamChange) {
      // A developer moves to the data team: a new permission set in prod, the data team's tasks.
      person.persona = 'data-engineer';
      person.grants = [
        { set: 'DataEngineer', account: 'prod' },
        { set: 'DataEngineer', account: 'staging' },
        { set: 'Developer', account: 'dev' },
      ];
    }
    if (day === w.cliUpgrade)
      base.profile = { ...base.profile, cliVersion: '2.24.5', boto: '1.36.2', pyVersion: '3.12.8' };
    let ctx = base;
    const travelling = this.travellers.includes(i) && day >= (w.travel as number) && day < (w.travel as number) + 4;
    if (travelling) {
      // A conference abroad: a hotel address, the local time zone, the VPN some of the time.
      const hotel = `81.${200 + (hashString(person.handle) % 40)}.${(hashString(`${person.handle}:h`) % 250) + 1}.${(day % 200) + 20}`;
      ctx = { ...base, person: { ...person, office: hotel, home: hotel, tz: person.tz === 1 ? -5 : 1 } };
    }
    const from = out.length;
    let state: PersonDayState | null = null;
    personDay(env.rngFor(`person:${i}:${day}`), ctx, dayStart, day, out, (s) => {
      state = s;
    });
    if (state) this.states.set(i, state);
    // Now and then an SRE chains from the SSO session into the ops maintenance role.
    if (state && this.sres.includes(i) && env.rngFor(`ops:${i}:${day}`).chance(0.12)) this.opsChain(i, day, state, out);
    const calls = out.slice(from);
    const key = ssoActorKey(person, person.grants[0]?.set ?? 'Developer', person.grants[0]?.account ?? 'dev');
    if (this.newTeam.includes(i) && day - person.joinDay < 2)
      this.label('new-team', 'new-team', 'a new ML team starts: first sign-ins and exploration', key, calls);
    else if (i === this.returner && day >= (w.returnFromLeave as number) && day < (w.returnFromLeave as number) + 2)
      this.label('return', 'return-from-leave', `${person.handle} is back from leave with a new laptop`, key, calls);
    else if (i === this.mover && day >= (w.teamChange as number) && day < (w.teamChange as number) + 3)
      this.label('team-change', 'team-change', `${person.handle} moves from development to the data team`, key, calls);
    else if (travelling)
      this.label(`travel:${i}`, 'travel', `${person.handle} works from a conference abroad`, key, calls);
    else if (day >= (w.cliUpgrade as number) && !this.upgraded.has(i)) {
      const cli = calls.filter((c) => c.userAgent.includes('aws-cli/2.24.5') || c.userAgent.includes('Boto3/1.36.2'));
      if (cli.length) {
        this.upgraded.add(i);
        this.label('cli-upgrade', 'cli-upgrade', 'everyone upgrades to AWS CLI 2.24 and boto3 1.36', 'many', cli);
      }
    }
  }

  /** The SRE's occasional chain into the ops role (the routine a role-chaining attack hides in). */
  private opsChain(i: number, day: number, state: PersonDayState, out: Call[]): void {
    const person = this.env.people[i] as Person;
    const rng = this.env.rngFor(`ops-chain:${i}:${day}`);
    const session = [...state.sessions.values()].find((s) => s.accountId === account('prod').id);
    if (!session) return;
    const t = session.sessionStart + rng.int(600, 4 * 3600) * 1000;
    const ctx = this.env.ctxs[i] as PersonContext;
    playOpsChain(rng, person, ctx.profile, session, state.ip, t, out, [
      { action: 'ec2:DescribeInstances' },
      { action: 'ssm:DescribeInstanceInformation' },
      { action: 'ssm:ListCommands' },
      ...(rng.chance(0.5) ? [{ action: 'ec2:DescribeVolumes' }, { action: 'ec2:DescribeSnapshots' }] : []),
      { action: 'monitoring:DescribeAlarms' },
    ]);
  }

  /** The day's benign events, the company's machines and its attacks. */
  day(day: number, dayStart: number, out: Call[]): void {
    const w = this.when;
    this.machines(day, dayStart, out);
    if (day >= (w.vendor as number)) this.vendorScans(day, dayStart, out);
    if (day === w.vendor) this.vendorOnboarding(day, dayStart, out);
    if (day === (w.newTeam as number) - 1 || (w.newTeam === this.env.learningDays && day === w.newTeam))
      this.newTeamOnboarding(day, dayStart, out);
    if (day === w.newTeam) this.newTeamFirstDay(day, dayStart, out);
    if (day === w.accessReview) this.accessReview(day, dayStart, out);
    if (day === w.terraformRefactor) this.terraformRefactor(day, dayStart, out);
    let incident: { state: PersonDayState; end: number } | null = null;
    if (day === w.incident) incident = this.incidentNight(day, dayStart, out);
    if (day === w.partnerPolicy) this.partnerPolicy(day, dayStart, out);
    if (day === w.drShare) this.drShare(day, dayStart, out);
    if (day === w.roleUpkeep) this.roleUpkeep(day, dayStart, out);
    playCompanyAttacks(this.env.rngFor(`company-attack:${day}`), {
      plans: this.attacks,
      day,
      dayStart,
      people: this.env.people,
      ctxs: this.env.ctxs,
      states: this.states,
      incident,
      labels: this.labels,
      out,
    });
    this.states.clear();
  }

  private person(i: number | undefined): { p: Person; ctx: PersonContext } | null {
    if (i === undefined) return null;
    const p = this.env.people[i];
    const ctx = this.env.ctxs[i];
    return p && ctx ? { p, ctx } : null;
  }

  private vendorOnboarding(day: number, dayStart: number, out: Call[]): void {
    const sec = this.person(this.security[0]);
    if (!sec) return;
    const rng = this.env.rngFor(`vendor-onboarding:${day}`);
    const from = out.length;
    const t0 = dayStart + (sec.p.startHour + 2 - sec.p.tz) * HOUR;
    const end = runTask(rng, sec.ctx, newDayState(sec.p.office), task('security-config-review'), t0, day, out, {
      role: 'management',
      client: 'console',
      steps: [
        { action: 'cloudformation:ListStackSets' },
        {
          action: 'cloudformation:CreateStackSet',
          params: {
            stackSetName: 'lumenta-onboarding',
            permissionModel: 'SERVICE_MANAGED',
            autoDeployment: { enabled: true, retainStacksOnAccountRemoval: false },
            capabilities: ['CAPABILITY_NAMED_IAM'],
            templateURL: 'https://lumenta-public.s3.amazonaws.com/onboarding/v3/role.yaml',
          },
        },
        {
          action: 'cloudformation:CreateStackInstances',
          params: {
            stackSetName: 'lumenta-onboarding',
            deploymentTargets: { organizationalUnitIds: ['r-7kq2'] },
            regions: ['us-east-1'],
          },
        },
        { action: 'cloudformation:DescribeStackSetOperation', repeat: 4, gap: 45 },
      ],
    });
    // CloudFormation's StackSet execution role creates the vendor role in every account.
    const trust = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${VENDOR.accountId}:root` },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'sts:ExternalId': VENDOR.externalId } },
        },
      ],
    });
    let t = t0 + 60_000;
    for (const role of ALL_ACCOUNTS) {
      const acct = account(role);
      const p = rolePrincipal(rng, role, `stacksets-exec-${hex(`stackset:${acct.id}`, 32)}`, rng.hex(16), t, {
        invokedBy: 'cloudformation.amazonaws.com',
      });
      t = playSession(
        {
          rng,
          principal: p,
          accountId: acct.id,
          region: 'us-east-1',
          ip: 'cloudformation.amazonaws.com',
          agent: () => 'cloudformation.amazonaws.com',
          start: t + rng.int(5, 40) * 1000,
          deniedRate: 0,
          steps: [
            {
              action: 'iam:CreateRole',
              params: {
                roleName: VENDOR.roleName,
                path: '/',
                assumeRolePolicyDocument: trust,
                maxSessionDuration: 3600,
              },
            },
            {
              action: 'iam:AttachRolePolicy',
              params: { roleName: VENDOR.roleName, policyArn: 'arn:aws:iam::aws:policy/SecurityAudit' },
              gap: 2,
            },
            {
              action: 'iam:AttachRolePolicy',
              params: { roleName: VENDOR.roleName, policyArn: 'arn:aws:iam::aws:policy/job-function/ViewOnlyAccess' },
              gap: 2,
            },
            {
              action: 'iam:PutRolePolicy',
              params: {
                roleName: VENDOR.roleName,
                policyName: 'lumenta-agentless-scanning',
                policyDocument: JSON.stringify({
                  Version: '2012-10-17',
                  Statement: [
                    {
                      Effect: 'Allow',
                      Action: [
                        'ec2:CreateSnapshot',
                        'ec2:ModifySnapshotAttribute',
                        'ec2:DeleteSnapshot',
                        'ec2:CreateTags',
                      ],
                      Resource: '*',
                    },
                  ],
                }),
              },
              gap: 2,
            },
            { action: 'iam:GetRole', params: { roleName: VENDOR.roleName }, gap: 3 },
          ],
        },
        out,
      );
    }
    void end;
    this.label(
      'vendor-onboarding',
      'vendor-onboarding',
      `${sec.p.handle} onboards ${VENDOR.name}: a StackSet creates ${VENDOR.roleName} (trusting ${VENDOR.accountId}) in every account`,
      ssoActorKey(sec.p, 'SecurityAdmin', 'management'),
      out.slice(from),
      // A new outside party trusted in every account: the one alert issue 10's item 5 asks for.
      'notice',
    );
  }

  /** The vendor reads every account every four hours; once a day it snapshots a few volumes and shares them with itself. */
  private vendorScans(day: number, dayStart: number, out: Call[]): void {
    const rng = this.env.rngFor(`vendor-scan:${day}`);
    const from = out.length;
    const startHour = day === this.when.vendor ? 18 : 1;
    for (let h = startHour; h < 24; h += 4) {
      let t = dayStart + h * HOUR + rng.int(0, 600) * 1000;
      const ip = `${rng.pick(VENDOR.ips)}${rng.int(1, 254)}`;
      const session = `lumenta-${rng.hex(12)}`;
      for (const role of ALL_ACCOUNTS) {
        const acct = account(role);
        const res = resourcesOf(role);
        const caller: Principal = {
          kind: 'aws-account',
          accountId: VENDOR.accountId,
          principalId: `AROAV3NDOR${hex(`vendor:${VENDOR.accountId}`, 11).toUpperCase()}:lumenta-orchestrator`,
        };
        out.push(
          makeCall(rng, {
            time: t,
            principal: caller,
            accountId: acct.id,
            region: 'us-east-1',
            action: 'sts:AssumeRole',
            params: {
              roleArn: `arn:aws:iam::${acct.id}:role/${VENDOR.roleName}`,
              roleSessionName: session,
              externalId: VENDOR.externalId,
            },
            ip,
            agent: VENDOR.agent,
          }),
        );
        const p = rolePrincipal(rng, role, VENDOR.roleName, session, t);
        const steps: Step[] = [
          { action: 'iam:GetAccountAuthorizationDetails' },
          { action: 'iam:ListUsers' },
          { action: 'iam:ListRoles' },
          { action: 's3:ListBuckets' },
          ...res.buckets.flatMap((b) => [
            { action: 's3:GetBucketPolicy', params: { bucketName: b, policy: '' } },
            { action: 's3:GetBucketPublicAccessBlock', params: { bucketName: b } },
          ]),
          { action: 'cloudtrail:DescribeTrails' },
          { action: 'kms:ListKeys' },
        ];
        for (const region of new Set([...acct.regions, 'us-east-1']))
          steps.push(
            { action: 'ec2:DescribeInstances', region },
            { action: 'ec2:DescribeVolumes', region },
            { action: 'ec2:DescribeSecurityGroups', region },
            { action: 'ec2:DescribeSnapshots', region },
            { action: 'lambda:ListFunctions20150331', region },
            { action: 'rds:DescribeDBInstances', region },
            { action: 'ecs:ListClusters', region },
            { action: 'eks:ListClusters', region },
            { action: 'ecr:DescribeRepositories', region },
            { action: 'guardduty:ListDetectors', region },
          );
        t = playSession(
          {
            rng,
            principal: p,
            accountId: acct.id,
            region: 'us-east-1',
            ip,
            agent: () => VENDOR.agent,
            start: t + 2000,
            steps: steps.map((s) => ({ ...s, gap: 0.3 })),
            deniedRate: 0.01,
          },
          out,
        );
        // Agentless scanning: once a day, in the workload accounts, snapshot volumes and share them.
        if (h >= 9 && h < 13 && (role === 'prod' || role === 'staging')) {
          const snaps: Step[] = [];
          for (let v = 0; v < 3; v++) {
            const vol = `vol-${hex(`${acct.id}:volume:${rng.int(0, 7)}`, 17)}`;
            const snap = `snap-${hex(`${acct.id}:vendor:${day}:${v}`, 17)}`;
            snaps.push(
              {
                action: 'ec2:CreateSnapshot',
                params: { volumeId: vol, description: 'lumenta agentless scan' },
                response: { snapshotId: snap, volumeId: vol, status: 'pending' },
                gap: 1,
              },
              {
                action: 'ec2:ModifySnapshotAttribute',
                params: {
                  snapshotId: snap,
                  attributeType: 'CREATE_VOLUME_PERMISSION',
                  createVolumePermission: { add: { items: [{ userId: VENDOR.accountId }] } },
                },
                gap: 90,
              },
              { action: 'ec2:DeleteSnapshot', params: { snapshotId: snap }, gap: 1800 },
            );
          }
          playSession(
            {
              rng,
              principal: p,
              accountId: acct.id,
              region: acct.regions[0] ?? 'us-east-1',
              ip,
              agent: () => VENDOR.agent,
              start: t + 5000,
              steps: snaps,
              deniedRate: 0,
            },
            out,
          );
        }
      }
    }
    this.label(
      'vendor-scans',
      'vendor-scans',
      `${VENDOR.name} reads every account every four hours and shares volume snapshots with ${VENDOR.accountId}`,
      `${VENDOR.roleName}`,
      out.slice(from),
    );
  }

  private newTeamOnboarding(day: number, dayStart: number, out: Call[]): void {
    const admin = this.person(this.admins[0]);
    if (!admin) return;
    const rng = this.env.rngFor(`new-team-onboarding:${day}`);
    const from = out.length;
    const steps: Step[] = [{ action: 'identitystore:ListUsers' }, { action: 'identitystore:ListGroups' }];
    for (const i of this.newTeam) {
      const p = this.env.people[i] as Person;
      steps.push(
        {
          action: 'identitystore:CreateUser',
          params: { identityStoreId: 'd-9067a1b2c3', userName: p.email, displayName: p.handle },
        },
        {
          action: 'identitystore:CreateGroupMembership',
          params: { identityStoreId: 'd-9067a1b2c3', groupId: 'ml-team' },
        },
      );
    }
    for (const g of (this.env.people[this.newTeam[0] ?? 0] as Person).grants)
      steps.push({
        action: 'sso:CreateAccountAssignment',
        params: {
          targetId: account(g.account).id,
          targetType: 'AWS_ACCOUNT',
          principalType: 'GROUP',
          permissionSetArn: `arn:aws:sso:::permissionSet/ssoins-7223a1b2c3d4e5f6/ps-${g.set}`,
        },
      });
    steps.push({ action: 'sso:DescribeAccountAssignmentCreationStatus', repeat: 2, gap: 5 });
    runTask(
      rng,
      admin.ctx,
      newDayState(admin.p.office),
      task('review-sso'),
      dayStart + (admin.p.startHour + 3 - admin.p.tz) * HOUR,
      day,
      out,
      {
        role: 'management',
        client: 'console',
        steps,
      },
    );
    this.label(
      'new-team',
      'new-team',
      'a new ML team starts: first sign-ins and exploration',
      ssoActorKey(admin.p, 'IAMAdmin', 'management'),
      out.slice(from),
    );
  }

  /** Each newcomer registers MFA, signs in and explores, meeting many refusals. */
  private newTeamFirstDay(day: number, dayStart: number, out: Call[]): void {
    const from = out.length;
    for (const i of this.newTeam) {
      const who = this.person(i);
      if (!who) continue;
      const rng = this.env.rngFor(`new-team-first:${i}`);
      const t = dayStart + (who.p.startHour + 0.5 - who.p.tz) * HOUR + rng.int(0, 1800) * 1000;
      const ic: Principal = {
        kind: 'identity-center',
        accountId: account('management').id,
        userName: who.p.email,
        principalId: `d-9067a1b2c3.${rng.uuid()}`,
      };
      for (const [k, action] of [
        'sso-directory:StartWebAuthnDeviceRegistration',
        'sso-directory:CompleteWebAuthnDeviceRegistration',
      ].entries())
        out.push(
          makeCall(rng, {
            time: t + k * 40_000,
            principal: ic,
            accountId: account('management').id,
            region: 'us-east-1',
            action,
            params: null,
            ip: who.p.office,
            agent: who.ctx.profile.browser,
          }),
        );
      const deny = (action: string) => ({ action, error: 'AccessDenied' });
      const steps: Step[] = [
        { action: 'ec2:DescribeInstances' },
        deny('iam:ListRoles'),
        { action: 's3:ListBuckets' },
        deny('secretsmanager:ListSecrets'),
        deny('rds:DescribeDBInstances'),
        { action: 'sagemaker:ListTrainingJobs' },
        deny('ecs:ListClusters'),
        deny('lambda:ListFunctions20150331'),
        { action: 'sagemaker:ListNotebookInstances' },
        deny('iam:GetAccountSummary'),
        deny('kms:ListKeys'),
        { action: 's3:ListBucket', params: { bucketName: resourcesOf('dev').buckets[2] } },
      ];
      runTask(rng, who.ctx, newDayState(who.p.office), task('look-around'), t + 120_000, day, out, {
        role: 'dev',
        client: 'console',
        steps: rng.shuffle(steps),
      });
    }
    const first = this.person(this.newTeam[0]);
    this.label(
      'new-team',
      'new-team',
      'a new ML team starts: first sign-ins and exploration',
      first ? ssoActorKey(first.p, 'MLEngineer', 'dev') : 'new-team',
      out.slice(from),
    );
  }

  /** A security engineer reviews access in every account and cleans up. */
  private accessReview(day: number, dayStart: number, out: Call[]): void {
    const sec = this.person(this.security[1] ?? this.security[0]);
    if (!sec) return;
    const rng = this.env.rngFor(`access-review:${day}`);
    const from = out.length;
    const state = newDayState(sec.p.office);
    let t = dayStart + (sec.p.startHour + 1 - sec.p.tz) * HOUR;
    for (const role of ALL_ACCOUNTS) {
      const res = resourcesOf(role);
      const steps: Step[] = [
        { action: 'iam:GenerateCredentialReport' },
        { action: 'iam:GetCredentialReport', gap: 15 },
        { action: 'iam:ListUsers' },
        ...res.serviceUsers.flatMap((u) => [
          { action: 'iam:ListAccessKeys', params: { userName: u } },
          { action: 'iam:GetAccessKeyLastUsed' },
          { action: 'iam:ListGroupsForUser', params: { userName: u } },
          { action: 'iam:ListAttachedUserPolicies', params: { userName: u } },
        ]),
        { action: 'iam:GetGroup', params: { groupName: 'admins' } },
        { action: 'access-analyzer:ListFindings' },
      ];
      if (role === 'prod' || role === 'staging' || role === 'dev')
        steps.push({
          action: 'iam:UpdateAccessKey',
          params: {
            userName: 'svc-legacy-etl',
            accessKeyId: `AKIA${hex(`${role}:etl-key`, 16).toUpperCase()}`,
            status: 'Inactive',
          },
        });
      if (role === 'prod') {
        steps.push(
          { action: 'iam:DeleteLoginProfile', params: { userName: 'contractor-ops' } },
          { action: 'iam:RemoveUserFromGroup', params: { groupName: 'admins', userName: 'svc-monitoring' } },
          {
            action: 'iam:DeleteAccessKey',
            params: { userName: 'svc-monitoring', accessKeyId: 'AKIAXK4QMONITORKEY01' },
          },
          {
            action: 'iam:DetachUserPolicy',
            params: { userName: 'svc-backup', policyArn: 'arn:aws:iam::aws:policy/AmazonS3FullAccess' },
          },
        );
      }
      if (role === 'dev') steps.push({ action: 'iam:DeleteLoginProfile', params: { userName: 'intern-2025' } });
      t = runTask(rng, sec.ctx, state, task('security-config-review'), t + rng.int(120, 900) * 1000, day, out, {
        role,
        client: 'cli',
        steps,
      });
    }
    this.label(
      'access-review',
      'access-review',
      `${sec.p.handle} runs the quarterly access review in every account and cleans up`,
      ssoActorKey(sec.p, 'SecurityAdmin', 'prod'),
      out.slice(from),
    );
  }

  /** CI replaces the network module: many resource types created and deleted in three applies. */
  private terraformRefactor(day: number, dayStart: number, out: Call[]): void {
    const rng = this.env.rngFor(`tf-refactor:${day}`);
    const from = out.length;
    const acct = account('prod');
    let t = dayStart + 15 * HOUR + rng.int(0, 1800) * 1000;
    const subject = 'repo:acme-corp/infrastructure:ref:refs/heads/main';
    for (let apply = 0; apply < 3; apply++) {
      const ip = `${rng.pick(['20.57', '4.175', '52.159'])}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
      out.push(
        makeCall(rng, {
          time: t,
          principal: { kind: 'web-identity', provider: GITHUB_OIDC, subject },
          accountId: acct.id,
          region: 'us-east-1',
          action: 'sts:AssumeRoleWithWebIdentity',
          params: {
            roleArn: `arn:aws:iam::${acct.id}:role/github-actions-terraform`,
            roleSessionName: 'GitHubActions',
            durationSeconds: 3600,
          },
          ip,
          agent: 'aws-sdk-nodejs/3.693.0 linux/v20.18.0 configure-aws-credentials-for-github-actions',
        }),
      );
      const p = rolePrincipal(rng, 'prod', 'github-actions-terraform', 'GitHubActions', t, {
        webIdProvider: `arn:aws:iam::${acct.id}:oidc-provider/${GITHUB_OIDC}`,
      });
      const n = (s: string) => `${s}-v2-${apply}`;
      const creates: Step[] = [
        { action: 'ec2:CreateVpc', params: { cidrBlock: `10.${40 + apply}.0.0/16` } },
        { action: 'ec2:CreateSubnet', repeat: 4 },
        { action: 'ec2:CreateRouteTable', repeat: 2 },
        { action: 'ec2:CreateInternetGateway' },
        { action: 'ec2:AttachInternetGateway' },
        { action: 'ec2:CreateNatGateway' },
        { action: 'ec2:CreateSecurityGroup', params: { groupName: n('app-sg') } },
        { action: 'elasticloadbalancing:CreateTargetGroup', params: { name: n('api-tg') } },
        { action: 'elasticloadbalancing:CreateLoadBalancer', params: { name: n('alb'), scheme: 'internal' } },
        { action: 'logs:CreateLogGroup', params: { logGroupName: `/app/${n('vpc-flow')}` } },
        { action: 'ec2:CreateFlowLogs' },
        { action: 'rds:CreateDBSubnetGroup', params: { dBSubnetGroupName: n('db-subnets') } },
        { action: 'iam:CreateRole', params: { roleName: n('flow-logs-role'), assumeRolePolicyDocument: '{}' } },
        { action: 'iam:PutRolePolicy', params: { roleName: n('flow-logs-role'), policyName: 'logs-write' } },
        { action: 'ec2:CreateVpcEndpoint', repeat: 3 },
      ];
      const deletes: Step[] = [
        { action: 'ec2:DeleteVpcEndpoints', repeat: 2 },
        { action: 'elasticloadbalancing:DeleteLoadBalancer' },
        { action: 'elasticloadbalancing:DeleteTargetGroup' },
        { action: 'ec2:DeleteNatGateway' },
        { action: 'ec2:DetachInternetGateway' },
        { action: 'ec2:DeleteInternetGateway' },
        { action: 'ec2:DeleteSubnet', repeat: 4 },
        { action: 'ec2:DeleteRouteTable', repeat: 2 },
        { action: 'ec2:DeleteSecurityGroup' },
        { action: 'rds:DeleteDBSubnetGroup' },
        { action: 'iam:DeleteRolePolicy' },
        { action: 'iam:DeleteRole' },
        { action: 'ec2:DeleteVpc' },
      ];
      const steps = [
        ...terraformReads('prod', new Set()),
        ...(apply < 2 ? creates : []),
        ...(apply > 0 ? deletes : []),
      ].map((s) => ({ ...s, gap: s.gap ?? 2 }));
      t =
        playSession(
          {
            rng,
            principal: p,
            accountId: acct.id,
            region: 'us-east-1',
            ip,
            agent: (a) => userAgent('terraform', this.env.ctxs[0]?.profile as ClientProfile, a),
            start: t + 3000,
            steps,
            deniedRate: 0,
          },
          out,
        ) +
        rng.int(600, 1800) * 1000;
    }
    this.label(
      'terraform-refactor',
      'terraform-refactor',
      'CI replaces the network module in prod: many resource types created and deleted in three applies',
      'github-actions-terraform',
      out.slice(from),
    );
  }

  /** The on-call SRE's night: unusual, legitimate repairs at 3 a.m. from home. */
  private incidentNight(day: number, dayStart: number, out: Call[]): { state: PersonDayState; end: number } | null {
    const who = this.person(this.sres[1] ?? this.sres[0]);
    if (!who) return null;
    const rng = this.env.rngFor(`incident-night:${day}`);
    const from = out.length;
    const res = resourcesOf('prod');
    const state = newDayState(who.p.home);
    const t0 = dayStart + ((((3 - who.p.tz) % 24) + 24) % 24) * HOUR + rng.int(0, 1200) * 1000;
    const inst = res.instances.slice(0, 2);
    const sg = res.securityGroups[1] ?? 'sg-1';
    const end = runTask(rng, who.ctx, state, task('investigate-alarm'), t0, day, out, {
      role: 'prod',
      client: 'cli',
      steps: [
        { action: 'monitoring:DescribeAlarms' },
        { action: 'rds:DescribeDBInstances' },
        { action: 'logs:StartQuery', params: { logGroupName: '/app/api' } },
        { action: 'logs:GetQueryResults', repeat: 3, gap: 10 },
        { action: 'secretsmanager:GetSecretValue', params: { secretId: res.secrets[0] } },
        {
          action: 'ec2:AuthorizeSecurityGroupIngress',
          params: {
            groupId: sg,
            ipPermissions: {
              items: [
                {
                  ipProtocol: 'tcp',
                  fromPort: 5432,
                  toPort: 5432,
                  ipRanges: { items: [{ cidrIp: `${who.p.home}/32` }] },
                },
              ],
            },
          },
        },
        { action: 'rds:RebootDBInstance', params: { dBInstanceIdentifier: res.databases[0] } },
        { action: 'rds:DescribeDBInstances', repeat: 4, gap: 60 },
        {
          action: 'ec2:StopInstances',
          params: { instancesSet: { items: inst.map((instanceId) => ({ instanceId })) } },
        },
        {
          action: 'ec2:StartInstances',
          params: { instancesSet: { items: inst.map((instanceId) => ({ instanceId })) } },
          gap: 120,
        },
        {
          action: 'ssm:SendCommand',
          params: { documentName: 'AWS-RunShellScript', instanceIds: inst, parameters: '***' },
        },
        { action: 'ssm:GetCommandInvocation', repeat: 2, gap: 10 },
        { action: 'ecs:UpdateService', params: { cluster: res.cluster, service: 'api', desiredCount: 12 } },
        {
          action: 'lambda:PutFunctionConcurrency20171031',
          params: { functionName: res.functions[0], reservedConcurrentExecutions: 50 },
        },
        {
          action: 'ec2:RevokeSecurityGroupIngress',
          params: { groupId: sg, ipPermissions: { items: [{ ipProtocol: 'tcp', fromPort: 5432, toPort: 5432 }] } },
          gap: 600,
        },
      ],
    });
    this.label(
      'incident-night',
      'incident-night',
      `${who.p.handle} repairs production at 3 a.m. from home (reboot, failover, firewall opening, SSM)`,
      ssoActorKey(who.p, 'PlatformAdmin', 'prod'),
      out.slice(from),
    );
    return { state, end };
  }

  private partnerPolicy(day: number, dayStart: number, out: Call[]): void {
    const de = this.env.people.findIndex((p) => p.persona === 'data-engineer' && p.joinDay === 0);
    const who = this.person(de >= 0 ? de : undefined);
    if (!who) return;
    const rng = this.env.rngFor(`partner:${day}`);
    const from = out.length;
    const bucket = 'acme-prod-partner-exchange';
    runTask(
      rng,
      who.ctx,
      newDayState(who.p.office),
      task('s3-browse'),
      dayStart + (who.p.startHour + 2 - who.p.tz) * HOUR,
      day,
      out,
      {
        role: 'prod',
        client: 'console',
        steps: [
          { action: 's3:GetBucketPolicy', params: { bucketName: bucket, policy: '' } },
          {
            action: 's3:PutBucketPolicy',
            params: {
              bucketName: bucket,
              policy: JSON.stringify({
                Version: '2012-10-17',
                Statement: [
                  {
                    Sid: 'PartnerRead2027',
                    Effect: 'Allow',
                    Principal: { AWS: `arn:aws:iam::${PARTNER_ACCOUNT}:root` },
                    Action: ['s3:GetObject', 's3:ListBucket'],
                    Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/outbound/*`],
                  },
                ],
              }),
            },
          },
          { action: 's3:GetBucketPolicy', params: { bucketName: bucket, policy: '' } },
        ],
      },
    );
    this.label(
      'partner-bucket-policy',
      'partner-bucket-policy',
      `${who.p.handle} renews the yearly partner bucket policy (read access for ${PARTNER_ACCOUNT})`,
      ssoActorKey(who.p, 'DataEngineer', 'prod'),
      out.slice(from),
      // Yearly: its account appears nowhere in weeks of trail, so it is a new outside party given
      // a production bucket, the very call of an exfiltration to an attacker's account.
      'notice',
    );
  }

  /** An occasional DR share by an SRE who rarely does it (an EBS snapshot to the DR account). */
  private drShare(day: number, dayStart: number, out: Call[]): void {
    const who = this.person(this.sres[2] ?? this.sres[0]);
    if (!who) return;
    const rng = this.env.rngFor(`dr-share:${day}`);
    const from = out.length;
    const acct = account('prod');
    const vol = `vol-${hex(`${acct.id}:volume:0`, 17)}`;
    const snap = `snap-${hex(`${acct.id}:dr-share:${day}`, 17)}`;
    runTask(
      rng,
      who.ctx,
      newDayState(who.p.office),
      task('ebs-snapshot'),
      dayStart + (who.p.startHour + 4 - who.p.tz) * HOUR,
      day,
      out,
      {
        role: 'prod',
        client: 'cli',
        steps: [
          { action: 'ec2:DescribeVolumes' },
          {
            action: 'ec2:CreateSnapshot',
            params: { volumeId: vol, description: 'DR copy of the payments volume' },
            response: { snapshotId: snap, volumeId: vol, status: 'pending' },
          },
          { action: 'ec2:DescribeSnapshots', repeat: 3, gap: 120 },
          {
            action: 'ec2:ModifySnapshotAttribute',
            params: {
              snapshotId: snap,
              attributeType: 'CREATE_VOLUME_PERMISSION',
              createVolumePermission: { add: { items: [{ userId: account('dr').id }] } },
            },
          },
          { action: 'ec2:CopySnapshot', account: 'dr', region: 'us-west-2', params: { sourceSnapshotId: snap } },
        ],
      },
    );
    this.label(
      'dr-share-occasional',
      'dr-share-occasional',
      `${who.p.handle} shares a volume snapshot with the DR account (a few times a year)`,
      ssoActorKey(who.p, 'PlatformAdmin', 'prod'),
      out.slice(from),
    );
  }

  /** Role upkeep: an IAM admin widens a workload role's trust to staging and scopes its inline policy. */
  private roleUpkeep(day: number, dayStart: number, out: Call[]): void {
    const who = this.person(this.admins[1] ?? this.admins[0]);
    if (!who) return;
    const rng = this.env.rngFor(`role-upkeep:${day}`);
    const from = out.length;
    const role = 'prod-report-generator-role';
    runTask(
      rng,
      who.ctx,
      newDayState(who.p.office),
      task('iam-role-change'),
      dayStart + (who.p.startHour + 2 - who.p.tz) * HOUR,
      day,
      out,
      {
        role: 'prod',
        client: 'console',
        steps: [
          { action: 'iam:GetRole', params: { roleName: role } },
          { action: 'iam:ListRolePolicies', params: { roleName: role } },
          {
            action: 'iam:UpdateAssumeRolePolicy',
            params: {
              roleName: role,
              policyDocument: JSON.stringify({
                Version: '2012-10-17',
                Statement: [
                  { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
                  {
                    Effect: 'Allow',
                    Principal: { AWS: `arn:aws:iam::${account('staging').id}:role/staging-report-generator-role` },
                    Action: 'sts:AssumeRole',
                  },
                ],
              }),
            },
          },
          {
            action: 'iam:PutRolePolicy',
            params: {
              roleName: role,
              policyName: 'reports-bucket',
              policyDocument: JSON.stringify({
                Version: '2012-10-17',
                Statement: [
                  {
                    Effect: 'Allow',
                    Action: ['s3:GetObject', 's3:PutObject'],
                    Resource: 'arn:aws:s3:::acme-prod-data-lake/reports/*',
                  },
                ],
              }),
            },
          },
          { action: 'iam:TagRole', params: { roleName: role, tags: [{ key: 'owner', value: 'data-platform' }] } },
        ],
      },
    );
    this.label(
      'role-upkeep',
      'role-upkeep',
      `${who.p.handle} updates ${role}: trust for staging, a scoped inline policy`,
      ssoActorKey(who.p, 'IAMAdmin', 'prod'),
      out.slice(from),
    );
  }

  /** Four more CI pipelines and five workloads with S3 data events, on top of the default machines. */
  private machines(day: number, dayStart: number, out: Call[]): void {
    const { rngFor, scale } = this.env;
    const wd = new Date(dayStart).getUTCDay();
    if (wd !== 0 && wd !== 6) {
      for (const pipe of PIPELINES) {
        const rng = rngFor(`pipeline:${pipe.repo}:${day}`);
        const n = rng.poisson(pipe.perDay);
        for (let k = 0; k < n; k++) pipelineRun(rng, pipe, dayStart + (8 + rng.next() * 12) * HOUR, out);
      }
    }
    for (const wl of WORKLOADS) {
      const rng = rngFor(`workload:${wl.roleName}:${day}`);
      for (let h = 0; h < 24; h++) {
        const n = rng.poisson(wl.perHour * scale * (wl.diurnal ? diurnal(h) : 1));
        for (let k = 0; k < n; k++) workloadRun(rng, wl, dayStart + h * HOUR + Math.floor(rng.next() * HOUR), out);
      }
    }
  }
}

function diurnal(h: number): number {
  return 0.3 + 0.7 * Math.max(0, Math.sin(((h - 8) / 24) * 2 * Math.PI + 0.3));
}

/** The ops role an SRE chains into from their SSO session: AssumeRole, then the steps as the ops role. */
export function playOpsChain(
  rng: Rng,
  person: Person,
  profile: ClientProfile,
  session: Extract<Principal, { kind: 'role' }>,
  ip: string,
  t: number,
  out: Call[],
  steps: Step[],
  agentOverride?: (a: string) => string,
): number {
  const acct = account('prod');
  const agent = agentOverride ?? ((a: string) => userAgent('cli', profile, a));
  const roleArn = `arn:aws:iam::${acct.id}:role/${OPS_ROLE}`;
  out.push(
    makeCall(rng, {
      time: t,
      principal: session,
      accountId: acct.id,
      region: 'us-east-1',
      action: 'sts:AssumeRole',
      params: { roleArn, roleSessionName: person.email },
      ip,
      agent: agent('sts:AssumeRole'),
    }),
  );
  const chained = rolePrincipal(rng, 'prod', OPS_ROLE, person.email, t);
  return playSession(
    {
      rng,
      principal: chained,
      accountId: acct.id,
      region: 'us-east-1',
      ip,
      agent,
      start: t + 3000,
      steps,
      deniedRate: 0.01,
    },
    out,
  );
}

interface Pipeline {
  repo: string;
  roleName: string;
  role: AccountRole;
  perDay: number;
  steps(rng: Rng): Step[];
}

const PIPELINES: readonly Pipeline[] = [
  {
    repo: 'acme-corp/data-platform',
    roleName: 'gha-data-platform',
    role: 'prod',
    perDay: 2,
    steps: (rng) => [
      { action: 'glue:GetJob', params: { jobName: 'orders-etl' } },
      { action: 'glue:UpdateJob', params: { jobName: 'orders-etl' } },
      {
        action: 's3:PutObject',
        params: { bucketName: 'acme-prod-data-lake', key: `jobs/orders-etl-${rng.hex(7)}.py` },
      },
      { action: 'glue:StartJobRun', params: { jobName: 'orders-etl' } },
    ],
  },
  {
    repo: 'acme-corp/web-frontend',
    roleName: 'gha-web-frontend',
    role: 'prod',
    perDay: 3,
    steps: (rng) => [
      ...Array.from({ length: rng.int(3, 8) }, (_, i) => ({
        action: 's3:PutObject',
        params: { bucketName: 'acme-prod-assets', key: `static/js/chunk-${i}.${rng.hex(8)}.js` },
        gap: 0.5,
      })),
      { action: 'cloudfront:CreateInvalidation', params: { distributionId: 'E2QWRUHAPOMQZL' } },
    ],
  },
  {
    repo: 'acme-corp/ml-models',
    roleName: 'gha-ml-models',
    role: 'dev',
    perDay: 1.5,
    steps: (rng) => [
      { action: 's3:GetObject', params: { bucketName: 'acme-dev-data-lake', key: 'features/latest.parquet' } },
      {
        action: 's3:PutObject',
        params: { bucketName: 'acme-dev-data-lake', key: `models/${rng.hex(8)}/model.tar.gz` },
      },
      { action: 'sagemaker:CreateModel', params: { modelName: `churn-${rng.hex(6)}` } },
    ],
  },
  {
    repo: 'acme-corp/mobile-api',
    roleName: 'gha-mobile-api',
    role: 'staging',
    perDay: 3,
    steps: (rng) => [
      { action: 'lambda:GetFunction20150331v2', params: { functionName: 'staging-mobile-api' } },
      { action: 'lambda:UpdateFunctionCode20150331v2', params: { functionName: 'staging-mobile-api', publish: true } },
      { action: 'lambda:UpdateAlias20150331', params: { functionName: 'staging-mobile-api', name: 'live' } },
      ...(rng.chance(0.3) ? [{ action: 'apigateway:GetRestApis' }] : []),
    ],
  },
];

function pipelineRun(rng: Rng, pipe: Pipeline, t: number, out: Call[]): void {
  const acct = account(pipe.role);
  const subject = `repo:${pipe.repo}:ref:refs/heads/main`;
  const ip = `${rng.pick(['20.57', '4.175', '52.159', '172.183'])}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
  const agent = 'aws-sdk-nodejs/3.693.0 linux/v20.18.0 configure-aws-credentials-for-github-actions';
  out.push(
    makeCall(rng, {
      time: t,
      principal: { kind: 'web-identity', provider: GITHUB_OIDC, subject },
      accountId: acct.id,
      region: 'us-east-1',
      action: 'sts:AssumeRoleWithWebIdentity',
      params: { roleArn: `arn:aws:iam::${acct.id}:role/${pipe.roleName}`, roleSessionName: 'GitHubActions' },
      ip,
      agent,
    }),
  );
  const p = rolePrincipal(rng, pipe.role, pipe.roleName, 'GitHubActions', t, {
    webIdProvider: `arn:aws:iam::${acct.id}:oidc-provider/${GITHUB_OIDC}`,
  });
  playSession(
    {
      rng,
      principal: p,
      accountId: acct.id,
      region: 'us-east-1',
      ip,
      agent: (a) =>
        `aws-cli/2.22.10 md/awscrt#0.22.0 ua/2.0 os/linux#6.5.0-1025-azure md/arch#x86_64 lang/python#3.12.6 md/pyimpl#CPython exec-env/GitHubActions cfg/retry-mode#standard md/installer#exe md/command#${a}`,
      start: t + 2000,
      steps: [{ action: 'sts:GetCallerIdentity' }, ...pipe.steps(rng)],
      deniedRate: 0,
      pause: 3,
    },
    out,
  );
}

interface Workload {
  roleName: string;
  role: AccountRole;
  /** The service that assumes the role. */
  service: string;
  sessionName: string;
  perHour: number;
  diurnal: boolean;
  agent: string;
  steps(rng: Rng): Step[];
}

const LAMBDA_UA =
  'aws-sdk-js/3.696.0 ua/2.1 os/linux#5.10.227-239.884.amzn2.x86_64 lang/js md/nodejs#20.18.0 exec-env/AWS_Lambda_nodejs20.x';
const WORKLOADS: readonly Workload[] = [
  {
    roleName: 'prod-image-resizer-role',
    role: 'prod',
    service: 'lambda.amazonaws.com',
    sessionName: 'prod-image-resizer',
    perHour: 6,
    diurnal: true,
    agent: LAMBDA_UA,
    steps: (rng) => {
      const k = rng.hex(12);
      return [
        { action: 's3:GetObject', params: { bucketName: 'acme-prod-assets', key: `uploads/${k}.jpg` } },
        { action: 's3:PutObject', params: { bucketName: 'acme-prod-assets', key: `thumbnails/${k}-256.jpg` } },
        { action: 's3:PutObject', params: { bucketName: 'acme-prod-assets', key: `thumbnails/${k}-1024.jpg` } },
      ];
    },
  },
  {
    roleName: 'prod-report-generator-role',
    role: 'prod',
    service: 'lambda.amazonaws.com',
    sessionName: 'prod-report-generator',
    perHour: 0.5,
    diurnal: false,
    agent: LAMBDA_UA,
    steps: (rng) => [
      { action: 'athena:StartQueryExecution', params: { workGroup: 'reports' } },
      { action: 'athena:GetQueryExecution', repeat: 3, gap: 5 },
      {
        action: 's3:GetObject',
        params: { bucketName: 'acme-prod-data-lake', key: `athena-results/${rng.uuid()}.csv` },
      },
      { action: 's3:PutObject', params: { bucketName: 'acme-prod-data-lake', key: `reports/daily-${rng.hex(6)}.pdf` } },
    ],
  },
  {
    roleName: 'prod-etl-glue-role',
    role: 'prod',
    service: 'glue.amazonaws.com',
    sessionName: 'GlueJobRunnerSession',
    perHour: 1,
    diurnal: false,
    agent:
      'aws-sdk-java/1.12.767 Linux/5.10 OpenJDK_64-Bit_Server_VM/17.0.13 java/17.0.13 scala/2.12.18 vendor/Amazon.com_Inc. AWSGlue',
    steps: (rng) => [
      ...Array.from({ length: rng.int(2, 5) }, () => ({
        action: 's3:GetObject',
        params: { bucketName: 'acme-prod-data-lake', key: `raw/orders/${rng.hex(10)}.json.gz` },
        gap: 1,
      })),
      {
        action: 's3:PutObject',
        params: { bucketName: 'acme-prod-data-lake', key: `curated/orders/${rng.hex(10)}.parquet` },
      },
      { action: 'glue:GetTable', params: { databaseName: 'analytics', name: 'orders' } },
    ],
  },
  {
    roleName: 'prod-ml-inference-task-role',
    role: 'prod',
    service: 'ecs-tasks.amazonaws.com',
    sessionName: rid('', 'ml-inference-task', 32),
    perHour: 1,
    diurnal: true,
    agent:
      'Boto3/1.35.70 md/Botocore#1.35.70 ua/2.0 os/linux#5.10.227 md/arch#x86_64 lang/python#3.12.7 exec-env/AWS_ECS_FARGATE Botocore/1.35.70',
    steps: () => [
      {
        action: 's3:GetObject',
        params: { bucketName: 'acme-prod-data-lake', key: 'models/churn/latest/model.tar.gz' },
      },
      { action: 'ssm:GetParameter', params: { name: '/app/ml/threshold' } },
    ],
  },
  {
    roleName: 'prod-invoice-mailer-role',
    role: 'prod',
    service: 'lambda.amazonaws.com',
    sessionName: 'prod-invoice-mailer',
    perHour: 3,
    diurnal: true,
    agent: LAMBDA_UA,
    steps: (rng) => [
      { action: 's3:GetObject', params: { bucketName: 'acme-prod-data-lake', key: `invoices/${rng.hex(10)}.pdf` } },
      { action: 'ses:SendRawEmail' },
    ],
  },
];

function workloadRun(rng: Rng, wl: Workload, t: number, out: Call[]): void {
  const acct = account(wl.role);
  out.push(
    makeCall(rng, {
      time: t,
      principal: { kind: 'service', service: wl.service },
      accountId: acct.id,
      region: 'us-east-1',
      action: 'sts:AssumeRole',
      params: { roleArn: `arn:aws:iam::${acct.id}:role/${wl.roleName}`, roleSessionName: wl.sessionName },
      ip: wl.service,
      agent: wl.service,
    }),
  );
  const p = rolePrincipal(rng, wl.role, wl.roleName, wl.sessionName, t);
  playSession(
    {
      rng,
      principal: p,
      accountId: acct.id,
      region: 'us-east-1',
      ip: `3.${90 + (hashString(wl.roleName) % 20)}.${rng.int(0, 255)}.${rng.int(1, 254)}`,
      agent: () => wl.agent,
      start: t + 500,
      steps: wl.steps(rng),
      deniedRate: 0,
      pause: 1,
    },
    out,
  );
}
