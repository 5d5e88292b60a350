/**
 * Syslog format: one RFC 5424 line per alert. Facility local0; severity maps critical→crit(2),
 * high→err(3), medium→warning(4), low→notice(5). Structured data carries id, severity, score
 * and actor; the message is one line with control and bidi characters rendered visibly, so
 * no alert can forge a second log line.
 */
import { escapeForTerminal } from '../../../util/terminal.ts';
import type { Alert } from '../../types.ts';
import { truncate } from '../text.ts';
import type { AlertFormat } from '../types.ts';

const FACILITY_LOCAL0 = 16;
const SEVERITY: Record<Alert['severity'], number> = { critical: 2, high: 3, medium: 4, low: 5 };
// RFC 5426: receivers SHOULD accept 2048 octets over UDP; stay under it.
const MAX_MESSAGE = 2000;
// 32473 is the private enterprise number RFC 5612 reserves for documentation/examples.
const SD_ID = 'trailhound@32473';

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

export const syslogFormat: AlertFormat = {
  name: 'syslog',
  description: 'RFC 5424 line, structured data with id, severity, score, actor, techniques',
  kind: 'text',
  render: (alert, context) => syslogMessage(alert, context.hostname),
};
