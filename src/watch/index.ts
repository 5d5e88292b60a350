/**
 * `trailhound watch`: follows folders and S3 prefixes, and every interval ingests what is new,
 * runs detect, and delivers new alerts to every configured output, exactly once each. With a
 * queue (workers configured), it lists what is new into ingest jobs and a detection plan for
 * `trailhound worker` instead, and delivers the alerts the workers wrote. A cycle
 * that fails (S3 unreachable, a store error) is logged and retried with back-off; nothing is
 * checkpointed until ingest has stored it, so a crash or restart repeats at most the listing.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import type PgBoss from 'pg-boss';
import { type AlertOutput, notify } from '../alerts/outputs/index.ts';
import { listAlerts } from '../app/alerts.ts';
import { type DetectOptions, detect } from '../app/detect.ts';
import { enqueueSources } from '../app/workers/enqueue.ts';
import { type IngestSummary, ingest } from '../ingest/index.ts';
import type { Logger } from '../ops/log.ts';
import type { TrailhoundMetrics } from '../ops/metrics.ts';
import { DEFAULT_LIMITS, openSource, type Source, type SourceFile } from '../sources/index.ts';
import { createS3Client, s3ObjectsSource } from '../sources/s3.ts';
import type { Store } from '../store/index.ts';
import { OutputDeliveriesRepository } from '../store/output-deliveries.ts';
import { WatchCheckpointsRepository } from '../store/watch-checkpoints.ts';
import { type DetectSettings, type PlanJob, QUEUES } from '../workers/queue.ts';
import { S3Follower, type S3FollowerOptions } from './s3-follower.ts';

export { S3Follower, startAfterFor } from './s3-follower.ts';

export interface WatchOptions {
  store: Store;
  sources: readonly string[];
  outputs: readonly AlertOutput[];
  log: Logger;
  metrics?: TrailhoundMetrics | undefined;
  detect?: DetectOptions;
  intervalMs?: number;
  /** Longest wait between failed cycles. */
  maxBackoffMs?: number;
  s3Client?: S3Client;
  s3?: S3FollowerOptions;
  now?: () => number;
  /** After each cycle, e.g. retention. */
  afterCycle?: () => Promise<void>;
  /** Workers configured: new files become ingest jobs and detection a plan, for `trailhound worker`. */
  queue?: { boss: PgBoss; settings: DetectSettings };
}

export interface CycleSummary {
  files: number;
  events: number;
  quarantined: number;
  journeysScored: number;
  alertsRaised: number;
  alertsSent: number;
  outputFailures: number;
  /** With a queue: files and jobs queued for workers (nothing is ingested or detected here then). */
  filesQueued: number;
  ingestJobs: number;
}

export class Watcher {
  readonly owner = randomUUID();
  /** Ends of successful cycles (epoch ms), for /healthz. */
  lastSuccess: number | null = null;
  consecutiveFailures = 0;
  /** Modification time (epoch ms) of the newest file seen in any source: the lag metric's reference. */
  newestDelivered: number | null = null;
  private readonly followers = new Map<string, S3Follower>();
  private readonly options: WatchOptions;
  private readonly checkpoints: WatchCheckpointsRepository;
  private readonly deliveries: OutputDeliveriesRepository;
  private s3Client: S3Client | undefined;

  constructor(options: WatchOptions) {
    this.options = options;
    this.checkpoints = new WatchCheckpointsRepository(options.store);
    this.deliveries = new OutputDeliveriesRepository(options.store);
    this.s3Client = options.s3Client;
  }

  get intervalMs(): number {
    return this.options.intervalMs ?? 60_000;
  }

  /** One pass: ingest what is new, detect, deliver. Throws when a source cannot be read. */
  async cycle(): Promise<CycleSummary> {
    const { store, log, metrics } = this.options;
    const now = this.options.now ?? Date.now;
    const summary: CycleSummary = {
      files: 0,
      events: 0,
      quarantined: 0,
      journeysScored: 0,
      alertsRaised: 0,
      alertsSent: 0,
      outputFailures: 0,
      filesQueued: 0,
      ingestJobs: 0,
    };
    const add = (s: IngestSummary) => {
      summary.files += s.filesRead;
      summary.events += s.inserted;
      summary.quarantined += s.quarantined;
    };
    if (this.options.queue) await this.enqueueNew(summary);
    else {
      for (const source of this.options.sources) {
        if (source.startsWith('s3://')) {
          const follower = await this.follower(source);
          const fresh = await follower.listNew();
          if (fresh.length === 0) continue;
          // Read by key with the follower's client: listing each object again cost a call per file.
          const objects = s3ObjectsSource(follower.bucket, fresh, { client: follower.client, limits: DEFAULT_LIMITS });
          add(await ingest(store, [], { sources: [this.observed(objects)] }));
          await follower.commit(fresh);
        } else {
          add(await ingest(store, [], { sources: [this.observed(openSource(source))] }));
        }
      }
    }
    if (this.newestDelivered !== null) metrics?.lag.set(Math.max(0, (now() - this.newestDelivered) / 1000));
    metrics?.filesRead.inc(summary.files);
    metrics?.eventsIngested.inc(summary.events);
    metrics?.quarantined.inc(summary.quarantined);

    if (!this.options.queue) {
      const detected = await detect(store, this.options.detect ?? {});
      summary.journeysScored = detected.journeysScored;
      summary.alertsRaised = detected.alertsRaised;
      metrics?.journeysScored.inc(detected.journeysScored);
      metrics?.alerts.inc(detected.alertsRaised);
    }

    if (this.options.outputs.length > 0) {
      const alerts = await listAlerts(store);
      for (const output of this.options.outputs) {
        try {
          const result = await notify({
            output,
            alerts,
            log: this.deliveries,
            owner: this.owner,
            onFailure: (alert, attempt, error, dead) => {
              summary.outputFailures += 1;
              metrics?.outputFailures.inc({ output: output.name });
              log.warn({ output: output.name, alert: alert.id, attempt, dead, err: error.message }, 'delivery failed');
            },
          });
          summary.alertsSent += result.sent.length;
          metrics?.alertsSent.inc({ output: output.name }, result.sent.length);
        } catch (error) {
          // The alert is dead-lettered; other outputs still get theirs.
          log.error({ output: output.name, err: (error as Error).message }, 'output stopped for this cycle');
        }
      }
    }
    await this.options.afterCycle?.();
    return summary;
  }

  /** Runs cycles until `signal` aborts; the cycle in progress always finishes first. */
  async run(signal: AbortSignal): Promise<void> {
    const { log, metrics } = this.options;
    const now = this.options.now ?? Date.now;
    log.info(
      { sources: this.options.sources, intervalMs: this.intervalMs, outputs: this.options.outputs.map((o) => o.name) },
      'watch started',
    );
    while (!signal.aborted) {
      const started = now();
      let wait = this.intervalMs;
      try {
        const s = await this.cycle();
        this.lastSuccess = now();
        this.consecutiveFailures = 0;
        metrics?.cycles.inc({ result: 'ok' });
        metrics?.lastCycle.set(this.lastSuccess / 1000);
        log.info({ ...s, ms: now() - started }, 'cycle');
      } catch (error) {
        this.consecutiveFailures += 1;
        metrics?.cycles.inc({ result: 'error' });
        wait = Math.min(this.options.maxBackoffMs ?? 600_000, this.intervalMs * 2 ** this.consecutiveFailures);
        log.error(
          { err: (error as Error).message, failures: this.consecutiveFailures, retryInMs: wait },
          'cycle failed; retrying with back-off',
        );
      }
      await sleep(Math.max(0, wait - (now() - started)), undefined, { signal }).catch(() => undefined);
    }
    log.info('watch stopped');
  }

  /**
   * New files into ingest jobs, then one detection plan if any were queued. An S3 key is
   * checkpointed once its job is inserted; a folder is listed whole each cycle and the queue's
   * key log (fingerprints) keeps a file from being queued twice.
   */
  private async enqueueNew(summary: CycleSummary): Promise<void> {
    const { store } = this.options;
    const { boss, settings } = this.options.queue as NonNullable<WatchOptions['queue']>;
    for (const source of this.options.sources) {
      let opened: Source;
      let commit: (() => Promise<void>) | undefined;
      if (source.startsWith('s3://')) {
        const follower = await this.follower(source);
        const fresh = await follower.listNew();
        if (fresh.length === 0) continue;
        opened = s3ObjectsSource(follower.bucket, fresh, { client: follower.client, limits: DEFAULT_LIMITS });
        commit = () => follower.commit(fresh);
      } else opened = openSource(source);
      const queued = await enqueueSources(store, boss, [this.observed(opened)], { detect: false, settings });
      summary.filesQueued += queued.filesQueued;
      summary.ingestJobs += queued.ingestJobs;
      await commit?.();
    }
    if (summary.filesQueued > 0) {
      const plan: PlanJob = { settings };
      await boss.send(QUEUES.plan, plan);
    }
  }

  /** The source, noting the newest file it lists (a folder lists its finished files too, so a restart knows it at once). */
  private observed(source: Source): Source {
    const note = (file: SourceFile) => {
      if (file.modifiedMs !== undefined && file.modifiedMs > (this.newestDelivered ?? 0))
        this.newestDelivered = file.modifiedMs;
    };
    return {
      description: source.description,
      async *files() {
        for await (const file of source.files()) {
          note(file);
          yield file;
        }
      },
    };
  }

  private async follower(source: string): Promise<S3Follower> {
    let f = this.followers.get(source);
    if (f === undefined) {
      this.s3Client ??= await createS3Client(process.env);
      f = new S3Follower(source, this.s3Client, this.checkpoints, this.options.s3);
      this.followers.set(source, f);
    }
    return f;
  }
}
