/**
 * The simulated organization: six accounts under one AWS Organization, the people (drawn
 * from persona quotas, times `scale`) with their time zones, networks and clients, and the
 * non-human identities (CI through GitHub OIDC, Lambda and ECS roles, service-linked
 * roles, the weekly scanner). Everything is derived from the seed.
 */
import { PERSONAS } from './personas.ts';
import type { Rng } from './prng.ts';
import type { Account, AccountRole, PermissionSetGrant, Person, PersonaKind } from './types.ts';

export const ORG_ID = 'o-7kq2x9vd4m';
export const DOMAIN = 'acme-corp.com';

export const ACCOUNTS: readonly Account[] = [
  { id: '318274659012', role: 'management', name: 'acme-management', regions: ['us-east-1'] },
  { id: '482910375610', role: 'prod', name: 'acme-prod', regions: ['us-east-1', 'eu-west-1'] },
  { id: '593021846172', role: 'staging', name: 'acme-staging', regions: ['us-east-1'] },
  { id: '604132957283', role: 'dev', name: 'acme-dev', regions: ['us-east-1'] },
  { id: '715243068394', role: 'security', name: 'acme-security', regions: ['us-east-1'] },
  { id: '826354179405', role: 'dr', name: 'acme-dr', regions: ['us-west-2'] },
];

export function account(role: AccountRole): Account {
  const a = ACCOUNTS.find((x) => x.role === role);
  if (!a) throw new Error(`no account ${role}`);
  return a;
}

/** Services whose calls CloudTrail records in us-east-1 whatever the caller's region. */
export const GLOBAL_SERVICES = new Set([
  'iam',
  'sts-global',
  'signin',
  'organizations',
  'route53',
  'cloudfront',
  'sso',
  'identitystore',
  'sso-directory',
  'support',
  'health',
]);

/** Offices: egress NAT addresses (one /28 each) and the time zone of the staff there. */
export const OFFICES = [
  { name: 'nyc', prefix: '64.124.19.', tz: -5 },
  { name: 'berlin', prefix: '194.25.134.', tz: 1 },
  { name: 'bangalore', prefix: '125.16.47.', tz: 5.5 },
] as const;
/** The corporate VPN egresses from two addresses in AWS us-east-1. */
export const VPN_IPS = ['3.213.88.41', '3.213.88.42'] as const;
/** Residential ISP ranges per office city. */
const HOME_PREFIXES: Record<string, string[]> = {
  nyc: ['73.45.', '98.116.', '24.90.'],
  berlin: ['91.64.', '87.123.', '93.203.'],
  bangalore: ['106.51.', '49.207.', '122.171.'],
};

/** Addresses of cheap hosting and anonymizers (DigitalOcean, Vultr, OVH, Tor exits): where stolen keys get used. */
export const ATTACKER_PREFIXES = [
  '167.99.',
  '45.77.',
  '139.59.',
  '51.89.',
  '185.220.101.',
  '193.142.146.',
  '104.248.',
] as const;

const FIRST = [
  'alice',
  'bob',
  'carol',
  'dave',
  'erin',
  'frank',
  'grace',
  'heidi',
  'ivan',
  'judy',
  'mallory',
  'niaj',
  'olivia',
  'peggy',
  'rupert',
  'sybil',
  'trent',
  'victor',
  'wendy',
  'yusuf',
  'zara',
  'arjun',
  'priya',
  'lena',
  'jonas',
  'mei',
  'kenji',
  'fatima',
  'diego',
  'sofia',
  'liam',
  'noah',
  'emma',
  'ava',
  'omar',
  'leila',
  'ravi',
  'anika',
  'tomas',
  'ingrid',
];
const LAST = [
  'nguyen',
  'schmidt',
  'patel',
  'garcia',
  'kim',
  'mueller',
  'iyer',
  'smith',
  'johnson',
  'rossi',
  'tanaka',
  'kowalski',
  'silva',
  'haddad',
  'okafor',
  'larsen',
  'reddy',
  'fischer',
  'brown',
  'lopez',
];

export interface Org {
  accounts: readonly Account[];
  people: Person[];
  /** Index of the new hire in `people` (joins during the test period), or -1. */
  newHire: number;
  /** Index of the new hire who joined in the learning period. */
  earlyHire: number;
}

function ipIn(rng: Rng, prefix: string): string {
  const parts = prefix.split('.').filter((p) => p !== '').length;
  const rest: number[] = [];
  for (let i = parts; i < 4; i++) rest.push(i === 3 ? rng.int(2, 254) : rng.int(0, 255));
  return prefix + rest.join('.');
}

export function attackerIp(rng: Rng): string {
  return ipIn(rng, rng.pick(ATTACKER_PREFIXES));
}

export function accessKeyId(rng: Rng, temporary: boolean): string {
  return (temporary ? 'ASIA' : 'AKIA') + rng.alnum(16);
}

export function principalId(rng: Rng, prefix: 'AIDA' | 'AROA'): string {
  return prefix + rng.alnum(17);
}

export interface OrgPlan {
  /** People per role (instead of the default quotas times `scale`). */
  counts: Readonly<Record<PersonaKind, number>>;
  /** Permission sets that differ from the persona's defaults. */
  grants?: Partial<Record<PersonaKind, PermissionSetGrant[]>>;
}

/**
 * Builds the staff: persona quotas times `scale` (or `plan.counts`), then one hire in the
 * learning period and one in the test period.
 */
export function buildOrg(rng: Rng, scale: number, learningDays: number, plan?: OrgPlan): Org {
  const people: Person[] = [];
  const used = new Set<string>();
  const makePerson = (persona: PersonaKind, joinDay: number): Person => {
    let handle = '';
    do handle = `${rng.pick(FIRST)}.${rng.pick(LAST)}`;
    while (used.has(handle));
    used.add(handle);
    const def = PERSONAS[persona];
    const office = rng.pick(OFFICES);
    const start = def.startHour + rng.int(-1, 1);
    const homePrefix = rng.pick(HOME_PREFIXES[office.name] ?? ['73.45.']);
    return {
      handle,
      email: `${handle}@${DOMAIN}`,
      persona,
      tz: office.tz,
      startHour: start,
      endHour: start + def.hours + rng.int(-1, 1),
      office: `${office.prefix}${rng.int(16, 29)}`,
      vpn: rng.pick(VPN_IPS),
      home: ipIn(rng, homePrefix),
      clients: def.clients,
      grants: (plan?.grants?.[persona] ?? def.grants).map((g) => ({ ...g })),
      iamUser: null,
      joinDay,
      onCall: persona === 'sre',
    };
  };
  for (const [persona, def] of Object.entries(PERSONAS) as Array<[PersonaKind, (typeof PERSONAS)[PersonaKind]]>) {
    if (!plan && def.count === 0) continue;
    const n = plan ? (plan.counts[persona] ?? 0) : Math.max(1, Math.round(def.count * scale));
    for (let i = 0; i < n; i++) people.push(makePerson(persona, 0));
  }
  // A few people still carry a legacy IAM user with a long-term access key.
  for (const p of people) {
    if ((p.persona === 'sre' || p.persona === 'data-engineer') && p.iamUser === null && rng.chance(0.35)) {
      p.iamUser = {
        name: p.handle.replace('.', '-'),
        account: 'prod',
        accessKeyId: accessKeyId(rng, false),
        principalId: principalId(rng, 'AIDA'),
      };
    }
  }
  const earlyHire = people.length;
  people.push(makePerson('developer', Math.max(1, Math.floor(learningDays / 3))));
  const newHire = people.length;
  people.push(makePerson('developer', learningDays + 2));
  return { accounts: ACCOUNTS, people, newHire, earlyHire };
}
