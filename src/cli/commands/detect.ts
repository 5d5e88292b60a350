/** `trailhound detect` and `trailhound run` (ingest, then detect). */
import { type Command, Option } from 'commander';
import { type DetectOptions, type DetectSummary, detect } from '../../app/detect.ts';
import { dbOf, loadConfig, type TrailhoundConfig } from '../../config/index.ts';
import { historyLine } from '../../detect/index.ts';
import { DEFAULT_ALERTS_PER_WEEK, DEFAULT_GAP_MINUTES, DEFAULT_LEARNING_DAYS } from '../../domain/defaults.ts';
import { UsageError } from '../../errors.ts';
import { type CliIo, println } from '../io.ts';
import {
  addDbOption,
  addOrganizationAccountsOption,
  parseAccountIds,
  parsePositiveNumber,
  withStore,
} from '../shared.ts';
import { addConfigOption } from './config.ts';
import { formatIngestSummary, runIngest } from './ingest.ts';

interface DetectFlags {
  db?: string;
  config?: string;
  learningDays?: string;
  alertsPerWeek?: string;
  gapMinutes?: string;
  organizationAccounts?: string;
  flush?: boolean;
}

function addDetectOptions(command: Command): Command {
  return addOrganizationAccountsOption(addConfigOption(addDbOption(command)), true)
    .option(
      '--learning-days <n>',
      `days from the first event during which nothing alerts (default: detect.learningDays, else ${DEFAULT_LEARNING_DAYS})`,
    )
    .option(
      '--alerts-per-week <n>',
      `target number of alerts per week (default: detect.alertsPerWeek, else ${DEFAULT_ALERTS_PER_WEEK})`,
    )
    .option(
      '--gap-minutes <n>',
      `inactivity that ends a journey (default: detect.gapMinutes, else ${DEFAULT_GAP_MINUTES})`,
    )
    .addOption(
      new Option('--flush', 'close every open journey now (not needed: an ended trail is scored whole)').hideHelp(),
    );
}

/**
 * The wall clock, or `TRAILHOUND_NOW` (ISO-8601) to score a trail as of another time: tests,
 * and replaying an incident as it looked then.
 */
export function clockFrom(env: NodeJS.ProcessEnv): () => number {
  const fixed = env.TRAILHOUND_NOW;
  if (fixed === undefined || fixed === '') return Date.now;
  const t = Date.parse(fixed);
  if (!Number.isFinite(t)) throw new UsageError(`TRAILHOUND_NOW=${fixed} is not an ISO-8601 time.`);
  return () => t;
}

/** Flags override `detect:` in trailhound.yaml; what neither sets is detect's default. */
export function detectOptions(
  flags: DetectFlags,
  env: NodeJS.ProcessEnv = {},
  config: TrailhoundConfig['detect'] = {},
): DetectOptions {
  return {
    now: clockFrom(env),
    learningDays: parsePositiveNumber('learning-days', flags.learningDays) ?? config.learningDays,
    alertsPerWeek: parsePositiveNumber('alerts-per-week', flags.alertsPerWeek) ?? config.alertsPerWeek,
    gapMinutes: parsePositiveNumber('gap-minutes', flags.gapMinutes) ?? config.gapMinutes,
    organizationAccounts:
      parseAccountIds('organization-accounts', flags.organizationAccounts) ?? config.organizationAccounts,
    flush: flags.flush === true,
  };
}

export function formatDetectSummary(s: DetectSummary): string {
  const rate = Math.round(s.eventsScanned / Math.max(s.elapsedMs / 1000, 0.001));
  const open = s.history.trailEnded
    ? 'the trail has ended: every journey scored'
    : `${s.openJourneys} still open for the next run`;
  const replay =
    s.replayedFrom === null
      ? ''
      : ` (replayed from ${s.replayedFrom === 'start' ? 'the first event' : s.replayedFrom}: ${s.journeysReplayed} journey(s) rescored)`;
  const withdrawn =
    s.alertsWithdrawn > 0 ? `, ${s.alertsWithdrawn} withdrawn (no longer raised after late events)` : '';
  return [
    `detect: ${s.journeysScored} journey(s) scored from ${s.eventsScanned} events${replay} (${rate} events/s); ${open}`,
    `        ${s.alertsRaised} new alert(s), ${s.alertsUpdated} alert(s) grew${withdrawn}`,
    historyLine(s.history),
  ].join('\n');
}

export function register(program: Command, io: CliIo): void {
  addDetectOptions(
    program
      .command('detect')
      .description('Score every journey not yet scored, in time order, and raise alerts (idempotent)'),
  ).action(async (flags: DetectFlags) => {
    const { config } = loadConfig(flags.config, io.env);
    const options = detectOptions(flags, io.env, config.detect);
    const summary = await withStore(dbOf(config, flags.db, io.env), (store) => detect(store, options));
    println(io.stdout, formatDetectSummary(summary));
  });
  addDetectOptions(
    program
      .command('run')
      .description('Ingest CloudTrail from PATHs, then detect')
      .argument('<paths...>', 'files, folders, - or s3:// URLs'),
  ).action(async (paths: string[], flags: DetectFlags) => {
    const { config } = loadConfig(flags.config, io.env);
    const options = detectOptions(flags, io.env, config.detect);
    await withStore(
      dbOf(config, flags.db, io.env),
      async (store) => {
        const ingested = await runIngest(store, paths, io);
        println(io.stderr, formatIngestSummary(ingested));
        const summary = await detect(store, options);
        println(io.stdout, formatDetectSummary(summary));
      },
      { create: true },
    );
  });
}
