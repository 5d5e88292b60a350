/**
 * Alerts as an analyst reads them in a terminal. Every string from CloudTrail (names,
 * sentences, error codes) passes `escapeForTerminal`: it was written by whoever called AWS.
 */
import { escapeForTerminal as esc } from '../util/terminal.ts';
import type { StoredAlert } from './build.ts';
import { chainText, tokenLabel } from './build.ts';
import { sequenceText } from './sequence.ts';
import type { Alert } from './types.ts';

/** The error code after a failed step, unless its sentence already ends with it ("failed: AccessDenied"). */
function errorSuffix(e: Alert['events'][number]): string {
  if (e.success) return '';
  const code = e.errorCode ?? 'failed';
  return e.sentence.includes(code) ? '' : ` (${esc(code)})`;
}

export function renderAlert(alert: Alert | StoredAlert): string {
  const lines: string[] = [];
  lines.push(
    `${esc(alert.id)}  ${alert.severity.toUpperCase()}  score ${alert.score}  status ${alert.status}${alert.note ? ` (${esc(alert.note)})` : ''}`,
  );
  lines.push(esc(alert.title));
  lines.push('');
  lines.push(esc(alert.summary));
  lines.push('');
  lines.push(`Actor: ${esc(alert.actorName)}  ${esc(alert.actor)}`);
  const chain = 'chain' in alert ? alert.chain : null;
  if (chain && chain.length > 1) lines.push(`Credentials: ${esc(chainText(chain))}`);
  lines.push(`Peer group: ${alert.peerGroup ? esc(alert.peerGroup) : '-'}`);
  lines.push(`Time: ${alert.start} .. ${alert.end}`);
  if (alert.techniques.length) lines.push(`ATT&CK: ${alert.techniques.map(esc).join(', ')}`);
  lines.push('');
  lines.push('Why:');
  for (const r of alert.reasons) lines.push(`  - ${esc(r.text)}${r.weight > 0 ? `  [+${r.weight}]` : ''}`);
  lines.push('');
  lines.push(`Journey (${alert.events.length} events, in order):`);
  for (const e of alert.events) {
    const mark = e.success ? '✓' : '✗';
    lines.push(
      `  ${e.time.slice(0, 19).replace('T', ' ')}  ${mark} ${esc(e.sentence)}${errorSuffix(e)}  [${esc(e.eventId)}]`,
    );
  }
  if (alert.typicalJourney) {
    lines.push('');
    lines.push(`Usually (nearest typical journey): ${sequenceText(alert.typicalJourney, (t) => esc(tokenLabel(t)))}`);
  }
  if (alert.response && alert.response.length > 0) {
    lines.push('');
    lines.push('What to do next (nothing has been run; read, decide, then paste):');
    alert.response.forEach((step, i) => {
      lines.push(`  ${i + 1}. ${esc(step.text)}`);
      lines.push(`     $ ${esc(step.command)}`);
    });
  }
  return lines.join('\n');
}
