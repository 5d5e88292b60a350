/**
 * Ingest benchmark: events/s and peak memory of `ingest`, of `run` (ingest + detect), and of
 * `ingest` into PostgreSQL (`pg`, a database of its own, dropped after), beside the floor on the
 * same files (gunzip + decode + JSON.parse, nothing stored). Two shapes: many small files (a real
 * trail delivers ~7 events per file, every 5 minutes per region) and few large ones (1,000
 * records each). Each measurement runs in its own process, so peak RSS belongs to one side only;
 * the sides are interleaved and each keeps its best of `--repeat` (the machine is shared, so the
 * best run is the one least disturbed). The store sides run the compiled modules (`dist/`, built
 * first, incrementally), as the CLI does.
 *
 *   npm run bench:ingest                          # small: 10,000 x 7; large: 100 x 1,000
 *   npm run bench:ingest -- --repeat 5 --shapes small --modes floor,ingest
 *   npm run bench:ingest -- --pg postgres://postgres@127.0.0.1:5432/postgres   # the default
 *   node --import tsx scripts/bench-ingest.ts --child ingest DIR --prepare-workers 0   # one side, as farm-bench times it
 */

import { isAscii } from 'node:buffer';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { writeSyntheticTrail } from '../src/ingest/synthetic.ts';

const SHAPES: Record<string, { files: number; perFile: number; label: string }> = {
  small: { files: 10_000, perFile: 7, label: '10,000 files x 7 events' },
  large: { files: 100, perFile: 1000, label: '100 files x 1,000 events' },
};
const root = join(import.meta.dirname, '..', '.bench', 'ingest');

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listFiles(p));
    else if (name.endsWith('.json.gz')) out.push(p);
  }
  return out;
}

let pgUrl: string | undefined;

async function adminQuery(text: string): Promise<void> {
  const { default: pg } = await import('pg');
  const admin = new pg.Client({ connectionString: pgUrl });
  await admin.connect();
  try {
    await admin.query(text);
  } finally {
    await admin.end();
  }
}

async function child(mode: string, dir: string, prepareWorkers: number | undefined): Promise<void> {
  const started = performance.now();
  let events = 0;
  if (mode === 'floor') {
    for (const file of listFiles(dir)) {
      const buf = gunzipSync(readFileSync(file), { chunkSize: 1 << 20 });
      const text = isAscii(buf) ? buf.toString('latin1') : buf.toString('utf8');
      events += (JSON.parse(text) as { Records: unknown[] }).Records.length;
    }
  } else {
    const dist = join(import.meta.dirname, '..', 'dist');
    const { openStore } = (await import(join(dist, 'store/index.js'))) as typeof import('../src/store/index.ts');
    const { ingest } = (await import(join(dist, 'ingest/index.js'))) as typeof import('../src/ingest/index.ts');
    const { detect } = (await import(join(dist, 'app/detect.js'))) as typeof import('../src/app/detect.ts');
    const pgName = `trailhound_bench_${process.pid}`;
    const db =
      mode === 'pg' ? (pgUrl as string).replace(/\/[^/]*$/, `/${pgName}`) : join(dir, '..', `bench-${process.pid}.db`);
    if (mode === 'pg') await adminQuery(`CREATE DATABASE ${pgName}`);
    try {
      const store = await openStore({ db });
      const summary = await ingest(store, [dir], prepareWorkers === undefined ? {} : { prepareWorkers });
      if (mode === 'run') await detect(store, { now: () => Date.UTC(2026, 1, 1) });
      await store.close();
      events = summary.inserted;
    } finally {
      if (mode === 'pg') await adminQuery(`DROP DATABASE IF EXISTS ${pgName} WITH (FORCE)`);
      else for (const suffix of ['', '-wal', '-shm']) rmSync(`${db}${suffix}`, { force: true });
    }
  }
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(
    `${JSON.stringify({ mode, events, seconds, eventsPerSecond: events / seconds, peakRssMiB: process.resourceUsage().maxRSS / 1024 })}\n`,
  );
}

interface Measured {
  events: number;
  seconds: number;
  eventsPerSecond: number;
  peakRssMiB: number;
}

function measure(mode: string, dir: string): Measured {
  const pg = pgUrl === undefined ? [] : ['--pg', pgUrl];
  const out = execFileSync(process.execPath, ['--import', 'tsx', import.meta.filename, '--child', mode, dir, ...pg], {
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
  if (argv[0] === '--child')
    return child(argv[1] as string, argv[2] as string, workers === undefined ? undefined : Number(workers));
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
  for (const name of shapes) {
    const shape = SHAPES[name] as (typeof SHAPES)[string];
    const dir = join(root, `${name}-${shape.files}x${shape.perFile}`);
    if (!existsSync(dir)) writeSyntheticTrail(dir, shape.files, shape.perFile, 42);
    const best = new Map<string, Measured>();
    for (let i = 0; i < repeat; i++)
      for (const mode of modes) {
        const m = measure(mode, dir);
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
  }
}

await main();
