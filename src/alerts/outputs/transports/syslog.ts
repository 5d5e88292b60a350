/**
 * Syslog transport: RFC 5424 lines (see formats/syslog.ts) over UDP (RFC 5426) or TCP with
 * octet-counting framing (RFC 6587), for a SIEM that only listens to syslog.
 */
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { UsageError } from '../../../errors.ts';
import { OutputError, type TransportPlugin } from '../types.ts';

export interface SyslogOptions {
  host: string;
  port: number;
  protocol: 'udp' | 'tcp';
}

/** Parses `udp://host:port`, `tcp://host:port` or `host[:port]` (UDP, 514). */
export function parseSyslogTarget(value: string): SyslogOptions {
  const m = /^(?:(udp|tcp):\/\/)?(\[[^\]]+\]|[^:/]+)(?::(\d{1,5}))?\/?$/i.exec(value.trim());
  if (m === null)
    throw new UsageError(`The syslog target ${value} is not udp://host:port, tcp://host:port or host:port.`);
  const port = m[3] === undefined ? 514 : Number(m[3]);
  if (port < 1 || port > 65535) throw new UsageError(`The syslog port ${port} is out of range.`);
  return {
    protocol: (m[1]?.toLowerCase() ?? 'udp') as 'udp' | 'tcp',
    host: (m[2] as string).replace(/^\[|\]$/g, ''),
    port,
  };
}

export const syslogTransport: TransportPlugin = {
  name: 'syslog',
  description: 'RFC 5424 over UDP (RFC 5426) or TCP with octet counting (RFC 6587)',
  defaultFormat: 'syslog',
  formats: ['syslog'],
  create(options) {
    const target = parseSyslogTarget(options.target ?? '');
    return {
      key: `syslog:${target.protocol}://${target.host}:${target.port}`,
      warnings: [],
      async deliver(records) {
        if (records.length === 0) return;
        const lines = records.map((r) => String(r.record));
        if (target.protocol === 'udp') await sendUdp(target, lines);
        else await sendTcp(target, lines);
      },
    };
  },
};

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
