/**
 * Retention: deletes raw events older than N days, and the stored files (blobs) no remaining
 * event needs. Journeys, models, alerts and every event an alert cites are kept, so an old
 * alert still shows its whole journey. Run it after detect has scanned the events (`watch`
 * does, after each cycle).
 */
import { sql } from 'kysely';
import { UsageError } from '../errors.ts';
import type { Store } from '../store/index.ts';

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

const BATCH = 500;

export async function pruneEvents(store: Store, options: PruneOptions): Promise<PruneResult> {
  if (!Number.isFinite(options.retainDays) || options.retainDays <= 0)
    throw new UsageError(`--retain-days ${options.retainDays} must be a positive number of days.`);
  const cutoff = (options.now ?? Date.now()) - options.retainDays * 86_400_000;
  const cited = new Set<string>();
  for (const row of await store.db.selectFrom('alerts').select('body').execute()) {
    const body = JSON.parse(row.body) as { events?: Array<{ eventId: string }> };
    for (const e of body.events ?? []) cited.add(e.eventId);
  }
  const result: PruneResult = { before: new Date(cutoff).toISOString(), events: 0, keptForAlerts: 0, blobs: 0 };
  let afterId = 0;
  const touchedBlobs = new Set<number>();
  for (;;) {
    const rows = await store.db
      .selectFrom('events')
      .select(['id', 'event_id', 'blob_id'])
      .where('time', '<', cutoff)
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(BATCH)
      .execute();
    if (rows.length === 0) break;
    afterId = Number(rows.at(-1)?.id);
    const doomed = rows.filter((r) => !cited.has(r.event_id));
    result.keptForAlerts += rows.length - doomed.length;
    result.events += doomed.length;
    for (const r of doomed) if (r.blob_id !== null) touchedBlobs.add(Number(r.blob_id));
    if (!options.dryRun && doomed.length > 0)
      await store.db
        .deleteFrom('events')
        .where(
          'id',
          'in',
          doomed.map((r) => r.id),
        )
        .execute();
  }
  // A file's bytes go once no event of it is left.
  const blobs = [...touchedBlobs];
  for (let i = 0; i < blobs.length; i += BATCH) {
    const chunk = blobs.slice(i, i + BATCH);
    const used = await store.db
      .selectFrom('events')
      .select('blob_id')
      .distinct()
      .where('blob_id', 'in', chunk)
      .execute();
    const usedSet = new Set(used.map((u) => Number(u.blob_id)));
    const unused = chunk.filter((b) => !usedSet.has(b));
    result.blobs += unused.length;
    if (!options.dryRun && unused.length > 0)
      await store.db.deleteFrom('raw_blobs').where('id', 'in', unused).execute();
  }
  if (!options.dryRun && result.events > 0 && store.dialect === 'sqlite')
    await sql`pragma wal_checkpoint(truncate)`.execute(store.db).catch(() => undefined);
  return result;
}
