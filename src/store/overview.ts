/**
 * What the overview and `/api/stats` read besides the activity counters: the newest and oldest
 * event (ends of the time index), alerts by start and status (one row per alert), finished
 * files, quarantine by code, and a cheap fingerprint of everything they show, so answers can
 * be kept until the store changes. No query here reads the events table beyond an index end.
 */
import { sql } from 'kysely';
import { ACTIVITY_WATERMARK } from './activity.ts';
import type { Store } from './index.ts';
import { runPrepared } from './prepared.ts';

export interface QuarantinedItem {
  file: string;
  line: number | null;
  code: string;
  reason: string;
  /** ISO-8601. */
  at: string;
}

export class OverviewRepository {
  readonly #store: Store;
  #sqliteVersion: import('better-sqlite3').Statement | null = null;

  constructor(store: Store) {
    this.#store = store;
  }

  /**
   * Changes whenever an event, alert, verdict, quarantined item, the detector's model or the
   * counters change: each part is the end of an index (or a one-row table).
   */
  async version(): Promise<string> {
    const { db } = this.#store;
    // SQLite counts commits for us: `data_version` changes when another connection (ingest,
    // detect, the CLI) commits, `total_changes()` when this one writes. Reading them costs
    // nothing, where a column after the detector's state (~15 MB at a million events) meant
    // following its overflow pages on every request.
    if (this.#store.sqlite !== null) {
      this.#sqliteVersion ??= this.#store.sqlite.prepare(
        'SELECT (SELECT data_version FROM pragma_data_version) AS other, total_changes() AS own',
      );
      const v = this.#sqliteVersion.get() as { other: number; own: number };
      return `${v.other}/${v.own}`;
    }
    // PostgreSQL: one statement over index ends (a request checks this before every cached answer).
    const [row] = await runPrepared(
      this.#store,
      db.selectNoFrom((eb) => [
        eb
          .selectFrom('events')
          .select((e) => e.fn.max('id').as('v'))
          .as('events'),
        eb
          .selectFrom('alerts')
          .select((e) => e.fn.max('updated_at').as('v'))
          .as('alerts_updated'),
        eb
          .selectFrom('alerts')
          .select((e) => e.fn.countAll().as('v'))
          .as('alerts'),
        eb.selectFrom('detect_state').select('updated_at').where('id', '=', 1).as('model'),
        eb
          .selectFrom('quarantine')
          .select((e) => e.fn.max('id').as('v'))
          .as('quarantine'),
        eb
          .selectFrom('alert_verdicts')
          .select((e) => e.fn.max('id').as('v'))
          .as('verdicts'),
        eb.selectFrom('kv').select('value').where('key', '=', ACTIVITY_WATERMARK).as('counted'),
      ]),
    );
    return Object.values(row ?? {})
      .map((v) => String(v ?? ''))
      .join('/');
  }

  /** When the detector last saved its model (epoch ms), null before the first detect. */
  async modelVersion(): Promise<number | null> {
    const row = await this.#store.db
      .selectFrom('detect_state')
      .select('updated_at')
      .where('id', '=', 1)
      .executeTakeFirst();
    return row ? Number(row.updated_at) : null;
  }

  /** The times of the oldest and newest stored event (epoch ms), null when empty. */
  async eventTimes(): Promise<{ oldest: number | null; newest: number | null }> {
    const { db } = this.#store;
    const [oldest, newest] = await Promise.all([
      db.selectFrom('events').select('time').orderBy('time').limit(1).executeTakeFirst(),
      db.selectFrom('events').select('time').orderBy('time', 'desc').limit(1).executeTakeFirst(),
    ]);
    return { oldest: oldest ? Number(oldest.time) : null, newest: newest ? Number(newest.time) : null };
  }

  /** The highest event row id stored, 0 when empty. */
  async newestEventRow(): Promise<number> {
    const row = await this.#store.db
      .selectFrom('events')
      .select('id')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row ? Number(row.id) : 0;
  }

  /** Every alert's start (epoch ms) and status. */
  async alertStarts(): Promise<Array<{ start: number; status: string }>> {
    const rows = await this.#store.db.selectFrom('alerts').select(['start', 'status']).execute();
    return rows.map((r) => ({ start: Number(r.start), status: r.status }));
  }

  /** When the newest file finished ingesting (epoch ms), null before the first. */
  async newestFileFinished(): Promise<number | null> {
    const row = await this.#store.db
      .selectFrom('files')
      .select((eb) => eb.fn.max('finished_at').as('t'))
      .executeTakeFirst();
    return row?.t === null || row?.t === undefined ? null : Number(row.t);
  }

  async finishedFiles(): Promise<number> {
    const row = await this.#store.db
      .selectFrom('files')
      .select(sql<number>`count(*)`.as('n'))
      .where('status', '=', 'done')
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async insights(): Promise<number> {
    const row = await this.#store.db
      .selectFrom('insights')
      .select(sql<number>`count(*)`.as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Quarantined items by code, e.g. `{ "invalid-json": 2 }`. */
  async quarantineByCode(): Promise<Record<string, number>> {
    const rows = await this.#store.db
      .selectFrom('quarantine')
      .select(['code', sql<number>`count(*)`.as('n')])
      .groupBy('code')
      .orderBy('code')
      .execute();
    return Object.fromEntries(rows.map((r) => [r.code, Number(r.n)]));
  }

  /** The newest quarantined items with their reasons. */
  async quarantined(limit: number): Promise<QuarantinedItem[]> {
    const rows = await this.#store.db
      .selectFrom('quarantine')
      .select(['file', 'line', 'code', 'reason', 'created_at'])
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      file: r.file,
      line: r.line === null ? null : Number(r.line),
      code: r.code,
      reason: r.reason,
      at: new Date(Number(r.created_at)).toISOString(),
    }));
  }
}
