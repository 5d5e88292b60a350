/**
 * The catalog: what Trailhound knows about one event beyond its raw fields. `describeEvent`
 * gives the sentence, service and action descriptions, risk classes, ATT&CK techniques,
 * parameter-aware facts and a 0..1 risk. `factsOf` and `riskOf` are the cheap parts the
 * ingest and the detector call for every event. All are pure and deterministic; lookup
 * tables are built once at module load (the per-service action tables on first use).
 */
import type { Event } from '../normalize/event.ts';
import { type Ctx, contextOf, registerCuratedKeys, setCuratedPredicate } from './context.ts';
import { extractFacts } from './facts.ts';
import { actionInfo } from './iam-data.ts';
import { FACT_EFFECTS, RISK_TABLE, type RiskEntry } from './risk-table.ts';
import { phraseOf, sentenceOf } from './sentence.ts';
import { extractTargets, MAX_TARGETS } from './targets.ts';
import { TEMPLATES } from './templates.ts';
import type { AccessLevel, EventDescription, Fact, RiskClass } from './types.ts';

export { ATTRIBUTION, RISK_TABLE_VERSION } from './risk-table.ts';

/** Every fact the catalog can emit, sorted: a stable feature vocabulary for the detector. */
export const KNOWN_FACTS: readonly Fact[] = Object.keys(FACT_EFFECTS).sort();

/** Every risk class, in the order of the `RiskClass` type. */
export const RISK_CLASSES: readonly RiskClass[] = [
  'identity-persistence',
  'privilege-escalation',
  'permission-change',
  'defense-evasion',
  'logging-tamper',
  'network-exposure',
  'data-exposure',
  'credential-access',
  'discovery',
  'impact',
];
export { actorLabel } from './sentence.ts';
export { splitTarget } from './targets.ts';
export type { AccessLevel, EventDescription, Fact, RiskClass } from './types.ts';

registerCuratedKeys([...Object.keys(TEMPLATES), ...RISK_TABLE.keys()]);
setCuratedPredicate((key) => key in TEMPLATES || RISK_TABLE.has(key));

// Base risk of an action absent from the risk table, by access level.
const LEVEL_RISK: Record<AccessLevel, number> = {
  Read: 0.01,
  List: 0.01,
  Tagging: 0.03,
  Write: 0.1,
  'Permissions management': 0.4,
  Unknown: 0.1,
};

// A refused call asked for the same thing but changed nothing: half its risk, since an
// attacker probing permissions is still worth a look. Facts of failed reads stay tiny.
const FAILURE_FACTOR = 0.5;

// The ingest and the detector call factsOf and riskOf on every event, often both on the same
// one: remember the last event's result so the second call costs a few compares. The fields
// compared catch an object reused with new content (a simulator filling one template object).
let lastEvent: Event | null = null;
let lastCtx: Ctx | null = null;
let lastFacts: Fact[] = [];
// Field values (not the object, which may be mutated) seen when the cache was filled.
let lastSeen: [string, string, unknown, boolean, unknown, unknown] | null = null;

function seen(e: Event): [string, string, unknown, boolean, unknown, unknown] {
  return [e.eventId, e.action, e.requestParameters, e.success, e.actor, e.errorCode];
}

function sameAsLast(event: Event): boolean {
  if (event !== lastEvent || lastSeen === null) return false;
  const now = seen(event);
  return now.every((v, i) => v === lastSeen?.[i]);
}

function factsAndCtx(event: Event): { c: Ctx; facts: Fact[] } {
  if (lastCtx !== null && sameAsLast(event)) return { c: lastCtx, facts: lastFacts };
  const c = contextOf(event);
  const facts = extractFacts(c);
  lastEvent = event;
  lastSeen = seen(event);
  lastCtx = c;
  lastFacts = facts;
  return { c, facts };
}

/** Parameter-aware facts of one event, sorted (e.g. `['adminPolicy']`). */
export function factsOf(event: Event): Fact[] {
  return [...factsAndCtx(event).facts];
}

/**
 * What the call was aimed at that a profile should remember (`account:111122223333`,
 * `document:AWS-RunShellScript`), sorted; [] for most events. See targets.ts.
 */
export function targetsOf(event: Event): string[] {
  return extractTargets(factsAndCtx(event).c);
}

interface Scored {
  risk: number;
  classes: RiskClass[];
  techniques: string[];
}

/** The risk part of `score`, alone: the ingest needs it for every event, the classes only for display. */
function riskScore(entry: RiskEntry | undefined, facts: readonly Fact[], level: AccessLevel, success: boolean): number {
  let risk = entry?.risk ?? LEVEL_RISK[level];
  for (const f of facts) {
    const floor = FACT_EFFECTS[f]?.floor;
    if (floor !== undefined && floor > risk) risk = floor;
  }
  if (!success) risk *= FAILURE_FACTOR;
  return Math.round(Math.min(1, Math.max(0, risk)) * 1000) / 1000;
}

function score(c: Ctx, facts: readonly Fact[], level: AccessLevel): Scored {
  const entry: RiskEntry | undefined = RISK_TABLE.get(c.key);
  const classes = new Set<RiskClass>(entry?.classes ?? []);
  const techniques = new Set<string>(entry?.techniques ?? []);
  for (const f of facts) {
    const effect = FACT_EFFECTS[f];
    if (effect === undefined) continue;
    for (const k of effect.classes ?? []) classes.add(k);
    for (const t of effect.techniques ?? []) techniques.add(t);
  }
  if (classes.size === 0 && (level === 'Read' || level === 'List') && c.e.readOnly !== false) classes.add('discovery');
  return {
    risk: riskScore(entry, facts, level, c.e.success),
    classes: [...classes].sort(),
    techniques: [...techniques].sort(),
  };
}

/** Risk 0 (harmless read) .. 1 (critical: admin granted, logging stopped, snapshot shared out). */
export function riskOf(event: Event): number {
  const { c, facts } = factsAndCtx(event);
  return riskScore(RISK_TABLE.get(c.key), facts, actionInfo(c.prefix, c.action).accessLevel, c.e.success);
}

/** The plain sentence of one event (`describeEvent(event).sentence` without the rest). */
export function sentenceOfEvent(event: Event): string {
  const { c } = factsAndCtx(event);
  return sentenceOf(c, phraseOf(c, actionInfo(c.prefix, c.action)));
}

/** Everything the catalog knows about one event. Never throws on a well-typed `Event`. */
export function describeEvent(event: Event): EventDescription {
  const { c, facts } = factsAndCtx(event);
  const info = actionInfo(c.prefix, c.action);
  const scored = score(c, facts, info.accessLevel);
  const phrase = phraseOf(c, info);
  return {
    sentence: sentenceOf(c, phrase),
    serviceName: info.serviceName,
    actionDescription: info.description || `${c.action} (not in the catalog)`,
    accessLevel: info.accessLevel,
    riskClasses: scored.classes,
    techniques: scored.techniques,
    facts: [...facts],
    targets: extractTargets(c),
    risk: scored.risk,
    templated: phrase.templated,
  };
}

/** Facts that say a call reached another account: exposure only when that account is not the organization's. */
const CROSS_ACCOUNT_FACTS: ReadonlySet<string> = new Set(['externalAccount', 'dataSharedOut', 'crossAccountRole']);

/**
 * True when a cross-account call (shared, trusted, assumed) names at least one other account
 * and only accounts of `orgAccounts`, and is not also a share with everyone: it stays inside
 * the organization.
 */
export function reachesOnlyOrganization(
  e: { facts: readonly string[]; targets: readonly string[] },
  orgAccounts: ReadonlySet<string>,
): boolean {
  if (!e.facts.some((f) => CROSS_ACCOUNT_FACTS.has(f)) || e.facts.includes('publicShare')) return false;
  // A clipped list may hide an outside account behind the organization's own.
  if (e.targets.length >= MAX_TARGETS) return false;
  let accounts = 0;
  for (const t of e.targets) {
    if (!t.startsWith('account:')) continue;
    accounts++;
    if (!orgAccounts.has(t.slice(8))) return false;
  }
  return accounts > 0;
}

/**
 * An event's risk once the organization's own accounts are known: a snapshot shared with, a
 * bucket or role opened to, an account of the same organization (the DR account, staging) moves
 * nothing out of it, so the cross-account facts give way to the action's own risk and any other
 * fact's. A share with the whole world, or with any account outside `orgAccounts`, keeps its
 * risk. `service` is the IAM prefix and `action` the event name without version suffix, as stored.
 */
export function riskWithinOrganization(
  e: {
    risk: number;
    facts: readonly string[];
    targets: readonly string[];
    service: string;
    actionKey: string;
    success: boolean;
  },
  orgAccounts: ReadonlySet<string>,
): number {
  if (!reachesOnlyOrganization(e, orgAccounts)) return e.risk;
  const entry = RISK_TABLE.get(`${e.service}:${e.actionKey}`);
  let risk = entry?.risk ?? Math.min(e.risk, LEVEL_RISK['Permissions management']);
  for (const f of e.facts) {
    if (CROSS_ACCOUNT_FACTS.has(f)) continue;
    const floor = FACT_EFFECTS[f as Fact]?.floor ?? 0;
    if (floor > risk) risk = floor;
  }
  if (!e.success) risk *= FAILURE_FACTOR;
  return Math.min(e.risk, Math.round(risk * 1000) / 1000);
}

/**
 * Calls that take access away whatever their parameters: a policy detached or deleted, a user
 * removed from a group, a console password or access key deleted, an account assignment removed,
 * an ingress rule revoked. `UpdateAccessKey` both deactivates and reactivates: only its
 * `accessKeyDeactivated` fact (status Inactive) narrows.
 */
const NARROWING: ReadonlySet<string> = new Set(
  [
    'iam:DetachUserPolicy iam:DetachRolePolicy iam:DetachGroupPolicy iam:DeleteUserPolicy iam:DeleteRolePolicy',
    'iam:DeleteGroupPolicy iam:RemoveUserFromGroup iam:DeleteLoginProfile iam:DeleteAccessKey',
    'iam:DeleteSigningCertificate iam:DeleteSSHPublicKey iam:DeleteServiceSpecificCredential',
    'sso:DeleteAccountAssignment identitystore:DeleteGroupMembership sso-directory:RemoveMemberFromGroup',
    'sso:DetachManagedPolicyFromPermissionSet sso:DeleteInlinePolicyFromPermissionSet',
    'ec2:RevokeSecurityGroupIngress ec2:RevokeSecurityGroupEgress rds:RevokeDBSecurityGroupIngress',
  ]
    .join(' ')
    .split(' '),
);

/** Whether a call (IAM prefix, action without version suffix, its facts) only narrows who can do what. */
export function narrowsAccess(service: string, actionKey: string, facts: readonly string[] = []): boolean {
  return NARROWING.has(`${service}:${actionKey}`) || facts.includes('accessKeyDeactivated');
}
