/**
 * Ingest benchmark: events/s and peak memory of `ingest` beside the floor on the same
 * files (gunzip + decode + JSON.parse, nothing stored), measured in the same run, each in
 * its own process so peak RSS belongs to one side only.
 *
 *   npm run bench:ingest                 # 100k and 1M events
 *   npm run bench:ingest -- --sizes 100000
 */

import { isAscii } from 'node:buffer';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { writeSyntheticTrail } from '../src/ingest/synthetic.ts';

const PER_FILE = 1000;
const root = join(import.meta.dirname, '..', '.bench', 'ingest');

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listFiles(p));
    else if (name.endsWith('.json.gz')) out.push(p);
  }
  return out.sort();
}

async function child(mode: string, dir: string): Promise<void> {
  const started = performance.now();
  let events = 0;
  if (mode === 'floor') {
    for (const file of listFiles(dir)) {
      const buf = gunzipSync(readFileSync(file), { chunkSize: 1 << 20 });
      const text = isAscii(buf) ? buf.toString('latin1') : buf.toString('utf8');
      events += (JSON.parse(text) as { Records: unknown[] }).Records.length;
    }
  } else {
    const { openStore } = await import('../src/store/index.ts');
    const { ingest } = await import('../src/ingest/index.ts');
    const db = join(dir, '..', `bench-${process.pid}.db`);
    const store = await openStore({ db });
    const summary = await ingest(store, [dir]);
    await store.close();
    events = summary.inserted;
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${db}${suffix}`, { force: true });
  }
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(
    `${JSON.stringify({ mode, events, seconds, eventsPerSecond: events / seconds, peakRssMiB: process.resourceUsage().maxRSS / 1024 })}\n`,
  );
}

function run(mode: string, dir: string) {
  const out = execFileSync(process.execPath, ['--import', 'tsx', import.meta.filename, '--child', mode, dir], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  return JSON.parse(out.trim().split('\n').at(-1) as string) as {
    events: number;
    seconds: number;
    eventsPerSecond: number;
    peakRssMiB: number;
  };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === '--child') return child(argv[1] as string, argv[2] as string);
  const sizesArg = argv.indexOf('--sizes');
  const sizes = sizesArg >= 0 ? (argv[sizesArg + 1] as string).split(',').map(Number) : [100_000, 1_000_000];
  console.log(`node ${process.version}, ${PER_FILE} records per gzipped file\n`);
  console.log('| events | floor events/s | ingest events/s | ratio | floor peak RSS | ingest peak RSS |');
  console.log('|---:|---:|---:|---:|---:|---:|');
  for (const size of sizes) {
    const dir = join(root, String(size));
    if (!existsSync(dir)) writeSyntheticTrail(dir, Math.ceil(size / PER_FILE), PER_FILE, 42);
    const floor = run('floor', dir);
    const ingest = run('ingest', dir);
    const k = (n: number) => `${Math.round(n / 1000)}k`;
    console.log(
      `| ${size.toLocaleString('en')} | ${k(floor.eventsPerSecond)} | ${k(ingest.eventsPerSecond)} | ${(ingest.eventsPerSecond / floor.eventsPerSecond).toFixed(2)} | ${Math.round(floor.peakRssMiB)} MiB | ${Math.round(ingest.peakRssMiB)} MiB |`,
    );
  }
}

await main();
