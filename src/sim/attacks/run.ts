/**
 * Schedules and plays attacks. Attacks are rare, as in reality: about one a week, only
 * after the learning period; the seed picks which scenarios run (a rotation over the
 * library, so consecutive seeds cover it) and who runs them; `--attacks` forces a list.
 */
import { ATTACKER_AGENTS, type ClientProfile, userAgent } from '../clients.ts';
import { BACKUP_USER } from '../machines.ts';
import { account, attackerIp } from '../org.ts';
import { DAY, grantFor, HOUR, newSsoSession, SSO_PATH } from '../people.ts';
import type { Rng } from '../prng.ts';
import { resourcesOf } from '../resources.ts';
import { playSession } from '../session.ts';
import type { Call, Person, Principal, Step } from '../types.ts';
import { SCENARIOS, scenarioById } from './library.ts';
import type { AttackMode, AttackScenario } from './types.ts';

export interface PlannedAttack {
  attackId: string;
  scenario: AttackScenario;
  mode: AttackMode;
  day: number;
  /** Index in `org.people`, or -1 for the backup IAM user. */
  actorIndex: number;
  /** Offset of the start from the day's UTC midnight (ms); decided at plan time. */
  offset: number;
}

export interface AttackLabel {
  attackId: string;
  scenario: string;
  title: string;
  category: string;
  techniques: string[];
  mode: AttackMode;
  routine: boolean;
  /** The company organization's attack style (`session-riding`, `low-and-slow`, ...); absent for library scenarios. */
  style?: string;
  /** The actor key Trailhound resolves (IAM user ARN, or SSO role ARN + `/` + person). */
  actor: string;
  /** The raw principal: ARN and session name as CloudTrail shows them. */
  principalArn: string;
  sessionName: string | null;
  accountId: string;
  start: string;
  end: string;
  eventIds: string[];
}

/** The library in round-robin order over categories (first scenario of each category, then the second, ...). */
export const ROTATION: readonly AttackScenario[] = (() => {
  const byCategory = new Map<string, AttackScenario[]>();
  for (const sc of SCENARIOS) byCategory.set(sc.category, [...(byCategory.get(sc.category) ?? []), sc]);
  const out: AttackScenario[] = [];
  for (let i = 0; out.length < SCENARIOS.length; i++)
    for (const list of byCategory.values()) if (list[i]) out.push(list[i] as AttackScenario);
  return out;
})();

function candidates(scenario: AttackScenario, people: readonly Person[], day: number): number[] {
  const out: number[] = [];
  people.forEach((p, i) => {
    if (p.joinDay > 0 && p.joinDay > day - 7) return;
    if (scenario.actors.includes(p.persona) && grantFor(p, scenario.account)) out.push(i);
  });
  if (scenario.actors.includes('svc-backup')) out.push(-1);
  return out;
}

/**
 * `attacks`: 'none', 'all' (every scenario once, spread over the test period), a list of ids,
 * or 'rate' (default: Poisson ~`perWeek` a week, scenarios by seed rotation).
 */
export function planAttacks(
  rng: Rng,
  seed: number,
  attacks: string,
  learningDays: number,
  days: number,
  people: readonly Person[],
  startMs: number,
  perWeek = 1.2,
): PlannedAttack[] {
  const testDays = days - learningDays;
  if (attacks === 'none' || testDays <= 0) return [];
  let chosen: AttackScenario[];
  if (attacks === 'all') chosen = [...SCENARIOS];
  else if (attacks === 'rate') {
    const n = Math.max(1, rng.poisson((perWeek * testDays) / 7));
    // Rotation over the library interleaved by category: seed s starts where seed s-1 stopped
    // (about four a seed), so three seeds already touch every category and ~eight cover the library.
    const startAt = ((seed - 1) * 4) % ROTATION.length;
    chosen = Array.from({ length: n }, (_, i) => ROTATION[(startAt + i) % ROTATION.length] as AttackScenario);
  } else {
    chosen = attacks.split(',').map((id) => {
      const s = scenarioById(id.trim());
      if (!s) throw new Error(`unknown attack scenario ${id}; known: ${SCENARIOS.map((x) => x.id).join(', ')}`);
      return s;
    });
  }
  const planned: PlannedAttack[] = [];
  chosen.forEach((scenario, i) => {
    // Spread over the test period, never on its first day (the learning window must stay clean).
    const slot = (i + 0.2 + rng.next() * 0.6) / chosen.length;
    let day = Math.min(days - 1, learningDays + 1 + Math.floor(slot * (testDays - 1)));
    const who = candidates(scenario, people, day);
    if (who.length === 0) return;
    const mode = rng.pick(scenario.modes);
    // Insiders work on working days: move a weekend insider attack to the nearest weekday in range.
    if (mode === 'insider') {
      const weekday = (d: number) => new Date(startMs + d * DAY + 12 * HOUR).getUTCDay();
      while ((weekday(day) === 0 || weekday(day) === 6) && day + 1 < days) day++;
      while ((weekday(day) === 0 || weekday(day) === 6) && day - 1 > learningDays) day--;
    }
    const actorIndex = rng.pick(who);
    const person = actorIndex >= 0 ? people[actorIndex] : undefined;
    let offset: number;
    if (mode === 'insider' && person)
      offset =
        (person.startHour + 1 + rng.next() * Math.max(1, person.endHour - person.startHour - 2) - person.tz) * HOUR;
    else offset = rng.next() * 22 * HOUR;
    offset = ((offset % DAY) + DAY) % DAY;
    planned.push({
      attackId: `A${String(i + 1).padStart(3, '0')}-${scenario.id}`,
      scenario,
      mode,
      day,
      actorIndex,
      offset,
    });
  });
  return planned;
}

/** Plays one planned attack into `out`; returns its label. */
export function playAttack(
  rng: Rng,
  plan: PlannedAttack,
  people: readonly Person[],
  profiles: readonly ClientProfile[],
  dayStart: number,
  out: Call[],
): AttackLabel {
  const { scenario, mode } = plan;
  const acct = account(scenario.account);
  const region = acct.regions[0] ?? 'us-east-1';
  const start = dayStart + plan.offset;
  const person = plan.actorIndex >= 0 ? people[plan.actorIndex] : undefined;
  let principal: Principal;
  let actor: string;
  let ip: string;
  let agent: (a: string) => string;
  let sessionName: string | null = null;
  if (person) {
    const set = grantFor(person, scenario.account) ?? 'ReadOnly';
    const session = newSsoSession(rng, person, set, scenario.account, start, [30, 600], false);
    principal = session;
    actor = `arn:aws:iam::${session.accountId}:role${SSO_PATH}${session.roleName}/${person.email}`;
    sessionName = person.email;
    const profile = profiles[plan.actorIndex] as ClientProfile;
    if (mode === 'stolen') {
      ip = attackerIp(rng);
      const ua = rng.pick(ATTACKER_AGENTS);
      agent = (a) => ua(a);
    } else {
      ip = rng.chance(0.6) ? person.office : person.vpn;
      agent = (a) => userAgent('cli', profile, a);
    }
  } else {
    principal = {
      kind: 'iam-user',
      accountId: acct.id,
      userName: BACKUP_USER.name,
      principalId: BACKUP_USER.principalId,
      accessKeyId: BACKUP_USER.accessKeyId,
      console: false,
      mfa: false,
      sessionStart: start,
    };
    actor = `arn:aws:iam::${acct.id}:user/${BACKUP_USER.name}`;
    if (mode === 'stolen') {
      ip = attackerIp(rng);
      const ua = rng.pick(ATTACKER_AGENTS);
      agent = (a) => ua(a);
    } else {
      ip = '64.124.19.5';
      agent = () => 'Boto3/1.26.137 Python/3.9.16 Linux/4.18.0-477.el8.x86_64 Botocore/1.29.137';
    }
  }
  const res = resourcesOf(scenario.account);
  const foreignAccount =
    String(rng.int(1000_0000_0000 / 10, 9999_9999_9999 / 10)).padStart(11, '0') + String(rng.int(0, 9));
  let steps: Step[] = scenario.steps({
    rng,
    res,
    accountId: acct.id,
    region,
    foreignAccount,
    self: sessionName ?? BACKUP_USER.name,
    drAccountId: account('dr').id,
  });
  // Stolen credentials: the attacker first checks whose keys they hold.
  if (mode === 'stolen' && steps[0]?.action !== 'sts:GetCallerIdentity' && !scenario.stratus)
    steps = [{ action: 'sts:GetCallerIdentity' }, ...steps];
  const from = out.length;
  const end = playSession(
    {
      rng,
      principal,
      accountId: acct.id,
      region,
      ip,
      agent,
      start,
      steps,
      deniedRate: 0,
      pause: mode === 'stolen' ? 4 : 15,
    },
    out,
  );
  const calls = out.slice(from);
  const principalArn =
    principal.kind === 'role'
      ? `arn:aws:sts::${principal.accountId}:assumed-role/${principal.roleName}/${principal.sessionName}`
      : `arn:aws:iam::${acct.id}:user/${BACKUP_USER.name}`;
  return {
    attackId: plan.attackId,
    scenario: scenario.id,
    title: scenario.title,
    category: scenario.category,
    techniques: scenario.techniques,
    mode,
    routine: scenario.routine,
    actor,
    principalArn,
    sessionName,
    accountId: acct.id,
    start: new Date(start).toISOString(),
    end: new Date(Math.round(end)).toISOString(),
    eventIds: calls.map((c) => c.eventId),
  };
}
