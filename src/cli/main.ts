/**
 * The `trailhound` command: a thin shell over the programmatic API. Each command lives
 * in `commands/<name>.ts`, parses its options and calls one exported function; the
 * registry in `commands/index.ts` imports only the module of the command that runs.
 */
import { Command, CommanderError } from 'commander';
import { exitCodeFor, TrailhoundError } from '../errors.ts';
import { registerCommands } from './commands/index.ts';
import { type CliIo, OutputClosedError, println, processIo, stopWhenReaderCloses } from './io.ts';

export const VERSION = '0.1.0';

/** Commander's errors that mean "the command line is wrong": exit 2, as for our UsageError. */
const USAGE_ERRORS = new Set([
  'commander.unknownCommand',
  'commander.unknownOption',
  'commander.missingArgument',
  'commander.optionMissingArgument',
  'commander.missingMandatoryOptionValue',
  'commander.invalidArgument',
  'commander.excessArguments',
  'commander.conflictingOption',
]);

/** Builds the program for `argv` (as `process.argv`): the requested command's module is imported, no other. */
export async function buildProgram(io: CliIo, argv: readonly string[] = []): Promise<Command> {
  const program = new Command('trailhound')
    .description('Reads CloudTrail, learns how every identity works, and raises a few alerts a week.')
    .version(VERSION)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    });
  await registerCommands(program, io, argv.slice(2));
  return program;
}

/** Exit status for a commander error: 0 for help and version, 2 for a wrong command line. */
export function commanderExitCode(error: CommanderError): number {
  if (USAGE_ERRORS.has(error.code)) return 2;
  // No command at all: commander prints the help on stderr as an error.
  if (error.code === 'commander.help' && error.exitCode !== 0) return 2;
  return error.exitCode;
}

/** Runs the CLI with `argv` (as `process.argv`) and returns the exit status. */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const guarded: CliIo = { ...io, stdout: stopWhenReaderCloses(io.stdout) };
  try {
    const program = await buildProgram(guarded, argv);
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof OutputClosedError) return 0;
    if (error instanceof CommanderError) return commanderExitCode(error);
    if (error instanceof TrailhoundError) {
      println(io.stderr, `trailhound: ${error.message}`);
      return exitCodeFor(error);
    }
    println(
      io.stderr,
      `trailhound: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    return 1;
  }
}
