/**
 * Alert outputs: formats x transports (see `registry.ts`), delivered exactly once per
 * destination (see `deliveries.ts`). `createOutput` builds the one output the `notify` flags name.
 */
import { UsageError } from '../../errors.ts';
import { createDestination, type DestinationSpec } from './registry.ts';
import type { AlertOutput } from './types.ts';

export { type DeadLetter, type DeliveryLog, MemoryDeliveries } from './deliveries.ts';
export {
  DEFAULT_RETRY,
  deliveryKey,
  type NotifyOptions,
  type NotifyResult,
  notify,
  type RetryPolicy,
} from './notify.ts';
export { createDestination, type DestinationSpec, FORMATS, getFormat, TRANSPORTS } from './registry.ts';
export type { AlertFormat, AlertOutput, TransportPlugin } from './types.ts';
export { OutputError } from './types.ts';

export interface OutputSpec {
  slack?: string | undefined;
  webhook?: string | undefined;
  webhookSecret?: string | undefined;
  jsonl?: string | undefined;
  syslog?: string | undefined;
  securityhub?: string | undefined;
  /** Format for transports that carry more than one (file, webhook). */
  format?: string | undefined;
  dashboardUrl?: string | undefined;
  account?: string | undefined;
  endpoint?: string | undefined;
}

export const OUTPUT_NAMES = ['slack', 'webhook', 'jsonl', 'syslog', 'securityhub'] as const;
const TRANSPORT_OF: Record<(typeof OUTPUT_NAMES)[number], string> = {
  slack: 'slack',
  webhook: 'webhook',
  jsonl: 'file',
  syslog: 'syslog',
  securityhub: 'securityhub',
};

/** The destination spec named by exactly one of the output flags. */
export function outputSpecToDestination(spec: OutputSpec): DestinationSpec {
  const given = OUTPUT_NAMES.filter((n) => spec[n] !== undefined);
  if (given.length !== 1)
    throw new UsageError(
      `Give exactly one output: ${OUTPUT_NAMES.map((n) => `--${n}`).join(', ')}${given.length > 1 ? ` (got ${given.map((n) => `--${n}`).join(' and ')})` : ''}.`,
    );
  const name = given[0] as (typeof OUTPUT_NAMES)[number];
  const target = spec[name] as string;
  return {
    transport: TRANSPORT_OF[name],
    format: spec.format,
    ...(name === 'securityhub' ? { region: target } : { target }),
    secret: name === 'webhook' ? spec.webhookSecret : undefined,
    dashboardUrl: spec.dashboardUrl,
    account: spec.account,
    endpoint: spec.endpoint,
  };
}

/** The output named by exactly one of `slack`, `webhook`, `jsonl`, `syslog`, `securityhub`. */
export function createOutput(spec: OutputSpec): AlertOutput {
  return createDestination(outputSpecToDestination(spec));
}
