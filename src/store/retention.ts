/**
 * The retention repository: deletes raw events before a cutoff, except those an alert cites,
 * and the stored files (blobs) no remaining event needs. Journeys, models and alerts stay.
 */
import { sql } from 'kysely';
import type { Store } from './index.ts';

export interface PruneCounts {
  events: number;
  /** Events older than the cutoff kept because an alert cites them. */
  keptForAlerts: number;
  blobs: number;
}

const BATCH = 500;

export class RetentionRepository {
  readonly #store: Store;
  constructor(store: Store) {
    this.#store = store;
  }

  /** Deletes (or with `dryRun` only counts) events before `cutoff` not in `keep`, then blobs left unused. */
  async pruneEventsBefore(cutoff: number, keep: ReadonlySet<string>, dryRun: boolean): Promise<PruneCounts> {
    const { db } = this.#store;
    const result: PruneCounts = { events: 0, keptForAlerts: 0, blobs: 0 };
    let afterId = 0;
    const touchedBlobs = new Set<number>();
    for (;;) {
      const rows = await db
        .selectFrom('events')
        .select(['id', 'event_id', 'blob_id'])
        .where('time', '<', cutoff)
        .where('id', '>', afterId)
        .orderBy('id')
        .limit(BATCH)
        .execute();
      if (rows.length === 0) break;
      afterId = Number(rows.at(-1)?.id);
      const doomed = rows.filter((r) => !keep.has(r.event_id));
      result.keptForAlerts += rows.length - doomed.length;
      result.events += doomed.length;
      for (const r of doomed) if (r.blob_id !== null) touchedBlobs.add(Number(r.blob_id));
      if (!dryRun && doomed.length > 0)
        await db
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
      const used = await db.selectFrom('events').select('blob_id').distinct().where('blob_id', 'in', chunk).execute();
      const usedSet = new Set(used.map((u) => Number(u.blob_id)));
      const unused = chunk.filter((b) => !usedSet.has(b));
      result.blobs += unused.length;
      if (!dryRun && unused.length > 0) await db.deleteFrom('raw_blobs').where('id', 'in', unused).execute();
    }
    if (!dryRun && result.events > 0 && this.#store.dialect === 'sqlite')
      await sql`pragma wal_checkpoint(truncate)`.execute(db).catch(() => undefined);
    return result;
  }
}
