import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertFixtures } from '../../server/fixtures.ts';
import { openStore } from '../../store/index.ts';
import type { Alert } from '../types.ts';
import { notify, storeSentLog } from './index.ts';
import type { AlertOutput } from './types.ts';

// Same PostgreSQL as src/store/postgres.test.ts: 127.0.0.1:5432, trust auth, a database per run.
const ADMIN = process.env.TRAILHOUND_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const name = `trailhound_outputs_${process.pid}_${Date.now()}`;
const url = ADMIN.replace(/\/[^/]*$/, `/${name}`);

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN });
  await client.connect();
  await client.query(sql);
  await client.end();
}

describe('sent log on PostgreSQL', () => {
  beforeAll(() => admin(`CREATE DATABASE ${name}`));
  afterAll(() => admin(`DROP DATABASE IF EXISTS ${name}`));

  it('migrates output_sends and sends each alert once per destination', async () => {
    const store = await openStore({ db: url });
    try {
      const delivered: string[] = [];
      const output: AlertOutput = {
        name: 'capture',
        key: 'capture:1',
        send: async (alerts: Alert[]) => void delivered.push(...alerts.map((a) => a.id)),
      };
      const log = storeSentLog(store);
      expect((await notify({ output, alerts: alertFixtures(), log })).sent).toHaveLength(2);
      expect(await notify({ output, alerts: alertFixtures(), log })).toEqual({ sent: [], alreadySent: 2 });
      await log.record('capture:1', delivered[0] as string, Date.now());
      expect(delivered).toHaveLength(2);
      expect((await log.sentIds('capture:1')).size).toBe(2);
    } finally {
      await store.close();
    }
  });
});
