/**
 * Sends the alerts a destination has not received yet. Only untriaged (`new`) alerts go
 * out: one an analyst already judged in the dashboard is not news. Alerts are sent one at
 * a time, oldest first, and each is recorded right after the destination accepts it, so a
 * failure halfway leaves the rest for the next run and nothing is sent twice.
 */
import type { Alert } from '../types.ts';
import type { SentLog } from './sent-log.ts';
import { type AlertOutput, OutputError } from './types.ts';

export interface NotifyOptions {
  output: AlertOutput;
  alerts: Alert[];
  log: SentLog;
  /** Only alerts that ended at or after this time (epoch ms). */
  since?: number | undefined;
  /** List what would be sent; send and record nothing. */
  dryRun?: boolean | undefined;
  now?: () => number;
}

export interface NotifyResult {
  /** Alerts delivered (or, in a dry run, that would be). */
  sent: Alert[];
  /** Alerts this destination already had. */
  alreadySent: number;
}

export async function notify(options: NotifyOptions): Promise<NotifyResult> {
  const { output, log } = options;
  const now = options.now ?? Date.now;
  const done = await log.sentIds(output.key);
  const candidates = options.alerts.filter(
    (a) => a.status === 'new' && (options.since === undefined || Date.parse(a.end) >= options.since),
  );
  const pending = candidates
    .filter((a) => !done.has(a.id))
    .sort((a, b) => Date.parse(a.start) - Date.parse(b.start) || (a.id < b.id ? -1 : 1));
  const alreadySent = candidates.length - pending.length;
  if (options.dryRun) return { sent: pending, alreadySent };
  const sent: Alert[] = [];
  for (const alert of pending) {
    try {
      await output.send([alert]);
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      throw new OutputError(
        `${detail} (${sent.length} of ${pending.length} alerts were sent; the rest go on the next run.)`,
        { cause: error },
      );
    }
    await log.record(output.key, alert.id, now());
    sent.push(alert);
  }
  return { sent, alreadySent };
}
