/**
 * `trailhound outputs`: the formats and transports there are, the dead-letter queue, and
 * `outputs retry` to send its alerts again.
 */
import type { Command } from 'commander';
import { FORMATS, TRANSPORTS } from '../../alerts/outputs/index.ts';
import { DEFAULT_RETRY } from '../../alerts/outputs/notify.ts';
import { deadLetters, retryDeadLetters } from '../../app/outputs.ts';
import { escapeForTerminal } from '../../util/terminal.ts';
import { type CliIo, println } from '../io.ts';
import { addDbOption, parseFormat, renderTable, withStore } from '../shared.ts';
import { addOutputOptions, type OutputFlags, outputsFromFlagsOrConfig, parseRetries } from './notify.ts';

export function register(program: Command, io: CliIo): void {
  const outputs = program.command('outputs').description('Output formats and transports, and the dead-letter queue');
  addDbOption(
    outputs
      .command('list')
      .description('List formats, transports, and alerts waiting in the dead-letter queue')
      .option('--format <format>', 'table or json', 'table'),
  ).action(async (opts: { db?: string; format?: string }) => {
    const format = parseFormat(opts.format, ['table', 'json'] as const, 'table');
    const dead = await withStore(opts.db, deadLetters);
    if (format === 'json') {
      println(
        io.stdout,
        JSON.stringify({ formats: [...FORMATS.keys()], transports: [...TRANSPORTS.keys()], dead }, null, 2),
      );
      return;
    }
    println(
      io.stdout,
      renderTable(
        ['transport', 'formats', 'what'],
        [...TRANSPORTS.values()].map((t) => [t.name, t.formats.join(', '), t.description]),
        80,
      ),
    );
    println(io.stdout);
    if (dead.length === 0) {
      println(io.stdout, 'dead-letter queue: empty');
      return;
    }
    println(io.stdout, `dead-letter queue: ${dead.length} alert(s)`);
    println(
      io.stdout,
      renderTable(
        ['destination', 'alert', 'attempts', 'last error'],
        dead.map((d) => [d.output, d.alertId, d.attempts, d.lastError]),
        100,
      ),
    );
  });
  addDbOption(
    addOutputOptions(
      outputs
        .command('retry')
        .description('Send dead-lettered alerts again: of the output the flags name, else of every configured output'),
    )
      .option(
        '--retries <n>',
        `attempts per alert before it goes back to the dead-letter queue (default ${DEFAULT_RETRY.attempts})`,
      )
      .option('--config <file>', 'without output flags: every output in this configuration'),
  ).action(async (opts: OutputFlags & { db?: string; retries?: string; config?: string }) => {
    const outputs = outputsFromFlagsOrConfig(opts, io);
    const retry = parseRetries(opts.retries);
    await withStore(opts.db, async (store) => {
      for (const { output, requeued, result } of await retryDeadLetters(store, outputs, retry)) {
        for (const a of result.sent)
          println(io.stdout, `sent ${escapeForTerminal(a.id)}  ${a.severity}  ${escapeForTerminal(a.actorName)}`);
        println(
          io.stdout,
          `${output.name}: ${requeued} dead-lettered alert(s) requeued; sent ${result.sent.length} alert(s).`,
        );
      }
    });
  });
}
