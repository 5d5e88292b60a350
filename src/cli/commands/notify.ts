/** `trailhound notify`: sends alerts a destination has not received yet, exactly once per destination. */
import type { Command } from 'commander';
import { type AlertOutput, createDestination, createOutput, OUTPUT_NAMES } from '../../alerts/outputs/index.ts';
import { DEFAULT_RETRY } from '../../alerts/outputs/notify.ts';
import { sendNewAlerts } from '../../app/outputs.ts';
import { dbOf, destinationOf, loadConfig, outputLabel } from '../../config/index.ts';
import { UsageError } from '../../errors.ts';
import { escapeForTerminal } from '../../util/terminal.ts';
import { type CliIo, println } from '../io.ts';
import { addDbOption, parseTimeOption, withStore } from '../shared.ts';

export interface OutputFlags {
  slack?: string;
  webhook?: string;
  webhookSecret?: string;
  jsonl?: string;
  syslog?: string;
  securityhub?: string;
  account?: string;
  endpoint?: string;
  format?: string;
  dashboardUrl?: string;
}

interface NotifyFlags extends OutputFlags {
  db?: string;
  config?: string;
  since?: string;
  dryRun?: boolean;
  retries?: string;
}

/** `--retries N`: attempts per alert before it goes to the dead-letter queue. */
export function parseRetries(value: string | undefined): { attempts: number } | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 20)
    throw new UsageError(`--retries ${value} is not a whole number from 1 to 20.`);
  return { attempts: n };
}

/** The output flags shared by `notify` and `outputs retry`. */
export function addOutputOptions(command: Command): Command {
  return command
    .option('--slack <url>', 'Slack incoming-webhook URL')
    .option('--webhook <url>', 'POST alerts as JSON to this URL')
    .option('--webhook-secret <secret>', 'sign webhook bodies with HMAC-SHA256 (default: $TRAILHOUND_WEBHOOK_SECRET)')
    .option('--jsonl <file>', 'append alerts as JSON lines to this file')
    .option('--syslog <target>', 'RFC 5424 syslog: udp://host:port, tcp://host:port or host[:port]')
    .option('--securityhub <region>', 'import ASFF findings into AWS Security Hub in this region')
    .option('--account <id>', 'Security Hub account (default: the account in the actor ARN)')
    .option('--endpoint <url>', 'Security Hub endpoint (default: the AWS one)')
    .option('--format <name>', 'trailhound, ocsf or asff for --jsonl and --webhook (default trailhound)')
    .option('--dashboard-url <url>', 'dashboard base URL for links in messages');
}

/**
 * The outputs a command sends to: the one its flags name, else every output in the
 * configuration file. None at all is a usage error, never a silent no-op.
 */
export function outputsFromFlagsOrConfig(opts: OutputFlags & { config?: string }, io: CliIo): AlertOutput[] {
  if (OUTPUT_NAMES.some((n) => opts[n] !== undefined)) return [outputFromFlags(opts, io)];
  const { config, file } = loadConfig(opts.config, io.env);
  if (config.outputs.length === 0)
    throw new UsageError(
      `Give exactly one output: ${OUTPUT_NAMES.map((n) => `--${n}`).join(', ')}; or list outputs in ${file ?? 'trailhound.yaml'}.`,
    );
  return config.outputs.map((o) => {
    const output = createDestination(destinationOf(o, io.env));
    for (const w of output.warnings) println(io.stderr, `trailhound: warning: output ${outputLabel(o)}: ${w}`);
    return output;
  });
}

export function outputFromFlags(opts: OutputFlags, io: CliIo): AlertOutput {
  const output = createOutput({
    slack: opts.slack,
    webhook: opts.webhook,
    webhookSecret: opts.webhookSecret ?? io.env.TRAILHOUND_WEBHOOK_SECRET,
    jsonl: opts.jsonl,
    syslog: opts.syslog,
    securityhub: opts.securityhub,
    account: opts.account,
    endpoint: opts.endpoint,
    format: opts.format,
    dashboardUrl: opts.dashboardUrl,
  });
  for (const w of output.warnings) println(io.stderr, `trailhound: warning: ${w}`);
  return output;
}

export function register(program: Command, io: CliIo): void {
  addDbOption(
    addOutputOptions(
      program
        .command('notify')
        .description(
          'Send new alerts not yet sent to one output (or every configured one), exactly once; run it after `trailhound detect`',
        ),
    )
      .option('--since <iso>', 'only alerts that ended at or after this time')
      .option('--dry-run', 'list what would be sent; send and record nothing')
      .option(
        '--retries <n>',
        `attempts per alert, with back-off, before the dead-letter queue (default ${DEFAULT_RETRY.attempts})`,
      )
      .option(
        '--config <file>',
        'configuration: its db, and without output flags every output in it (default: $TRAILHOUND_CONFIG, else ./trailhound.yaml if present)',
      ),
  ).action(async (opts: NotifyFlags) => {
    const outputs = outputsFromFlagsOrConfig(opts, io);
    const since = parseTimeOption('since', opts.since);
    const verb = opts.dryRun ? 'would send' : 'sent';
    const db = dbOf(loadConfig(opts.config, io.env).config, opts.db, io.env);
    const retry = parseRetries(opts.retries);
    await withStore(db, async (store) => {
      const outcomes = await sendNewAlerts(store, outputs, { since, dryRun: opts.dryRun, retry });
      const failures: Error[] = [];
      for (const outcome of outcomes) {
        if ('error' in outcome) {
          failures.push(outcome.error);
          continue;
        }
        const { output, result } = outcome;
        for (const a of result.sent)
          println(
            io.stdout,
            `${verb} ${escapeForTerminal(a.id)}  ${a.severity}  ${escapeForTerminal(a.actorName)}  ${escapeForTerminal(a.title)}`,
          );
        const busy = result.claimedElsewhere > 0 ? `; ${result.claimedElsewhere} being sent by another process` : '';
        println(
          io.stdout,
          `${output.name}: ${verb} ${result.sent.length} alert(s); ${result.alreadySent} already sent before${busy}.`,
        );
      }
      if (failures.length > 0) throw failures[0];
    });
  });
}
