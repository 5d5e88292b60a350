/**
 * The `trailhound` command: a thin shell over the programmatic API. Each command lives
 * in `commands/<name>.ts`, parses its options and calls one exported function.
 */
import { Command, CommanderError } from 'commander';
import { exitCodeFor, TrailhoundError } from '../errors.ts';
import { registerCommands } from './commands/index.ts';
import { type CliIo, println, processIo } from './io.ts';

export const VERSION = '0.1.0';

export function buildProgram(io: CliIo): Command {
  const program = new Command('trailhound')
    .description('Reads CloudTrail, learns how every identity works, and raises a few alerts a week.')
    .version(VERSION)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    });
  registerCommands(program, io);
  return program;
}

/** Runs the CLI with `argv` (as `process.argv`) and returns the exit status. */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
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
