/**
 * `simulate(options)`: a deterministic AWS organization's CloudTrail for N weeks, written
 * day by day (never all weeks in memory) in the S3 delivery layout, with `labels.json`
 * (the injected attacks) and `meta.json` (learning period, counts, benign surprises).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { normalizeRecord } from '../normalize/index.ts';
import { type AttackLabel, type PlannedAttack, planAttacks, playAttack } from './attacks/run.ts';
import { clientProfile } from './clients.ts';
import { CompanySimulation } from './company.ts';
import { BACKUP_USER, type CiOptions, machineDay } from './machines.ts';
import { account, buildOrg, ORG_ID, type OrgPlan } from './org.ts';
import { DAY, HOUR, localWeekday, newDayState, type PersonContext, personDay, runTask, ssoActorKey } from './people.ts';
import { COMPANY_COUNTS, COMPANY_GRANTS } from './personas.ts';
import { streamFor } from './prng.ts';
import { principalArn, renderRecord } from './record.ts';
import { resourcesOf } from './resources.ts';
import { makeCall } from './session.ts';
import { drBackupSteps, TASKS } from './tasks.ts';
import type { Call, Person, Step } from './types.ts';
import { writeCalls } from './writer.ts';

export { SCENARIOS, scenarioById } from './attacks/library.ts';
export type { AttackLabel } from './attacks/run.ts';

export const DEFAULT_START = '2026-01-05T00:00:00Z';

/** The organizations `simulate` can write: the default (23 people) or the company (~100 people in 10 roles). */
export const ORGS = ['default', 'company'] as const;
export type OrgKind = (typeof ORGS)[number];

export interface SimulateOptions {
  out: string;
  weeks?: number;
  seed?: number;
  scale?: number;
  /** 'rate' (default, about one a week after learning), 'all', 'none', or comma-separated scenario ids. */
  attacks?: string;
  /** ISO date of the first day (UTC midnight). */
  start?: string;
  /** Learning weeks (default half of the weeks, rounded down, at least 1). */
  learningWeeks?: number;
  /** Learning days (overrides `learningWeeks`; for short test runs). */
  learningDays?: number;
  /**
   * Minutes of events per delivery file (AWS: about 5, the default). The evaluation harness
   * writes hour-long files: the same records and the same ingest code, ~10x fewer files to open.
   */
  fileMinutes?: number;
  /** `default` (23 people at scale 1) or `company` (company.ts: ~100 people, labelled benign events and attack styles). */
  org?: OrgKind;
}

export interface BenignLabel {
  kind: string;
  description: string;
  actor: string;
  start: string;
  end: string;
  eventIds: string[];
  /** `notice`: it trusts a new outside party, which a detector should raise once (`BenignForScore.expect`). */
  expect?: 'notice';
}

export interface SimMeta {
  seed: number;
  weeks: number;
  scale: number;
  start: string;
  learningEnd: string;
  end: string;
  orgId: string;
  accounts: Array<{ id: string; role: string; name: string }>;
  attacksOption: string;
  counts: { events: number; files: number; identities: number; people: number; attacks: number; days: number };
  benign: Array<Omit<BenignLabel, 'eventIds'> & { events: number }>;
  /** Present for `--org company` only (the default meta.json is unchanged). */
  org?: OrgKind;
}

export interface SimulateResult {
  meta: SimMeta;
  labels: AttackLabel[];
  elapsedMs: number;
}

function identityKey(c: Call): string {
  const p = c.principal;
  switch (p.kind) {
    case 'role':
      return `${p.accountId}:${p.roleName}:${/@/.test(p.sessionName) ? p.sessionName : ''}`;
    case 'service':
      return p.service;
    default:
      return principalArn(p);
  }
}

export function simulate(options: SimulateOptions): SimulateResult {
  const t0 = performance.now();
  const weeks = options.weeks ?? 6;
  const seed = options.seed ?? 1;
  const scale = options.scale ?? 1;
  const attacksOpt = options.attacks ?? 'rate';
  const startMs = Date.parse(options.start ?? DEFAULT_START);
  if (!Number.isFinite(startMs)) throw new Error(`bad start date ${options.start}`);
  const dayStart0 = Math.floor(startMs / DAY) * DAY;
  const days = Math.round(weeks * 7);
  const learningDays = options.learningDays ?? Math.max(1, Math.floor(options.learningWeeks ?? weeks / 2)) * 7;
  const rngFor = (label: string) => streamFor(seed, label);

  const orgKind = options.org ?? 'default';
  if (!ORGS.includes(orgKind)) throw new Error(`unknown organization ${String(orgKind)}; known: ${ORGS.join(', ')}`);
  let plan: OrgPlan | undefined;
  if (orgKind === 'company') {
    const counts = { ...COMPANY_COUNTS };
    for (const k of Object.keys(counts) as Array<keyof typeof counts>)
      counts[k] = Math.max(1, Math.round(counts[k] * scale));
    plan = { counts, grants: COMPANY_GRANTS };
  }
  const org = buildOrg(rngFor('org'), scale, Math.min(learningDays, days), plan);
  const profiles = org.people.map((_, i) => clientProfile(rngFor(`profile:${i}`)));
  const ctxs: PersonContext[] = org.people.map((person, i) => ({
    person,
    profile: profiles[i] ?? clientProfile(rngFor('p')),
    drAccountId: account('dr').id,
  }));
  const company =
    orgKind === 'company'
      ? new CompanySimulation({ rngFor, people: org.people, ctxs, learningDays, days, dayStart0, scale })
      : null;
  const attacks = planAttacks(rngFor('attacks'), seed, attacksOpt, learningDays, days, org.people, dayStart0);
  const labels: AttackLabel[] = [];
  const benign: BenignLabel[] = [];

  const admins = org.people.filter((p) => p.persona === 'iam-admin');
  const sres = org.people.filter((p) => p.persona === 'sre');
  const drOwner = sres[0];
  const onCall = sres[sres.length - 1];
  const ctxOf = (p: Person) => ctxs[org.people.indexOf(p)] as PersonContext;

  // Benign surprises, in the learning period and again in the test period.
  const T = learningDays;
  const rotationDays = new Map<number, string>([
    [Math.min(6, T - 1), 'svc-monitoring'],
    [T + 3, BACKUP_USER.name],
  ]);
  const incidentDays = new Set([Math.min(9, T - 1), T + 6]);
  const migrationDay = T + 4;
  const newTypeDay = T + 8;
  const scannerNewDay = T + 7;

  let backupKey = BACKUP_USER.accessKeyId;
  let files = 0;
  let events = 0;
  const identities = new Set<string>();
  let carry: Call[] = [];
  mkdirSync(options.out, { recursive: true });

  for (let day = 0; day < days; day++) {
    const dayStart = dayStart0 + day * DAY;
    const out: Call[] = carry;
    carry = [];
    const mark = (kind: string, description: string, from: number, actor: string) => {
      const calls = out.slice(from);
      if (calls.length === 0) return;
      benign.push({
        kind,
        description,
        actor,
        start: new Date(Math.min(...calls.map((c) => c.time))).toISOString(),
        end: new Date(Math.max(...calls.map((c) => c.time))).toISOString(),
        eventIds: calls.map((c) => c.eventId),
      });
    };

    for (let i = 0; i < org.people.length; i++)
      if (company) company.personDay(i, day, dayStart, out);
      else personDay(rngFor(`person:${i}:${day}`), ctxs[i] as PersonContext, dayStart, day, out);

    // Onboarding: an IAM admin creates the hire in Identity Center the working day before they start.
    for (const hire of [org.people[org.earlyHire], org.people[org.newHire]]) {
      const admin = admins[0];
      if (!hire || !admin || hire.joinDay - 1 !== day) continue;
      const rng = rngFor(`onboard:${day}`);
      const from = out.length;
      const steps: Step[] = [
        { action: 'identitystore:ListUsers' },
        {
          action: 'identitystore:CreateUser',
          params: { identityStoreId: 'd-9067a1b2c3', userName: hire.email, displayName: hire.handle },
        },
        {
          action: 'identitystore:CreateGroupMembership',
          params: { identityStoreId: 'd-9067a1b2c3', groupId: 'developers' },
        },
        ...hire.grants.map((g) => ({
          action: 'sso:CreateAccountAssignment',
          params: {
            targetId: account(g.account).id,
            targetType: 'AWS_ACCOUNT',
            principalType: 'USER',
            permissionSetArn: `arn:aws:sso:::permissionSet/ssoins-7223a1b2c3d4e5f6/ps-${g.set}`,
          },
        })),
        { action: 'sso:DescribeAccountAssignmentCreationStatus', repeat: 2, gap: 5 },
      ];
      runTask(
        rng,
        ctxOf(admin),
        newDayState(admin.office),
        TASKS['review-sso'] as (typeof TASKS)[string],
        dayStart + (admin.startHour + 2 - admin.tz) * HOUR,
        day,
        out,
        { role: 'management', client: 'console', steps },
      );
      mark('onboarding', `${admin.handle} onboards ${hire.email}`, from, ssoActorKey(admin, 'IAMAdmin', 'management'));
      if (hire === org.people[org.newHire])
        mark(
          'new-hire',
          `${hire.email} starts work on day ${hire.joinDay} with no history`,
          out.length,
          ssoActorKey(hire, 'Developer', 'dev'),
        );
    }

    // Key rotation of a service user's long-term key.
    const rotated = rotationDays.get(day);
    const admin = admins[admins.length - 1];
    if (rotated && admin) {
      const rng = rngFor(`rotate:${day}`);
      const from = out.length;
      const steps: Step[] = [
        { action: 'iam:ListAccessKeys', params: { userName: rotated } },
        { action: 'iam:GetAccessKeyLastUsed' },
        { action: 'iam:CreateAccessKey', params: { userName: rotated } },
        { action: 'secretsmanager:PutSecretValue', params: { secretId: `prod/${rotated}/access-key` }, gap: 60 },
        {
          action: 'iam:UpdateAccessKey',
          params: {
            userName: rotated,
            accessKeyId: rotated === BACKUP_USER.name ? backupKey : 'AKIAXK4QMONITORKEY01',
            status: 'Inactive',
          },
          gap: 600,
        },
      ];
      runTask(
        rng,
        ctxOf(admin),
        newDayState(admin.office),
        TASKS['review-iam'] as (typeof TASKS)[string],
        dayStart + (admin.startHour + 3 - admin.tz) * HOUR,
        day,
        out,
        { role: 'prod', client: 'cli', steps },
      );
      mark(
        'key-rotation',
        `${admin.handle} rotates the access key of ${rotated}`,
        from,
        ssoActorKey(admin, 'IAMAdmin', 'prod'),
      );
      if (rotated === BACKUP_USER.name) backupKey = `AKIAXK4Q${rng.alnum(12)}`;
    }

    // On-call incident at night: the on-call SRE, from home, 02:00-04:00 local.
    if (incidentDays.has(day) && onCall) {
      const rng = rngFor(`incident:${day}`);
      const from = out.length;
      const state = newDayState(onCall.home);
      let t = dayStart + ((2 - onCall.tz + 24) % 24) * HOUR + rng.int(0, 1800) * 1000;
      for (const name of ['investigate-alarm', 'ec2-maintenance', 'scale-service', 'investigate-alarm'])
        t = runTask(
          rng,
          ctxOf(onCall),
          state,
          TASKS[name] as (typeof TASKS)[string],
          t + rng.int(60, 600) * 1000,
          day,
          out,
          { role: 'prod', client: 'console' },
        );
      mark(
        'night-incident',
        `${onCall.handle} handles a production incident at night from home`,
        from,
        ssoActorKey(onCall, 'PlatformAdmin', 'prod'),
      );
    }

    // Fortnightly DR backup: snapshot, share with the DR account, copy there (cross-account).
    if (drOwner && localWeekday(dayStart, drOwner.tz) === 2 && Math.floor(day / 7) % 2 === 0) {
      const rng = rngFor(`dr:${day}`);
      const from = out.length;
      runTask(
        rng,
        ctxOf(drOwner),
        newDayState(drOwner.office),
        TASKS['ebs-snapshot'] as (typeof TASKS)[string],
        dayStart + (drOwner.startHour + 1 - drOwner.tz) * HOUR,
        day,
        out,
        {
          role: 'prod',
          client: 'cli',
          steps: drBackupSteps({
            rng,
            res: resourcesOf('prod'),
            accountId: account('prod').id,
            region: 'us-east-1',
            drAccountId: account('dr').id,
            day,
            email: drOwner.email,
          }),
        },
      );
      mark(
        'dr-backup',
        `${drOwner.handle} shares the database snapshot with the DR account`,
        from,
        ssoActorKey(drOwner, 'PlatformAdmin', 'prod'),
      );
    }

    // The CTO signs in as root every two weeks for billing.
    if (day % 14 === 3) {
      const rng = rngFor(`root:${day}`);
      const acct = account('management');
      const t = dayStart + 15 * HOUR + rng.int(0, 3600) * 1000;
      const p = { kind: 'root' as const, accountId: acct.id, console: true, sessionStart: t };
      const ua =
        'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15';
      const from = out.length;
      out.push(
        makeCall(rng, {
          time: t,
          principal: p,
          accountId: acct.id,
          region: 'us-east-1',
          action: 'signin:ConsoleLogin',
          params: null,
          ip: '64.124.19.21',
          agent: ua,
        }),
      );
      let tt = t;
      for (const a of ['ce:GetCostAndUsage', 'ce:GetCostForecast', 'budgets:DescribeBudgets', 'ce:GetCostAndUsage']) {
        tt += rng.int(20, 200) * 1000;
        out.push(
          makeCall(rng, {
            time: tt,
            principal: p,
            accountId: acct.id,
            region: 'us-east-1',
            action: a,
            params: null,
            ip: '64.124.19.21',
            agent: ua,
          }),
        );
      }
      mark('root-billing', 'root signs in to review billing', from, `root:${acct.id}`);
    }

    // Machines; CI learns SQS and staging moves partly to eu-central-1 during the test period.
    const ciBase = (role: 'dev' | 'staging' | 'prod'): CiOptions => ({
      extraTypes: new Set(day >= newTypeDay + (role === 'prod' ? 1 : 0) && role !== 'dev' ? ['sqs'] : []),
      createQueue: day === newTypeDay + (role === 'prod' ? 1 : 0) && role !== 'dev',
      extraRegions: role === 'staging' && day >= migrationDay ? ['eu-central-1'] : [],
    });
    const fromMachines = out.length;
    machineDay(
      (label) => rngFor(`${label}:${day}`),
      dayStart,
      company ? 2 * scale : scale,
      {
        ci: { dev: ciBase('dev'), staging: ciBase('staging'), prod: ciBase('prod') },
        backupKey,
        scannerNewChecks: day >= scannerNewDay,
        stagingEuCentral: day >= migrationDay,
      },
      out,
    );
    if (day === newTypeDay || day === newTypeDay + 1 || day === migrationDay) {
      const ci = out
        .slice(fromMachines)
        .filter(
          (c) =>
            c.principal.kind === 'role' &&
            c.principal.roleName === 'github-actions-terraform' &&
            (c.action.startsWith('sqs:') || c.region === 'eu-central-1'),
        );
      if (ci.length)
        benign.push({
          kind: day === migrationDay ? 'region-migration' : 'ci-new-resource-type',
          description:
            day === migrationDay ? 'staging starts running in eu-central-1' : 'Terraform starts managing SQS queues',
          actor: 'github-actions-terraform',
          start: new Date(ci[0]?.time ?? dayStart).toISOString(),
          end: new Date(ci[ci.length - 1]?.time ?? dayStart).toISOString(),
          eventIds: ci.map((c) => c.eventId),
        });
    }

    // The company's benign events, extra machines and attacks (its labels are collected at the end).
    company?.day(day, dayStart, out);

    // Attacks of the day.
    for (const plan of attacks.filter((a: PlannedAttack) => a.day === day)) {
      const from = out.length;
      const label = playAttack(rngFor(`attack:${plan.attackId}`), plan, org.people, profiles, dayStart, out);
      // The actor key exactly as Trailhound's normalizer resolves it from the rendered record.
      const first = out[from];
      if (first) {
        const n = normalizeRecord(renderRecord(first, rngFor('label')));
        if (n.ok) label.actor = n.event.actor.key;
      }
      labels.push(label);
    }

    const dayEnd = dayStart + DAY;
    const today: Call[] = [];
    for (const c of out) (c.time < dayEnd || day === days - 1 ? today : carry).push(c);
    for (const c of today) identities.add(identityKey(c));
    const stats = writeCalls(options.out, ORG_ID, today, rngFor(`files:${day}`), (options.fileMinutes ?? 5) * 60_000);
    files += stats.files;
    events += stats.events;
  }

  if (company) {
    labels.push(...company.labels);
    benign.push(...company.benign.values());
  }
  const meta: SimMeta = {
    seed,
    weeks,
    scale,
    start: new Date(dayStart0).toISOString(),
    learningEnd: new Date(dayStart0 + learningDays * DAY).toISOString(),
    end: new Date(dayStart0 + days * DAY).toISOString(),
    orgId: ORG_ID,
    accounts: org.accounts.map((a) => ({ id: a.id, role: a.role, name: a.name })),
    attacksOption: attacksOpt,
    counts: { events, files, identities: identities.size, people: org.people.length, attacks: labels.length, days },
    benign: benign.map(({ eventIds, ...rest }) => ({ ...rest, events: eventIds.length })),
    ...(company ? { org: orgKind } : {}),
  };
  writeFileSync(join(options.out, 'labels.json'), `${JSON.stringify(labels, null, 2)}\n`);
  writeFileSync(join(options.out, 'benign.json'), `${JSON.stringify(benign, null, 2)}\n`);
  writeFileSync(join(options.out, 'meta.json'), `${JSON.stringify(meta, null, 2)}\n`);
  return { meta, labels, elapsedMs: performance.now() - t0 };
}
