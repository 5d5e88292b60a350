/**
 * Syslog output: one RFC 5424 message per alert over UDP (RFC 5426) or TCP with
 * octet-counting framing (RFC 6587), for a SIEM that only listens to syslog.
 * Facility local0; severity maps critical→crit(2), high→err(3), medium→warning(4), low→notice(5).
 * Structured data carries id, severity, score and actor; the message is one line with
 * control and bidi characters rendered visibly, so no alert can forge a second log line.
 */
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { hostname } from 'node:os';
import { UsageError } from '../../errors.ts';
import { escapeForTerminal } from '../../util/terminal.ts';
import type { Alert } from '../types.ts';
import { truncate } from './text.ts';
import { type AlertOutput, OutputError } from './types.ts';

export interface SyslogOptions {
  host: string;
  port: number;
  protocol: 'udp' | 'tcp';
  /** HOSTNAME field; default this machine's name. */
  hostname?: string | undefined;
}

const FACILITY_LOCAL0 = 16;
const SEVERITY: Record<Alert['severity'], number> = { critical: 2, high: 3, medium: 4, low: 5 };
// RFC 5426: receivers SHOULD accept 2048 octets over UDP; stay under it.
const MAX_MESSAGE = 2000;
// 32473 is the private enterprise number RFC 5612 reserves for documentation/examples.
const SD_ID = 'trailhound@32473';

/** Parses `udp://host:port`, `tcp://host:port` or `host[:port]` (UDP, 514). */
export function parseSyslogTarget(value: string): SyslogOptions {
  const m = /^(?:(udp|tcp):\/\/)?(\[[^\]]+\]|[^:/]+)(?::(\d{1,5}))?\/?$/i.exec(value.trim());
  if (m === null) throw new UsageError(`--syslog ${value} is not udp://host:port, tcp://host:port or host:port.`);
  const port = m[3] === undefined ? 514 : Number(m[3]);
  if (port < 1 || port > 65535) throw new UsageError(`--syslog port ${port} is out of range.`);
  return {
    protocol: (m[1]?.toLowerCase() ?? 'udp') as 'udp' | 'tcp',
    host: (m[2] as string).replace(/^\[|\]$/g, ''),
    port,
  };
}

const sdValue = (s: string) => escapeForTerminal(s).replace(/["\\\]]/g, (c) => `\\${c}`);
const header = (s: string, max: number) => s.replace(/[^\x21-\x7e]/g, '').slice(0, max) || '-';

/** The RFC 5424 line for one alert. */
export function syslogMessage(alert: Alert, host: string, procId: string | number = process.pid): string {
  const pri = FACILITY_LOCAL0 * 8 + SEVERITY[alert.severity];
  const sd = `[${SD_ID} id="${sdValue(truncate(alert.id, 128))}" severity="${alert.severity}" score="${Math.round(alert.score)}" actor="${sdValue(truncate(alert.actor, 256))}" techniques="${sdValue(alert.techniques.join(','))}"]`;
  const head = `<${pri}>1 ${new Date(Date.parse(alert.end) || 0).toISOString()} ${header(host, 255)} trailhound ${header(String(procId), 128)} alert ${sd} `;
  const msg = escapeForTerminal(`${alert.title} | actor ${alert.actorName} | ${alert.summary}`);
  const room = MAX_MESSAGE - Buffer.byteLength(head);
  let body = truncate(msg, room);
  while (Buffer.byteLength(body) > room) body = truncate(body, Math.floor(body.length * 0.9));
  return head + body;
}

export function syslogOutput(options: SyslogOptions): AlertOutput {
  const host = options.hostname ?? hostname();
  return {
    name: 'syslog',
    key: `syslog:${options.protocol}://${options.host}:${options.port}`,
    async send(alerts) {
      if (alerts.length === 0) return;
      const lines = alerts.map((a) => syslogMessage(a, host));
      if (options.protocol === 'udp') await sendUdp(options, lines);
      else await sendTcp(options, lines);
    },
  };
}

async function sendUdp(options: SyslogOptions, lines: string[]): Promise<void> {
  const socket = createSocket(options.host.includes(':') ? 'udp6' : 'udp4');
  try {
    for (const line of lines) {
      await new Promise<void>((resolve, reject) =>
        socket.send(Buffer.from(line), options.port, options.host, (e) => (e ? reject(e) : resolve())),
      );
    }
  } catch (error) {
    throw new OutputError(`Cannot send syslog to udp://${options.host}:${options.port}: ${(error as Error).message}.`, {
      cause: error,
    });
  } finally {
    socket.close();
  }
}

async function sendTcp(options: SyslogOptions, lines: string[]): Promise<void> {
  const payload = lines.map((l) => `${Buffer.byteLength(l)} ${l}`).join('');
  await new Promise<void>((resolve, reject) => {
    const socket = connect({ host: options.host, port: options.port });
    socket.setTimeout(10_000, () => socket.destroy(new Error('timed out')));
    socket.once('error', (e) =>
      reject(
        new OutputError(`Cannot send syslog to tcp://${options.host}:${options.port}: ${e.message}.`, { cause: e }),
      ),
    );
    socket.once('connect', () => socket.end(payload, () => resolve()));
  });
}
