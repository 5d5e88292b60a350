import type { Command } from 'commander';
import { listEvents } from '../../app/events.ts';
import { describeEvent } from '../../catalog/index.ts';
import type { Event } from '../../normalize/event.ts';
import { jsonText } from '../../util/json.ts';
import { type CliIo, println } from '../io.ts';
import { addDbOption, parseFormat, parsePositiveNumber, parseTimeOption, renderTable, withStore } from '../shared.ts';

export function register(program: Command, io: CliIo): void {
  addDbOption(
    program
      .command('events')
      .description('List stored events in time order, each with its sentence')
      .option('--actor <key>', 'only this actor key (see `trailhound stats`)')
      .option('--since <iso>', 'from this time (inclusive)')
      .option('--until <iso>', 'until this time (exclusive)')
      .option('--limit <n>', 'at most this many events')
      .option('--format <format>', 'table, json or jsonl', 'table'),
  ).action(
    async (opts: { db?: string; actor?: string; since?: string; until?: string; limit?: string; format?: string }) => {
      const format = parseFormat(opts.format, ['table', 'json', 'jsonl'] as const, 'table');
      const query = {
        actor: opts.actor,
        since: parseTimeOption('since', opts.since),
        until: parseTimeOption('until', opts.until),
        limit: parsePositiveNumber('limit', opts.limit),
      };
      await withStore(opts.db, async (store) => {
        if (format === 'table') {
          const rows: string[][] = [];
          for await (const e of listEvents(store, query))
            rows.push([
              e.eventTime,
              e.actor.name,
              e.success ? 'ok' : (e.errorCode ?? 'failed'),
              describeEvent(e).sentence,
            ]);
          println(io.stdout, renderTable(['time', 'actor', 'outcome', 'sentence'], rows, 160));
          return;
        }
        const out: unknown[] = [];
        for await (const e of listEvents(store, query)) {
          const item = toJson(e);
          if (format === 'jsonl') println(io.stdout, jsonText(item));
          else out.push(item);
        }
        if (format === 'json') println(io.stdout, jsonText(out, 2));
      });
    },
  );
}

function toJson(e: Event) {
  const d = describeEvent(e);
  return {
    ...e,
    sentence: d.sentence,
    riskClasses: d.riskClasses,
    techniques: d.techniques,
    facts: d.facts,
    risk: d.risk,
  };
}
