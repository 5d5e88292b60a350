/**
 * Retention: deletes raw events older than N days, and the stored files (blobs) no remaining
 * event needs. Journeys, models, alerts and every event an alert cites are kept, so an old
 * alert still shows its whole journey. Run it after detect has scanned the events (`watch`
 * does, after each cycle).
 */
import { UsageError } from '../errors.ts';
import { Repositories, type Store } from '../store/index.ts';

export interface PruneOptions {
  retainDays: number;
  now?: number;
  /** Count what would go; delete nothing. */
  dryRun?: boolean;
}

export interface PruneResult {
  /** ISO-8601 cutoff: events before it were deleted. */
  before: string;
  events: number;
  /** Events older than the cutoff kept because an alert cites them. */
  keptForAlerts: number;
  blobs: number;
}

export async function pruneEvents(store: Store, options: PruneOptions): Promise<PruneResult> {
  if (!Number.isFinite(options.retainDays) || options.retainDays <= 0)
    throw new UsageError(`--retain-days ${options.retainDays} must be a positive number of days.`);
  const cutoff = (options.now ?? Date.now()) - options.retainDays * 86_400_000;
  const repos = new Repositories(store);
  const cited = await repos.alerts.citedEventIds();
  const counts = await repos.retention.pruneEventsBefore(cutoff, cited, options.dryRun === true);
  return { before: new Date(cutoff).toISOString(), ...counts };
}
