/** `trailhound watch`: follow folders and S3 prefixes; ingest, detect and deliver every interval. */
import type { Command } from 'commander';
import type PgBoss from 'pg-boss';
import { type AlertOutput, createDestination, OUTPUT_NAMES } from '../../alerts/outputs/index.ts';
import { queueSettings } from '../../app/workers/enqueue.ts';
import { dbOf, destinationOf, durationMs, loadConfig } from '../../config/index.ts';
import { DEFAULT_LEARNING_DAYS } from '../../domain/defaults.ts';
import { UsageError } from '../../errors.ts';
import { createLogger, type LogLevel } from '../../ops/log.ts';
import { TrailhoundMetrics } from '../../ops/metrics.ts';
import { operationsRoutes, serveOperations } from '../../ops/routes.ts';
import { storeHealth } from '../../ops/store-health.ts';
import { openStore, resolveDbLocation } from '../../store/index.ts';
import { Watcher } from '../../watch/index.ts';
import { assertWorkerStore, type DetectSettings, openQueue } from '../../workers/queue.ts';
import type { CliIo } from '../io.ts';
import { addDbOption, addOrganizationAccountsOption, parseAccountIds, parsePositiveNumber } from '../shared.ts';
import { addConfigOption } from './config.ts';
import { addOutputOptions, type OutputFlags, outputFromFlags } from './notify.ts';

interface WatchFlags extends OutputFlags {
  db?: string;
  config?: string;
  interval?: string;
  once?: boolean;
  metricsPort?: string;
  metricsHost: string;
  logLevel?: string;
  learningDays?: string;
  organizationAccounts?: string;
  retainDays?: string;
  enqueue?: boolean;
}

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;

export function register(program: Command, io: CliIo): void {
  addOrganizationAccountsOption(
    addConfigOption(
      addDbOption(
        addOutputOptions(
          program
            .command('watch')
            .description(
              'Follow folders and s3:// prefixes: ingest new files, detect, deliver alerts; runs until SIGINT/SIGTERM',
            )
            .argument('[sources...]', 'folders or s3://bucket/prefix (default: sources in the configuration)'),
        ),
      ),
    ),
    true,
  )
    .option('--interval <duration>', 'time between cycles, e.g. 60s, 5m (default: watch.interval, else 60s)')
    .option('--once', 'run one cycle and exit')
    .option('--metrics-port <n>', 'serve /metrics and /healthz on this port')
    .option('--metrics-host <addr>', 'address for /metrics and /healthz', '127.0.0.1')
    .option('--log-level <level>', `${LEVELS.join(', ')} (default: log.level, else info)`)
    .option(
      '--learning-days <n>',
      `days from the first event during which nothing alerts (default: detect.learningDays, else ${DEFAULT_LEARNING_DAYS})`,
    )
    .option('--retain-days <n>', 'after each cycle, delete raw events older than N days (see `trailhound prune`)')
    .option(
      '--enqueue',
      'queue new files as ingest jobs and plan detection for `trailhound worker` instead of ingesting here (PostgreSQL; default: watch.enqueue)',
    )
    .action(async (args: string[], opts: WatchFlags) => {
      const { config } = loadConfig(opts.config, io.env);
      const sources = args.length > 0 ? args : config.sources;
      if (sources.length === 0)
        throw new UsageError(
          'Give at least one folder or s3:// prefix to watch, or list them under sources: in trailhound.yaml.',
        );
      const intervalMs = durationMs(opts.interval ?? config.watch.interval, '--interval');
      if (intervalMs < 1000) throw new UsageError('--interval must be at least 1s.');
      const level = (opts.logLevel ?? config.log.level) as LogLevel;
      if (!LEVELS.includes(level)) throw new UsageError(`--log-level ${level} is not one of ${LEVELS.join(', ')}.`);
      const outputs: AlertOutput[] = config.outputs.map((o) => createDestination(destinationOf(o, io.env)));
      if (OUTPUT_NAMES.some((n) => opts[n] !== undefined)) outputs.push(outputFromFlags(opts, io));
      const retainDays = parsePositiveNumber('retain-days', opts.retainDays) ?? config.retention.days;
      const learningDays = parsePositiveNumber('learning-days', opts.learningDays) ?? config.detect.learningDays;
      const organizationAccounts = parseAccountIds('organization-accounts', opts.organizationAccounts);
      const log = createLogger(level);
      for (const o of outputs) for (const w of o.warnings) log.warn({ output: o.name }, w);

      const location = resolveDbLocation(dbOf(config, opts.db, io.env), io.env);
      const enqueue = opts.enqueue === true || config.watch.enqueue;
      if (enqueue) assertWorkerStore(location);
      const store = await openStore({ db: location });
      const detectSettings = {
        ...config.detect,
        ...(learningDays !== undefined ? { learningDays } : {}),
        ...(organizationAccounts !== undefined ? { organizationAccounts } : {}),
      };
      let queue: { boss: PgBoss; settings: DetectSettings } | undefined;
      if (enqueue) {
        try {
          queue = { boss: await openQueue(location), settings: await queueSettings(store, detectSettings) };
        } catch (error) {
          await store.close();
          throw error;
        }
        log.info(
          { partitions: queue.settings.partitions },
          'workers configured: new files are queued for `trailhound worker`',
        );
      }
      const metrics = new TrailhoundMetrics();
      const watcher: Watcher = new Watcher({
        store,
        sources,
        outputs,
        log,
        metrics,
        intervalMs,
        detect: detectSettings,
        ...(queue ? { queue } : {}),
        ...(retainDays !== undefined
          ? {
              afterCycle: async () => {
                const { pruneEvents } = await import('../../app/prune.ts');
                const pruned = await pruneEvents(store, { retainDays });
                if (pruned.events > 0) log.info(pruned, 'retention: pruned raw events');
              },
            }
          : {}),
      });
      const port = parsePositiveNumber('metrics-port', opts.metricsPort);
      const ops =
        port === undefined
          ? null
          : await serveOperations(
              operationsRoutes(metrics, async () => {
                const fresh =
                  watcher.lastSuccess !== null && Date.now() - watcher.lastSuccess < 3 * intervalMs + 60_000;
                const db = await storeHealth(store);
                return {
                  ok: fresh && db.ok,
                  detail: {
                    lastCycle: watcher.lastSuccess === null ? null : new Date(watcher.lastSuccess).toISOString(),
                    consecutiveFailures: watcher.consecutiveFailures,
                    ...db.detail,
                  },
                };
              }),
              opts.metricsHost,
              port,
            );
      if (ops) log.info({ url: ops.url }, 'metrics and health');
      const stop = new AbortController();
      const onSignal = (signal: string) => {
        log.info({ signal }, 'stopping after the current cycle');
        stop.abort();
      };
      const onInt = () => onSignal('SIGINT');
      const onTerm = () => onSignal('SIGTERM');
      process.on('SIGINT', onInt);
      process.on('SIGTERM', onTerm);
      try {
        if (opts.once) {
          const s = await watcher.cycle();
          log.info(s, 'cycle');
        } else await watcher.run(stop.signal);
      } finally {
        process.off('SIGINT', onInt);
        process.off('SIGTERM', onTerm);
        await ops?.close();
        await queue?.boss.stop({ graceful: false, wait: true });
        await store.close();
        log.flush();
      }
    });
}
