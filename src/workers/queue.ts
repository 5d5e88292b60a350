/**
 * The job queue: pg-boss over the store's PostgreSQL (its own `pgboss` schema). Why pg-boss:
 * a job's lease (`expireInSeconds`) is set per queue, so the job of a worker killed mid-way is
 * retried by another once the lease ends; graphile-worker 0.17 unlocks such a job only after a
 * fixed 4 hours, and both libraries' newest majors need Node 22.
 */
import { createHash } from 'node:crypto';
import PgBoss from 'pg-boss';
import { UsageError } from '../errors.ts';
import { ASYNC_COMMIT, isPostgresUrl } from '../store/index.ts';

export const QUEUES = {
  ingest: 'trailhound-ingest',
  plan: 'trailhound-detect-plan',
  partition: 'trailhound-detect-partition',
  finalize: 'trailhound-detect-finalize',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export const DEFAULT_PARTITIONS = 64;

/** Detection settings a plan fixes for the store (the first plan's win). */
export interface DetectSettings {
  partitions: number;
  learningDays: number;
  alertsPerWeek: number;
  gapMinutes: number;
  organizationAccounts?: string[];
}

/**
 * The ingest job's payload. A job's data is jsonb, which refuses the escape of NUL (`\u0000`):
 * when a path holds NUL (an S3 key may), the paths travel as JSON text in `pathsJson` (a string,
 * whose escapes jsonb keeps as text) and `paths` is empty.
 */
export interface IngestJob {
  paths: string[];
  pathsJson?: string;
}

export function ingestJobData(paths: readonly string[]): IngestJob {
  return paths.some((p) => p.includes('\0')) ? { paths: [], pathsJson: JSON.stringify(paths) } : { paths: [...paths] };
}

export function ingestJobPaths(job: IngestJob): string[] {
  return job.pathsJson === undefined ? job.paths : (JSON.parse(job.pathsJson) as string[]);
}

/** The detection plan's payload. */
export interface PlanJob {
  settings: DetectSettings;
}

/** Default lease: a job not completed this long after it started is given to another worker. */
export const DEFAULT_LEASE_SECONDS = 600;
/** Attempts after the first before a job is left failed (a crash costs one). */
const RETRY_LIMIT = 5;

export interface QueueOptions {
  leaseSeconds?: number | undefined;
  /** The queue's sessions do not wait for their commits to reach the disk (see `StoreOptions.asyncCommit`). */
  asyncCommit?: boolean;
}

/** Refuses anything but a PostgreSQL store: workers on several machines need one server. */
export function assertWorkerStore(location: string): void {
  if (!isPostgresUrl(location))
    throw new UsageError(
      `Workers need a PostgreSQL store (--db postgres://...); ${location} is a SQLite file, which one process reads: use \`trailhound run\` there.`,
    );
}

export async function openQueue(url: string, options: QueueOptions = {}): Promise<PgBoss> {
  const lease = options.leaseSeconds ?? DEFAULT_LEASE_SECONDS;
  const boss = new PgBoss({
    connectionString: url,
    max: 3,
    application_name: 'trailhound-worker',
    // Expired leases are also swept by the worker's own loop when it finds nothing to do.
    maintenanceIntervalSeconds: Math.max(1, Math.min(60, Math.floor(lease / 2))),
    schedule: false,
    ...(options.asyncCommit ? { options: ASYNC_COMMIT } : {}),
  });
  boss.on('error', () => {
    // A failed maintenance pass is retried on the next interval; jobs are unaffected.
  });
  await boss.start();
  for (const name of Object.values(QUEUES)) {
    const settings = { name, retryLimit: RETRY_LIMIT, retryDelay: 0, expireInSeconds: lease };
    if (!(await boss.getQueue(name))) {
      try {
        await boss.createQueue(name, settings);
        continue;
      } catch (error) {
        // Another worker starting at the same moment created it first.
        if (!(await boss.getQueue(name))) throw error;
      }
    }
    await boss.updateQueue(name, settings);
  }
  return boss;
}

/** A job id derived from a key: inserting the same job twice leaves one (pg-boss ignores a known id). */
export function jobId(key: string): string {
  const h = createHash('md5').update(key).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Jobs not finished (created, retrying or active) in the given queues. */
export async function pendingJobs(boss: PgBoss, names: readonly QueueName[] = Object.values(QUEUES)): Promise<number> {
  let n = 0;
  for (const name of names) n += (await boss.getQueueSize(name, { before: 'completed' })) ?? 0;
  return n;
}

/** pg-boss's `db` option over a statement runner (the caller's transaction): a job inserted commits with it. */
export function queueDb(run: (text: string, values: unknown[]) => Promise<{ rows: unknown[] }>): PgBoss.Db {
  return { executeSql: (text, values) => run(text, values) as Promise<{ rows: never[] }> };
}
