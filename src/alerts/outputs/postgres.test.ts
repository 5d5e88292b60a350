import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertFixtures } from '../../server/fixtures.ts';
import { openStore } from '../../store/index.ts';
import { OutputDeliveriesRepository } from '../../store/output-deliveries.ts';
import { testDatabase } from '../../store/postgres-testing.ts';
import type { Alert } from '../types.ts';
import { notify } from './index.ts';
import type { AlertOutput } from './types.ts';

const database = testDatabase('outputs');
const url = database.url;

describe('delivery log on PostgreSQL', () => {
  beforeAll(() => database.create());
  afterAll(() => database.drop());

  it('migrates, sends each alert once per destination, and leases claims', async () => {
    const store = await openStore({ db: url });
    try {
      const delivered: string[] = [];
      const output: AlertOutput = {
        name: 'capture',
        key: 'capture:1',
        warnings: [],
        send: async (alerts: Alert[]) => void delivered.push(...alerts.map((a) => a.id)),
      };
      const log = new OutputDeliveriesRepository(store);
      expect((await notify({ output, alerts: alertFixtures(), log })).sent).toHaveLength(2);
      expect(await notify({ output, alerts: alertFixtures(), log })).toEqual({
        sent: [],
        alreadySent: 2,
        claimedElsewhere: 0,
      });
      expect(delivered).toHaveLength(2);
      expect((await log.settled('capture:1')).size).toBe(2);
      const sends = await store.db.selectFrom('output_sends').select('alert_id').execute();
      expect(sends).toHaveLength(2);

      // A live lease blocks a second claimer; an expired one (a crashed sender) does not.
      expect(await log.claim('capture:2', 'a1', 'p1', 1000, 500)).toBe(true);
      expect(await log.claim('capture:2', 'a1', 'p2', 1200, 500)).toBe(false);
      expect(await log.claim('capture:2', 'a1', 'p2', 1600, 500)).toBe(true);
      await log.markSent('capture:2', 'a1', 'p1', 1700); // the old owner lost its claim: no effect
      expect((await log.settled('capture:2')).size).toBe(0);
      await log.markFailed('capture:2', 'a1', 'p2', 1800, 'HTTP 500', true);
      expect((await log.deadLetters('capture:2')).map((d) => [d.alertId, d.attempts, d.lastError])).toEqual([
        ['a1', 1, 'HTTP 500'],
      ]);
      expect(await log.claim('capture:2', 'a1', 'p3', 5000, 500)).toBe(false);
      expect(await log.requeueDead('capture:2', 6000)).toBe(1);
      expect(await log.claim('capture:2', 'a1', 'p3', 6000, 500)).toBe(true);
      await log.markSent('capture:2', 'a1', 'p3', 6100);
      expect((await log.settled('capture:2')).get('a1')).toBe('sent');
    } finally {
      await store.close();
    }
  });
});
