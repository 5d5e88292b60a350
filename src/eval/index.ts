/**
 * `evaluate(options)`: for each seed, simulate an organization (or take a directory with
 * labels), ingest it into a fresh SQLite store exactly as a user would, run each detector
 * through the data, and score it against the labels. Returns per-seed and aggregate scores.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_ALERTS_PER_WEEK } from '../domain/defaults.ts';
import { UsageError } from '../errors.ts';
import { ingest } from '../ingest/index.ts';
import { type OrgKind, simulate } from '../sim/index.ts';
import { scanEventRows } from '../store/events.ts';
import { openStore, Repositories, type Store } from '../store/index.ts';
import { rarityDetector } from './baselines/rarity.ts';
import { rulesDetector } from './baselines/rules.ts';
import { loadTrailhoundDetector } from './detectors/trailhound.ts';
import { type InjectModes, type InjectResult, injectInto } from './inject.ts';
import { aggregateScores, type DetectorScore, scoreDetector } from './score.ts';
import { type LoadSummary, loadSequences } from './sequences.ts';
import type { BenignForScore, BenignSpans, DetectedAlert, Detector, EvalMeta, LabelForScore } from './types.ts';

export { type InjectModes, injectInto } from './inject.ts';
export { aggregateScores, type DetectorScore, scoreDetector } from './score.ts';
export { loadSequences } from './sequences.ts';
export type { DetectedAlert, Detector, EvalMeta } from './types.ts';

export type DetectorChoice = 'trailhound' | 'rules' | 'rarity' | 'all';

export interface EvaluateOptions {
  weeks?: number;
  seeds?: number[];
  /** A directory written by `trailhound simulate` (labels.json, meta.json, AWSLogs/): evaluate it instead of simulating. */
  data?: string;
  detector?: DetectorChoice;
  scale?: number;
  /** Simulated organization: `default` or `company` (src/sim/company.ts). */
  org?: OrgKind;
  /** Passed to the simulator: rate (default), all, none or ids. */
  attacks?: string;
  /** Trailhound's weekly alert budget. */
  alertsPerWeek?: number;
  /**
   * Files or folders of real attack CloudTrail (Stratus Red Team detonations, Panther rule
   * tests and scenarios) to inject into each simulated organization's test period (inject.ts).
   */
  inject?: string[];
  /** Injections per test week and seed (default 2), or `all` of them into every seed. */
  injectPerWeek?: number | 'all';
  /** Attacker identity of the injected attacks: both (default), stolen or new-identity. */
  injectModes?: InjectModes;
  /** Keep the simulated directories and stores (their paths are in the result). */
  keep?: boolean;
  onProgress?: (line: string) => void;
}

export interface SeedResult {
  seed: number | null;
  dir: string;
  events: number;
  meta: EvalMeta;
  scores: DetectorScore[];
  /** What was injected into this seed's organization, when `inject` was given. */
  injected?: Omit<InjectResult, 'labels'>;
  seconds: { simulate: number; ingest: number; detectors: Record<string, number> };
}

export interface EvaluateResult {
  weeks: number;
  seeds: Array<number | null>;
  detectors: string[];
  unavailable: Record<string, string>;
  perSeed: SeedResult[];
  aggregate: DetectorScore[];
  /** The injected library as read, when `inject` was given. */
  injection?: LoadSummary & { paths: string[]; perWeek: number | 'all'; modes: InjectModes };
}

interface MetaFile {
  start: string;
  learningEnd: string;
  end: string;
  weeks: number;
  seed: number;
}

async function detectorsFor(
  choice: DetectorChoice,
  alertsPerWeek: number,
): Promise<{ detectors: Detector[]; unavailable: Record<string, string> }> {
  const detectors: Detector[] = [];
  const unavailable: Record<string, string> = {};
  if (choice === 'all' || choice === 'rules') detectors.push(rulesDetector());
  if (choice === 'all' || choice === 'rarity') detectors.push(rarityDetector());
  if (choice === 'all' || choice === 'trailhound') {
    const t = await loadTrailhoundDetector(alertsPerWeek);
    if ('unavailable' in t) unavailable.trailhound = t.unavailable;
    // Trailhound writes alerts and state into the store: it runs after the read-only baselines.
    else detectors.push(t);
  }
  return { detectors, unavailable };
}

/** Actor keys the store resolved for each attack's events (robust to how labels spell actors). */
async function actorKeysOf(store: Store, labels: readonly LabelForScore[]): Promise<Map<string, Set<string>>> {
  const events = new Repositories(store).events;
  const out = new Map<string, Set<string>>();
  for (const l of labels) out.set(l.attackId, new Set((await events.actorsOf(l.eventIds)).map((r) => r.actorKey)));
  return out;
}

/** For each benign event: the actors the store resolved for its events and when each of them acted in it. */
async function benignSpansOf(store: Store, benign: readonly BenignForScore[]): Promise<BenignSpans[]> {
  const events = new Repositories(store).events;
  const out: BenignSpans[] = [];
  for (const b of benign) {
    const spans = new Map<string, { start: number; end: number }>();
    for (const { actorKey, time: t } of await events.actorsOf(b.eventIds)) {
      const s = spans.get(actorKey);
      if (!s) spans.set(actorKey, { start: t, end: t });
      else {
        s.start = Math.min(s.start, t);
        s.end = Math.max(s.end, t);
      }
    }
    out.push(spans);
  }
  return out;
}

async function evaluateDir(
  dir: string,
  seed: number | null,
  detectors: readonly Detector[],
  simSeconds: number,
  progress: (l: string) => void,
): Promise<SeedResult> {
  const metaFile = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as MetaFile;
  const labels = JSON.parse(readFileSync(join(dir, 'labels.json'), 'utf8')) as LabelForScore[];
  const benign = existsSync(join(dir, 'benign.json'))
    ? (JSON.parse(readFileSync(join(dir, 'benign.json'), 'utf8')) as BenignForScore[])
    : [];
  const start = Date.parse(metaFile.start);
  const learningEnd = Date.parse(metaFile.learningEnd);
  const meta: EvalMeta = {
    start,
    learningEnd,
    end: Date.parse(metaFile.end),
    learningDays: Math.round((learningEnd - start) / 86_400_000),
  };
  const dbPath = join(dir, 'eval.db');
  rmSync(dbPath, { force: true });
  rmSync(`${dbPath}-wal`, { force: true });
  rmSync(`${dbPath}-shm`, { force: true });
  const store = await openStore({ db: dbPath });
  try {
    const t0 = performance.now();
    const logs = existsSync(join(dir, 'AWSLogs')) ? join(dir, 'AWSLogs') : dir;
    const summary = await ingest(store, [logs], { requireRecords: true });
    const ingestSeconds = (performance.now() - t0) / 1000;
    progress(`  ingested ${summary.inserted} events from ${summary.filesRead} files in ${ingestSeconds.toFixed(0)} s`);
    const actorKeys = await actorKeysOf(store, labels);
    const benignSpans = await benignSpansOf(store, benign);
    const scores: DetectorScore[] = [];
    const detectorSeconds: Record<string, number> = {};
    const alertsOf = new Map<string, DetectedAlert[]>();
    // Streaming detectors share one scan of the store (each full scan of a 6-week org took 30-50 s here).
    const streaming = detectors.filter((d) => d.scanner !== undefined);
    if (streaming.length > 0) {
      const t1 = performance.now();
      const scanners = streaming.map((d) => ({ d, s: (d.scanner as NonNullable<Detector['scanner']>)(meta) }));
      for await (const row of scanEventRows(store)) for (const { s } of scanners) s.push(row);
      const seconds = (performance.now() - t1) / 1000;
      for (const { d, s } of scanners) {
        alertsOf.set(d.name, s.finish());
        detectorSeconds[d.name] = seconds / scanners.length;
      }
    }
    for (const d of detectors) {
      let alerts = alertsOf.get(d.name);
      if (!alerts) {
        const t1 = performance.now();
        alerts = await d.run(store, meta);
        detectorSeconds[d.name] = (performance.now() - t1) / 1000;
      }
      const score = scoreDetector(d.name, alerts, labels, benign, meta, actorKeys, benignSpans);
      progress(
        `  ${d.name}: ${score.detected}/${score.total} attacks, ${score.alerts} alerts in the test period (${detectorSeconds[d.name]?.toFixed(0)} s)`,
      );
      scores.push(score);
    }
    return {
      seed,
      dir,
      events: summary.inserted,
      meta,
      scores,
      seconds: { simulate: simSeconds, ingest: ingestSeconds, detectors: detectorSeconds },
    };
  } finally {
    await store.close();
  }
}

export async function evaluate(options: EvaluateOptions = {}): Promise<EvaluateResult> {
  const progress = options.onProgress ?? (() => {});
  const weeks = options.weeks ?? 6;
  const { detectors, unavailable } = await detectorsFor(
    options.detector ?? 'all',
    options.alertsPerWeek ?? DEFAULT_ALERTS_PER_WEEK,
  );
  const perSeed: SeedResult[] = [];
  let injection: EvaluateResult['injection'];
  let library: Awaited<ReturnType<typeof loadSequences>>['sequences'] = [];
  if (options.inject?.length) {
    if (options.data)
      throw new UsageError('--inject puts attacks into simulated organizations; it cannot be combined with --data.');
    const loaded = await loadSequences(options.inject);
    if (loaded.sequences.length === 0)
      throw new UsageError(`--inject ${options.inject.join(' ')}: no attack sequence could be read.`);
    library = loaded.sequences;
    injection = {
      ...loaded.summary,
      paths: [...options.inject],
      perWeek: options.injectPerWeek ?? 2,
      modes: options.injectModes ?? 'both',
    };
    const q = Object.values(loaded.summary.quarantined).reduce((n, x) => n + x, 0);
    progress(
      `inject: ${loaded.summary.sequences} attack sequences (${Object.entries(loaded.summary.bySource)
        .map(([k, v]) => `${v} ${k}`)
        .join(
          ', ',
        )}) from ${loaded.summary.records} records; ${q} quarantined, ${loaded.summary.notAttacks} not attacks`,
    );
  }
  if (options.data) {
    progress(`evaluating ${options.data}`);
    perSeed.push(await evaluateDir(options.data, null, detectors, 0, progress));
  } else {
    for (const seed of options.seeds ?? [1, 2, 3]) {
      const dir = mkdtempSync(join(tmpdir(), `trailhound-eval-${seed}-`));
      try {
        const t0 = performance.now();
        // Hour-long delivery files: the same records through the same ingest, ~10x fewer files to open.
        const sim = simulate({
          out: dir,
          weeks,
          seed,
          scale: options.scale ?? 1,
          ...(options.org && options.org !== 'default' ? { org: options.org } : {}),
          attacks: options.attacks ?? 'rate',
          fileMinutes: 60,
        });
        let injected: InjectResult | undefined;
        if (injection) {
          injected = injectInto(dir, { sequences: library, seed, perWeek: injection.perWeek, modes: injection.modes });
        }
        const simSeconds = (performance.now() - t0) / 1000;
        progress(
          `seed ${seed}: simulated ${sim.meta.counts.events} events, ${sim.labels.length} attack(s)${
            injected ? `; injected ${injected.labels.length} real attack(s), ${injected.records} records` : ''
          } in ${simSeconds.toFixed(0)} s`,
        );
        const result = await evaluateDir(dir, seed, detectors, simSeconds, progress);
        if (injected) {
          const { labels: _, ...rest } = injected;
          result.injected = rest;
        }
        perSeed.push(result);
      } finally {
        if (!options.keep) rmSync(dir, { recursive: true, force: true });
      }
    }
  }
  const aggregate = detectors.map((d) =>
    aggregateScores(
      perSeed
        .map((s) => s.scores.find((x) => x.detector === d.name))
        .filter((x): x is DetectorScore => x !== undefined),
    ),
  );
  return {
    weeks: options.data ? 0 : weeks,
    seeds: perSeed.map((s) => s.seed),
    detectors: detectors.map((d) => d.name),
    unavailable,
    perSeed,
    aggregate,
    ...(injection ? { injection } : {}),
  };
}
