/**
 * Ingest at scale: a first load of a large trail into an empty SQLite store, then a second trail
 * of the same size into that store, each in its own process (peak RSS per load), printing
 * events/s over each stretch of the load so that a rate that falls as the store grows shows.
 * Synthetic trails as bench:ingest's (1,000 events a file), cached under .bench/ingest/.
 *
 *   npm run build && node scripts/bench-ingest-scale.mjs [--files 1500]   # 1.5M events a load
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const dist = join(root, 'dist');
const argv = process.argv.slice(2);
const filesAt = argv.indexOf('--files');
const files = filesAt >= 0 ? Number(argv[filesAt + 1]) : 1500;
const [mode, dir, db] = argv;

if (mode === 'load') {
  const { openStore } = await import(join(dist, 'store/index.js'));
  const { ingest } = await import(join(dist, 'ingest/index.js'));
  const store = await openStore({ db });
  const started = performance.now();
  const stretch = 250_000;
  const rates = [];
  let mark = 0;
  let last = started;
  const summary = await ingest(store, [dir], {
    onProgress: (p) => {
      if (p.events < mark + stretch) return;
      const now = performance.now();
      rates.push(Math.round((p.events - mark) / ((now - last) / 1000)));
      mark = p.events;
      last = now;
    },
  });
  await store.close();
  const seconds = (performance.now() - started) / 1000;
  const peakRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
  process.stdout.write(`${JSON.stringify({ inserted: summary.inserted, seconds, rates, peakRssMiB })}\n`);
} else {
  if (!Number.isInteger(files) || files < 1) throw new Error('--files takes a whole number of files');
  const { SYNTHETIC_VERSION, writeSyntheticTrail } = await import(join(dist, 'ingest/synthetic.js'));
  const cache = join(root, '.bench', 'ingest');
  mkdirSync(cache, { recursive: true });
  const trails = [1, 2].map((seed) => {
    const d = join(cache, `scale-${seed}-${files}x1000-v${SYNTHETIC_VERSION}`);
    if (!existsSync(d)) writeSyntheticTrail(d, files, 1000, 100 + seed);
    return d;
  });
  const store = join(cache, `scale-${process.pid}.db`);
  const k = (n) => `${Math.round(n / 1000)}k`;
  console.log(
    `node ${process.version}; ${(files * 1000).toLocaleString('en-US')} events a load; events/s over each 250,000\n`,
  );
  console.log('| load | seconds | events/s | events/s over the load | peak RSS |');
  console.log('|---|---:|---:|---|---:|');
  try {
    for (const [i, trail] of trails.entries()) {
      const out = execFileSync(process.execPath, [import.meta.filename, 'load', trail, store], { encoding: 'utf8' });
      const m = JSON.parse(out.trim().split('\n').at(-1));
      const label = i === 0 ? 'first load, empty store' : 'second trail into that store';
      console.log(
        `| ${label} | ${m.seconds.toFixed(1)} | ${k(m.inserted / m.seconds)} | ${m.rates.map(k).join(', ')} | ${m.peakRssMiB} MiB |`,
      );
    }
  } finally {
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${store}${suffix}`, { force: true });
  }
}
