/**
 * Activity counters (`activity_days`, `activity_hours`): events per identity per day and per
 * hour of the week, so the overview and identity pages never scan `events`. They are caught up
 * from `events` by row id (a watermark in `kv`), in small batches with a yield to the event
 * loop between them, so a server catching up on a million events keeps answering. Nothing is
 * counted twice: a second copy of an eventID is refused by its unique index, and while a first
 * load runs without that index (bulk-load.ts) nothing is counted until the load has deleted its
 * second copies.
 */
import { sql } from 'kysely';
import { DEFERRED_INDEXES_KEY } from './bulk-load.ts';
import type { Store } from './index.ts';

/** The `kv` key holding the last event row id counted. */
export const ACTIVITY_WATERMARK = 'activity.lastEventRow';
const DAY = 86_400_000;
const HOUR = 3_600_000;

/** Hour of the UTC week, Monday 00:00 = 0. 1970-01-01 was a Thursday (day 3 from Monday). */
export function hourOfWeek(time: number): number {
  const hours = Math.floor(time / HOUR);
  return (((Math.floor(hours / 24) + 3) % 7) * 24 + (((hours % 24) + 24) % 24)) % 168;
}

export interface DayCount {
  /** UTC day as `YYYY-MM-DD`. */
  day: string;
  events: number;
  failures: number;
}

const dayText = (day: number) => new Date(day * DAY).toISOString().slice(0, 10);
const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export class ActivityCounters {
  readonly #store: Store;
  readonly #batch: number;
  #running: Promise<number> | null = null;

  constructor(store: Store, options: { batch?: number } = {}) {
    this.#store = store;
    this.#batch = options.batch ?? 5000;
  }

  /**
   * Counts every event stored since the last call; returns how many it counted. Concurrent
   * callers share one run. Each batch commits with its watermark, so a crash redoes at most one.
   */
  catchUp(signal?: AbortSignal): Promise<number> {
    if (this.#running === null)
      this.#running = this.#catchUp(signal).finally(() => {
        this.#running = null;
      });
    return this.#running;
  }

  async #catchUp(signal: AbortSignal | undefined): Promise<number> {
    const { db } = this.#store;
    let counted = 0;
    for (;;) {
      if (signal?.aborted) return counted;
      const loading = await db
        .selectFrom('kv')
        .select('key')
        .where('key', '=', DEFERRED_INDEXES_KEY)
        .executeTakeFirst();
      if (loading !== undefined) return counted;
      const mark = await db.selectFrom('kv').select('value').where('key', '=', ACTIVITY_WATERMARK).executeTakeFirst();
      const after = mark ? Number(mark.value) : 0;
      const rows = await db
        .selectFrom('events')
        .select(['id', 'actor_key', 'time', 'success', 'account_id', 'region', 'service'])
        .where('id', '>', after)
        .orderBy('id')
        .limit(this.#batch)
        .execute();
      const last = rows.at(-1);
      if (last === undefined) return counted;
      const days = new Map<string, { actor: string; day: number; events: number; failures: number }>();
      const hours = new Map<string, { actor: string; hour: number; events: number }>();
      const values = new Map<string, { kind: string; value: string; events: number }>();
      const countValue = (kind: string, value: string) => {
        const k = `${kind}\u0000${value}`;
        const v = values.get(k) ?? { kind, value, events: 0 };
        v.events += 1;
        values.set(k, v);
      };
      for (const r of rows) {
        countValue('account', r.account_id);
        countValue('region', r.region);
        countValue('service', r.service);
        countValue('actor', r.actor_key);
        const t = Number(r.time);
        const day = Math.floor(t / DAY);
        const dk = `${day}\u0000${r.actor_key}`;
        const d = days.get(dk) ?? { actor: r.actor_key, day, events: 0, failures: 0 };
        d.events += 1;
        if (Number(r.success) !== 1) d.failures += 1;
        days.set(dk, d);
        const hour = hourOfWeek(t);
        const hk = `${hour}\u0000${r.actor_key}`;
        const h = hours.get(hk) ?? { actor: r.actor_key, hour, events: 0 };
        h.events += 1;
        hours.set(hk, h);
      }
      if (this.#store.sqlite) this.#writeSqlite(days, hours, values, Number(last.id));
      else
        await db.transaction().execute(async (trx) => {
          for (const d of days.values())
            await trx
              .insertInto('activity_days')
              .values({ actor_key: d.actor, day: d.day, events: d.events, failures: d.failures })
              .onConflict((oc) =>
                oc.columns(['actor_key', 'day']).doUpdateSet({
                  events: sql`activity_days.events + ${d.events}`,
                  failures: sql`activity_days.failures + ${d.failures}`,
                }),
              )
              .execute();
          for (const h of hours.values())
            await trx
              .insertInto('activity_hours')
              .values({ actor_key: h.actor, hour: h.hour, events: h.events })
              .onConflict((oc) =>
                oc.columns(['actor_key', 'hour']).doUpdateSet({ events: sql`activity_hours.events + ${h.events}` }),
              )
              .execute();
          for (const v of values.values())
            await trx
              .insertInto('activity_values')
              .values(v)
              .onConflict((oc) =>
                oc.columns(['kind', 'value']).doUpdateSet({ events: sql`activity_values.events + ${v.events}` }),
              )
              .execute();
          await trx
            .insertInto('kv')
            .values({ key: ACTIVITY_WATERMARK, value: String(last.id) })
            .onConflict((oc) => oc.column('key').doUpdateSet({ value: String(last.id) }))
            .execute();
        });
      counted += rows.length;
      if (rows.length < this.#batch) return counted;
      await yieldToLoop();
    }
  }

  /**
   * SQLite fast path of one batch: prepared upserts in one transaction (through the query
   * builder, compiling a statement per row cost most of a batch).
   */
  #writeSqlite(
    days: Map<string, { actor: string; day: number; events: number; failures: number }>,
    hours: Map<string, { actor: string; hour: number; events: number }>,
    values: Map<string, { kind: string; value: string; events: number }>,
    last: number,
  ): void {
    const handle = this.#store.sqlite as NonNullable<Store['sqlite']>;
    const day = handle.prepare(
      'INSERT INTO activity_days (actor_key, day, events, failures) VALUES (?, ?, ?, ?) ON CONFLICT (actor_key, day) DO UPDATE SET events = events + excluded.events, failures = failures + excluded.failures',
    );
    const hour = handle.prepare(
      'INSERT INTO activity_hours (actor_key, hour, events) VALUES (?, ?, ?) ON CONFLICT (actor_key, hour) DO UPDATE SET events = events + excluded.events',
    );
    const value = handle.prepare(
      'INSERT INTO activity_values (kind, value, events) VALUES (?, ?, ?) ON CONFLICT (kind, value) DO UPDATE SET events = events + excluded.events',
    );
    const mark = handle.prepare(
      'INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    );
    handle.transaction(() => {
      for (const d of days.values()) day.run(d.actor, d.day, d.events, d.failures);
      for (const h of hours.values()) hour.run(h.actor, h.hour, h.events);
      for (const v of values.values()) value.run(v.kind, v.value, v.events);
      mark.run(ACTIVITY_WATERMARK, String(last));
    })();
  }

  /** How many event rows (by row id) are stored beyond the last one counted: an upper bound of the events not yet counted. */
  async behind(): Promise<number> {
    const { db } = this.#store;
    const [newest, mark] = await Promise.all([
      db.selectFrom('events').select('id').orderBy('id', 'desc').limit(1).executeTakeFirst(),
      db.selectFrom('kv').select('value').where('key', '=', ACTIVITY_WATERMARK).executeTakeFirst(),
    ]);
    return Math.max(0, Number(newest?.id ?? 0) - Number(mark?.value ?? 0));
  }

  /** Events and failures per UTC day: of one identity, or of all identities. */
  async days(actorKey?: string): Promise<DayCount[]> {
    let q = this.#store.db
      .selectFrom('activity_days')
      .select(['day', sql<number>`sum(events)`.as('events'), sql<number>`sum(failures)`.as('failures')])
      .groupBy('day')
      .orderBy('day');
    if (actorKey !== undefined) q = q.where('actor_key', '=', actorKey);
    const rows = await q.execute();
    return rows.map((r) => ({ day: dayText(Number(r.day)), events: Number(r.events), failures: Number(r.failures) }));
  }

  /** Events per hour of the UTC week (168 numbers, Monday 00:00 first) of one identity. */
  async hoursOfWeek(actorKey: string): Promise<number[]> {
    const out = new Array<number>(168).fill(0);
    const rows = await this.#store.db
      .selectFrom('activity_hours')
      .select(['hour', 'events'])
      .where('actor_key', '=', actorKey)
      .execute();
    for (const r of rows) out[Number(r.hour)] = Number(r.events);
    return out;
  }

  /** Every account, region or service seen, most events first. */
  async values(kind: 'account' | 'region' | 'service'): Promise<Array<{ value: string; events: number }>> {
    const rows = await this.#store.db
      .selectFrom('activity_values')
      .select(['value', 'events'])
      .where('kind', '=', kind)
      .orderBy('events', 'desc')
      .orderBy('value')
      .execute();
    return rows.map((r) => ({ value: r.value, events: Number(r.events) }));
  }

  /** How many distinct identities have any counted event. */
  async identities(): Promise<number> {
    const row = await this.#store.db
      .selectFrom('activity_values')
      .select(sql<number>`count(*)`.as('n'))
      .where('kind', '=', 'actor')
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
