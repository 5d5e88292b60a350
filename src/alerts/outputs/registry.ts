/**
 * The registry of formats and transports (pySigma's `plugins.py` is the model): a new format
 * or transport is one file exporting an `AlertFormat` or `TransportPlugin`, and one line here.
 * An output is a transport with one of the formats it can carry.
 */
import { hostname } from 'node:os';
import { UsageError } from '../../errors.ts';
import type { Alert } from '../types.ts';
import { asffFormat } from './formats/asff.ts';
import { ocsfFormat } from './formats/ocsf.ts';
import { slackFormat } from './formats/slack.ts';
import { syslogFormat } from './formats/syslog.ts';
import { trailhoundFormat } from './formats/trailhound.ts';
import { fileTransport } from './transports/file.ts';
import { securityHubTransport } from './transports/securityhub.ts';
import { slackTransport } from './transports/slack.ts';
import { syslogTransport } from './transports/syslog.ts';
import { webhookPlugin } from './transports/webhook.ts';
import type { AlertFormat, AlertOutput, DestinationOptions, FormatContext, TransportPlugin } from './types.ts';

export const FORMATS: ReadonlyMap<string, AlertFormat> = new Map(
  [trailhoundFormat, ocsfFormat, asffFormat, slackFormat, syslogFormat].map((f) => [f.name, f]),
);

export const TRANSPORTS: ReadonlyMap<string, TransportPlugin> = new Map(
  [fileTransport, webhookPlugin, slackTransport, syslogTransport, securityHubTransport].map((t) => [t.name, t]),
);

export function getFormat(name: string): AlertFormat {
  const format = FORMATS.get(name);
  if (format === undefined)
    throw new UsageError(`Unknown format ${name}; use one of ${[...FORMATS.keys()].join(', ')}.`);
  return format;
}

export interface DestinationSpec extends DestinationOptions {
  transport: string;
  /** Default: the transport's own (`slack` for Slack, `syslog` for syslog, `trailhound` otherwise). */
  format?: string | undefined;
}

/** Builds one output: the transport with its format. Refuses a format the transport cannot carry. */
export function createDestination(spec: DestinationSpec, now: () => number = Date.now): AlertOutput {
  const plugin = TRANSPORTS.get(spec.transport);
  if (plugin === undefined)
    throw new UsageError(`Unknown output ${spec.transport}; use one of ${[...TRANSPORTS.keys()].join(', ')}.`);
  const format = getFormat(spec.format ?? plugin.defaultFormat);
  if (!plugin.formats.includes(format.name))
    throw new UsageError(
      `The ${plugin.name} output cannot carry the ${format.name} format; it takes ${plugin.formats.join(', ')}.`,
    );
  const transport = plugin.create({ ...spec, format: format.name });
  const host = spec.hostname ?? hostname();
  const context = (): FormatContext => ({
    now: now(),
    hostname: host,
    dashboardUrl: spec.dashboardUrl,
    region: spec.region,
    account: spec.account,
  });
  const isDefault = format.name === plugin.defaultFormat;
  return {
    name: isDefault ? plugin.name : `${plugin.name}/${format.name}`,
    // The default format keeps the bare transport key, so sends recorded before formats existed still count.
    key: isDefault ? transport.key : `${transport.key}#${format.name}`,
    warnings: transport.warnings,
    async send(alerts: Alert[]) {
      const ctx = context();
      await transport.deliver(alerts.map((alert) => ({ alert, record: format.render(alert, ctx) })));
    },
  };
}
