/**
 * The command registry: one file per command (or per small family of commands), each
 * exporting `register(program, io)`. Add a command by adding a file and a line here.
 */
import type { Command } from 'commander';
import type { CliIo } from '../io.ts';
import { register as alertsCommand } from './alerts.ts';
import { register as configCommand } from './config.ts';
import { register as demoCommand } from './demo.ts';
import { register as describeCommand } from './describe.ts';
import { register as detectCommand } from './detect.ts';
import { register as evalCommand } from './eval.ts';
import { register as eventsCommand } from './events.ts';
import { register as exportCommand } from './export.ts';
import { register as ingestCommand } from './ingest.ts';
import { register as notifyCommand } from './notify.ts';
import { register as outputsCommand } from './outputs.ts';
import { register as pruneCommand } from './prune.ts';
import { register as serveCommand } from './serve.ts';
import { register as simulateCommand } from './simulate.ts';
import { register as statsCommand } from './stats.ts';
import { register as watchCommand } from './watch.ts';

type Register = (program: Command, io: CliIo) => void;

// ingest/stats/events: foundation; describe: catalog; simulate/eval: simulator; detect (also run)/alerts (also alert, feedback): detector; demo: npm start.
const commands: Register[] = [
  ingestCommand,
  statsCommand,
  eventsCommand,
  describeCommand,
  simulateCommand,
  evalCommand,
  detectCommand,
  alertsCommand,
  demoCommand,
  serveCommand,
  notifyCommand,
  outputsCommand,
  exportCommand,
  configCommand,
  watchCommand,
  pruneCommand,
];

export function registerCommands(program: Command, io: CliIo): void {
  for (const register of commands) register(program, io);
}
