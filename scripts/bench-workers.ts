/**
 * Workers' throughput: one simulated organization enqueued into a fresh PostgreSQL database
 * and run by N `trailhound worker --until-idle` processes, for each N asked (default 1 and 2);
 * events per second from the workers' start to the last one's exit (ingest and detection
 * together), and where the workers' time went (ingest jobs; partition jobs: load, read, score,
 * write; finalize; the queue: what is left of the wall time).
 *
 *   npx tsx scripts/bench-workers.ts [--weeks 2] [--scale 0.3] [--seed 2] [--file-minutes 60]
 *                                    [--partitions 64] [--workers 1,2]
 *
 * Needs PostgreSQL at $TRAILHOUND_TEST_PG (default postgres://postgres@127.0.0.1:5432/postgres).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { cliProcess } from '../src/cli/testing.ts';
import { simulate } from '../src/sim/index.ts';

const { values } = parseArgs({
  options: {
    weeks: { type: 'string', default: '2' },
    scale: { type: 'string', default: '0.3' },
    seed: { type: 'string', default: '2' },
    'file-minutes': { type: 'string', default: '60' },
    partitions: { type: 'string', default: '64' },
    workers: { type: 'string', default: '1,2' },
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

function run(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const [cmd, argv] = cliProcess(args);
  const child = spawn(cmd, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString('utf8');
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stderr })));
}

async function admin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: ADMIN });
  await c.connect();
  await c.query(sql);
  await c.end();
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

const dir = mkdtempSync(join(tmpdir(), 'th-bench-workers-'));
try {
  const t0 = performance.now();
  simulate({
    out: dir,
    weeks: Number(values.weeks),
    scale: Number(values.scale),
    seed: Number(values.seed),
    learningWeeks: 1,
    attacks: 'all',
    fileMinutes: Number(values['file-minutes']),
  });
  console.log(
    `simulated ${values.weeks} weeks (scale ${values.scale}, seed ${values.seed}) in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  const results: Array<{ workers: number; events: number; seconds: number }> = [];
  for (const n of (values.workers as string).split(',').map(Number)) {
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
      const started = performance.now();
      const runs = await Promise.all(Array.from({ length: n }, () => run(['worker', '--db', url, '--until-idle'])));
      const seconds = (performance.now() - started) / 1000;
      for (const r of runs) if (r.code !== 0) throw new Error(r.stderr);
      const events = runs.reduce((s, r) => s + Number(/(\d+) new events/.exec(r.stderr)?.[1] ?? 0), 0);
      const busy = runs.map((r) => busyOf(r.stderr));
      const sum = (k: keyof Busy) => busy.reduce((s, b) => s + b[k], 0);
      const jobsTotal = sum('ingest') + sum('partitions') + sum('finalize');
      results.push({ workers: n, events, seconds });
      console.log(
        `${n} worker(s): ${events} events in ${seconds.toFixed(1)} s = ${Math.round(events / seconds)} events/s (load average ${load.toFixed(1)} before)`,
      );
      console.log(
        `  worker time ${(n * seconds).toFixed(1)} s: ingest jobs ${sum('ingest').toFixed(1)} s, partition jobs ${sum('partitions').toFixed(1)} s (load ${sum('load').toFixed(1)}, read ${sum('read').toFixed(1)}, score ${sum('score').toFixed(1)}, write ${sum('write').toFixed(1)}), finalize ${sum('finalize').toFixed(1)} s, queue and idle ${(n * seconds - jobsTotal).toFixed(1)} s`,
      );
    } finally {
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    }
  }
  const one = results.find((r) => r.workers === 1);
  for (const r of results)
    if (one && r !== one) console.log(`speed-up with ${r.workers} workers: ${(one.seconds / r.seconds).toFixed(2)}x`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
