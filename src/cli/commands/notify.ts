/** `trailhound notify`: sends alerts a destination has not received yet (Slack, webhook, JSON lines, syslog). */
import type { Command } from 'commander';
import { createOutput, notify, storeSentLog } from '../../alerts/outputs/index.ts';
import { listAlerts } from '../../detect/index.ts';
import { escapeForTerminal } from '../../util/terminal.ts';
import { type CliIo, println } from '../io.ts';
import { addDbOption, parseTimeOption, withStore } from '../shared.ts';

interface NotifyFlags {
  db?: string;
  slack?: string;
  webhook?: string;
  webhookSecret?: string;
  jsonl?: string;
  syslog?: string;
  dashboardUrl?: string;
  since?: string;
  dryRun?: boolean;
}

export function register(program: Command, io: CliIo): void {
  addDbOption(
    program
      .command('notify')
      .description('Send new alerts not yet sent to one output; run it from cron after `trailhound detect`')
      .option('--slack <url>', 'Slack incoming-webhook URL')
      .option('--webhook <url>', 'POST alerts as JSON to this URL')
      .option('--webhook-secret <secret>', 'sign webhook bodies with HMAC-SHA256 (default: $TRAILHOUND_WEBHOOK_SECRET)')
      .option('--jsonl <file>', 'append alerts as JSON lines to this file')
      .option('--syslog <target>', 'RFC 5424 syslog: udp://host:port, tcp://host:port or host[:port]')
      .option('--dashboard-url <url>', 'dashboard base URL for links in Slack messages')
      .option('--since <iso>', 'only alerts that ended at or after this time')
      .option('--dry-run', 'list what would be sent; send and record nothing'),
  ).action(async (opts: NotifyFlags) => {
    const output = createOutput({
      slack: opts.slack,
      webhook: opts.webhook,
      webhookSecret: opts.webhookSecret ?? io.env.TRAILHOUND_WEBHOOK_SECRET,
      jsonl: opts.jsonl,
      syslog: opts.syslog,
      dashboardUrl: opts.dashboardUrl,
    });
    const since = parseTimeOption('since', opts.since);
    const result = await withStore(opts.db, async (store) =>
      notify({
        output,
        alerts: await listAlerts(store, { since }),
        log: storeSentLog(store),
        since,
        dryRun: opts.dryRun,
      }),
    );
    const verb = opts.dryRun ? 'would send' : 'sent';
    for (const a of result.sent)
      println(
        io.stdout,
        `${verb} ${escapeForTerminal(a.id)}  ${a.severity}  ${escapeForTerminal(a.actorName)}  ${escapeForTerminal(a.title)}`,
      );
    println(
      io.stdout,
      `${output.name}: ${verb} ${result.sent.length} alert(s); ${result.alreadySent} already sent before.`,
    );
  });
}
