/**
 * The company organization's attacks, one of each style, hidden in its routine: riding the
 * victim's own live session (same key, network, client and hours) with routine cover and one or
 * two risky steps; low and slow over days (a secrets harvest, a call or two a day inside ordinary
 * sessions); role chaining into a role the victim uses now and then; the vendor's role abused;
 * cover of an incident night; a CI workflow run from an unexpected branch. Each label carries its
 * `style`, so `eval` reports recall per style.
 */
import { normalizeRecord } from '../normalize/index.ts';
import type { AttackLabel } from './attacks/run.ts';
import { ATTACKER_AGENTS, type ClientProfile, userAgent } from './clients.ts';
import { DORMANT_USER, playOpsChain, VENDOR } from './company.ts';
import { GITHUB_OIDC, rolePrincipal, terraformReads } from './machines.ts';
import { ACCOUNTS, account, attackerIp } from './org.ts';
import { HOUR, newSsoSession, type PersonContext, type PersonDayState, runTask } from './people.ts';
import type { Rng } from './prng.ts';
import { principalArn, renderRecord } from './record.ts';
import { resourcesOf, rid } from './resources.ts';
import { makeCall, playSession } from './session.ts';
import { TASKS, type TaskTemplate } from './tasks.ts';
import type { AccountRole, Call, Person, Principal, Step } from './types.ts';

export type { AttackLabel };

export type CompanyAttackStyle =
  | 'session-riding'
  | 'low-and-slow'
  | 'role-chaining'
  | 'vendor-abuse'
  | 'incident-cover'
  | 'ci-unexpected-branch';

export interface CompanyAttackPlan {
  attackId: string;
  style: CompanyAttackStyle;
  scenario: string;
  title: string;
  category: string;
  techniques: string[];
  mode: 'stolen' | 'insider';
  routine: boolean;
  /** Person index of the victim, or -1 (the vendor's role, CI). */
  victim: number;
  /** First day it may run (it waits for a day the victim works). */
  day: number;
  /** Days with activity so far (low and slow runs on several). */
  progress: number;
  done: boolean;
  label: AttackLabel | null;
}

interface PlanEnv {
  people: readonly Person[];
  learningDays: number;
  days: number;
  sres: readonly number[];
  admins: readonly number[];
  when: Readonly<Record<string, number>>;
}

/** Days of low-and-slow activity (one or two calls each). */
export const SLOW_DAYS = 5;

export function planCompanyAttacks(rng: Rng, env: PlanEnv): CompanyAttackPlan[] {
  const T = env.learningDays;
  const testDays = env.days - T;
  if (testDays <= 1) return [];
  const at = (f: number) => Math.min(env.days - 1, T + 1 + Math.floor(f * (testDays - 1)));
  const pick = (list: readonly number[], k: number) => list[k % Math.max(1, list.length)] ?? -1;
  const plans: Array<Omit<CompanyAttackPlan, 'attackId' | 'progress' | 'done' | 'label'>> = [
    {
      style: 'session-riding',
      scenario: 'ride-session-key-for-other-user',
      title: "In an IAM admin's live session: routine reads, then an access key created for a service user",
      category: 'iam-creation',
      techniques: ['T1098.001', 'T1550.001'],
      mode: 'stolen',
      routine: false,
      victim: pick(env.admins, 0),
      day: at(0.15),
    },
    {
      style: 'session-riding',
      scenario: 'ride-session-revive-dormant-user',
      title: "In an IAM admin's live session: a dormant user given a login profile and added to the admins group",
      category: 'permission-change',
      techniques: ['T1098', 'T1078.004'],
      mode: 'stolen',
      routine: false,
      victim: pick(env.admins, 1),
      day: at(0.55),
    },
    {
      style: 'low-and-slow',
      scenario: 'slow-secrets-harvest',
      title: "A secrets harvest over five working days, a call or two a day inside an SRE's ordinary sessions",
      category: 'credential-access',
      techniques: ['T1555.006', 'T1552'],
      mode: 'stolen',
      routine: true,
      victim: pick(env.sres, 3),
      day: at(0.25),
    },
    {
      style: 'role-chaining',
      scenario: 'chain-into-ops-role',
      title: 'Stolen SSO session chains into the ops role its owner uses now and then, reads customer data and secrets',
      category: 'exfiltration',
      techniques: ['T1078.004', 'T1530'],
      mode: 'stolen',
      routine: false,
      victim: pick(env.sres, 4),
      day: at(0.35),
    },
    {
      style: 'vendor-abuse',
      scenario: 'vendor-role-abused',
      title: "The security vendor's role, assumed from elsewhere, reads customer objects and shares a snapshot out",
      category: 'exfiltration',
      techniques: ['T1199', 'T1537', 'T1530'],
      mode: 'stolen',
      routine: false,
      victim: -1,
      day: Math.max(at(0.65), (env.when.vendor ?? T) + 2),
    },
    {
      style: 'incident-cover',
      scenario: 'incident-night-cover',
      title:
        'During the incident night, the on-call session also creates a key for a service user and shares a snapshot out',
      category: 'iam-creation',
      techniques: ['T1098.001', 'T1537'],
      mode: 'insider',
      routine: false,
      victim: pick(env.sres, 1),
      day: env.when.incident ?? at(0.7),
    },
    {
      style: 'ci-unexpected-branch',
      scenario: 'ci-workflow-from-branch',
      title: 'A CI workflow from an unexpected branch assumes the Terraform role and reads secrets and the state file',
      category: 'credential-access',
      techniques: ['T1552', 'T1078.004'],
      mode: 'stolen',
      routine: false,
      victim: -1,
      day: at(0.85),
    },
  ];
  void rng;
  return plans.map((p, i) => ({
    ...p,
    attackId: `C${String(i + 1).padStart(3, '0')}-${p.scenario}`,
    progress: 0,
    done: false,
    label: null,
  }));
}

interface PlayEnv {
  plans: CompanyAttackPlan[];
  day: number;
  dayStart: number;
  people: readonly Person[];
  ctxs: readonly PersonContext[];
  states: ReadonlyMap<number, PersonDayState>;
  incident: { state: PersonDayState; end: number } | null;
  labels: AttackLabel[];
  out: Call[];
}

const roleOf = (accountId: string): AccountRole => ACCOUNTS.find((a) => a.id === accountId)?.role ?? 'prod';
const task = (name: string): TaskTemplate => TASKS[name] as TaskTemplate;

/** Adds the calls to the plan's label (created on first activity, with the actor as the normalizer resolves it). */
function record(plan: CompanyAttackPlan, calls: readonly Call[], rng: Rng, labels: AttackLabel[]): void {
  const first = calls[0];
  if (!first) return;
  if (!plan.label) {
    const n = normalizeRecord(renderRecord(first, rng));
    plan.label = {
      attackId: plan.attackId,
      scenario: plan.scenario,
      title: plan.title,
      category: plan.category,
      techniques: plan.techniques,
      mode: plan.mode,
      routine: plan.routine,
      style: plan.style,
      actor: n.ok ? n.event.actor.key : principalArn(first.principal),
      principalArn: principalArn(first.principal),
      sessionName: first.principal.kind === 'role' ? first.principal.sessionName : null,
      accountId: first.accountId,
      start: new Date(first.time).toISOString(),
      end: new Date(first.time).toISOString(),
      eventIds: [],
    };
    labels.push(plan.label);
  }
  const l = plan.label;
  let lo = Date.parse(l.start);
  let hi = Date.parse(l.end);
  for (const c of calls) {
    l.eventIds.push(c.eventId);
    lo = Math.min(lo, c.time);
    hi = Math.max(hi, c.time);
  }
  l.start = new Date(lo).toISOString();
  l.end = new Date(hi).toISOString();
}

/** The victim's live session today and a moment inside their activity, or null when they did not work. */
function liveSession(
  rng: Rng,
  state: PersonDayState | undefined,
  out: readonly Call[],
  accounts: readonly AccountRole[],
): { session: Extract<Principal, { kind: 'role' }>; at: number } | null {
  if (!state) return null;
  const ids = new Set(accounts.map((r) => account(r).id));
  const sessions = [...state.sessions.values()].filter((s) => ids.has(s.accountId));
  if (sessions.length === 0) return null;
  const session = rng.pick(sessions);
  const times = out.filter((c) => c.principal === session).map((c) => c.time);
  if (times.length === 0) return null;
  const t = rng.pick(times);
  return { session, at: t + rng.int(120, 900) * 1000 };
}

export function playCompanyAttacks(rng: Rng, env: PlayEnv): void {
  const { day, dayStart, out } = env;
  for (const plan of env.plans) {
    if (plan.done || day < plan.day) continue;
    const from = out.length;
    const person = plan.victim >= 0 ? env.people[plan.victim] : undefined;
    const ctx = plan.victim >= 0 ? env.ctxs[plan.victim] : undefined;
    switch (plan.style) {
      case 'session-riding': {
        if (!person || !ctx) {
          plan.done = true;
          break;
        }
        const live = liveSession(rng, env.states.get(plan.victim), out, ['prod', 'management', 'staging', 'dev']);
        const state = env.states.get(plan.victim);
        if (!live || !state) break;
        const target = plan.scenario === 'ride-session-key-for-other-user' ? 'svc-legacy-etl' : DORMANT_USER;
        const steps: Step[] =
          target === DORMANT_USER
            ? [
                { action: 'iam:ListUsers' },
                { action: 'iam:GetUser', params: { userName: DORMANT_USER } },
                { action: 'iam:GetLoginProfile', params: { userName: DORMANT_USER }, error: 'NoSuchEntity' },
                { action: 'iam:CreateLoginProfile', params: { userName: DORMANT_USER, passwordResetRequired: false } },
                { action: 'iam:AddUserToGroup', params: { groupName: 'admins', userName: DORMANT_USER } },
                { action: 'iam:ListRoles' },
              ]
            : [
                { action: 'iam:ListUsers' },
                { action: 'iam:ListRoles' },
                { action: 'iam:ListAccessKeys', params: { userName: target } },
                { action: 'iam:CreateAccessKey', params: { userName: target } },
                { action: 'iam:ListAccessKeys', params: { userName: target } },
              ];
        runTask(rng, ctx, state, task('review-iam'), live.at, day, out, {
          role: roleOf(live.session.accountId),
          client: live.session.console ? 'console' : 'cli',
          steps,
        });
        record(plan, out.slice(from), rng, env.labels);
        plan.done = true;
        break;
      }
      case 'low-and-slow': {
        if (!person || !ctx) {
          plan.done = true;
          break;
        }
        const state = env.states.get(plan.victim);
        const live = liveSession(rng, state, out, ['prod']);
        if (!live || !state) break;
        const res = resourcesOf('prod');
        const targets: Step[] = [
          ...res.secrets.slice(1).map((s) => ({ action: 'secretsmanager:GetSecretValue', params: { secretId: s } })),
          { action: 'ssm:GetParameter', params: { name: '/app/api/jwt_secret', withDecryption: true } },
          { action: 'ssm:GetParameter', params: { name: '/app/worker/smtp_password', withDecryption: true } },
        ];
        const k = plan.progress;
        const steps = targets.slice(k * 2, k * 2 + (rng.chance(0.5) ? 2 : 1));
        if (steps.length === 0) {
          plan.done = true;
          break;
        }
        runTask(rng, ctx, state, task('read-config'), live.at, day, out, {
          role: 'prod',
          client: live.session.console ? 'console' : 'cli',
          steps: steps.map((s) => ({ ...s, gap: 300 })),
        });
        record(plan, out.slice(from), rng, env.labels);
        plan.progress++;
        if (plan.progress >= SLOW_DAYS) plan.done = true;
        break;
      }
      case 'role-chaining': {
        if (!person || !ctx) {
          plan.done = true;
          break;
        }
        const t = dayStart + (person.startHour + 2 + rng.next() * 4 - person.tz) * HOUR;
        const session = newSsoSession(rng, person, 'PlatformAdmin', 'prod', t, [60, 600], false);
        const ip = attackerIp(rng);
        const ua = ATTACKER_AGENTS[0];
        const lake = resourcesOf('prod').buckets[2] ?? 'acme-prod-data-lake';
        playOpsChain(
          rng,
          person,
          ctx.profile as ClientProfile,
          session,
          ip,
          t,
          out,
          [
            { action: 's3:ListBuckets' },
            { action: 's3:ListBucket', params: { bucketName: lake, prefix: 'customers/' } },
            ...Array.from({ length: 25 }, (_, i) => ({
              action: 's3:GetObject',
              params: { bucketName: lake, key: `customers/export-${String(i).padStart(3, '0')}.csv` },
              gap: 2,
            })),
            { action: 'secretsmanager:ListSecrets' },
            { action: 'secretsmanager:GetSecretValue', params: { secretId: resourcesOf('prod').secrets[1] } },
          ],
          (a) => ua(a),
        );
        record(plan, out.slice(from), rng, env.labels);
        plan.done = true;
        break;
      }
      case 'vendor-abuse': {
        const acct = account('prod');
        const t = dayStart + (2 + rng.next() * 3) * HOUR;
        const ip = attackerIp(rng);
        const agent =
          'Boto3/1.34.150 md/Botocore#1.34.150 ua/2.0 os/linux#6.8.11-amd64 lang/python#3.11.9 Botocore/1.34.150';
        const session = `lumenta-${rng.hex(12)}`;
        out.push(
          makeCall(rng, {
            time: t,
            principal: {
              kind: 'aws-account',
              accountId: VENDOR.accountId,
              principalId: `AROAV3NDOR${rid('', `vendor:${VENDOR.accountId}`, 11).toUpperCase()}:lumenta-orchestrator`,
            },
            accountId: acct.id,
            region: 'us-east-1',
            action: 'sts:AssumeRole',
            params: {
              roleArn: `arn:aws:iam::${acct.id}:role/${VENDOR.roleName}`,
              roleSessionName: session,
              externalId: VENDOR.externalId,
            },
            ip,
            agent,
          }),
        );
        const p = rolePrincipal(rng, 'prod', VENDOR.roleName, session, t);
        const lake = resourcesOf('prod').buckets[2] ?? 'acme-prod-data-lake';
        const foreign = String(rng.int(100_000_000_000, 999_999_999_999));
        const snap = `snap-${rid('', `vendor-abuse:${day}`, 17)}`;
        const vol = `vol-${rid('', `${acct.id}:volume:1`, 17)}`;
        playSession(
          {
            rng,
            principal: p,
            accountId: acct.id,
            region: 'us-east-1',
            ip,
            agent: () => agent,
            start: t + 2000,
            deniedRate: 0,
            pause: 3,
            steps: [
              { action: 's3:ListBuckets' },
              { action: 's3:ListBucket', params: { bucketName: lake, prefix: 'customers/' } },
              ...Array.from({ length: 30 }, (_, i) => ({
                action: 's3:GetObject',
                params: { bucketName: lake, key: `customers/export-${String(i).padStart(3, '0')}.csv` },
                gap: 1,
              })),
              {
                action: 'ec2:CreateSnapshot',
                params: { volumeId: vol, description: 'lumenta agentless scan' },
                response: { snapshotId: snap, volumeId: vol, status: 'pending' },
              },
              {
                action: 'ec2:ModifySnapshotAttribute',
                params: {
                  snapshotId: snap,
                  attributeType: 'CREATE_VOLUME_PERMISSION',
                  createVolumePermission: { add: { items: [{ userId: foreign }] } },
                },
                gap: 90,
              },
            ],
          },
          out,
        );
        record(plan, out.slice(from), rng, env.labels);
        plan.done = true;
        break;
      }
      case 'incident-cover': {
        if (!env.incident || !person || !ctx) {
          if (day > plan.day) plan.done = true;
          break;
        }
        const acct = account('prod');
        const snap = `snap-${rid('', `incident-cover:${day}`, 17)}`;
        const vol = `vol-${rid('', `${acct.id}:volume:2`, 17)}`;
        const foreign = String(rng.int(100_000_000_000, 999_999_999_999));
        runTask(
          rng,
          ctx,
          env.incident.state,
          task('investigate-alarm'),
          env.incident.end + rng.int(60, 400) * 1000,
          day,
          out,
          {
            role: 'prod',
            client: 'cli',
            steps: [
              { action: 'iam:ListAccessKeys', params: { userName: 'svc-backup' } },
              { action: 'iam:CreateAccessKey', params: { userName: 'svc-backup' } },
              { action: 'ec2:DescribeVolumes' },
              {
                action: 'ec2:CreateSnapshot',
                params: { volumeId: vol },
                response: { snapshotId: snap, volumeId: vol, status: 'pending' },
              },
              {
                action: 'ec2:ModifySnapshotAttribute',
                params: {
                  snapshotId: snap,
                  attributeType: 'CREATE_VOLUME_PERMISSION',
                  createVolumePermission: { add: { items: [{ userId: foreign }] } },
                },
                gap: 120,
              },
              { action: 'monitoring:DescribeAlarms' },
            ],
          },
        );
        record(plan, out.slice(from), rng, env.labels);
        plan.done = true;
        break;
      }
      case 'ci-unexpected-branch': {
        const acct = account('prod');
        const t = dayStart + (10 + rng.next() * 8) * HOUR;
        const branch = `refs/heads/fix/ci-cache-${rng.hex(4)}`;
        const ip = `${rng.pick(['20.57', '4.175', '52.159', '172.183'])}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
        out.push(
          makeCall(rng, {
            time: t,
            principal: {
              kind: 'web-identity',
              provider: GITHUB_OIDC,
              subject: `repo:acme-corp/infrastructure:ref:${branch}`,
            },
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
        const res = resourcesOf('prod');
        const profile = ctx?.profile ?? (env.ctxs[0]?.profile as ClientProfile);
        playSession(
          {
            rng,
            principal: p,
            accountId: acct.id,
            region: 'us-east-1',
            ip,
            agent: (a) => userAgent('terraform', profile, a),
            start: t + 2000,
            deniedRate: 0,
            pause: 2,
            steps: [
              ...terraformReads('prod', new Set()).slice(0, 12),
              { action: 'secretsmanager:ListSecrets' },
              ...res.secrets.map((s) => ({ action: 'secretsmanager:GetSecretValue', params: { secretId: s } })),
              { action: 's3:GetObject', params: { bucketName: res.buckets[3], key: 'prod/terraform.tfstate' } },
            ],
          },
          out,
        );
        record(plan, out.slice(from), rng, env.labels);
        plan.done = true;
        break;
      }
    }
    if (!plan.done && day >= env.plans.length + plan.day + 20) plan.done = true;
  }
}
