/** `trailhound alerts`, `trailhound alert ID` and `trailhound feedback ID benign|malicious`. */
import type { Command } from 'commander';
import { renderAlert } from '../../alerts/render.ts';
import { findAlert, listAlerts } from '../../app/alerts.ts';
import { readHistory } from '../../app/detect.ts';
import { feedback } from '../../app/feedback.ts';
import { historyLine } from '../../detect/index.ts';
import { UsageError } from '../../errors.ts';
import { jsonText } from '../../util/json.ts';
import { escapeForTerminal } from '../../util/terminal.ts';
import { type CliIo, println } from '../io.ts';
import { addDbOption, parseFormat, parseTimeOption, renderTable, withStore } from '../shared.ts';

export function register(program: Command, io: CliIo): void {
  addDbOption(
    program
      .command('alerts')
      .description('List alerts, newest first')
      .option('--format <format>', 'table, json or jsonl', 'table')
      .option('--since <iso>', 'only alerts that ended at or after this time'),
  ).action(async (opts: { db?: string; format?: string; since?: string }) => {
    const format = parseFormat(opts.format, ['table', 'json', 'jsonl'] as const, 'table');
    const since = parseTimeOption('since', opts.since);
    const [alerts, history] = await withStore(opts.db, async (store) => [
      await listAlerts(store, { since }),
      await readHistory(store),
    ]);
    if (format === 'json') println(io.stdout, jsonText(alerts, 2));
    else if (format === 'jsonl') for (const a of alerts) println(io.stdout, jsonText(a));
    else if (alerts.length === 0)
      println(
        io.stdout,
        history === null
          ? 'No alerts. (Run `trailhound detect` after ingesting.)'
          : `No alerts. The last \`trailhound detect\`: ${historyLine(history)}.`,
      );
    else
      println(
        io.stdout,
        renderTable(
          ['id', 'severity', 'score', 'start', 'actor', 'events', 'status', 'title'],
          alerts.map((a) => [
            a.id,
            a.severity,
            a.score,
            a.start.slice(0, 16),
            a.actorName,
            a.events.length,
            a.status,
            a.title,
          ]),
          90,
        ),
      );
  });

  addDbOption(
    program
      .command('alert')
      .description('Show one alert as an analyst reads it')
      .argument('<id>', 'alert id (or a unique prefix)'),
  ).action(async (id: string, opts: { db?: string }) => {
    const alert = await withStore(opts.db, (store) => findAlert(store, id));
    println(io.stdout, renderAlert(alert));
  });

  addDbOption(
    program
      .command('feedback')
      .description('Mark an alert benign (the model learns it) or malicious')
      .argument('<id>', 'alert id')
      .argument('<verdict>', 'benign, malicious or acknowledged')
      .option('--note <text>', 'why')
      .option('--suppress', 'with benign: also suppress this pattern for this actor until --expires')
      .option('--owner <name>', 'who owns the suppression')
      .option('--expires <iso>', 'when the suppression ends'),
  ).action(
    async (
      id: string,
      verdict: string,
      opts: { db?: string; note?: string; suppress?: boolean; owner?: string; expires?: string },
    ) => {
      if (verdict !== 'benign' && verdict !== 'malicious' && verdict !== 'acknowledged')
        throw new UsageError(`verdict ${verdict} is not benign, malicious or acknowledged.`);
      let suppress: { owner: string; expires: number } | undefined;
      if (opts.suppress) {
        if (!opts.owner || !opts.expires) throw new UsageError('--suppress needs --owner NAME and --expires ISO-DATE.');
        suppress = { owner: opts.owner, expires: parseTimeOption('expires', opts.expires) as number };
      }
      const result = await withStore(opts.db, (store) =>
        feedback(store, id, verdict, { note: opts.note ?? null, suppress }),
      );
      println(
        io.stdout,
        `alert ${escapeForTerminal(result.id)} marked ${result.status}${result.journeysLearned ? `; ${result.journeysLearned} journey(s) joined the baseline` : ''}`,
      );
      if (result.suppression)
        println(
          io.stdout,
          `suppressed ${result.suppression.tokens.length} action(s) for this actor until ${result.suppression.expires} (owner ${escapeForTerminal(result.suppression.owner)})`,
        );
    },
  );
}
