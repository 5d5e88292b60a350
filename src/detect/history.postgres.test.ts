import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detect } from '../app/detect.ts';
import { openStore, type Store } from '../store/index.ts';
import { testDatabase } from '../store/postgres-testing.ts';
import { attack, ORG_START, routine, storeRecords } from './org.fixture.ts';

const database = testDatabase('history');
const url = database.url;
const DAY = 86_400_000;

async function journeysOf(store: Store): Promise<string[]> {
  const rows = await store.db
    .selectFrom('journeys')
    .select(['id', 'decision', 'alert_id', 'raw', 'excess', 'event_ids'])
    .execute();
  return rows.map((r) => `${r.id} ${r.decision} ${r.alert_id} ${r.raw} ${r.excess} ${r.event_ids}`).sort();
}

async function alertsOf(store: Store): Promise<string[]> {
  const rows = await store.db.selectFrom('alerts').select(['id', 'severity', 'score', 'body']).execute();
  return rows
    .map(
      (r) =>
        `${r.id} ${r.severity} ${r.score} ${(JSON.parse(r.body) as { events: Array<{ eventId: string }> }).events.map((e) => e.eventId).join(',')}`,
    )
    .sort();
}

describe('late files on PostgreSQL', () => {
  beforeAll(async () => {
    await database.create();
  });
  afterAll(async () => {
    await database.drop();
  });

  it('a backfill of older days after detect gives what one pass on SQLite gives', async () => {
    const records = [...routine(21), ...attack(ORG_START + 17 * DAY + 13 * 3_600_000)];
    const options = { learningDays: 10, now: () => ORG_START + 40 * DAY };
    const reference = await openStore({ db: ':memory:' });
    await storeRecords(reference, records);
    await detect(reference, options);
    const sut = await openStore({ db: url });
    try {
      const cut = ORG_START + 9 * DAY + 5 * 3_600_000;
      await storeRecords(
        sut,
        records.filter((r) => Date.parse(r.eventTime as string) >= cut),
      );
      await detect(sut, options);
      await storeRecords(
        sut,
        records.filter((r) => Date.parse(r.eventTime as string) < cut),
      );
      const backfill = await detect(sut, options);
      expect(backfill.replayedFrom).toBe('start');
      expect(await journeysOf(sut)).toEqual(await journeysOf(reference));
      expect(await alertsOf(sut)).toEqual(await alertsOf(reference));
      expect((await alertsOf(sut)).length).toBe(1);
    } finally {
      await sut.close();
      await reference.close();
    }
  });
});
