/**
 * A person's working day: where they work from (office, VPN, home), a new SSO session per
 * account each morning (a new access key every day), a console sign-in before the first
 * console task, then several task sessions spread over their local working hours.
 */
import { type ClientProfile, userAgent } from './clients.ts';
import { account } from './org.ts';
import { PERSONAS } from './personas.ts';
import { hashString, type Rng } from './prng.ts';
import { resourcesOf } from './resources.ts';
import { makeCall, playSession } from './session.ts';
import { TASKS, type TaskContext, type TaskTemplate } from './tasks.ts';
import type { AccountRole, Call, ClientKind, Person, Principal, Step } from './types.ts';

export const HOUR = 3600_000;
export const DAY = 24 * HOUR;

/** The SSO-provisioned role of a permission set in an account: `AWSReservedSSO_<Set>_<16 hex>`, stable. */
export function ssoRole(set: string, role: AccountRole): { roleName: string; roleId: string; accountId: string } {
  const accountId = account(role).id;
  const h =
    (hashString(`${set}:${accountId}`) >>> 0).toString(16).padStart(8, '0') +
    (hashString(`${accountId}:${set}`) >>> 0).toString(16).padStart(8, '0');
  return {
    roleName: `AWSReservedSSO_${set}_${h}`,
    roleId: `AROA${h.toUpperCase().slice(0, 13)}${set.toUpperCase().slice(0, 4).padEnd(4, 'X')}`,
    accountId,
  };
}

export const SSO_PATH = '/aws-reserved/sso.amazonaws.com/';

/** The stable actor key Trailhound resolves for an SSO session: role ARN + `/` + the person. */
export function ssoActorKey(person: Person, set: string, role: AccountRole): string {
  const r = ssoRole(set, role);
  return `arn:aws:iam::${r.accountId}:role${SSO_PATH}${r.roleName}/${person.email}`;
}

export interface PersonDayState {
  /** Today's SSO credential sessions, by `account:console`. */
  sessions: Map<string, Extract<Principal, { kind: 'role' }>>;
  signedIn: Set<string>;
  ip: string;
}

export interface PersonContext {
  person: Person;
  profile: ClientProfile;
  drAccountId: string;
}

export function grantFor(person: Person, role: AccountRole): string | null {
  return person.grants.find((g) => g.account === role)?.set ?? null;
}

/** Where the person works from today. */
export function dayLocation(rng: Rng, person: Person): string {
  const w = rng.weighted([
    ['office', 55],
    ['vpn', 25],
    ['home', 20],
  ] as const);
  return w === 'office' ? person.office : w === 'vpn' ? person.vpn : person.home;
}

/** The SSO session for an account today (created at first use: a new key each day). */
export function ssoSession(
  state: PersonDayState,
  rng: Rng,
  person: Person,
  role: AccountRole,
  at: number,
  console: boolean,
): Extract<Principal, { kind: 'role' }> | null {
  const set = grantFor(person, role);
  if (!set) return null;
  const k = `${role}:${console}`;
  let s = state.sessions.get(k);
  if (!s) {
    s = newSsoSession(rng, person, set, role, at, [5, 120], console);
    state.sessions.set(k, s);
  }
  return s;
}

/** A fresh session of `person` in permission set `set`, created `ageSeconds` (a range) before `at`. */
export function newSsoSession(
  rng: Rng,
  person: Person,
  set: string,
  role: AccountRole,
  at: number,
  ageSeconds: readonly [number, number],
  console: boolean,
): Extract<Principal, { kind: 'role' }> {
  const r = ssoRole(set, role);
  // Draw order (key, then age) is part of the seeded output: keep it.
  const accessKeyId = `ASIA${rng.alnum(16)}`;
  const sessionStart = at - rng.int(ageSeconds[0], ageSeconds[1]) * 1000;
  return {
    kind: 'role',
    accountId: r.accountId,
    roleName: r.roleName,
    rolePath: SSO_PATH,
    roleId: r.roleId,
    sessionName: person.email,
    accessKeyId,
    sessionStart,
    mfa: false,
    console,
  };
}

/** Runs one task for a person at `at`; returns the end time. */
export function runTask(
  rng: Rng,
  ctx: PersonContext,
  state: PersonDayState,
  task: TaskTemplate,
  at: number,
  day: number,
  out: Call[],
  forced?: { role?: AccountRole; client?: ClientKind; steps?: Step[] },
): number {
  const { person, profile } = ctx;
  const held = task.accounts.filter(([r]) => grantFor(person, r) !== null);
  if (held.length === 0 && !forced?.role) return at;
  const role = forced?.role ?? rng.weighted(held);
  let client: ClientKind = forced?.client ?? rng.weighted(person.clients);
  if (!forced?.client && task.client === 'console') client = 'console';
  if (!forced?.client && task.client === 'api' && client === 'console') client = rng.chance(0.7) ? 'cli' : 'boto3';
  const console = client === 'console';
  const acct = account(role);
  // People with a legacy IAM user still use its key for some scripted work in prod.
  let principal: Principal | null = null;
  if (!console && person.iamUser && person.iamUser.account === role && rng.chance(0.3)) {
    principal = {
      kind: 'iam-user',
      accountId: acct.id,
      userName: person.iamUser.name,
      principalId: person.iamUser.principalId,
      accessKeyId: person.iamUser.accessKeyId,
      console: false,
      mfa: false,
      sessionStart: at,
    };
  }
  principal ??= ssoSession(state, rng, person, role, at, console);
  if (!principal) return at;
  const region = acct.regions[0] ?? 'us-east-1';
  if (console && !state.signedIn.has(role)) {
    state.signedIn.add(role);
    out.push(
      makeCall(rng, {
        time: at - rng.int(10, 60) * 1000,
        principal,
        accountId: acct.id,
        region: 'us-east-1',
        action: 'signin:ConsoleLogin',
        params: null,
        ip: state.ip,
        agent: profile.browser,
      }),
    );
  }
  const tctx: TaskContext = {
    rng,
    res: resourcesOf(role),
    accountId: acct.id,
    region,
    drAccountId: ctx.drAccountId,
    day,
    email: person.email,
  };
  const steps = forced?.steps ?? task.steps(tctx);
  return playSession(
    {
      rng,
      principal,
      accountId: acct.id,
      region,
      ip: state.ip,
      agent: (a) => userAgent(client, profile, a),
      start: at,
      steps,
      deniedRate: 0.015,
      pause: console ? 25 : 8,
      principalFor: (r) => {
        const p = ssoSession(state, rng, person, r, at, console);
        return p ? { principal: p, accountId: account(r).id } : null;
      },
    },
    out,
  );
}

export function newDayState(ip: string): PersonDayState {
  return { sessions: new Map(), signedIn: new Set(), ip };
}

/** Local weekday (0 = Sunday) of a UTC day start for a time zone. */
export function localWeekday(dayStart: number, tz: number): number {
  return new Date(dayStart + 12 * HOUR + tz * HOUR).getUTCDay();
}

/** One ordinary working day of one person. */
export function personDay(
  rng: Rng,
  ctx: PersonContext,
  dayStart: number,
  day: number,
  out: Call[],
  /** Receives the day's sessions and network (the company simulation rides them for some attacks). */
  onState?: (state: PersonDayState) => void,
): void {
  const { person } = ctx;
  if (day < person.joinDay) return;
  const wd = localWeekday(dayStart, person.tz);
  if (wd === 0 || wd === 6) return;
  // Some days off (leave, sickness, meetings all day).
  if (rng.chance(0.07)) return;
  const def = PERSONAS[person.persona];
  const localMidnight = dayStart - person.tz * HOUR;
  const startWork = localMidnight + (person.startHour + rng.next()) * HOUR;
  const endWork = localMidnight + (person.endHour + rng.next() * 0.5) * HOUR;
  const state = newDayState(dayLocation(rng, person));
  onState?.(state);
  // A new hire ramps up: fewer tasks the first week.
  const ramp = day - person.joinDay < 5 && person.joinDay > 0 ? 0.5 : 1;
  const n = Math.max(1, rng.poisson(def.tasksPerDay * ramp));
  const starts = Array.from({ length: n }, () => startWork + rng.next() * (endWork - startWork - 0.5 * HOUR)).sort(
    (a, b) => a - b,
  );
  let busyUntil = 0;
  for (const s of starts) {
    const at = Math.max(s, busyUntil + rng.int(60, 600) * 1000);
    const name = rng.weighted(def.tasks);
    const task = TASKS[name];
    if (!task) continue;
    busyUntil = runTask(rng, ctx, state, task, at, day, out);
  }
}
