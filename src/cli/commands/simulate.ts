/**
 * `trailhound simulate`: writes a simulated organization's CloudTrail (S3 layout) plus
 * labels.json, benign.json and meta.json. A thin shell over `simulate()` in src/sim.
 */
import type { Command } from 'commander';
import { UsageError } from '../../errors.ts';
import { ORGS, type OrgKind, SCENARIOS, simulate } from '../../sim/index.ts';
import { type CliIo, println } from '../io.ts';
import { parsePositiveNumber } from '../shared.ts';

interface SimulateFlags {
  out: string;
  weeks?: string;
  seed?: string;
  scale?: string;
  attacks?: string;
  start?: string;
  learningWeeks?: string;
  fileMinutes?: string;
  listAttacks?: boolean;
  org?: string;
}

export function register(program: Command, io: CliIo): void {
  program
    .command('simulate')
    .description(
      "Write a realistic simulated AWS organization's CloudTrail (S3 layout) with labelled attacks, for evaluation and demos",
    )
    .option('--out <dir>', 'output folder (AWSLogs/..., labels.json, benign.json, meta.json)', 'sim-out')
    .option('--weeks <n>', 'weeks to simulate', '6')
    .option('--seed <n>', 'seed: same seed, byte-identical output', '1')
    .option('--scale <k>', 'multiplies the number of people and workload volume', '1')
    .option(
      '--org <kind>',
      'default (23 people) or company (~100 people in 10 roles, labelled benign events and attack styles)',
      'default',
    )
    .option(
      '--attacks <which>',
      'rate (about one a week after learning), all, none, or scenario ids separated by commas',
      'rate',
    )
    .option('--start <iso>', 'first day (UTC)', '2026-01-05')
    .option('--learning-weeks <n>', 'weeks before attacks may start (default: half)')
    .option('--file-minutes <n>', 'minutes per delivery file (AWS: 5)', '5')
    .option('--list-attacks', 'print the attack library and exit')
    .action((flags: SimulateFlags) => {
      if (flags.listAttacks) {
        for (const s of SCENARIOS)
          println(
            io.stdout,
            `${s.id.padEnd(30)} ${s.category.padEnd(22)} ${s.techniques.join(',').padEnd(22)} ${s.title}`,
          );
        return;
      }
      const weeks = parsePositiveNumber('weeks', flags.weeks) ?? 6;
      const seed = parsePositiveNumber('seed', flags.seed) ?? 1;
      if (!Number.isInteger(seed)) throw new UsageError(`--seed ${flags.seed} must be an integer.`);
      const start = flags.start ?? '2026-01-05';
      const startIso = /^\d{4}-\d{2}-\d{2}$/.test(start) ? `${start}T00:00:00Z` : start;
      if (!Number.isFinite(Date.parse(startIso))) throw new UsageError(`--start ${start} is not a date.`);
      const learningWeeks = parsePositiveNumber('learning-weeks', flags.learningWeeks);
      let result: ReturnType<typeof simulate>;
      try {
        result = simulate({
          out: flags.out,
          weeks,
          seed,
          scale: parsePositiveNumber('scale', flags.scale) ?? 1,
          attacks: flags.attacks ?? 'rate',
          start: startIso,
          ...(learningWeeks !== undefined ? { learningWeeks } : {}),
          fileMinutes: parsePositiveNumber('file-minutes', flags.fileMinutes) ?? 5,
          org: parseOrg(flags.org),
        });
      } catch (e) {
        if (e instanceof Error && /unknown attack scenario|bad start/.test(e.message)) throw new UsageError(e.message);
        throw e;
      }
      const { meta, labels } = result;
      println(
        io.stderr,
        `simulate: ${meta.counts.events} events in ${meta.counts.files} files, ${meta.counts.identities} identities (${meta.counts.people} people), ${meta.counts.days} days from ${meta.start.slice(0, 10)}; learning until ${meta.learningEnd.slice(0, 10)}; ${labels.length} attack(s); ${(result.elapsedMs / 1000).toFixed(1)} s`,
      );
      for (const l of labels)
        println(
          io.stdout,
          `${l.start}  ${l.attackId.padEnd(36)} ${l.category.padEnd(22)} ${l.mode.padEnd(8)} ${l.eventIds.length} events`,
        );
      println(
        io.stderr,
        `wrote ${flags.out}/AWSLogs, ${flags.out}/labels.json, ${flags.out}/meta.json; ingest with: trailhound ingest ${flags.out}/AWSLogs`,
      );
    });
}

function parseOrg(value: string | undefined): OrgKind {
  if (value === undefined) return 'default';
  if (!(ORGS as readonly string[]).includes(value))
    throw new UsageError(`--org ${value} is not one of ${ORGS.join(', ')}.`);
  return value as OrgKind;
}
