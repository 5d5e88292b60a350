import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detect } from '../app/detect.ts';
import { attack, ORG_START, routine, storeRecords } from '../detect/org.fixture.ts';
import { openStore } from '../store/index.ts';
import { testDatabase } from '../store/postgres-testing.ts';
import { createApp } from './app.ts';
import type { IdentityProfile, Overview } from './types.ts';
import { storeRepositories } from './wire.ts';

const database = testDatabase('api');
const url = database.url;
const DAY = 86_400_000;

describe('the dashboard API over PostgreSQL', () => {
  beforeAll(async () => {
    await database.create();
  });
  afterAll(async () => {
    await database.drop();
  });

  it('answers the overview, an identity, a filtered search and a verdict as on SQLite', async () => {
    const store = await openStore({ db: url });
    try {
      const records = [...routine(14), ...attack(ORG_START + 12 * DAY + 13 * 3_600_000)];
      await storeRecords(store, records);
      await detect(store, { learningDays: 7, flush: true });
      const sut = createApp({ repositories: storeRepositories(store, { searchBudget: 500 }) });
      const overview = (await (await sut.request('/api/overview')).json()) as Overview;
      expect(overview.events).toBe(records.length);
      expect(overview.eventsPerDay.reduce((n, d) => n + d.events, 0)).toBe(records.length);
      const key = 'arn:aws:iam::111122223333:user/dev3';
      const { identity } = (await (await sut.request(`/api/identities/${encodeURIComponent(key)}`)).json()) as {
        identity: IdentityProfile;
      };
      const dev3 = records.filter((r) => (r.userIdentity as { userName?: string }).userName === 'dev3').length;
      expect(identity.events).toBe(dev3);
      expect(identity.hoursOfWeek.reduce((a, b) => a + b, 0)).toBe(dev3);
      const page = (await (await sut.request('/api/events?service=iam&limit=10')).json()) as {
        events: Array<{ action: string; time: string }>;
        next: string | null;
      };
      expect(page.events.length).toBeGreaterThan(0);
      expect(page.events.every((e) => e.action.startsWith('iam:'))).toBe(true);
      const times = page.events.map((e) => e.time);
      expect(times).toEqual([...times].sort().reverse());
      expect(identity.alerts).toHaveLength(1);
      const alertId = identity.alerts[0]?.id as string;
      {
        const res = await sut.request(`/api/alerts/${alertId}/feedback`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ verdict: 'malicious', note: 'confirmed' }),
        });
        expect(res.status).toBe(200);
        const again = (await (await sut.request(`/api/identities/${encodeURIComponent(key)}`)).json()) as {
          identity: IdentityProfile;
        };
        expect(again.identity.verdicts[0]).toMatchObject({ alertId, verdict: 'malicious' });
      }
    } finally {
      await store.close();
    }
  });
});
