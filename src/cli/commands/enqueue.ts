/** `trailhound enqueue`: files and S3 keys into ingest jobs for workers, then a detection plan. */
import type { Command } from 'commander';
import { DEFAULT_PARTITIONS, enqueue } from '../../app/workers/enqueue.ts';
import { DEFAULT_ALERTS_PER_WEEK, DEFAULT_GAP_MINUTES, DEFAULT_LEARNING_DAYS } from '../../domain/defaults.ts';
import { UsageError } from '../../errors.ts';
import { resolveDbLocation } from '../../store/index.ts';
import { assertWorkerStore, openQueue } from '../../workers/queue.ts';
import { type CliIo, println } from '../io.ts';
import {
  addDbOption,
  addOrganizationAccountsOption,
  parseAccountIds,
  parsePositiveNumber,
  withStore,
} from '../shared.ts';

export function register(program: Command, io: CliIo): void {
  addOrganizationAccountsOption(
    addDbOption(
      program
        .command('enqueue')
        .description(
          'List files, folders or s3:// prefixes into ingest jobs for `trailhound worker` (PostgreSQL), then plan detection',
        )
        .argument('<sources...>', 'files, folders or s3:// URLs')
        .option('--no-detect', 'enqueue ingest jobs only')
        .option(
          '--partitions <n>',
          `identity partitions detection is spread over (default ${DEFAULT_PARTITIONS}; fixed by the first plan)`,
        )
        .option(
          '--learning-days <n>',
          `days from the first event during which nothing alerts (default ${DEFAULT_LEARNING_DAYS})`,
        )
        .option(
          '--alerts-per-week <n>',
          `target ordinary alerts per week, organization-wide (default ${DEFAULT_ALERTS_PER_WEEK})`,
        )
        .option('--gap-minutes <n>', `inactivity that ends a journey (default ${DEFAULT_GAP_MINUTES})`)
        .option(
          '--lease-seconds <n>',
          'a job not finished this long after it started goes to another worker (default 600)',
        ),
    ),
    false,
  ).action(
    async (
      sources: string[],
      opts: {
        db?: string;
        detect: boolean;
        partitions?: string;
        learningDays?: string;
        alertsPerWeek?: string;
        gapMinutes?: string;
        organizationAccounts?: string;
        leaseSeconds?: string;
      },
    ) => {
      const location = resolveDbLocation(opts.db, io.env);
      assertWorkerStore(location);
      const partitions = parsePositiveNumber('partitions', opts.partitions) ?? DEFAULT_PARTITIONS;
      if (!Number.isInteger(partitions) || partitions < 1 || partitions > 4096)
        throw new UsageError(`--partitions ${opts.partitions} is not a whole number from 1 to 4096.`);
      const organizationAccounts = parseAccountIds('organization-accounts', opts.organizationAccounts);
      const settings = {
        partitions,
        learningDays: parsePositiveNumber('learning-days', opts.learningDays) ?? DEFAULT_LEARNING_DAYS,
        alertsPerWeek: parsePositiveNumber('alerts-per-week', opts.alertsPerWeek) ?? DEFAULT_ALERTS_PER_WEEK,
        gapMinutes: parsePositiveNumber('gap-minutes', opts.gapMinutes) ?? DEFAULT_GAP_MINUTES,
        ...(organizationAccounts ? { organizationAccounts } : {}),
      };
      const leaseSeconds = parsePositiveNumber('lease-seconds', opts.leaseSeconds);
      const summary = await withStore(
        location,
        async (store) => {
          const boss = await openQueue(location, { leaseSeconds });
          try {
            return await enqueue(store, boss, sources, { detect: opts.detect, settings });
          } finally {
            await boss.stop({ graceful: false, wait: true });
          }
        },
        { create: true },
      );
      println(
        io.stderr,
        `enqueue: ${summary.filesListed} file(s) listed, ${summary.filesQueued} queued in ${summary.ingestJobs} ingest job(s), ${summary.filesKnown} already enqueued, ${summary.filesSkipped} skipped (digest or not JSON)${summary.detectPlanned ? '; detection planned after them' : ''}`,
      );
    },
  );
}
