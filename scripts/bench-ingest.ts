/**
 * Ingest benchmark: events/s and peak memory of `ingest`, of `run` (ingest + detect), and of
 * `ingest` into PostgreSQL (`pg`, a database of its own, dropped after), beside the floor on the
 * same files (gunzip + decode + JSON.parse, nothing stored). Two shapes: many small files (a real
 * trail delivers ~7 events per file, every 5 minutes per region) and few large ones (1,000
 * records each). Each measurement runs in its own process, so peak RSS belongs to one side only;
 * the sides are interleaved and each keeps its best of `--repeat` (the machine is shared, so the
 * best run is the one least disturbed). Every side runs in plain Node (bench-ingest-child.mjs), the
 * store sides on the compiled modules (`dist/`, built first, incrementally), as the CLI does.
 *
 *   npm run bench:ingest                          # small: 10,000 x 7; large: 100 x 1,000
 *   npm run bench:ingest -- --repeat 5 --shapes small --modes floor,ingest
 *   npm run bench:ingest -- --pg postgres://postgres@127.0.0.1:5432/postgres   # the default
 *   npm run bench:ingest -- --prepare-workers 1   # every store side with one prepare worker
 *   node scripts/bench-ingest-child.mjs ingest DIR --prepare-workers 0   # one side, as farm-bench times it
 */

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { SYNTHETIC_VERSION, writeSyntheticTrail } from '../src/ingest/synthetic.ts';

const SHAPES: Record<string, { files: number; perFile: number; label: string }> = {
  small: { files: 10_000, perFile: 7, label: '10,000 files x 7 events' },
  large: { files: 100, perFile: 1000, label: '100 files x 1,000 events' },
};
const root = join(import.meta.dirname, '..', '.bench', 'ingest');

let pgUrl: string | undefined;

interface Measured {
  events: number;
  seconds: number;
  eventsPerSecond: number;
  peakRssMiB: number;
  /** CPU seconds of the main thread, of every other thread, and of the busiest other thread (null off Linux). */
  mainCpu: number | null;
  otherCpu: number | null;
  busiestOtherCpu: number | null;
  /** Seconds the main thread was ready to run and waited for a core (null off Linux). */
  mainWaited: number | null;
}

function measure(mode: string, dir: string, prepareWorkers: string | undefined): Measured {
  const pg = pgUrl === undefined ? [] : ['--pg', pgUrl];
  const workers = prepareWorkers === undefined ? [] : ['--prepare-workers', prepareWorkers];
  const child = join(import.meta.dirname, 'bench-ingest-child.mjs');
  const out = execFileSync(process.execPath, [child, mode, dir, ...pg, ...workers], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  return JSON.parse(out.trim().split('\n').at(-1) as string) as Measured;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const arg = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  pgUrl = arg('--pg') ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const workers = arg('--prepare-workers');
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: join(import.meta.dirname, '..'), stdio: 'inherit' });
  const repeat = Number(arg('--repeat') ?? 3);
  const shapes = (arg('--shapes') ?? 'small,large').split(',');
  for (const s of shapes) if (!SHAPES[s]) throw new Error(`unknown shape ${s} (small, large)`);
  const modes = (arg('--modes') ?? 'floor,ingest,run,pg').split(',');
  console.log(`node ${process.version}, best of ${repeat}, sides interleaved\n`);
  console.log(
    '| shape | floor events/s | ingest events/s | ratio | run events/s | ratio | PostgreSQL ingest events/s | ratio | peak RSS floor / ingest / run / pg |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  const loads: number[] = [];
  const cpuLines: string[] = [];
  for (const name of shapes) {
    const shape = SHAPES[name] as (typeof SHAPES)[string];
    const dir = join(root, `${name}-${shape.files}x${shape.perFile}-v${SYNTHETIC_VERSION}`);
    if (!existsSync(dir)) writeSyntheticTrail(dir, shape.files, shape.perFile, 42);
    const best = new Map<string, Measured>();
    for (let i = 0; i < repeat; i++)
      for (const mode of modes) {
        const m = measure(mode, dir, workers);
        loads.push(loadavg()[0] as number);
        const prev = best.get(mode);
        if (!prev || m.eventsPerSecond > prev.eventsPerSecond) best.set(mode, m);
      }
    const k = (m: Measured | undefined) => (m ? `${Math.round(m.eventsPerSecond / 1000)}k` : '-');
    const ratio = (m: Measured | undefined) => {
      const floor = best.get('floor');
      return m && floor ? (m.eventsPerSecond / floor.eventsPerSecond).toFixed(2) : '-';
    };
    const rss = (m: Measured | undefined) => (m ? `${Math.round(m.peakRssMiB)}` : '-');
    const [f, g, r, p] = [best.get('floor'), best.get('ingest'), best.get('run'), best.get('pg')];
    console.log(
      `| ${shape.label} | ${k(f)} | ${k(g)} | ${ratio(g)} | ${k(r)} | ${ratio(r)} | ${k(p)} | ${ratio(p)} | ${rss(f)} / ${rss(g)} / ${rss(r)} / ${rss(p)} MiB |`,
    );
    // On a shared machine wall time is noisy; CPU per thread says what an idle machine would do
    // (with a second core free, the wall time of a pipeline is about its busiest thread's CPU).
    const cpu = (m: Measured | undefined) =>
      m?.mainCpu == null || m.otherCpu == null || m.busiestOtherCpu == null
        ? '-'
        : `${m.mainCpu.toFixed(2)} / ${m.busiestOtherCpu.toFixed(2)} / ${m.otherCpu.toFixed(2)}${m.mainWaited == null ? '' : ` (${m.mainWaited.toFixed(2)})`}`;
    cpuLines.push(`| ${shape.label} | ${cpu(f)} | ${cpu(g)} | ${cpu(r)} | ${cpu(p)} |`);
  }
  console.log(
    `\nCPU seconds of the best runs: main thread / busiest other thread / all other threads (seconds the main thread waited for a core) (load average ${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)}):\n`,
  );
  console.log('| shape | floor | ingest | run | pg |');
  console.log('|---|---:|---:|---:|---:|');
  for (const line of cpuLines) console.log(line);
}

await main();
