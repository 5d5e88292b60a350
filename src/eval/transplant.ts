/**
 * Transplants one real attack sequence into a simulated organization: the same records, in
 * the same order and with the same spacing, moved to a start time in the test period, into
 * one of the organization's accounts and regions, each with a fresh eventID (Panther's tests
 * reuse ids, and a repeated id would be dropped by the idempotent ingest).
 *
 * - Accounts: every account that received the sequence's calls becomes the target account,
 *   wherever its id appears (ARNs, principal ids, bucket names). Other accounts in the records
 *   (a snapshot shared out, a cross-account caller) stay: they are outside the organization.
 * - Regions: the region a detonation ran in is the operator's choice (Stratus anonymizes it to
 *   strings such as `megov-westwest-1r`), not part of the attack: every region but us-east-1
 *   (where global services record) becomes the target account's main region.
 * - Actor, `stolen` given: the records of the sequence's main actor (its first non-service
 *   principal) are signed by an existing identity of the organization instead (its recorded
 *   `userIdentity`, with a session created just before the attack). Principals the attack
 *   creates or assumes on the way stay as they are. Without `stolen` the real attacker identity
 *   stays, new to the organization.
 * - Panther's own fields (`_source_rule`, `p_log_type`, ...) are dropped: they are not CloudTrail.
 */
import { isoOf, parseTime } from '../normalize/time.ts';
import type { Rng } from '../sim/prng.ts';
import type { AttackSequence } from './sequences.ts';

export interface StolenIdentity {
  /** The identity's `userIdentity` as CloudTrail recorded it in the organization. */
  userIdentity: Record<string, unknown>;
  /** Its principal ARN (`userIdentity.arn`). */
  arn: string;
}

export interface TransplantTarget {
  accountId: string;
  /** Region every non-us-east-1 region of the sequence becomes. */
  region: string;
  /** Epoch ms of the first record. */
  start: number;
  stolen: StolenIdentity | null;
}

const SERVICE_ACTORS = new Set(['aws-service', 'aws-account', 'unknown']);

/** The principal an injection is about: the first record's actor that is not an AWS service. */
export function mainActorOf(seq: AttackSequence): { key: string; type: string; arn: string | null } | null {
  const r = seq.records.find((x) => !SERVICE_ACTORS.has(x.actorType));
  if (!r) return null;
  const ui = r.raw.userIdentity as Record<string, unknown> | undefined;
  return { key: r.actorKey, type: r.actorType, arn: typeof ui?.arn === 'string' ? ui.arn : null };
}

/** Accounts that received the sequence's calls (recipientAccountId, else the caller's account). */
export function recipientAccounts(seq: AttackSequence): string[] {
  const out = new Set<string>();
  for (const r of seq.records) {
    const ui = r.raw.userIdentity as Record<string, unknown> | undefined;
    const acct = r.raw.recipientAccountId ?? ui?.accountId;
    if (typeof acct === 'string' && /^\d{12}$/.test(acct)) out.add(acct);
  }
  return [...out].sort();
}

type Replacements = ReadonlyArray<readonly [string, string]>;

function replaceAll(value: unknown, pairs: Replacements): unknown {
  if (typeof value === 'string') {
    let s = value;
    for (const [from, to] of pairs) if (s.includes(from)) s = s.split(from).join(to);
    return s;
  }
  if (Array.isArray(value)) return value.map((v) => replaceAll(v, pairs));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = replaceAll(v, pairs);
    return out;
  }
  return value;
}

function shiftCreationDate(ui: unknown, at: (ms: number) => number | null): void {
  if (ui === null || typeof ui !== 'object') return;
  const attrs = (ui as { sessionContext?: { attributes?: Record<string, unknown> } }).sessionContext?.attributes;
  if (!attrs || attrs.creationDate === undefined) return;
  const t = parseTime(attrs.creationDate);
  if (!t.ok) return;
  const ms = at(t.ms);
  if (ms !== null) attrs.creationDate = isoOf(ms);
}

/** The transplanted records, in the sequence's order; `rng` draws eventIDs and the stolen session. */
export function transplant(seq: AttackSequence, target: TransplantTarget, rng: Rng): Array<Record<string, unknown>> {
  const first = seq.records[0];
  if (!first) return [];
  const delta = target.start - first.time;
  const accounts: Replacements = recipientAccounts(seq)
    .filter((a) => a !== target.accountId)
    .map((a) => [a, target.accountId] as const);
  const regions = new Set<string>();
  for (const r of seq.records) {
    const region = r.raw.awsRegion;
    if (typeof region === 'string' && region !== 'us-east-1' && region !== target.region && region.length >= 6)
      regions.add(region);
  }
  // Longer names first, so a region that contains another is replaced whole.
  const pairs: Replacements = [
    ...accounts,
    ...[...regions].sort((a, b) => b.length - a.length || a.localeCompare(b)).map((r) => [r, target.region] as const),
  ];
  const main = target.stolen ? mainActorOf(seq) : null;
  // The stolen credentials' session: minted shortly before the attack's first call.
  const sessionStart = target.start - rng.int(60, 1800) * 1000;
  const stolenKey = target.stolen && /^ASIA/.test(String(target.stolen.userIdentity.accessKeyId ?? ''));
  const sessionKey = stolenKey ? `ASIA${rng.alnum(16)}` : null;
  const mainArn = main?.arn ? (replaceAll(main.arn, accounts) as string) : null;
  const out: Array<Record<string, unknown>> = [];
  for (const r of seq.records) {
    const rec: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(r.raw)) if (!k.startsWith('_') && !k.startsWith('p_')) rec[k] = v;
    const moved = replaceAll(rec, pairs) as Record<string, unknown>;
    moved.eventTime = isoOf(r.time + delta);
    moved.recipientAccountId = target.accountId;
    moved.eventID = rng.uuid();
    if (target.stolen && main && r.actorKey === main.key) {
      const ui = structuredClone(target.stolen.userIdentity);
      shiftCreationDate(ui, () => sessionStart);
      if (sessionKey) ui.accessKeyId = sessionKey;
      // Responses naming the caller (GetCallerIdentity) name the stolen identity too.
      const renamed =
        mainArn && mainArn !== target.stolen.arn
          ? (replaceAll(moved, [[mainArn, target.stolen.arn]]) as Record<string, unknown>)
          : moved;
      renamed.userIdentity = ui;
      out.push(renamed);
    } else {
      shiftCreationDate(moved.userIdentity, (ms) => ms + delta);
      out.push(moved);
    }
  }
  return out;
}
