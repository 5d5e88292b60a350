/**
 * The command registry. Each command is declared here by name, arguments and one-line
 * summary, and its module (`commands/<name>.ts`, exporting `register(program, io)`) is
 * imported only when that command runs: `trailhound --help` loads none of them, so it
 * starts without the store, the catalog, the simulator or the server. Add a command by
 * adding its file and one line below; a module may register several commands (alerts.ts
 * registers alerts, alert and feedback), each named here.
 */
import type { Command } from 'commander';
import type { CliIo } from '../io.ts';

export type Register = (program: Command, io: CliIo) => void;

export interface CommandEntry {
  name: string;
  /** Arguments as commander spells them, shown in `trailhound --help`. */
  args?: string;
  /** The line in `trailhound --help`; the same as the command's own description (a test checks). */
  summary: string;
  load: () => Promise<{ register: Register }>;
}

// biome-ignore format: one command per line, so adding one is one line
export const COMMANDS: readonly CommandEntry[] = [
  { name: 'ingest', args: '<paths...>', summary: 'Read CloudTrail files, folders (S3 layout included), - for stdin, or s3://bucket/prefix into the store', load: () => import('./ingest.ts') },
  { name: 'stats', summary: 'Totals of the store: events, actors, accounts, regions, time span, quarantined', load: () => import('./stats.ts') },
  { name: 'events', summary: 'List stored events in time order, each with its sentence', load: () => import('./events.ts') },
  { name: 'describe', args: '<source>', summary: 'Print each CloudTrail record of a file, folder, - (stdin) or s3:// prefix as a plain sentence, in file order', load: () => import('./describe.ts') },
  { name: 'simulate', summary: "Write a realistic simulated AWS organization's CloudTrail (S3 layout) with labelled attacks, for evaluation and demos", load: () => import('./simulate.ts') },
  { name: 'eval', summary: 'Measure detection on simulated organizations: recall per attack scenario, false alerts per week, precision, against rules and rarity baselines', load: () => import('./eval.ts') },
  { name: 'detect', summary: 'Score every journey not yet scored, in time order, and raise alerts (idempotent)', load: () => import('./detect.ts') },
  { name: 'run', args: '<paths...>', summary: 'Ingest CloudTrail from PATHs, then detect', load: () => import('./detect.ts') },
  { name: 'alerts', summary: 'List alerts, newest first', load: () => import('./alerts.ts') },
  { name: 'alert', args: '<id>', summary: 'Show one alert as an analyst reads it', load: () => import('./alerts.ts') },
  { name: 'feedback', args: '<id> <verdict>', summary: 'Mark an alert benign (the model learns it) or malicious', load: () => import('./alerts.ts') },
  { name: 'demo', summary: 'Build the bundled demo organization, ingest it, detect, and show the alerts (what `npm start` runs)', load: () => import('./demo.ts') },
  { name: 'serve', summary: 'Serve the triage dashboard and JSON API (loopback only unless --host says otherwise)', load: () => import('./serve.ts') },
  { name: 'notify', summary: 'Send new alerts not yet sent to one output (or every configured one), exactly once; run it after `trailhound detect`', load: () => import('./notify.ts') },
  { name: 'outputs', summary: 'Output formats and transports, and the dead-letter queue', load: () => import('./outputs.ts') },
  { name: 'export', summary: 'Write alerts to stdout, one per line: OCSF Detection Findings, ASFF findings or Trailhound JSON', load: () => import('./export.ts') },
  { name: 'config', summary: 'The configuration file, trailhound.yaml', load: () => import('./config.ts') },
  { name: 'watch', args: '[sources...]', summary: 'Follow folders and s3:// prefixes: ingest new files, detect, deliver alerts; runs until SIGINT/SIGTERM', load: () => import('./watch.ts') },
  { name: 'enqueue', args: '<sources...>', summary: 'List files, folders or s3:// prefixes into ingest jobs for `trailhound worker` (PostgreSQL), then plan detection', load: () => import('./enqueue.ts') },
  { name: 'worker', summary: 'Run ingest and detection jobs from the queue in PostgreSQL; as many workers as you like, on any machines', load: () => import('./worker.ts') },
  { name: 'prune', summary: 'Delete raw events older than N days (journeys, models, alerts and the events alerts cite stay)', load: () => import('./prune.ts') },
];

/**
 * The command `args` (without node and script) asks for: the first argument, or the one
 * after `help`. The program itself takes no option with a value, so a command can only come
 * first; `--help events` is the program's help, as commander reads it.
 */
export function requestedCommand(
  args: readonly string[],
  registry: readonly CommandEntry[] = COMMANDS,
): CommandEntry | undefined {
  const name = args[0] === 'help' ? args[1] : args[0];
  return registry.find((c) => c.name === name);
}

/**
 * Registers what `args` needs: the requested command's module, or, when no known command
 * is named (`--help`, `--version`, a typo), every command as a summary only, for help and
 * for commander's "unknown command" suggestion.
 */
export async function registerCommands(
  program: Command,
  io: CliIo,
  args: readonly string[],
  registry: readonly CommandEntry[] = COMMANDS,
): Promise<void> {
  const wanted = requestedCommand(args, registry);
  if (wanted) {
    (await wanted.load()).register(program, io);
    return;
  }
  for (const c of registry) program.command(c.args ? `${c.name} ${c.args}` : c.name).description(c.summary);
}
