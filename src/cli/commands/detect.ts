/** `trailhound detect` and `trailhound run` (ingest, then detect). */
import type { Command } from 'commander';
import { type DetectOptions, type DetectSummary, detect } from '../../detect/index.ts';
import { type CliIo, println } from '../io.ts';
import { addDbOption, parsePositiveNumber, withStore } from '../shared.ts';
import { formatIngestSummary, runIngest } from './ingest.ts';

interface DetectFlags {
  db?: string;
  learningDays?: string;
  alertsPerWeek?: string;
  gapMinutes?: string;
  flush?: boolean;
}

function addDetectOptions(command: Command): Command {
  return addDbOption(command)
    .option('--learning-days <n>', 'days from the first event during which nothing alerts (default 14)')
    .option('--alerts-per-week <n>', 'target number of alerts per week (default 3)')
    .option('--gap-minutes <n>', 'inactivity that ends a journey (default 30)')
    .option('--flush', 'close every open journey now (end of data): later events start new journeys');
}

export function detectOptions(flags: DetectFlags): DetectOptions {
  return {
    learningDays: parsePositiveNumber('learning-days', flags.learningDays),
    alertsPerWeek: parsePositiveNumber('alerts-per-week', flags.alertsPerWeek),
    gapMinutes: parsePositiveNumber('gap-minutes', flags.gapMinutes),
    flush: flags.flush === true,
  };
}

export function formatDetectSummary(s: DetectSummary): string {
  const rate = Math.round(s.eventsScanned / Math.max(s.elapsedMs / 1000, 0.001));
  return [
    `detect: ${s.journeysScored} journey(s) scored from ${s.eventsScanned} events (${rate} events/s); ${s.openJourneys} still open for the next run`,
    `        ${s.alertsRaised} new alert(s), ${s.alertsUpdated} alert(s) grew${s.learningUntil ? `; learning until ${s.learningUntil}` : ''}`,
  ].join('\n');
}

export function register(program: Command, io: CliIo): void {
  addDetectOptions(
    program
      .command('detect')
      .description('Score every journey not yet scored, in time order, and raise alerts (idempotent)'),
  ).action(async (flags: DetectFlags) => {
    const summary = await withStore(flags.db, (store) => detect(store, detectOptions(flags)));
    println(io.stdout, formatDetectSummary(summary));
  });
  addDetectOptions(
    program
      .command('run')
      .description('Ingest CloudTrail from PATHs, then detect')
      .argument('<paths...>', 'files, folders, - or s3:// URLs'),
  ).action(async (paths: string[], flags: DetectFlags) => {
    await withStore(
      flags.db,
      async (store) => {
        const ingested = await runIngest(store, paths, io);
        println(io.stderr, formatIngestSummary(ingested));
        const summary = await detect(store, detectOptions(flags));
        println(io.stdout, formatDetectSummary(summary));
      },
      { create: true },
    );
  });
}
