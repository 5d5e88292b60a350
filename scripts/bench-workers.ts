/**
 * Workers' throughput: one simulated organization enqueued into a fresh PostgreSQL database
 * and run by N `trailhound worker --until-idle` processes, for each N asked (default 1 and 2);
 * events per second from the workers' start to the last one's exit (ingest and detection
 * together), and where the workers' time went (ingest jobs; partition jobs: load, read, score,
 * write; finalize; the queue: what is left of the wall time).
 *
 *   npx tsx scripts/bench-workers.ts [--weeks 2] [--scale 0.3] [--seed 2] [--file-minutes 60]
 *                                    [--org default|company] [--repeat 1] [--log DIR] [--cli bin/trailhound.js]
 *                                    [--partitions 64] [--workers 1,2]
 *
 * Needs PostgreSQL at $TRAILHOUND_TEST_PG (default postgres://postgres@127.0.0.1:5432/postgres).
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { simulate } from '../src/sim/index.ts';

const { values } = parseArgs({
  options: {
    weeks: { type: 'string', default: '2' },
    scale: { type: 'string', default: '0.3' },
    seed: { type: 'string', default: '2' },
    org: { type: 'string', default: 'default' },
    'file-minutes': { type: 'string', default: '60' },
    partitions: { type: 'string', default: '64' },
    workers: { type: 'string', default: '1,2' },
    repeat: { type: 'string', default: '1' },
    cli: { type: 'string' },
    /** Keeps each worker's job log (--verbose), lines stamped with ms since the workers' start. */
    log: { type: 'string' },
  },
});
const ADMIN = process.env.TRAILHOUND_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres';

interface Busy {
  ingest: number;
  partitions: number;
  load: number;
  read: number;
  score: number;
  write: number;
  finalize: number;
}

const ROOT = join(import.meta.dirname, '..');
/** `--cli` runs another build's CLI on the same organization (an earlier commit, for a before/after). */
const CLI = values.cli ?? join(ROOT, 'bin', 'trailhound.js');

/** The compiled CLI, as users run it (built first): tsx's start-up would be a fixed cost no worker count shares. */
function run(args: string[], logTo?: string): Promise<{ code: number | null; stderr: string }> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  let stamped = '';
  child.stderr.on('data', (c: Buffer) => {
    const text = c.toString('utf8');
    stderr += text;
    if (logTo) stamped += text.replace(/^(?=.)/gm, `${Math.round(performance.now() - t0)} `);
  });
  return new Promise((resolve) =>
    child.on('close', (code) => {
      if (logTo) writeFileSync(logTo, stamped);
      resolve({ code, stderr });
    }),
  );
}

async function admin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: ADMIN });
  await c.connect();
  await c.query(sql);
  await c.end();
}

/**
 * CPU seconds spent by the PostgreSQL backends serving one database, sampled from /proc (the
 * server must run on this machine): every backend of the database seen in pg_stat_activity
 * is read every `everyMs`; a backend's last reading counts once it is gone, so up to
 * `everyMs` of its last work can be missed.
 */
function backendCpu(database: string, everyMs = 100): { stop: () => Promise<number> } {
  const ticks = new Map<number, number>();
  const client = new pg.Client({ connectionString: ADMIN });
  let running = true;
  const read = (pid: number) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks.set(pid, Number(fields[11]) + Number(fields[12]));
    } catch {
      // Gone since it was listed: its last reading stands.
    }
  };
  const done = (async () => {
    await client.connect();
    while (running) {
      const { rows } = await client.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [
        database,
      ]);
      for (const r of rows) read(r.pid);
      for (const pid of ticks.keys()) read(pid);
      await new Promise((r) => setTimeout(r, everyMs));
    }
    await client.end();
  })();
  return {
    stop: async () => {
      running = false;
      await done;
      let sum = 0;
      for (const t of ticks.values()) sum += t;
      return sum / 100;
    },
  };
}

async function counts(url: string): Promise<{ events: number; alerts: number; journeys: number }> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const one = async (table: string) => Number((await c.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
    return { events: await one('events'), alerts: await one('alerts'), journeys: await one('journeys') };
  } finally {
    await c.end();
  }
}

function busyOf(stderr: string): Busy {
  const m =
    /busy ([\d.]+) s ingest, ([\d.]+) s partitions \(load ([\d.]+), read ([\d.]+), score ([\d.]+), write ([\d.]+)\), ([\d.]+) s finalize/.exec(
      stderr,
    );
  if (!m) throw new Error(`no summary from a worker:\n${stderr}`);
  const n = m.slice(1).map(Number) as [number, number, number, number, number, number, number];
  return { ingest: n[0], partitions: n[1], load: n[2], read: n[3], score: n[4], write: n[5], finalize: n[6] };
}

if (!values.cli) execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
const dir = mkdtempSync(join(tmpdir(), 'th-bench-workers-'));
try {
  const t0 = performance.now();
  simulate({
    out: dir,
    weeks: Number(values.weeks),
    scale: Number(values.scale),
    seed: Number(values.seed),
    learningWeeks: 1,
    org: values.org as 'default' | 'company',
    attacks: 'all',
    fileMinutes: Number(values['file-minutes']),
  });
  console.log(
    `simulated ${values.weeks} weeks of the ${values.org} organization (scale ${values.scale}, seed ${values.seed}) in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  interface Result {
    round: number;
    workers: number;
    seconds: number;
    stored: { events: number; alerts: number; journeys: number };
  }
  const results: Result[] = [];
  const workerCounts = (values.workers as string).split(',').map(Number);
  for (let round = 1; round <= Number(values.repeat); round++)
    for (const n of workerCounts) {
      const name = `trailhound_bench_workers_${process.pid}_${n}`;
      const url = ADMIN.replace(/\/[^/]*$/, `/${name}`);
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin(`CREATE DATABASE ${name}`);
      try {
        const enq = await run([
          'enqueue',
          join(dir, 'AWSLogs'),
          '--db',
          url,
          '--partitions',
          values.partitions as string,
        ]);
        if (enq.code !== 0) throw new Error(enq.stderr);
        const load = loadavg()[0] ?? 0;
        const sampler = backendCpu(name);
        const started = performance.now();
        const logDir = values.log;
        if (logDir) mkdirSync(logDir, { recursive: true });
        const runs = await Promise.all(
          Array.from({ length: n }, (_, i) =>
            logDir
              ? run(
                  ['worker', '--db', url, '--until-idle', '--verbose'],
                  join(logDir, `round-${round}-workers-${n}-${i + 1}.log`),
                )
              : run(['worker', '--db', url, '--until-idle']),
          ),
        );
        const seconds = (performance.now() - started) / 1000;
        const pgCpu = await sampler.stop();
        for (const r of runs) if (r.code !== 0) throw new Error(r.stderr);
        const workerCpu = runs.reduce((s, r) => s + Number(/CPU ([\d.]+) s/.exec(r.stderr)?.[1] ?? Number.NaN), 0);
        const stored = await counts(url);
        const events = runs.reduce((s, r) => s + Number(/(\d+) new events;/.exec(r.stderr)?.[1] ?? 0), 0);
        const busy = runs.map((r) => busyOf(r.stderr));
        const sum = (k: keyof Busy) => busy.reduce((s, b) => s + b[k], 0);
        const jobsTotal = sum('ingest') + sum('partitions') + sum('finalize');
        results.push({ round, workers: n, seconds, stored });
        console.log(
          `${n} worker(s): ${events} events in ${seconds.toFixed(1)} s = ${Math.round(events / seconds)} events/s (load average ${load.toFixed(1)} before, ${(loadavg()[0] ?? 0).toFixed(1)} after)`,
        );
        console.log(
          `  stored ${stored.events} events, ${stored.journeys} journeys, ${stored.alerts} alerts; CPU: workers ${workerCpu.toFixed(1)} s, PostgreSQL backends ${pgCpu.toFixed(1)} s (${((workerCpu + pgCpu) / seconds).toFixed(2)} cores busy on average, ${Math.round(stored.events / (workerCpu + pgCpu))} events per CPU second)`,
        );
        console.log(
          `  worker time ${(n * seconds).toFixed(1)} s: ingest jobs ${sum('ingest').toFixed(1)} s, partition jobs ${sum('partitions').toFixed(1)} s (load ${sum('load').toFixed(1)}, read ${sum('read').toFixed(1)}, score ${sum('score').toFixed(1)}, write ${sum('write').toFixed(1)}), finalize ${sum('finalize').toFixed(1)} s, queue and idle ${(n * seconds - jobsTotal).toFixed(1)} s`,
        );
      } finally {
        await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      }
    }
  const median = (xs: number[]) => {
    const sorted = [...xs].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  };
  const baseline = results.find((r) => r.workers === 1);
  for (const n of workerCounts) {
    if (n === 1 || !baseline) continue;
    // Paired within a round (1 then n, back to back), so a machine whose speed drifts between
    // rounds moves both sides of each ratio.
    const ratios: number[] = [];
    for (const r of results.filter((x) => x.workers === n)) {
      const one = results.find((x) => x.workers === 1 && x.round === r.round);
      if (one) ratios.push(one.seconds / r.seconds);
    }
    console.log(
      `speed-up with ${n} workers: median ${median(ratios).toFixed(2)}x (rounds: ${ratios.map((x) => x.toFixed(2)).join(', ')})`,
    );
  }
  for (const r of results) {
    if (!baseline) break;
    const same = (['events', 'journeys', 'alerts'] as const).every((k) => r.stored[k] === baseline.stored[k]);
    if (!same) {
      console.error(
        `different results with ${r.workers} workers (round ${r.round}) than with 1: the speed-up compares different work`,
      );
      process.exitCode = 1;
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
