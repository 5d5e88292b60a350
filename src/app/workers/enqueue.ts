/**
 * `enqueue`: lists files and S3 keys into ingest jobs, then one detection plan that waits for
 * them. Small files go in batches (a real trail delivers a ~7-event file per account and region
 * every 5 minutes: one job each would cost more in the queue than in parsing); a large file
 * is a job of its own. A key already enqueued with the same fingerprint is not queued again.
 */

import type PgBoss from 'pg-boss';
import { DEFAULT_ALERTS_PER_WEEK, DEFAULT_GAP_MINUTES, DEFAULT_LEARNING_DAYS } from '../../domain/defaults.ts';
import { UsageError } from '../../errors.ts';
import { openSource, type Source } from '../../sources/index.ts';
import type { Store } from '../../store/index.ts';
import { WorkerDetectRepository, WorkerKeysRepository } from '../../store/workers.ts';
import {
  DEFAULT_PARTITIONS,
  type DetectSettings,
  type IngestJob,
  ingestJobData,
  jobId,
  type PlanJob,
  QUEUES,
} from '../../workers/queue.ts';

/**
 * Files up to this size share a job, up to BATCH_FILES of them or BATCH_BYTES in all. A job is
 * the unit workers share the load by, so it is kept to about a second of one worker's ingest:
 * with 16 MiB, one of bench:workers' 11 jobs held a third of the organization's events and the
 * other worker idled through it.
 */
const SMALL_FILE = 1 << 20;
const BATCH_FILES = 200;
const BATCH_BYTES = 1 << 20;

export { DEFAULT_PARTITIONS } from '../../workers/queue.ts';

/**
 * Settings for plans a long-running producer (`watch --enqueue`) sends: the partitions the
 * store's first plan fixed (the default for a new store), the rest as given or the defaults.
 */
export async function queueSettings(
  store: Store,
  detect: {
    learningDays?: number | undefined;
    alertsPerWeek?: number | undefined;
    gapMinutes?: number | undefined;
    organizationAccounts?: readonly string[] | undefined;
  },
): Promise<DetectSettings> {
  const existing = await new WorkerDetectRepository(store).config();
  return {
    partitions: existing?.partitions ?? DEFAULT_PARTITIONS,
    learningDays: detect.learningDays ?? DEFAULT_LEARNING_DAYS,
    alertsPerWeek: detect.alertsPerWeek ?? DEFAULT_ALERTS_PER_WEEK,
    gapMinutes: detect.gapMinutes ?? DEFAULT_GAP_MINUTES,
    ...(detect.organizationAccounts?.length ? { organizationAccounts: [...detect.organizationAccounts] } : {}),
  };
}

export interface EnqueueOptions {
  /** Enqueue a detection plan after the ingest jobs (default true). */
  detect?: boolean;
  settings: DetectSettings;
  now?: number;
}

export interface EnqueueSummary {
  filesListed: number;
  filesQueued: number;
  /** Listed files enqueued before with the same fingerprint: not queued again. */
  filesKnown: number;
  /** Digest and non-JSON files, never read. */
  filesSkipped: number;
  ingestJobs: number;
  detectPlanned: boolean;
}

export async function enqueue(
  store: Store,
  boss: PgBoss,
  sources: readonly string[],
  options: EnqueueOptions,
): Promise<EnqueueSummary> {
  if (sources.includes('-'))
    throw new UsageError(
      'enqueue lists files and S3 keys for workers to read; stdin (-) cannot be shared: use `trailhound ingest -`.',
    );
  return enqueueSources(
    store,
    boss,
    sources.map((spec) => openSource(spec)),
    options,
  );
}

/**
 * The listed files of opened sources into ingest jobs (`watch` passes the S3 keys its follower
 * found new). A job carries file ids (paths, `s3://bucket/key`) a worker opens again.
 */
export async function enqueueSources(
  store: Store,
  boss: PgBoss,
  sources: readonly Source[],
  options: EnqueueOptions,
): Promise<EnqueueSummary> {
  const now = options.now ?? Date.now();
  const existing = await new WorkerDetectRepository(store).config();
  if (existing && existing.partitions !== options.settings.partitions)
    throw new UsageError(
      `--partitions ${options.settings.partitions} differs from the ${existing.partitions} partitions this store's detection state is kept in; drop the option or use a new database.`,
    );
  const summary: EnqueueSummary = {
    filesListed: 0,
    filesQueued: 0,
    filesKnown: 0,
    filesSkipped: 0,
    ingestJobs: 0,
    detectPlanned: false,
  };
  const keys = new WorkerKeysRepository(store);
  let listed: Array<{ key: string; fingerprint: string; size: number }> = [];
  let batch: { paths: string[]; bytes: number; fingerprints: string[] } = { paths: [], bytes: 0, fingerprints: [] };
  const jobs: PgBoss.JobInsert<IngestJob>[] = [];
  const closeBatch = () => {
    if (batch.paths.length === 0) return;
    jobs.push(ingestJob(batch.paths, batch.fingerprints, batch.bytes));
    batch = { paths: [], bytes: 0, fingerprints: [] };
  };
  const drain = async () => {
    const fresh = await keys.claim(listed, now);
    for (const f of listed) {
      if (!fresh.has(f.key)) {
        summary.filesKnown++;
        continue;
      }
      summary.filesQueued++;
      if (f.size > SMALL_FILE) {
        jobs.push(ingestJob([f.key], [f.fingerprint], f.size));
        continue;
      }
      batch.paths.push(f.key);
      batch.fingerprints.push(f.fingerprint);
      batch.bytes += f.size;
      if (batch.paths.length >= BATCH_FILES || batch.bytes >= BATCH_BYTES) closeBatch();
    }
    listed = [];
    if (jobs.length > 0) {
      await boss.insert(jobs);
      summary.ingestJobs += jobs.length;
      jobs.length = 0;
    }
  };
  for (const source of sources) {
    for await (const file of source.files()) {
      summary.filesListed++;
      if (file.skip) {
        summary.filesSkipped++;
        continue;
      }
      listed.push({ key: file.id, fingerprint: file.fingerprint, size: file.size });
      if (listed.length >= 1000) await drain();
    }
  }
  await drain();
  closeBatch();
  if (jobs.length > 0) {
    await boss.insert(jobs);
    summary.ingestJobs += jobs.length;
  }
  if (options.detect !== false) {
    const plan: PlanJob = { settings: options.settings };
    await boss.send(QUEUES.plan, plan);
    summary.detectPlanned = true;
  }
  return summary;
}

/**
 * An ingest job, ranked by its size in KiB: workers take the largest first, so the last jobs
 * of a load are small ones and no worker waits long for another's last before detection
 * starts (a job's time follows its size; the smallest took 0.2 s, the largest 1.7 s).
 */
function ingestJob(paths: string[], fingerprints: string[], bytes: number): PgBoss.JobInsert<IngestJob> {
  return {
    name: QUEUES.ingest,
    id: jobId(`ingest\u0000${paths.map((p, i) => `${p}\u0000${fingerprints[i]}`).join('\u0000')}`),
    data: ingestJobData(paths),
    priority: Math.round(bytes / 1024),
  };
}
