/**
 * `trailhound eval`: simulate (or take a labelled directory), ingest, detect, score; prints
 * the comparison of Trailhound with the rules and rarity baselines. Thin shell over `evaluate()`.
 */
import type { Command } from 'commander';
import { DEFAULT_ALERTS_PER_WEEK } from '../../domain/defaults.ts';
import { UsageError } from '../../errors.ts';
import { type DetectorChoice, evaluate, type InjectModes } from '../../eval/index.ts';
import { renderEvalJson, renderEvalTable } from '../../eval/report.ts';
import { ORGS, type OrgKind } from '../../sim/index.ts';
import { type CliIo, println } from '../io.ts';
import { parseFormat, parsePositiveNumber } from '../shared.ts';

interface EvalFlags {
  org?: string;
  weeks?: string;
  seeds?: string;
  data?: string;
  format?: string;
  detector?: string;
  scale?: string;
  attacks?: string;
  alertsPerWeek?: string;
  inject?: string[];
  injectRate?: string;
  injectMode?: string;
  keep?: boolean;
}

export function register(program: Command, io: CliIo): void {
  program
    .command('eval')
    .description(
      'Measure detection on simulated organizations: recall per attack scenario, false alerts per week, precision, against rules and rarity baselines',
    )
    .option('--weeks <n>', 'weeks per simulated organization (half learning, half test)', '6')
    .option('--seeds <list>', 'seeds, comma-separated', '1,2,3')
    .option('--data <dir>', 'evaluate a directory written by `trailhound simulate` instead')
    .option('--format <fmt>', 'table or json', 'table')
    .option('--detector <name>', 'trailhound, rules, rarity or all', 'all')
    .option('--scale <k>', 'organization scale', '1')
    .option('--org <kind>', 'simulated organization: default (23 people) or company (~100 people, 10 roles)', 'default')
    .option('--attacks <which>', 'rate (about one a week), all, none, or scenario ids', 'rate')
    .option('--alerts-per-week <n>', "Trailhound's weekly alert budget", String(DEFAULT_ALERTS_PER_WEEK))
    .option(
      '--inject <paths...>',
      'also inject real attacks (files or folders: Stratus Red Team detonation logs, Panther rule tests and scenarios) into each test period',
    )
    .option('--inject-rate <n>', 'injected attacks per test week and seed, or all', '2')
    .option('--inject-mode <mode>', 'attacker identity: both, stolen (an existing identity) or new-identity', 'both')
    .option('--keep', 'keep the simulated folders and stores (paths in --format json)')
    .action(async (flags: EvalFlags) => {
      const format = parseFormat(flags.format, ['table', 'json'] as const, 'table');
      const detector = parseFormat(
        flags.detector,
        ['trailhound', 'rules', 'rarity', 'all'] as const,
        'all',
      ) as DetectorChoice;
      const seeds = (flags.seeds ?? '1,2,3').split(',').map((s) => {
        const n = Number(s.trim());
        if (!Number.isInteger(n) || n < 0)
          throw new UsageError(`--seeds ${flags.seeds}: each seed must be a non-negative integer.`);
        return n;
      });
      const injectModes = (flags.injectMode ?? 'both') as InjectModes;
      if (!['both', 'stolen', 'new-identity'].includes(injectModes))
        throw new UsageError(`--inject-mode ${flags.injectMode} is not one of both, stolen, new-identity.`);
      const injectPerWeek =
        flags.injectRate === 'all' ? 'all' : (parsePositiveNumber('inject-rate', flags.injectRate) ?? 2);
      const result = await evaluate({
        weeks: parsePositiveNumber('weeks', flags.weeks) ?? 6,
        seeds,
        ...(flags.data ? { data: flags.data } : {}),
        detector,
        scale: parsePositiveNumber('scale', flags.scale) ?? 1,
        org: parseOrg(flags.org),
        attacks: flags.attacks ?? 'rate',
        alertsPerWeek: parsePositiveNumber('alerts-per-week', flags.alertsPerWeek) ?? DEFAULT_ALERTS_PER_WEEK,
        ...(flags.inject?.length ? { inject: flags.inject, injectPerWeek, injectModes } : {}),
        keep: flags.keep === true,
        onProgress: (line) => println(io.stderr, line),
      });
      println(io.stdout, format === 'json' ? renderEvalJson(result) : renderEvalTable(result));
    });
}

function parseOrg(value: string | undefined): OrgKind {
  if (value === undefined) return 'default';
  if (!(ORGS as readonly string[]).includes(value))
    throw new UsageError(`--org ${value} is not one of ${ORGS.join(', ')}.`);
  return value as OrgKind;
}
