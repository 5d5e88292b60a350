/** Totals over the store for `trailhound stats`. */
import { sql } from 'kysely';
import type { Store } from './index.ts';

export interface StoreStats {
  events: number;
  actors: number;
  accounts: number;
  regions: number;
  /** ISO-8601 of the first and last event, null when empty. */
  from: string | null;
  to: string | null;
  quarantined: number;
  files: number;
  insights: number;
  /** Quarantined items by code, e.g. `{ "invalid-json": 2 }`. */
  quarantineByCode: Record<string, number>;
}

export async function storeStats(store: Store): Promise<StoreStats> {
  const { db } = store;
  const totals = await db
    .selectFrom('events')
    .select([
      sql<number>`count(*)`.as('events'),
      sql<number>`count(distinct actor_key)`.as('actors'),
      sql<number>`count(distinct account_id)`.as('accounts'),
      sql<number>`count(distinct region)`.as('regions'),
      sql<number | null>`min(time)`.as('from'),
      sql<number | null>`max(time)`.as('to'),
    ])
    .executeTakeFirstOrThrow();
  const byCode = await db
    .selectFrom('quarantine')
    .select(['code', sql<number>`count(*)`.as('n')])
    .groupBy('code')
    .orderBy('code')
    .execute();
  const files = await db
    .selectFrom('files')
    .select(sql<number>`count(*)`.as('n'))
    .where('status', '=', 'done')
    .executeTakeFirstOrThrow();
  const insights = await db.selectFrom('insights').select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
  const iso = (v: number | null) => (v === null ? null : new Date(Number(v)).toISOString());
  const quarantineByCode = Object.fromEntries(byCode.map((r) => [r.code, Number(r.n)]));
  return {
    events: Number(totals.events),
    actors: Number(totals.actors),
    accounts: Number(totals.accounts),
    regions: Number(totals.regions),
    from: iso(totals.from),
    to: iso(totals.to),
    quarantined: Object.values(quarantineByCode).reduce((a, b) => a + b, 0),
    files: Number(files.n),
    insights: Number(insights.n),
    quarantineByCode,
  };
}
