/**
 * One side of the ingest benchmark (see bench-ingest.ts), in plain Node on the compiled modules
 * (`dist/`), as the CLI runs: under tsx's loader the same imports took ~0.4 s more, which the
 * store sides paid and the floor did not. Prints one JSON line: events, seconds, peak RSS, and
 * the CPU seconds of the main thread, of all other threads (prepare and read workers, the thread
 * pool, V8's helpers) and of the busiest of those, so a pipeline's critical path can be read on a
 * shared machine.
 *
 *   node scripts/bench-ingest-child.mjs floor|ingest|run|pg DIR [--prepare-workers N] [--pg URL]
 */
import { isAscii } from 'node:buffer';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

const [mode, dir, ...rest] = process.argv.slice(2);
const arg = (name) => {
  const i = rest.indexOf(name);
  return i >= 0 ? rest[i + 1] : undefined;
};
const pgUrl = arg('--pg') ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const workers = arg('--prepare-workers');

function listFiles(d) {
  const out = [];
  for (const name of readdirSync(d).sort()) {
    const p = join(d, name);
    if (statSync(p).isDirectory()) out.push(...listFiles(p));
    else if (name.endsWith('.json.gz')) out.push(p);
  }
  return out;
}

async function adminQuery(text) {
  const { default: pg } = await import('pg');
  const admin = new pg.Client({ connectionString: pgUrl });
  await admin.connect();
  try {
    await admin.query(text);
  } finally {
    await admin.end();
  }
}

/** CPU seconds of this process's threads (Linux), the main thread apart; null where /proc is missing. */
function threadCpu() {
  try {
    const tick = 100; // USER_HZ
    let main = 0;
    let others = 0;
    let busiestOther = 0;
    let mainWaited = null;
    for (const tid of readdirSync('/proc/self/task')) {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const seconds = (Number(fields[11]) + Number(fields[12])) / tick;
      if (Number(tid) === process.pid) {
        main += seconds;
        // schedstat: nanoseconds on a core, waiting on a run queue, time slices (needs schedstats in the kernel).
        try {
          mainWaited = Number(readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ')[1]) / 1e9;
        } catch {}
      } else {
        others += seconds;
        busiestOther = Math.max(busiestOther, seconds);
      }
    }
    return { mainCpu: main, otherCpu: others, busiestOtherCpu: busiestOther, mainWaited };
  } catch {
    return { mainCpu: null, otherCpu: null, busiestOtherCpu: null, mainWaited: null };
  }
}

const started = performance.now();
let events = 0;
if (mode === 'floor') {
  for (const file of listFiles(dir)) {
    const buf = gunzipSync(readFileSync(file), { chunkSize: 1 << 20 });
    const text = isAscii(buf) ? buf.toString('latin1') : buf.toString('utf8');
    events += JSON.parse(text).Records.length;
  }
} else {
  const dist = join(import.meta.dirname, '..', 'dist');
  const { openStore } = await import(join(dist, 'store/index.js'));
  const { ingest } = await import(join(dist, 'ingest/index.js'));
  const { detect } = await import(join(dist, 'app/detect.js'));
  const pgName = `trailhound_bench_${process.pid}`;
  const db = mode === 'pg' ? pgUrl.replace(/\/[^/]*$/, `/${pgName}`) : join(dir, '..', `bench-${process.pid}.db`);
  if (mode === 'pg') await adminQuery(`CREATE DATABASE ${pgName}`);
  try {
    const store = await openStore({ db });
    const summary = await ingest(store, [dir], workers === undefined ? {} : { prepareWorkers: Number(workers) });
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
  `${JSON.stringify({ mode, events, seconds, eventsPerSecond: events / seconds, peakRssMiB: process.resourceUsage().maxRSS / 1024, ...threadCpu() })}\n`,
);
