/**
 * Sends the alerts a destination has not received yet, each exactly once (see deliveries.ts).
 * Only untriaged (`new`) alerts go out: one an analyst already judged is not news. Alerts go
 * one at a time, oldest first. A failed send is retried with exponential back-off; when the
 * retries run out the alert moves to the dead-letter queue and the run stops (the destination
 * is likely down: the rest wait for the next run rather than each burning its retries).
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleepMs } from 'node:timers/promises';
import type { Alert } from '../types.ts';
import type { DeliveryLog } from './deliveries.ts';
import { type AlertOutput, OutputError } from './types.ts';

export interface RetryPolicy {
  /** Attempts per alert before it is dead-lettered. */
  attempts: number;
  /** Delay before the second attempt; doubles each time, up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 1000, maxDelayMs: 30_000 };
/** Longer than every attempt and back-off of one alert together, so a live sender never loses its claim. */
export const DEFAULT_LEASE_MS = 5 * 60_000;

export interface NotifyOptions {
  output: AlertOutput;
  alerts: Alert[];
  log: DeliveryLog;
  /** Only alerts that ended at or after this time (epoch ms). */
  since?: number | undefined;
  /** List what would be sent; send and record nothing. */
  dryRun?: boolean | undefined;
  now?: () => number;
  /** Who holds the claims (default: a random id per run). */
  owner?: string | undefined;
  leaseMs?: number | undefined;
  retry?: Partial<RetryPolicy> | undefined;
  sleep?: (ms: number) => Promise<unknown>;
  /** Called after each failed attempt (for logs and metrics). */
  onFailure?: (alert: Alert, attempt: number, error: Error, dead: boolean) => void;
}

export interface NotifyResult {
  /** Alerts delivered (or, in a dry run, that would be). */
  sent: Alert[];
  /** Alerts this destination already had. */
  alreadySent: number;
  /** Alerts another process holds right now (it sends them). */
  claimedElsewhere: number;
}

/**
 * What a destination receives once: an alert as it stands with this many events. An alert that
 * grows (an identity's next anomalous journey within 24 h, a later step of the same attack) is a
 * new revision and is sent again, with the same alert id, so the analyst sees what joined it.
 */
export function deliveryKey(alert: Alert): string {
  return `${alert.id}~${alert.events.length}`;
}

export async function notify(options: NotifyOptions): Promise<NotifyResult> {
  const { output, log } = options;
  const now = options.now ?? Date.now;
  const owner = options.owner ?? randomUUID();
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const retry = { ...DEFAULT_RETRY, ...options.retry };
  const sleep = options.sleep ?? sleepMs;
  const settled = await log.settled(output.key);
  // Legacy rows (before revisions) are keyed by the bare alert id and cover every revision.
  const stateOf = (a: Alert) => settled.get(deliveryKey(a)) ?? settled.get(a.id);
  const candidates = options.alerts.filter(
    (a) => a.status === 'new' && (options.since === undefined || Date.parse(a.end) >= options.since),
  );
  const pending = candidates
    .filter((a) => stateOf(a) === undefined)
    .sort((a, b) => Date.parse(a.start) - Date.parse(b.start) || (a.id < b.id ? -1 : 1));
  const alreadySent = candidates.filter((a) => stateOf(a) === 'sent').length;
  if (options.dryRun) return { sent: pending, alreadySent, claimedElsewhere: 0 };
  const sent: Alert[] = [];
  let claimedElsewhere = 0;
  for (const alert of pending) {
    if (!(await log.claim(output.key, deliveryKey(alert), owner, now(), leaseMs))) {
      claimedElsewhere += 1;
      continue;
    }
    for (let attempt = 1; ; attempt++) {
      try {
        await output.send([alert]);
        break;
      } catch (error) {
        const err = error instanceof Error ? error : new Error(String(error));
        const dead = attempt >= retry.attempts;
        await log.markFailed(output.key, deliveryKey(alert), owner, now(), err.message, dead);
        options.onFailure?.(alert, attempt, err, dead);
        if (dead) {
          const left = pending.length - sent.length - claimedElsewhere - 1;
          throw new OutputError(
            `${err.message} (alert ${alert.id} failed ${attempt} times and is in the dead-letter queue: \`trailhound outputs retry\` sends it again; ${sent.length} of ${pending.length} alerts were sent, ${left} wait for the next run.)`,
            { cause: error },
          );
        }
        // The claim is kept through the back-off: the lease outlasts every retry of one alert.
        await sleep(Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempt - 1)));
      }
    }
    await log.markSent(output.key, deliveryKey(alert), owner, now());
    sent.push(alert);
  }
  return { sent, alreadySent, claimedElsewhere };
}
