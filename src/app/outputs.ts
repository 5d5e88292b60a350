/** Sending alerts to outputs exactly once, and the dead-letter queue (`notify`, `outputs`, `watch`). */
import { type AlertOutput, type DeadLetter, notify } from '../alerts/outputs/index.ts';
import type { NotifyResult, RetryPolicy } from '../alerts/outputs/notify.ts';
import { Repositories, type Store } from '../store/index.ts';

export interface SendOptions {
  /** Only alerts that ended at or after this time (epoch ms). */
  since?: number | undefined;
  dryRun?: boolean | undefined;
  retry?: Partial<RetryPolicy> | undefined;
}

export type OutputOutcome = { output: AlertOutput; result: NotifyResult } | { output: AlertOutput; error: Error };

/**
 * Sends the alerts each output has not yet had, one output after another. One output failing
 * (its alert dead-lettered) does not keep the others from theirs: each outcome says which it was.
 */
export async function sendNewAlerts(
  store: Store,
  outputs: readonly AlertOutput[],
  options: SendOptions = {},
): Promise<OutputOutcome[]> {
  const repos = new Repositories(store);
  const alerts = await repos.alerts.list({ since: options.since });
  const out: OutputOutcome[] = [];
  for (const output of outputs) {
    try {
      const result = await notify({
        output,
        alerts,
        log: repos.deliveries,
        since: options.since,
        dryRun: options.dryRun,
        retry: options.retry,
      });
      out.push({ output, result });
    } catch (error) {
      out.push({ output, error: error as Error });
    }
  }
  return out;
}

/** Alerts whose retries ran out, by destination. */
export function deadLetters(store: Store): Promise<DeadLetter[]> {
  return new Repositories(store).deliveries.deadLetters();
}

/** Puts each output's dead letters back in line and sends again; per output, how many were requeued and what was sent. */
export async function retryDeadLetters(
  store: Store,
  outputs: readonly AlertOutput[],
  retry: Partial<RetryPolicy> | undefined,
): Promise<Array<{ output: AlertOutput; requeued: number; result: NotifyResult }>> {
  const repos = new Repositories(store);
  const alerts = await repos.alerts.list();
  const out: Array<{ output: AlertOutput; requeued: number; result: NotifyResult }> = [];
  for (const output of outputs) {
    const requeued = await repos.deliveries.requeueDead(output.key, Date.now());
    const result = await notify({ output, alerts, log: repos.deliveries, retry });
    out.push({ output, requeued, result });
  }
  return out;
}
