import type { Command } from 'commander';
import { statsOf } from '../../app/stats.ts';
import { jsonText } from '../../util/json.ts';
import { type CliIo, println } from '../io.ts';
import { addDbOption, parseFormat, renderTable, withStore } from '../shared.ts';

export function register(program: Command, io: CliIo): void {
  addDbOption(
    program
      .command('stats')
      .description('Totals of the store: events, actors, accounts, regions, time span, quarantined')
      .option('--format <format>', 'table or json', 'table'),
  ).action(async (opts: { db?: string; format?: string }) => {
    const format = parseFormat(opts.format, ['table', 'json'] as const, 'table');
    const stats = await withStore(opts.db, statsOf);
    if (format === 'json') {
      println(io.stdout, jsonText(stats, 2));
      return;
    }
    const rows: Array<[string, string | number | null]> = [
      ['events', stats.events],
      ['actors', stats.actors],
      ['accounts', stats.accounts],
      ['regions', stats.regions],
      ['from', stats.from],
      ['to', stats.to],
      ['files', stats.files],
      ['insights', stats.insights],
      ['quarantined', stats.quarantined],
      ['store size (MB)', (stats.sizeBytes / 1e6).toFixed(1)],
      ...Object.entries(stats.quarantineByCode).map(([code, n]): [string, number] => [`  ${code}`, n]),
    ];
    println(io.stdout, renderTable(['', 'value'], rows));
  });
}
