/**
 * `injectInto(dir, options)`: puts real attack sequences (Stratus Red Team detonations,
 * Panther rule tests and scenarios, see sequences.ts) into a folder written by `trailhound
 * simulate`, as extra CloudTrail delivery files in the simulator's layout, and appends them to
 * its labels.json so the evaluation scores them like the simulated attacks.
 *
 * Two modes, both by default (`transplant.ts` says what is rewritten):
 * - `new-identity`: the real attacker's principal, new to the organization (easy: nobody
 *   here ever acted as it);
 * - `stolen`: the attacker's calls signed by an existing person's identity (an SSO session or
 *   IAM user with history in the learning period; root for an attack by root), from the
 *   attacker's network and tools: the harder and more realistic case.
 *
 * Density: Trailhound raises at most twice its weekly budget of ordinary alerts a week (6 by
 * default), and the simulator already plants ~1.2 attacks a week; dozens of injected attacks
 * a week would measure that cap, not detection. So each seed gets `perWeek` (default 2)
 * injections per test week, taken in turn from the whole library (seed s continues where seed
 * s-1 stopped, as the simulator's rotation does), and more seeds cover more of it; `all`
 * injects everything into every seed (coverage at an unrealistic density).
 *
 * Deterministic for the same folder, sequences and seed.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { normalizeRecord } from '../normalize/index.ts';
import { type Rng, streamFor } from '../sim/prng.ts';
import { deliveryPath } from '../sim/writer.ts';
import type { AttackSequence } from './sequences.ts';
import { mainActorOf, recipientAccounts, type StolenIdentity, transplant } from './transplant.ts';

export type InjectMode = 'stolen' | 'new-identity';
export type InjectModes = InjectMode | 'both';

export interface InjectOptions {
  sequences: readonly AttackSequence[];
  seed: number;
  /** Injections per test week and seed (default 2), or `all`: every sequence in every seed. */
  perWeek?: number | 'all';
  modes?: InjectModes;
}

/** One injected attack as it goes into labels.json (the simulator's label fields, plus provenance). */
export interface InjectedLabel {
  attackId: string;
  scenario: string;
  title: string;
  category: string;
  techniques: string[];
  mode: InjectMode;
  routine: false;
  actor: string;
  principalArn: string | null;
  sessionName: null;
  accountId: string;
  start: string;
  end: string;
  eventIds: string[];
  source: string;
  origin: string;
  /** The attacker's own principal (stolen: the identity it was replaced with is `actor`). */
  originalActor: string;
}

export interface InjectResult {
  labels: InjectedLabel[];
  records: number;
  files: number;
  /** Library entries this seed took, of all entries (sequences x modes). */
  taken: number;
  library: number;
  /** Identities stolen credentials could belong to (history in the learning period). */
  stealable: number;
}

const DAY = 86_400_000;
const HOUR = 3_600_000;
const FILE_MS = HOUR;

interface Meta {
  start: string;
  learningEnd: string;
  end: string;
  orgId?: string;
  accounts?: Array<{ id: string; role: string }>;
}

interface Identity extends StolenIdentity {
  key: string;
  type: string;
  accountId: string;
  events: number;
  days: Set<number>;
  lastTime: number;
}

interface Background {
  identities: Identity[];
  /** Most used region per account in the learning period. */
  regionOf: Map<string, string>;
  /** Every actor key of the learning period. */
  known: Set<string>;
  accounts: string[];
}

function listFiles(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = join(dir, e.name);
    if (e.isDirectory()) listFiles(p, out);
    else if (e.name.endsWith('.json.gz')) out.push(p);
  }
  return out;
}

/** The learning period's people and their identities, as recorded: who stolen credentials can belong to. */
function readBackground(dir: string, learningEnd: number, metaAccounts: readonly string[]): Background {
  const ids = new Map<string, Identity>();
  const known = new Set<string>();
  const regions = new Map<string, Map<string, number>>();
  for (const path of listFiles(join(dir, 'AWSLogs'))) {
    // .../CloudTrail/<region>/YYYY/MM/DD/<file>: files of the test period are not read.
    const parts = path.split(/[\\/]/);
    const day = Date.parse(`${parts.at(-4)}-${parts.at(-3)}-${parts.at(-2)}T00:00:00Z`);
    if (!Number.isFinite(day) || day >= learningEnd) continue;
    const doc = JSON.parse(gunzipSync(readFileSync(path)).toString('utf8')) as { Records?: unknown[] };
    for (const raw of doc.Records ?? []) {
      const n = normalizeRecord(raw as Record<string, unknown>);
      if (!n.ok) continue;
      const e = n.event;
      const r = regions.get(e.accountId) ?? new Map<string, number>();
      r.set(e.region, (r.get(e.region) ?? 0) + 1);
      regions.set(e.accountId, r);
      const a = e.actor;
      known.add(a.key);
      // People: root, IAM users (long-term keys, the classic stolen credential), SSO sessions.
      // Machine role sessions (CI, workloads) are left out: the case measured is a stolen user.
      const human =
        a.type === 'root' ||
        a.type === 'iam-user' ||
        (a.type === 'assumed-role' && a.person !== null && (a.roleArn ?? '').includes('AWSReservedSSO_'));
      const ui = (raw as { userIdentity?: Record<string, unknown> }).userIdentity;
      if (!human || !a.accountId || !ui || typeof ui.arn !== 'string') continue;
      let id = ids.get(a.key);
      if (!id) {
        id = {
          key: a.key,
          type: a.type,
          accountId: a.accountId,
          events: 0,
          days: new Set(),
          lastTime: 0,
          userIdentity: ui,
          arn: ui.arn,
        };
        ids.set(a.key, id);
      }
      id.events++;
      id.days.add(Math.floor(e.time / DAY));
      // The latest (console or not) signature is the one an attacker would replay.
      if (e.time >= id.lastTime) {
        id.lastTime = e.time;
        id.userIdentity = ui;
        id.arn = ui.arn;
      }
    }
  }
  const regionOf = new Map<string, string>();
  for (const [acct, r] of regions) {
    const best = [...r.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0];
    if (best) regionOf.set(acct, best[0]);
  }
  // History: active on two days at least, so the learning period knows the identity.
  const identities = [...ids.values()].filter((i) => i.days.size >= 2).sort((a, b) => a.key.localeCompare(b.key));
  const accounts = metaAccounts.length ? [...metaAccounts] : [...regionOf.keys()].sort();
  return { identities, regionOf, known, accounts };
}

interface Entry {
  seq: AttackSequence;
  mode: InjectMode;
}

const SOURCE_ORDER = ['stratus', 'panther', 'file'];

function groupBy<T>(items: readonly T[], key: (x: T) => string): T[][] {
  const m = new Map<string, T[]>();
  for (const x of items) m.set(key(x), [...(m.get(key(x)) ?? []), x]);
  return [...m.keys()].sort().map((k) => m.get(k) ?? []);
}

/** First of each list, then the second of each, ... */
function roundRobin<T>(lists: readonly T[][]): T[] {
  const out: T[] = [];
  const total = lists.reduce((n, l) => n + l.length, 0);
  for (let i = 0; out.length < total; i++) for (const l of lists) if (i < l.length) out.push(l[i] as T);
  return out;
}

/**
 * The library as injection entries, in rotation order: sequences interleaved over sources, and
 * within a source over categories (first of each, then the second, ...). With both modes the
 * whole list holds each sequence once in each mode, and a short run of entries distinct ones.
 */
export function injectionEntries(sequences: readonly AttackSequence[], modes: InjectModes): Entry[] {
  // Sources take turns (Stratus's 37 multi-step detonations are not drowned by Panther's ~200
  // single-event rule tests), and within a source categories take turns.
  const bySource = new Map<string, AttackSequence[]>();
  for (const s of [...sequences].sort((a, b) => a.id.localeCompare(b.id)))
    bySource.set(s.source, [...(bySource.get(s.source) ?? []), s]);
  const lists = [...bySource.keys()]
    .sort((a, b) => SOURCE_ORDER.indexOf(a) - SOURCE_ORDER.indexOf(b))
    .map((k) => {
      const list = bySource.get(k) ?? [];
      return roundRobin(groupBy(list, (s) => s.category));
    });
  const rot = roundRobin(lists);
  const stealable = (s: AttackSequence) => mainActorOf(s) !== null;
  if (modes !== 'both')
    return rot.filter((s) => modes === 'new-identity' || stealable(s)).map((seq) => ({ seq, mode: modes }));
  // Two passes over the rotation, each sequence once per pass, in the other mode the second
  // time; modes alternate in pairs so that both sources get both modes early in the list.
  const out: Entry[] = [];
  for (const pass of [0, 1])
    rot.forEach((seq, k) => {
      const mode: InjectMode = (Math.floor(k / 2) + pass) % 2 === 0 ? 'stolen' : 'new-identity';
      if (mode === 'new-identity' || stealable(seq)) out.push({ seq, mode });
    });
  return out;
}

function writeRecords(dir: string, orgId: string, records: ReadonlyArray<Record<string, unknown>>, rng: Rng): number {
  const groups = new Map<string, Array<Record<string, unknown>>>();
  for (const r of records) {
    const region = typeof r.awsRegion === 'string' && /^[a-z0-9-]+$/.test(r.awsRegion) ? r.awsRegion : 'us-east-1';
    const w = Math.floor(Date.parse(String(r.eventTime)) / FILE_MS);
    const k = `${r.recipientAccountId}|${region}|${w}`;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  for (const k of [...groups.keys()].sort()) {
    const [acct = '', region = '', w = '0'] = k.split('|');
    const { dir: folder, file } = deliveryPath(dir, orgId, acct, region, Number(w) * FILE_MS, FILE_MS);
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, file(rng)), gzipSync(JSON.stringify({ Records: groups.get(k) }), { level: 4 }));
  }
  return groups.size;
}

/** Injects this seed's share of the library into `dir` (AWSLogs/ files, labels.json, injected.json). */
export function injectInto(dir: string, options: InjectOptions): InjectResult {
  const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as Meta;
  const learningEnd = Date.parse(meta.learningEnd);
  const end = Date.parse(meta.end);
  const seed = options.seed;
  const entries = injectionEntries(options.sequences, options.modes ?? 'both');
  const perWeek = options.perWeek ?? 2;
  const testWeeks = Math.max(0, (end - learningEnd) / (7 * DAY));
  const count = perWeek === 'all' ? entries.length : Math.min(entries.length, Math.round(perWeek * testWeeks));
  const from = perWeek === 'all' ? 0 : ((((seed - 1) * count) % entries.length) + entries.length) % entries.length;
  const chosen = Array.from({ length: count }, (_, i) => entries[(from + i) % entries.length] as Entry);

  const bg = readBackground(
    dir,
    learningEnd,
    (meta.accounts ?? []).map((a) => a.id),
  );
  const labelsPath = join(dir, 'labels.json');
  const labels = JSON.parse(readFileSync(labelsPath, 'utf8')) as Array<Record<string, unknown>>;
  // Identities a simulated attack uses are left out: one attack per identity keeps the scoring unambiguous.
  const busy = new Set(labels.map((l) => String(l.actor)));
  const pool = streamFor(seed, 'inject:pool').shuffle(bg.identities.filter((i) => !busy.has(i.key)));
  const used = new Map<string, number>();
  const accountsUsedBy = new Map<string, Set<string>>();
  const idsRng = streamFor(seed, 'inject:records');
  const out: InjectedLabel[] = [];
  const seen = new Set<string>();
  let records = 0;
  let files = 0;

  chosen.forEach((entry, i) => {
    const { seq, mode } = entry;
    const rng = streamFor(seed, `inject:${i}:${seq.id}:${mode}`);
    const main = mainActorOf(seq);
    let stolen: Identity | null = null;
    let accountId: string;
    if (mode === 'stolen') {
      // Root is stolen as root where the organization's root has history; anyone else as a person.
      const wantRoot = main?.type === 'root';
      const candidates = pool.filter((p) => (p.type === 'root') === wantRoot);
      const from = candidates.length ? candidates : pool.filter((p) => p.type !== 'root');
      // Least used first (each identity once before any twice), then the shuffled pool order.
      stolen = [...from].sort((a, b) => (used.get(a.key) ?? 0) - (used.get(b.key) ?? 0))[0] ?? null;
      if (!stolen) return;
      used.set(stolen.key, (used.get(stolen.key) ?? 0) + 1);
      accountId = stolen.accountId;
    } else {
      // The attacker's principal goes where it is new: an account it has not been put in yet this
      // seed, and where it did not act in the learning period (the root of an account is one identity).
      const mine = accountsUsedBy.get(main?.key ?? seq.id) ?? new Set<string>();
      const keyIn = (a: string) => recipientAccounts(seq).reduce((k, from) => k.split(from).join(a), main?.key ?? '');
      const fresh = bg.accounts.filter((a) => !mine.has(a) && !bg.known.has(keyIn(a)));
      accountId = rng.pick(fresh.length ? fresh : bg.accounts);
      mine.add(accountId);
      accountsUsedBy.set(main?.key ?? seq.id, mine);
    }
    const first = seq.records[0]?.time ?? 0;
    const span = (seq.records.at(-1)?.time ?? first) - first;
    // Spread over the test period like the simulator's plants: never on its first day.
    const lo = learningEnd + DAY;
    const hi = Math.max(lo, end - span - HOUR);
    const slot = (i + 0.2 + rng.next() * 0.6) / chosen.length;
    const start = Math.floor((lo + slot * (hi - lo)) / 1000) * 1000;
    const moved = transplant(
      seq,
      {
        accountId,
        region: bg.regionOf.get(accountId) ?? 'us-east-1',
        start,
        stolen: stolen ? { userIdentity: stolen.userIdentity, arn: stolen.arn } : null,
      },
      idsRng,
    );
    for (const r of moved) {
      const id = String(r.eventID);
      if (seen.has(id)) throw new Error(`injected eventID ${id} drawn twice`);
      seen.add(id);
    }
    const lead = moved[seq.records.findIndex((r) => r.actorKey === main?.key)] ?? moved[0];
    const n = lead ? normalizeRecord(lead) : null;
    const times = moved.map((r) => Date.parse(String(r.eventTime)));
    out.push({
      attackId: `I${String(i + 1).padStart(3, '0')}-${seq.id}`,
      scenario: seq.scenario,
      title: seq.title,
      category: seq.category,
      techniques: seq.techniques,
      mode,
      routine: false,
      actor: n?.ok ? n.event.actor.key : String(main?.key ?? ''),
      principalArn: stolen ? stolen.arn : (main?.arn ?? null),
      sessionName: null,
      accountId,
      start: new Date(Math.min(...times)).toISOString(),
      end: new Date(Math.max(...times)).toISOString(),
      eventIds: moved.map((r) => String(r.eventID)),
      source: seq.source,
      origin: seq.origin,
      originalActor: main?.key ?? '',
    });
    records += moved.length;
    files += writeRecords(dir, meta.orgId ?? 'o-injected', moved, rng);
  });

  writeFileSync(labelsPath, `${JSON.stringify([...labels, ...out], null, 2)}\n`);
  const result: InjectResult = {
    labels: out,
    records,
    files,
    taken: out.length,
    library: entries.length,
    stealable: pool.length,
  };
  writeFileSync(
    join(dir, 'injected.json'),
    `${JSON.stringify({ ...result, labels: out.map((l) => l.attackId) }, null, 2)}\n`,
  );
  return result;
}
