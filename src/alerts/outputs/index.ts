/**
 * The output registry: builds the one `AlertOutput` a `trailhound notify` run asked for.
 * Add an output by adding a file that returns an `AlertOutput` and a case here.
 */
import { UsageError } from '../../errors.ts';
import { jsonlOutput } from './jsonl.ts';
import { slackOutput } from './slack.ts';
import { parseSyslogTarget, syslogOutput } from './syslog.ts';
import type { AlertOutput } from './types.ts';
import { webhookOutput } from './webhook.ts';

export { type NotifyOptions, type NotifyResult, notify } from './notify.ts';
export { memorySentLog, type SentLog, storeSentLog } from './sent-log.ts';
export type { AlertOutput } from './types.ts';
export { OutputError } from './types.ts';

export interface OutputSpec {
  slack?: string | undefined;
  webhook?: string | undefined;
  webhookSecret?: string | undefined;
  jsonl?: string | undefined;
  syslog?: string | undefined;
  dashboardUrl?: string | undefined;
}

export const OUTPUT_NAMES = ['slack', 'webhook', 'jsonl', 'syslog'] as const;

/** The output named by exactly one of `slack`, `webhook`, `jsonl`, `syslog`. */
export function createOutput(spec: OutputSpec): AlertOutput {
  const given = OUTPUT_NAMES.filter((n) => spec[n] !== undefined);
  if (given.length !== 1)
    throw new UsageError(
      `Give exactly one output: ${OUTPUT_NAMES.map((n) => `--${n}`).join(', ')}${given.length > 1 ? ` (got ${given.map((n) => `--${n}`).join(' and ')})` : ''}.`,
    );
  if (spec.slack !== undefined) return slackOutput({ webhookUrl: spec.slack, dashboardUrl: spec.dashboardUrl });
  if (spec.webhook !== undefined) return webhookOutput({ url: spec.webhook, secret: spec.webhookSecret });
  if (spec.jsonl !== undefined) return jsonlOutput({ path: spec.jsonl });
  return syslogOutput(parseSyslogTarget(spec.syslog as string));
}
