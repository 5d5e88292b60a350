/**
 * `npx tsx scripts/day-one.ts [--background] [--out FILE]`: what a new user sees on day one.
 * Every Stratus Red Team detonation, every Panther test scenario (its attack records, grouped by
 * `_scenario`) and every Panther rule's positive tests (grouped by rule) is ingested alone into a
 * fresh store (one day, no history, default options) and detected; the report says which raise
 * an alert, with which signals, and why the others do not. With `--background`, again after
 * three weeks of simulated organization (`trailhound simulate`, seed 1): the sequence goes into
 * one of its accounts (src/eval/transplant.ts, the attacker's principal new to the organization)
 * the Monday after, and is detected on top of the organization's model.
 *
 * Prints a markdown table (the README's day-one section).
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { StoredAlert } from '../src/alerts/build.ts';
import { listAlerts } from '../src/app/alerts.ts';
import { type DetectOptions, detect } from '../src/app/detect.ts';
import type { AttackSequence } from '../src/eval/sequences.ts';
import { loadSequences } from '../src/eval/sequences.ts';
import { recipientAccounts, transplant } from '../src/eval/transplant.ts';
import { ingest } from '../src/ingest/index.ts';
import { SIGNAL_BY_ID } from '../src/model/signals.ts';
import { normalizeRecord } from '../src/normalize/index.ts';
import { simulate } from '../src/sim/index.ts';
import { streamFor } from '../src/sim/prng.ts';
import { openStore, type Store } from '../src/store/index.ts';

const ROOT = join(import.meta.dirname, '..');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** One line of the report: a detonation, a scenario, or a rule's tests. */
export interface DayOneCase {
  id: string;
  kind: 'stratus' | 'panther scenario' | 'panther rule';
  sequences: AttackSequence[];
}

export interface CaseResult {
  id: string;
  kind: DayOneCase['kind'];
  records: number;
  /** Alerts that hold at least one of the case's events. */
  alerts: number;
  signals: string[];
  learningPeriod: boolean;
  titles: string[];
  /** Why it alerted, or why not. */
  why: string;
}

/** The full Stratus set where the shared datasets are, else the repository's copy. */
const STRATUS_FULL = '/work/shared/datasets/stratus-red-team/detonation-logs';

export const DEFAULT_SOURCES = [
  existsSync(STRATUS_FULL) ? STRATUS_FULL : join(ROOT, 'fixtures/stratus-red-team'),
  join(ROOT, 'fixtures/panther/panther_test_scenarios.jsonl'),
  join(ROOT, 'fixtures/panther/panther_cloudtrail_rule_tests.jsonl'),
];

/** Sequences grouped into cases: a Stratus technique, a Panther scenario, a Panther rule (all its tests). */
export async function loadCases(paths: readonly string[]): Promise<DayOneCase[]> {
  const { sequences } = await loadSequences(paths);
  const cases = new Map<string, DayOneCase>();
  for (const s of sequences) {
    const kind: DayOneCase['kind'] =
      s.source === 'stratus' ? 'stratus' : s.id.includes('#') ? 'panther rule' : 'panther scenario';
    const id = s.scenario;
    const c = cases.get(id) ?? { id, kind, sequences: [] };
    c.sequences.push(s);
    cases.set(id, c);
  }
  return [...cases.values()].sort((a, b) => kindOrder(a.kind) - kindOrder(b.kind) || (a.id < b.id ? -1 : 1));
}

/**
 * The records Panther says must NOT fire (benign scenario records, rule tests expected false),
 * grouped like the attacks: a false-alarm check of day one's signals on real, hostile-looking data.
 */
export function loadNegativeCases(files: readonly string[]): DayOneCase[] {
  const cases = new Map<string, DayOneCase>();
  for (const file of files) {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      const raw = JSON.parse(line) as Record<string, unknown>;
      const scenario = typeof raw._scenario === 'string' && raw._label !== 'attack' ? raw._scenario : null;
      const rule = typeof raw._source_rule === 'string' && raw._expected_result === false ? raw._source_rule : null;
      if (scenario === null && rule === null) continue;
      const n = normalizeRecord(raw);
      if (!n.ok) continue;
      const id = `panther:${scenario ?? rule} (negative)`;
      const kind: DayOneCase['kind'] = scenario !== null ? 'panther scenario' : 'panther rule';
      const c = cases.get(id) ?? { id, kind, sequences: [] };
      const test = typeof raw._test_name === 'string' ? raw._test_name : String(c.sequences.length);
      c.sequences.push({
        id: `${id}#${test}`,
        source: 'panther',
        scenario: id,
        title: id,
        category: 'negative',
        techniques: [],
        origin: file,
        records: [{ raw, time: n.event.time, actorKey: n.event.actor.key, actorType: n.event.actor.type }],
      });
      cases.set(id, c);
    }
  }
  return [...cases.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
}

function kindOrder(k: DayOneCase['kind']): number {
  return k === 'stratus' ? 0 : k === 'panther scenario' ? 1 : 2;
}

/**
 * The case's records in one day from `start`: each sequence keeps its own spacing, one hour after
 * the previous one (a rule's tests are separate stories), each record with a fresh eventID.
 */
export function placeCase(
  c: DayOneCase,
  start: number,
  accountId: string | null,
  region: string,
  plainClient = false,
): Array<Record<string, unknown>> {
  const rng = streamFor(1, `day-one:${c.id}`);
  const out: Array<Record<string, unknown>> = [];
  let at = start;
  for (const s of c.sequences) {
    const acct = accountId ?? recipientAccounts(s)[0] ?? '111122223333';
    const moved = transplant(s, { accountId: acct, region, start: at, stolen: null }, rng);
    if (plainClient)
      for (const r of moved)
        if (typeof r.userAgent === 'string' && OFFENSIVE_UA.test(r.userAgent)) r.userAgent = PLAIN_UA;
    out.push(...moved);
    const first = s.records[0]?.time ?? 0;
    const span = (s.records.at(-1)?.time ?? first) - first;
    at += Math.min(span, 2 * HOUR) + HOUR;
  }
  return out;
}

async function writeAndIngest(store: Store, dir: string, records: ReadonlyArray<Record<string, unknown>>) {
  const file = join(dir, 'case.json');
  writeFileSync(file, JSON.stringify({ Records: records }));
  await ingest(store, [file], { force: true });
}

/** The case's most surprising journey: its excess over the identity's baseline, in bits, and the decision. */
async function bestJourney(
  store: Store,
  ids: ReadonlySet<string>,
  since: number,
): Promise<{ excess: number; decision: string } | null> {
  const rows = await store.db
    .selectFrom('journeys')
    .select(['event_ids', 'excess', 'decision'])
    .where('end', '>=', since)
    .execute();
  let best: { excess: number; decision: string } | null = null;
  for (const r of rows) {
    if (!r.event_ids.split(' ').some((id) => ids.has(id))) continue;
    if (best === null || r.excess > best.excess) best = { excess: r.excess, decision: r.decision };
  }
  return best;
}

function summarize(
  c: DayOneCase,
  records: number,
  alerts: StoredAlert[],
  learningUntil: string | null,
  best: { excess: number; decision: string } | null,
): CaseResult {
  const signals = [...new Set(alerts.flatMap((a) => a.signals ?? []))].sort();
  const learning = alerts.some((a) => a.learningPeriod === true);
  let why: string;
  if (alerts.length > 0) {
    why =
      signals.length > 0
        ? signals.map((s) => SIGNAL_BY_ID.get(s)?.title ?? s).join('; ')
        : (alerts[0]?.reasons.filter((r) => r.weight > 0)[0]?.text ?? 'behaviour');
  } else {
    why = learningUntil
      ? `no baseline-free signal; learning period until ${learningUntil.slice(0, 10)}`
      : best === null
        ? 'no journey scored'
        : `no signal; most surprising journey ${best.excess.toFixed(1)} bits over its baseline (${best.decision}), below the threshold or without a new action`;
  }
  return {
    id: c.id,
    kind: c.kind,
    records,
    alerts: alerts.length,
    signals,
    learningPeriod: learning,
    titles: alerts.map((a) => a.title),
    why,
  };
}

/** Alerts holding any of `eventIds`. */
async function alertsFor(store: Store, eventIds: ReadonlySet<string>): Promise<StoredAlert[]> {
  const all = (await listAlerts(store)) as StoredAlert[];
  return all.filter((a) => a.events.some((e) => eventIds.has(e.eventId)));
}

/**
 * Stratus and other toolkits name themselves in the user agent, which alone raises the
 * offensive-client signal; an attacker rarely does. `plainClient` swaps such user agents for an
 * ordinary SDK's, so the report shows what is caught without that gift.
 */
const OFFENSIVE_UA = /stratus-red-team|pacu|kali|parrot|pentoo|grimoire|trufflehog|cloudfox|weirdaal/i;
const PLAIN_UA =
  'Boto3/1.34.0 md/Botocore#1.34.0 ua/2.0 os/linux#6.1.0 md/arch#x86_64 lang/python#3.11.6 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.0';

const DAY_ONE = Date.UTC(2026, 2, 2, 9, 0, 0); // a Monday, 09:00 UTC

/** The case alone in a fresh store: one day, no history, default options. */
export async function runDayOne(
  c: DayOneCase,
  plainClient = false,
  detectOptions: DetectOptions = {},
): Promise<CaseResult> {
  const dir = mkdtempSync(join(tmpdir(), 'trailhound-day-one-'));
  try {
    const store = await openStore({ db: join(dir, 'day-one.db') });
    try {
      const records = placeCase(c, DAY_ONE, null, 'us-east-1', plainClient);
      await writeAndIngest(store, dir, records);
      // A trail that has ended: every journey is closed and scored.
      const summary = await detect(store, { ...detectOptions, flush: true });
      const ids = new Set(records.map((r) => String(r.eventID)));
      const learning = summary.learningUntil !== null && Date.parse(summary.learningUntil) > DAY_ONE + DAY;
      return summarize(
        c,
        records.length,
        await alertsFor(store, ids),
        learning ? summary.learningUntil : null,
        await bestJourney(store, ids, DAY_ONE),
      );
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A simulated organization's three weeks, ingested and detected once (no flush): the template store. */
export interface Background {
  dir: string;
  db: string;
  accounts: string[];
  /** Epoch ms: the Monday 09:00 UTC after the background ends. */
  attackAt: number;
  /** What the background alone raised: the noise a new user sees (it has no attacks). */
  alerts: { learningPeriod: number; ordinary: number; signals: Record<string, number> };
}

export async function prepareBackground(weeks = 3, seed = 1): Promise<Background> {
  const dir = mkdtempSync(join(tmpdir(), 'trailhound-day-one-bg-'));
  const sim = simulate({ out: join(dir, 'org'), weeks, seed, attacks: 'none', fileMinutes: 60 });
  const db = join(dir, 'background.db');
  const alerts: Background['alerts'] = { learningPeriod: 0, ordinary: 0, signals: {} };
  const store = await openStore({ db });
  try {
    await ingest(store, [join(dir, 'org', 'AWSLogs')], { requireRecords: true });
    await detect(store, {});
    const raised = (await listAlerts(store)) as StoredAlert[];
    for (const a of raised) {
      if (a.learningPeriod) alerts.learningPeriod++;
      else alerts.ordinary++;
      for (const s of a.signals ?? []) alerts.signals[s] = (alerts.signals[s] ?? 0) + 1;
    }
  } finally {
    await store.close();
  }
  const meta = sim.meta as unknown as { end: string; accounts?: Array<{ id: string; role: string }> };
  const accounts = (meta.accounts ?? []).map((a) => a.id);
  const end = Date.parse(meta.end);
  const monday = end + ((8 - new Date(end).getUTCDay()) % 7) * DAY;
  const attackAt = Math.floor(monday / DAY) * DAY + 9 * HOUR;
  rmSync(join(dir, 'org'), { recursive: true, force: true });
  return { dir, db, accounts, attackAt, alerts };
}

/** The case on top of the background: into the organization's first (production-like) account. */
export async function runAfterBackground(c: DayOneCase, bg: Background, plainClient = true): Promise<CaseResult> {
  const dir = mkdtempSync(join(tmpdir(), 'trailhound-day-one-case-'));
  try {
    const db = join(dir, 'case.db');
    copyFileSync(bg.db, db);
    const store = await openStore({ db });
    try {
      const account = bg.accounts[0] ?? null;
      const records = placeCase(c, bg.attackAt, account, 'us-east-1', plainClient);
      await writeAndIngest(store, dir, records);
      await detect(store, { flush: true });
      const ids = new Set(records.map((r) => String(r.eventID)));
      return summarize(
        c,
        records.length,
        await alertsFor(store, ids),
        null,
        await bestJourney(store, ids, bg.attackAt),
      );
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\s+/g, ' ');
}

/** Columns: a title and one result per case (by id). */
export type Column = [title: string, results: readonly CaseResult[]];

export function renderTable(columns: readonly Column[]): string {
  const first = columns[0]?.[1] ?? [];
  const maps = columns.map(([, rs]) => new Map(rs.map((r) => [r.id, r])));
  const head = `| Case | Kind | Records | ${columns.map(([t]) => `${t} | Why`).join(' | ')} |\n|---|---|---|${columns.map(() => '---|---|').join('')}`;
  const verdict = (r: CaseResult | undefined) =>
    r === undefined ? '-' : r.alerts > 0 ? `alert${r.learningPeriod ? ' (learning period)' : ''}` : 'silent';
  const lines = first.map((r) => {
    const cells = maps.map((m) => {
      const x = m.get(r.id);
      return `${verdict(x)} | ${x ? cell(x.why) : ''}`;
    });
    return `| ${cell(r.id)} | ${r.kind} | ${r.records} | ${cells.join(' | ')} |`;
  });
  const kinds = ['stratus', 'panther scenario', 'panther rule'];
  const totals = columns
    .map(([t, rs]) => {
      const per = kinds.map((k) => {
        const of = rs.filter((r) => r.kind === k);
        return `${k} ${of.filter((r) => r.alerts > 0).length}/${of.length}`;
      });
      return `- ${t}: ${per.join(', ')}`;
    })
    .join('\n');
  return `${totals}\n\n${head}\n${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const withBackground = args.includes('--background');
  const outAt = args.indexOf('--out');
  const out = outAt >= 0 ? args[outAt + 1] : undefined;
  const cases = await loadCases(DEFAULT_SOURCES);
  process.stderr.write(`${cases.length} cases\n`);
  const day: CaseResult[] = [];
  const plain: CaseResult[] = [];
  for (const c of cases) {
    day.push(await runDayOne(c));
    plain.push(await runDayOne(c, true));
    process.stderr.write(`day one ${day.length}/${cases.length} ${c.id}: ${day.at(-1)?.alerts} alert(s)\n`);
  }
  const columns: Column[] = [
    ['Day one', day],
    ['Day one, toolkit user agent removed', plain],
  ];
  let note = '';
  if (withBackground) {
    const after: CaseResult[] = [];
    const bg = await prepareBackground();
    const sig = Object.entries(bg.alerts.signals)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    note = `\nThe 3-week background alone (no attacks) raised ${bg.alerts.learningPeriod} learning-period alert(s) and ${bg.alerts.ordinary} ordinary alert(s)${sig ? ` (signals: ${sig})` : ''}.\n`;
    process.stderr.write(note);
    process.stderr.write(
      `background ready (${bg.accounts.length} accounts), attacks at ${new Date(bg.attackAt).toISOString()}\n`,
    );
    try {
      columns.push(['After 3 weeks, toolkit user agent removed', after]);
      for (const c of cases) {
        after.push(await runAfterBackground(c, bg));
        process.stderr.write(`after ${after.length}/${cases.length} ${c.id}: ${after.at(-1)?.alerts} alert(s)\n`);
      }
    } finally {
      rmSync(bg.dir, { recursive: true, force: true });
    }
  }
  // False-alarm check: what Panther marks as not an attack, alone on day one.
  const negatives = loadNegativeCases(DEFAULT_SOURCES.filter((p) => p.endsWith('.jsonl')));
  const noisy: CaseResult[] = [];
  for (const c of negatives) {
    const r = await runDayOne(c);
    if (r.alerts > 0) noisy.push(r);
  }
  note += `\nPanther's negative records (benign scenario records, rule tests expected not to fire), each rule or scenario alone on day one: ${noisy.length} of ${negatives.length} alert${noisy.length ? ` (${noisy.map((r) => `${r.id}: ${r.why}`).join('; ')})` : ''}.\n`;
  const table = renderTable(columns) + note;
  if (out) writeFileSync(out, table);
  process.stdout.write(table);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  });
}
