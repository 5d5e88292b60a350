import { afterEach, describe, expect, it } from 'vitest';
import { saveAlert } from '../alerts/repository.ts';
import type { Alert } from '../alerts/types.ts';
import { ingest } from '../ingest/index.ts';
import { openStore, type Store } from '../store/index.ts';
import { createApp } from './app.ts';
import { alertFixtures, alertStub, asStored } from './fixtures.ts';
import { storeRepositories } from './wire.ts';

let store: Store | null = null;
afterEach(async () => {
  await store?.close();
  store = null;
});

async function storeWithAlerts(): Promise<Store> {
  const s = await openStore({ db: ':memory:' });
  for (const a of alertFixtures()) await saveAlert(s, asStored(a));
  return s;
}

describe('the API over a real store', () => {
  it('lists, shows and records feedback through the detector repository', async () => {
    store = await storeWithAlerts();
    const sut = createApp({ repositories: storeRepositories(store) });
    const list = (await (await sut.request('/api/alerts?status=new')).json()) as { alerts: Alert[] };
    expect(list.alerts.map((a) => a.id)).toEqual([alertStub.adminCreated.id, alertStub.loggingStopped.id]);

    const detail = (await (await sut.request(`/api/alerts/${alertStub.adminCreated.id}`)).json()) as {
      alert: Record<string, unknown>;
    };
    expect(detail.alert).toEqual(alertStub.adminCreated);
    expect(detail.alert).not.toHaveProperty('journeyIds');
    // The API takes exact ids only (the CLI's prefix matching would make URLs ambiguous).
    expect((await sut.request('/api/alerts/al-0001')).status).toBe(404);

    const res = await sut.request(`/api/alerts/${alertStub.adminCreated.id}/feedback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ verdict: 'acknowledged', note: 'looking' }),
    });
    expect(((await res.json()) as { alert: Alert }).alert).toMatchObject({ status: 'acknowledged', note: 'looking' });
    const row = await store.db
      .selectFrom('alerts')
      .select(['status', 'note'])
      .where('id', '=', alertStub.adminCreated.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'acknowledged', note: 'looking' });
  });

  it('lists stored events with catalog sentences, and store totals', async () => {
    store = await openStore({ db: ':memory:' });
    await ingest(store, ['fixtures/stratus-red-team/aws.execution.ec2-user-data.json']);
    const sut = createApp({ repositories: storeRepositories(store) });
    const stats = (await (await sut.request('/api/stats')).json()) as { store: { events: number } };
    expect(stats.store.events).toBeGreaterThan(3);
    const { events } = (await (await sut.request('/api/events?limit=3')).json()) as {
      events: Array<{ time: string; sentence: string; action: string }>;
    };
    expect(events).toHaveLength(3);
    expect(events.map((e) => e.time)).toEqual([...events.map((e) => e.time)].sort());
    for (const e of events) {
      expect(e.sentence.length).toBeGreaterThan(10);
      expect(e.action).toMatch(/^[a-z0-9-]+:\w+$/);
    }
  });
});
