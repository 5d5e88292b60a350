/** `trailhound prune`: delete raw events older than N days; keep journeys, models, alerts and the events alerts cite. */
import type { Command } from 'commander';
import { pruneEvents } from '../../app/prune.ts';
import { storeSize } from '../../app/stats.ts';
import { dbOf, loadConfig } from '../../config/index.ts';
import { UsageError } from '../../errors.ts';
import { type CliIo, println } from '../io.ts';
import { addDbOption, parsePositiveNumber, withStore } from '../shared.ts';
import { addConfigOption } from './config.ts';

export function register(program: Command, io: CliIo): void {
  addConfigOption(
    addDbOption(
      program
        .command('prune')
        .description('Delete raw events older than N days (journeys, models, alerts and the events alerts cite stay)')
        .option('--retain-days <n>', 'keep this many days of raw events (default: retention.days in the configuration)')
        .option('--dry-run', 'count what would be deleted; delete nothing'),
    ),
  ).action(async (opts: { db?: string; config?: string; retainDays?: string; dryRun?: boolean }) => {
    const { config } = loadConfig(opts.config, io.env);
    const retainDays = parsePositiveNumber('retain-days', opts.retainDays) ?? config.retention.days;
    if (retainDays === undefined || retainDays <= 0)
      throw new UsageError('Give --retain-days N (N > 0), or retention.days in trailhound.yaml.');
    const { result, before, after } = await withStore(dbOf(config, opts.db, io.env), async (store) => {
      const before = await storeSize(store);
      const result = await pruneEvents(store, { retainDays, dryRun: opts.dryRun === true });
      return { result, before, after: await storeSize(store) };
    });
    const verb = opts.dryRun ? 'would delete' : 'deleted';
    println(
      io.stdout,
      `prune: ${verb} ${result.events} event(s) before ${result.before} and ${result.blobs} stored file(s); kept ${result.keptForAlerts} older event(s) that alerts cite; store ${mb(before)} -> ${mb(after)} MB`,
    );
  });
}

const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
