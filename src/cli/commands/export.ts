/** `trailhound export`: every alert, in OCSF, ASFF or Trailhound JSON lines, to stdout. */
import { hostname } from 'node:os';
import type { Command } from 'commander';
import { getFormat } from '../../alerts/outputs/index.ts';
import { safeJson } from '../../alerts/outputs/text.ts';
import { listAlerts } from '../../app/alerts.ts';
import { type CliIo, println } from '../io.ts';
import { addDbOption, parseFormat, parseTimeOption, withStore } from '../shared.ts';

const EXPORT_FORMATS = ['ocsf', 'asff', 'jsonl'] as const;

export function register(program: Command, io: CliIo): void {
  addDbOption(
    program
      .command('export')
      .description('Write alerts to stdout, one per line: OCSF Detection Findings, ASFF findings or Trailhound JSON')
      .requiredOption('--format <format>', EXPORT_FORMATS.join(', '))
      .option('--since <iso>', 'only alerts that ended at or after this time')
      .option('--region <region>', 'AWS region for ASFF product ARNs', 'us-east-1')
      .option('--dashboard-url <url>', 'dashboard base URL for links'),
  ).action(async (opts: { db?: string; format: string; since?: string; region: string; dashboardUrl?: string }) => {
    const which = parseFormat(opts.format, EXPORT_FORMATS, 'jsonl');
    const format = getFormat(which === 'jsonl' ? 'trailhound' : which);
    const since = parseTimeOption('since', opts.since);
    const alerts = await withStore(opts.db, (store) => listAlerts(store, { since }));
    alerts.sort((a, b) => Date.parse(a.start) - Date.parse(b.start) || (a.id < b.id ? -1 : 1));
    const context = { now: Date.now(), hostname: hostname(), region: opts.region, dashboardUrl: opts.dashboardUrl };
    for (const alert of alerts) println(io.stdout, safeJson(format.render(alert, context)));
  });
}
