/**
 * `worker`: takes jobs from the queue and runs them, `concurrency` at a time: ingest jobs
 * through the same `ingest` as the CLI, detection jobs (src/workers/detect-jobs.ts). Any
 * number of workers on any number of machines share one PostgreSQL; a job whose worker died
 * is given to another when its lease ends. With `untilIdle`, returns once no job is left in
 * any state but done or failed (a job held by a dead worker's lease is waited for).
 */
import type PgBoss from 'pg-boss';
import { ingest } from '../ingest/index.ts';
import type { Store } from '../store/index.ts';
import { listenForJobs } from '../store/workers.ts';
import {
  type FinalizeJob,
  type PartitionJob,
  type PartitionTimings,
  runFinalize,
  runPartition,
  runPlan,
  SnapshotCache,
} from './detect-jobs.ts';
import { type IngestJob, ingestJobPaths, type PlanJob, pendingJobs, QUEUES, type QueueName } from './queue.ts';

export interface WorkerOptions {
  concurrency?: number;
  untilIdle?: boolean;
  /** Ends the loops after their current job (SIGTERM, SIGINT). */
  signal?: AbortSignal;
  /** Sweeps for expired leases this often while idle. */
  leaseSeconds?: number | undefined;
  /** One line per job done or failed. */
  log?: (line: string) => void;
  /** Longest idle wait between polls, ms. */
  pollMs?: number;
}

export interface WorkerSummary {
  jobs: Record<'ingest' | 'plan' | 'partition' | 'finalize', number>;
  /** Job attempts that threw (retried by pg-boss up to its retry limit). */
  failed: number;
  events: number;
  /** Milliseconds spent in each kind of job (queue calls excluded), and inside partition jobs. */
  busyMs: Record<'ingest' | 'plan' | 'partition' | 'finalize', number>;
  partition: PartitionTimings;
  elapsedMs: number;
  /** CPU time of this process (all threads) while the loops ran, ms. */
  cpuMs: number;
}

/**
 * Partition jobs taken per fetch: a small org's partition-day is ~50 ms of work and the queue's
 * fetch and complete ~25 ms more; several per fetch share that. A worker killed with them held
 * leaves them to the lease like a single one.
 */
const PARTITION_BATCH = 4;
/** First idle wait, ms (doubled while idle, up to `pollMs`). */
const FIRST_POLL_MS = 20;

/** Most urgent first: finishing a day unblocks the next one; a plan waits for ingest anyway. */
const ORDER: ReadonlyArray<[QueueName, keyof WorkerSummary['jobs']]> = [
  [QUEUES.finalize, 'finalize'],
  [QUEUES.partition, 'partition'],
  [QUEUES.ingest, 'ingest'],
  [QUEUES.plan, 'plan'],
];

export async function runWorker(store: Store, boss: PgBoss, options: WorkerOptions = {}): Promise<WorkerSummary> {
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  const summary: WorkerSummary = {
    jobs: { ingest: 0, plan: 0, partition: 0, finalize: 0 },
    failed: 0,
    events: 0,
    busyMs: { ingest: 0, plan: 0, partition: 0, finalize: 0 },
    partition: { load: 0, read: 0, score: 0, write: 0 },
    elapsedMs: 0,
    cpuMs: 0,
  };
  const log = options.log ?? (() => {});
  const pollMs = options.pollMs ?? 500;
  const sweepMs = Math.max(1000, ((options.leaseSeconds ?? 600) * 1000) / 4);
  let lastSweep = 0;
  let idle = false;
  const snapshots = new SnapshotCache();

  const handle = async (kind: keyof WorkerSummary['jobs'], job: PgBoss.Job<unknown>) => {
    const t0 = performance.now();
    let what: string;
    switch (kind) {
      case 'ingest': {
        const s = await ingest(store, ingestJobPaths(job.data as IngestJob), { dropOrphanBlobs: false });
        summary.events += s.inserted;
        what = `${s.filesRead} file(s), ${s.inserted} new events, ${s.duplicates} duplicates, ${s.quarantined} quarantined`;
        break;
      }
      case 'plan':
        what = await runPlan(store, boss, job.data as PlanJob);
        break;
      case 'partition': {
        const d = job.data as PartitionJob;
        what = `${new Date(d.day).toISOString().slice(0, 10)} #${d.partition}: ${await runPartition(store, boss, d, Date.now, summary.partition, snapshots)}`;
        break;
      }
      case 'finalize': {
        const d = job.data as FinalizeJob;
        what = `${new Date(d.day).toISOString().slice(0, 10)}: ${await runFinalize(store, boss, d, Date.now, snapshots)}`;
        break;
      }
    }
    const ms = performance.now() - t0;
    summary.jobs[kind]++;
    summary.busyMs[kind] += ms;
    log(`${kind} ${job.id} ${Math.round(ms)} ms: ${what}`);
  };

  // Idle loops sleep until their wait ends or jobs are announced (the next day's partitions).
  const sleepers = new Set<() => void>();
  const wakeAll = () => {
    for (const wake of sleepers) wake();
    sleepers.clear();
  };
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        sleepers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      sleepers.add(done);
    });
  const unlisten = store.dialect === 'postgres' ? await listenForJobs(store.location, wakeAll) : null;

  const loop = async () => {
    // Idle waits start short and double up to pollMs: at a day's end the other workers wait for
    // one finalize job (milliseconds), and a fixed 500 ms wait there cost a second worker ~40%
    // of its time in bench:workers.
    let wait = FIRST_POLL_MS;
    while (!options.signal?.aborted && !idle) {
      let ran = false;
      for (const [queue, kind] of ORDER) {
        const jobs = await boss.fetch<unknown>(queue, { batchSize: kind === 'partition' ? PARTITION_BATCH : 1 });
        if (jobs.length === 0) continue;
        ran = true;
        const done: string[] = [];
        for (const job of jobs) {
          try {
            await handle(kind, job);
            done.push(job.id);
          } catch (error) {
            summary.failed++;
            const message = error instanceof Error ? error.message : String(error);
            log(`${kind} ${job.id} failed: ${message}`);
            await boss.fail(queue, job.id, { message });
          }
        }
        // One round trip for the batch; a crash before it leaves the jobs to the lease, and a
        // partition job run again finds its day done.
        if (done.length > 0) await boss.complete(queue, done);
        break;
      }
      if (ran) {
        wait = FIRST_POLL_MS;
        continue;
      }
      if (Date.now() - lastSweep >= sweepMs) {
        lastSweep = Date.now();
        // Leases of dead workers' jobs end here too, not only in pg-boss's maintenance interval.
        await boss.expire();
      }
      if (options.untilIdle && (await pendingJobs(boss)) === 0) {
        idle = true;
        break;
      }
      await sleep(wait);
      wait = Math.min(pollMs, wait * 2);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 1) }, loop));
  } finally {
    await unlisten?.();
  }
  summary.elapsedMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuStart);
  summary.cpuMs = (cpu.user + cpu.system) / 1000;
  return summary;
}
