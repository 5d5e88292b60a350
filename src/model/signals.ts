/**
 * Signals that need no baseline: what is suspicious in any organization on its first day,
 * as GuardDuty's finding types are (instance credentials used elsewhere, logging switched
 * off, root used, an attack toolkit, a burst of refusals across services). One table drives
 * them: `SIGNALS` is what the README lists, and each entry's `detect` is the whole rule.
 *
 * During the learning period a journey with a signal raises a "learning period" alert (its own
 * small cap, outside the weekly budget); afterwards a signal puts the journey on the critical
 * path. A signal the identity's own learned baseline already holds (an alert released after
 * its quarantine week, or marked benign) does not fire again for it.
 */

import { reachesOnlyOrganization } from '../catalog/index.ts';
import type { EventRow } from '../domain/event.ts';
import { type AsnInfo, asnLabel, asnOf } from '../normalize/asn.ts';

export type SignalSeverity = 'medium' | 'high' | 'critical';

/** One firing of a signal on a journey, with its evidence. */
export interface SignalHit {
  id: string;
  title: string;
  severity: SignalSeverity;
  /** The evidence in plain words (what, how often, from where). */
  evidence: string;
  /** The events that show it (at most 5). */
  eventIds: string[];
}

export interface SignalDefinition {
  id: string;
  title: string;
  /** MITRE ATT&CK technique ids. */
  attack: string[];
  /** Why it needs no baseline, for the README table. */
  why: string;
  severity: SignalSeverity;
  /**
   * The evidence when the journey shows the signal, or null. Per-journey signals only. `events`:
   * the journey's candidate events (never empty, see `isCandidate`); `all`: every event of it.
   */
  detect?: (events: readonly EventRow[], all: readonly EventRow[]) => { evidence: string; events: EventRow[] } | null;
}

const key = (r: EventRow) => `${r.service}:${r.action}`;

/** Every `service:Action` a signal looks at by name, and their action names (checked first: no string built). */
const WATCHED = new Set<string>();
const WATCHED_ACTIONS = new Set<string>();
function watch(serviceAction: string): void {
  WATCHED.add(serviceAction);
  WATCHED_ACTIONS.add(serviceAction.slice(serviceAction.indexOf(':') + 1));
}
for (const a of [
  'signin:ConsoleLogin',
  'iam:CreateAccessKey',
  'organizations:LeaveOrganization',
  'organizations:RemoveAccountFromOrganization',
])
  watch(a);

/** Successful events whose `service:Action` is one of `actions`, or that carry `fact` on one of `factActions`. */
function actionsHit(
  actions: readonly string[],
  fact?: { name: string; on: readonly string[] },
): (events: readonly EventRow[]) => { evidence: string; events: EventRow[] } | null {
  const set = new Set(actions);
  const factOn = new Set(fact?.on ?? []);
  for (const a of [...actions, ...(fact?.on ?? [])]) watch(a);
  return (events) => {
    const hits = events.filter(
      (r) =>
        r.success && (set.has(key(r)) || (fact !== undefined && factOn.has(key(r)) && r.facts.includes(fact.name))),
    );
    if (hits.length === 0) return null;
    return { evidence: countedActions(hits), events: hits };
  };
}

/** `cloudtrail:StopLogging x2, cloudtrail:DeleteTrail`. */
function countedActions(rows: readonly EventRow[]): string {
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(key(r), (counts.get(key(r)) ?? 0) + 1);
  return [...counts].map(([k, n]) => (n > 1 ? `${k} x${n}` : k)).join(', ');
}

/**
 * Refusals: the error codes AWS services answer an unauthorized caller with. Throttling,
 * validation and not-found errors are not refusals: they say nothing about permissions.
 */
const REFUSAL = /AccessDenied|UnauthorizedOperation|Unauthorized|NotAuthorized|AuthorizationError|Forbidden/i;

/**
 * Enumeration burst: refused calls to at least ENUM_SERVICES distinct services within
 * ENUM_WINDOW_MS, ENUM_CALLS refusals in all, and at least ENUM_SHARE of the identity's calls
 * in that window refused. Tools that map a stolen key's permissions (enumerate-iam, Pacu's
 * iam__bruteforce_permissions, CloudFox) try dozens of services in a minute or two and most
 * are refused; a person exploring hits denials in one or two services; an auditor (Prowler,
 * ScoutSuite) whose role lacks a few permissions is refused across services too, but in a
 * scan that mostly succeeds (a simulated Prowler: 10 refusals in 7 services among ~200 calls).
 * Many refusals of one service (Stratus's 30 GetPasswordData calls) are not an enumeration of
 * services: the error-burst context reason and the catalog's risk of the call speak for those.
 */
export const ENUM_SERVICES = 5;
export const ENUM_CALLS = 8;
export const ENUM_WINDOW_MS = 10 * 60_000;
export const ENUM_SHARE = 0.5;

/** Events of `events` (in time order) with `from <= time <= to`. */
function callsBetween(events: readonly EventRow[], from: number, to: number): number {
  const lower = (t: number) => {
    let lo = 0;
    let hi = events.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((events[mid] as EventRow).time < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return lower(to + 1) - lower(from);
}

function enumerationBurst(
  candidates: readonly EventRow[],
  events: readonly EventRow[],
): { evidence: string; events: EventRow[] } | null {
  const refused = candidates.filter((r) => !r.success && r.errorCode !== null && REFUSAL.test(r.errorCode));
  if (refused.length < ENUM_CALLS) return null;
  let best: { from: number; to: number; services: number } | null = null;
  let from = 0;
  const inWindow = new Map<string, number>();
  for (let to = 0; to < refused.length; to++) {
    const r = refused[to] as EventRow;
    inWindow.set(r.service, (inWindow.get(r.service) ?? 0) + 1);
    while ((refused[from] as EventRow).time < r.time - ENUM_WINDOW_MS) {
      const s = (refused[from] as EventRow).service;
      const n = (inWindow.get(s) ?? 1) - 1;
      if (n === 0) inWindow.delete(s);
      else inWindow.set(s, n);
      from++;
    }
    const calls = to - from + 1;
    // The widest burst: most services, then most refusals.
    if (
      inWindow.size >= ENUM_SERVICES &&
      calls >= ENUM_CALLS &&
      calls >= ENUM_SHARE * callsBetween(events, (refused[from] as EventRow).time, r.time) &&
      (best === null ||
        inWindow.size > best.services ||
        (inWindow.size === best.services && calls > best.to - best.from + 1))
    )
      best = { from, to, services: inWindow.size };
  }
  if (best === null) return null;
  const rows = refused.slice(best.from, best.to + 1);
  const services = [...new Set(rows.map((r) => r.service))].sort();
  const minutes = Math.max(
    1,
    Math.round(((rows[rows.length - 1] as EventRow).time - (rows[0] as EventRow).time) / 60_000),
  );
  return {
    evidence: `${rows.length} of ${callsBetween(events, (rows[0] as EventRow).time, (rows[rows.length - 1] as EventRow).time)} calls refused across ${services.length} services (${services.slice(0, 8).join(', ')}${services.length > 8 ? ', …' : ''}) within ${minutes} min`,
    events: rows,
  };
}

const isRoot = (r: EventRow) => r.actorType === 'root';

export const SIGNALS: readonly SignalDefinition[] = [
  {
    id: 'compute-credentials-off-host',
    title: 'Compute credentials used outside their compute',
    attack: ['T1552.005', 'T1078.004'],
    why: 'An EC2 instance profile, ECS task or Lambda role session calling from a network outside AWS or with a desktop client: those credentials live on the machine, so someone copied them.',
    severity: 'critical',
    detect: (events) => {
      const hits = events.filter((r) => r.facts.includes('computeOffHost'));
      if (hits.length === 0) return null;
      const nets = [...new Set(hits.map((r) => r.sourceIp).filter((x): x is string => x !== null))].slice(0, 3);
      const clients = [...new Set(hits.map((r) => r.clientName ?? r.clientClass))].slice(0, 3);
      return {
        evidence: `${hits.length} call${hits.length === 1 ? '' : 's'} (${countedActions(hits.slice(0, 20))}) from ${nets.map(withAs).join(', ') || 'an unknown address'} with ${clients.join(', ')}`,
        events: hits,
      };
    },
  },
  {
    id: 'session-two-networks',
    title: 'One temporary credential used from two networks',
    attack: ['T1550.001', 'T1078.004'],
    why: 'A session key (ASIA…) lives minutes to hours; calls with it from two autonomous systems (AWS’s own addresses aside) mean it was copied to a second place.',
    severity: 'high',
  },
  {
    id: 'shared-outside-organization',
    title: 'Data or access shared outside the organization',
    attack: ['T1537', 'T1098.003'],
    why: 'A snapshot, image or database snapshot shared, or a role, function or bucket opened, to everyone or to an account the trail has never shown (for an organization trail: outside the organization) hands a copy of the data or a way in to someone else; a partner account is worth one look the first time.',
    severity: 'high',
  },
  {
    id: 'cloudtrail-disabled',
    title: 'CloudTrail logging switched off',
    attack: ['T1562.008'],
    why: 'Stopping or deleting a trail, or event selectors that drop management events, blinds every detector that reads CloudTrail (this one included).',
    severity: 'critical',
    detect: actionsHit(
      [
        'cloudtrail:StopLogging',
        'cloudtrail:DeleteTrail',
        'cloudtrail:DeleteEventDataStore',
        'cloudtrail:StopEventDataStoreIngestion',
      ],
      { name: 'loggingNarrowed', on: ['cloudtrail:PutEventSelectors'] },
    ),
  },
  {
    id: 'guardduty-disabled',
    title: 'GuardDuty detector deleted or suspended',
    attack: ['T1562.001'],
    why: 'A deleted or suspended detector, or an account taken out of the GuardDuty administrator’s view, stops threat detection for the account.',
    severity: 'critical',
    detect: actionsHit(
      [
        'guardduty:DeleteDetector',
        'guardduty:DisassociateFromMasterAccount',
        'guardduty:DisassociateFromAdministratorAccount',
      ],
      { name: 'detectionDisabled', on: ['guardduty:UpdateDetector'] },
    ),
  },
  {
    id: 'config-recorder-stopped',
    title: 'AWS Config recording stopped',
    attack: ['T1562.008'],
    why: 'Without the configuration recorder or its delivery channel, changes to resources are no longer recorded.',
    severity: 'high',
    detect: actionsHit([
      'config:StopConfigurationRecorder',
      'config:DeleteConfigurationRecorder',
      'config:DeleteDeliveryChannel',
    ]),
  },
  {
    id: 'flow-logs-deleted',
    title: 'VPC flow logs deleted',
    attack: ['T1562.008'],
    why: 'Flow logs are the network record of an investigation; deleting them hides exfiltration and lateral movement.',
    severity: 'high',
    detect: actionsHit(['ec2:DeleteFlowLogs']),
  },
  {
    id: 'securityhub-disabled',
    title: 'Security Hub disabled',
    attack: ['T1562.001'],
    why: 'Disabling Security Hub stops the aggregation of every security finding for the account.',
    severity: 'high',
    detect: actionsHit(['securityhub:DisableSecurityHub']),
  },
  {
    id: 'security-delegation-removed',
    title: 'Organization security delegation removed',
    attack: ['T1562.008', 'T1562.001'],
    why: 'Removing the delegated administrator of CloudTrail, GuardDuty, Security Hub or Config takes the whole organization out of the security team’s view.',
    severity: 'high',
    detect: (events) => {
      const hits = events.filter((r) => r.success && r.facts.includes('securityDelegationRemoved'));
      return hits.length === 0 ? null : { evidence: countedActions(hits), events: hits };
    },
  },
  {
    id: 'audit-log-deleted',
    title: 'Audit logging deleted',
    attack: ['T1562.008'],
    why: 'DNS query logs, Bedrock model invocation logs and WAF logs record what CloudTrail does not; their configuration is set up once and almost never removed.',
    severity: 'high',
    detect: actionsHit([
      'route53resolver:DeleteResolverQueryLogConfig',
      'route53resolver:DisassociateResolverQueryLogConfig',
      'bedrock:DeleteModelInvocationLoggingConfiguration',
      'wafv2:DeleteLoggingConfiguration',
    ]),
  },
  {
    id: 'leave-organization',
    title: 'Account taken out of the organization (or tried)',
    attack: ['T1562.001', 'T1666'],
    why: 'Outside the organization no SCP, organization trail or delegated GuardDuty applies to the account; nobody tries this by accident, so a refused attempt counts too.',
    severity: 'high',
    detect: (events) => {
      const hits = events.filter(
        (r) => key(r) === 'organizations:LeaveOrganization' || key(r) === 'organizations:RemoveAccountFromOrganization',
      );
      if (hits.length === 0) return null;
      const refused = hits.filter((r) => !r.success).length;
      return {
        evidence: `${countedActions(hits)}${refused > 0 ? ` (${refused === hits.length ? 'refused' : `${refused} refused`})` : ''}`,
        events: hits,
      };
    },
  },
  {
    id: 'root-console-login',
    title: 'Root user signed in to the console',
    attack: ['T1078.004'],
    why: 'AWS asks that the root user be kept for the few tasks that need it; a sign-in is rare and always worth a look.',
    severity: 'high',
    detect: (events) => {
      const hits = events.filter((r) => isRoot(r) && r.success && key(r) === 'signin:ConsoleLogin');
      if (hits.length === 0) return null;
      const from = [...new Set(hits.map((r) => r.sourceIp).filter((x): x is string => x !== null))].slice(0, 3);
      const mfa = hits.some((r) => r.mfa === false) ? ' without MFA' : '';
      return {
        evidence: `console sign-in${mfa} from ${from.map(withAs).join(', ') || 'an unknown address'}`,
        events: hits,
      };
    },
  },
  {
    id: 'root-api-calls',
    title: 'Root user made API calls',
    attack: ['T1078.004'],
    why: 'Day-to-day work never needs the root user; calls made with it bypass every IAM boundary.',
    severity: 'medium',
    detect: (events) => {
      const hits = events.filter((r) => isRoot(r) && r.service !== 'signin');
      return hits.length === 0
        ? null
        : {
            evidence: `${hits.length} call${hits.length === 1 ? '' : 's'}: ${countedActions(hits.slice(0, 20))}`,
            events: hits,
          };
    },
  },
  {
    id: 'root-access-key-created',
    title: 'Access key created by the root user',
    attack: ['T1098.001'],
    why: 'A root access key is a permanent, unrestricted credential; AWS recommends none exist.',
    severity: 'critical',
    detect: rootKey,
  },
  {
    id: 'offensive-client',
    title: 'Attack toolkit used',
    attack: ['T1588.002'],
    why: 'Pacu, Kali/Parrot/Pentoo Linux, Stratus Red Team, TruffleHog, CloudFox and WeirdAAL name themselves in the user agent (GuardDuty’s PenTest findings key on the same); a user agent is attacker-chosen, so this catches only the careless.',
    severity: 'high',
    detect: (events) => {
      const hits = events.filter((r) => r.clientClass === 'offensive');
      if (hits.length === 0) return null;
      const tools = [...new Set(hits.map((r) => r.clientName ?? 'offensive'))].slice(0, 3);
      return { evidence: `${hits.length} call${hits.length === 1 ? '' : 's'} with ${tools.join(', ')}`, events: hits };
    },
  },
  {
    id: 'enumeration-burst',
    title: 'Permission enumeration burst',
    attack: ['T1580', 'T1087.004'],
    why: `One identity refused by ${ENUM_SERVICES}+ services (${ENUM_CALLS}+ refusals, most of its calls) within ${ENUM_WINDOW_MS / 60_000} minutes: a stolen key’s permissions being mapped; people hit denials in one or two services, auditors’ scans mostly succeed.`,
    severity: 'high',
    detect: enumerationBurst,
  },
];

function rootKey(events: readonly EventRow[]): { evidence: string; events: EventRow[] } | null {
  // For itself: a key root makes for an IAM user (forOtherUser) is that user's, and root's API call.
  const hits = events.filter(
    (r) => isRoot(r) && r.success && key(r) === 'iam:CreateAccessKey' && !r.facts.includes('forOtherUser'),
  );
  return hits.length === 0 ? null : { evidence: countedActions(hits), events: hits };
}

export const SIGNAL_BY_ID: ReadonlyMap<string, SignalDefinition> = new Map(SIGNALS.map((s) => [s.id, s]));

const SEVERITY_ORDER: Record<SignalSeverity, number> = { medium: 1, high: 2, critical: 3 };

export function severityRank(s: SignalSeverity): number {
  return SEVERITY_ORDER[s];
}

function hit(def: SignalDefinition, evidence: string, events: readonly EventRow[]): SignalHit {
  return {
    id: def.id,
    title: def.title,
    severity: def.severity,
    evidence,
    eventIds: events.slice(0, 5).map((r) => r.eventId),
  };
}

/**
 * Whether an event could fire a per-journey signal. The table's rules run over these only (one
 * cheap pass per journey, and most journeys have none): every rule looks at refusals, facts,
 * root, an offensive client or an action it names.
 */
function isCandidate(r: EventRow): boolean {
  return (
    !r.success ||
    r.facts.length > 0 ||
    r.actorType === 'root' ||
    r.clientClass === 'offensive' ||
    (WATCHED_ACTIONS.has(r.action) && WATCHED.has(key(r)))
  );
}

/**
 * `shared-outside-organization`: successful calls that share with everyone, or that name an
 * account `orgAccounts` does not hold (the accounts the trail has shown so far), unless `routine`
 * says the identity's role already makes those calls. Kept out of the table's `detect` because it
 * needs the organization as learned.
 */
export function sharedOutside(
  events: readonly EventRow[],
  orgAccounts: ReadonlySet<string>,
  routine: (rows: readonly EventRow[]) => boolean = () => false,
): SignalHit | null {
  const hits: EventRow[] = [];
  const outside = new Set<string>();
  let everyone = false;
  for (const r of events) {
    if (!r.success || r.facts.length === 0) continue;
    const toAll = r.facts.includes('publicShare');
    if (!toAll && !(r.facts.includes('externalAccount') && !reachesOnlyOrganization(r, orgAccounts))) continue;
    hits.push(r);
    everyone ||= toAll;
    for (const t of r.targets) {
      const account = t.startsWith('account:') ? t.slice(8) : null;
      if (account !== null && account !== r.accountId && !orgAccounts.has(account)) outside.add(account);
    }
  }
  if (hits.length === 0 || routine(hits)) return null;
  const accounts = [...outside].sort();
  const parties: string[] = [];
  if (everyone) parties.push('everyone');
  if (accounts.length > 0)
    parties.push(
      `account${accounts.length === 1 ? '' : 's'} ${accounts.slice(0, 3).join(', ')}${accounts.length > 3 ? ', …' : ''} (not in this trail)`,
    );
  return hit(
    SIGNAL_BY_ID.get('shared-outside-organization') as SignalDefinition,
    `${countedActions(hits)} to ${parties.join(' and ') || 'another account'}`,
    hits,
  );
}

/** The per-journey signals of `events`, in table order. */
export function journeySignals(events: readonly EventRow[]): SignalHit[] {
  const candidates = events.filter(isCandidate);
  if (candidates.length === 0) return [];
  const out: SignalHit[] = [];
  for (const def of SIGNALS) {
    const found = def.detect?.(candidates, events);
    if (found) out.push(hit(def, found.evidence, found.events));
  }
  return out;
}

function withAs(ip: string): string {
  const as = asnOf(ip);
  return as ? `${ip} (${asnLabel(as)})` : ip;
}

/**
 * AWS's own autonomous systems: EC2 and service addresses, where a session legitimately
 * calls from (an instance, CloudShell, a service forwarding the caller's credentials).
 * By registered name, so every Amazon AS in the bundled table counts (16509, 14618, 8987 ...).
 */
const AWS_AS_NAME = /^amazon(\.com\b| data services| technologies| web services)/i;

export function isAwsAs(as: AsnInfo): boolean {
  return AWS_AS_NAME.test(as.org);
}

interface SessionSeen {
  /** AS number -> first address and time the session was seen from it. */
  asns: Map<number, { ip: string; time: number; eventId: string }>;
  last: number;
}

/**
 * A temporary credential's lifetime: STS sessions last at most 36 h (12 h is the usual
 * maximum); a session silent that long is over and forgotten.
 */
const SESSION_LIFETIME_MS = 36 * 3_600_000;
/** Sessions remembered at once: bounded memory whatever the trail's size. */
const SESSION_CAPACITY = 200_000;

/**
 * Where each temporary credential (ASIA… session) has called from, across journeys: a journey
 * ends at a change of network, so the second AS is usually in another journey of the session.
 */
export class SessionNetworks {
  readonly sessions = new Map<string, SessionSeen>();
  #lastPrune = Number.NEGATIVE_INFINITY;

  /** Records the journey's networks; the signal when its session has now called from two non-AWS ASes. */
  observe(events: readonly EventRow[]): SignalHit | null {
    const first = events[0];
    if (!first?.session?.startsWith('ASIA')) return null;
    const session = first.session;
    const end = (events[events.length - 1] as EventRow).time;
    this.#prune(end);
    let seen = this.sessions.get(session);
    const before = seen?.asns.size ?? 0;
    let lastIp: string | null = null;
    for (const r of events) {
      // A journey's calls mostly come from one address: look each run of them up once.
      if (r.sourceIp === null || r.sourceIp === lastIp || r.session !== session) continue;
      lastIp = r.sourceIp;
      const as = asnOf(r.sourceIp);
      if (as === null || isAwsAs(as)) continue;
      if (!seen) {
        if (this.sessions.size >= SESSION_CAPACITY) break;
        seen = { asns: new Map(), last: r.time };
        this.sessions.set(session, seen);
      }
      if (!seen.asns.has(as.asn)) seen.asns.set(as.asn, { ip: r.sourceIp, time: r.time, eventId: r.eventId });
    }
    if (!seen) return null;
    seen.last = Math.max(seen.last, end);
    // Fires once, on the journey that brought the second AS (a third adds nothing new to say).
    if (!(before < 2 && seen.asns.size >= 2)) return null;
    const def = SIGNAL_BY_ID.get('session-two-networks') as SignalDefinition;
    const places = [...seen.asns.values()].sort((a, b) => a.time - b.time);
    const text = places
      .slice(0, 3)
      .map((p) => `${withAs(p.ip)} at ${new Date(p.time).toISOString().slice(0, 16).replace('T', ' ')}`)
      .join(' and ');
    return {
      id: def.id,
      title: def.title,
      severity: def.severity,
      evidence: `session ${session} called from ${text} UTC`,
      eventIds: places.slice(0, 5).map((p) => p.eventId),
    };
  }

  #prune(now: number): void {
    if (now - this.#lastPrune < 3_600_000) return;
    this.#lastPrune = now;
    for (const [k, s] of this.sessions) if (s.last < now - SESSION_LIFETIME_MS) this.sessions.delete(k);
  }

  toJSON(): unknown {
    return [...this.sessions].map(([k, s]) => [k, s.last, [...s.asns]]);
  }

  static fromJSON(j: unknown): SessionNetworks {
    const out = new SessionNetworks();
    for (const [k, last, asns] of (j ?? []) as Array<
      [string, number, Array<[number, { ip: string; time: number; eventId: string }]>]
    >)
      out.sessions.set(k, { last, asns: new Map(asns) });
    return out;
  }
}
