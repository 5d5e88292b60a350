/**
 * Outputs are a format (how one alert is written: Trailhound JSON, OCSF, ASFF, Slack Block
 * Kit, syslog) times a transport (where it goes: a file, a webhook, Slack, syslog, Security
 * Hub). Each is one file registering itself in `registry.ts`, like pySigma's plugins.
 * `AlertOutput.key` names the destination for the delivery log without secrets (a webhook
 * URL is a credential: only its hash is kept), so each destination gets each alert once.
 */

import { TrailhoundError } from '../../errors.ts';
import type { Alert } from '../types.ts';

/** What a format may need besides the alert: when and where it is written. */
export interface FormatContext {
  /** Epoch ms of the rendering (finding creation time). */
  now: number;
  /** This machine's name (syslog HOSTNAME). */
  hostname: string;
  /** Base URL of the dashboard, for links. */
  dashboardUrl?: string | undefined;
  /** AWS region and account of the Security Hub that receives ASFF findings. */
  region?: string | undefined;
  account?: string | undefined;
}

/** How one alert is written. JSON formats render an object, text formats one line. */
export interface AlertFormat {
  readonly name: string;
  readonly description: string;
  readonly kind: 'json' | 'text';
  render(alert: Alert, context: FormatContext): unknown;
}

/** One rendered alert, ready for a transport. */
export interface Rendered {
  alert: Alert;
  record: unknown;
}

/** A destination that accepts rendered alerts. */
export interface Transport {
  /** Stable, secret-free identity of the destination, e.g. `webhook:3f2a…`. */
  readonly key: string;
  /** Things the operator should know, e.g. a webhook without a signing secret. */
  readonly warnings: readonly string[];
  /** Delivers the records; rejects when the destination did not accept them. */
  deliver(records: Rendered[]): Promise<void>;
}

/** Options a destination is built from (a config entry or CLI flags). */
export interface DestinationOptions {
  /** URL, file path, `udp://host:port`, or AWS region, depending on the transport. */
  target?: string | undefined;
  /** Signing secret (webhook); from an environment variable, never the config file. */
  secret?: string | undefined;
  dashboardUrl?: string | undefined;
  /** AWS region and account (Security Hub); endpoint for S3-compatible or test receivers. */
  region?: string | undefined;
  account?: string | undefined;
  endpoint?: string | undefined;
  hostname?: string | undefined;
  /** The format the transport will carry (set by the registry). */
  format?: string | undefined;
}

export interface TransportPlugin {
  readonly name: string;
  readonly description: string;
  /** The format used when none is given. */
  readonly defaultFormat: string;
  /** Formats this transport can carry. */
  readonly formats: readonly string[];
  /** Builds the transport; throws `UsageError` for a bad target. */
  create(options: DestinationOptions): Transport;
}

/** One destination in one format: what `notify`, `watch` and `export` send through. */
export interface AlertOutput {
  /** `transport` or `transport/format` when the format is not the transport's default. */
  readonly name: string;
  /** Stable, secret-free identity of the destination and format, e.g. `slack:3f2a…`. */
  readonly key: string;
  readonly warnings: readonly string[];
  /** Delivers the alerts; rejects when the destination did not accept them. */
  send(alerts: Alert[]): Promise<void>;
}

/** An output could not deliver: the message says where (without secrets) and what to check. */
export class OutputError extends TrailhoundError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('TH_OUTPUT', message, options);
  }
}
