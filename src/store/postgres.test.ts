import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingest } from '../ingest/index.ts';
import { writeSyntheticTrail } from '../ingest/synthetic.ts';
import { scanEventRows } from './events.ts';
import { openStore } from './index.ts';
import { storeStats } from './stats.ts';

// PostgreSQL runs on 127.0.0.1:5432 with trust auth on this machine kind (and in CI);
// each run creates and drops its own database.
const ADMIN = process.env.TRAILHOUND_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const name = `trailhound_test_${process.pid}_${Date.now()}`;
const url = ADMIN.replace(/\/[^/]*$/, `/${name}`);

describe('store on PostgreSQL', () => {
  let dir: string;
  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: ADMIN });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    dir = mkdtempSync(join(tmpdir(), 'th-pg-'));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    const admin = new pg.Client({ connectionString: ADMIN });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  });

  it('ingests exactly once and scans events in time order, as on SQLite', async () => {
    writeSyntheticTrail(join(dir, 'logs'), 5, 300);
    const sut = await openStore({ db: url });
    try {
      expect(sut.dialect).toBe('postgres');
      const first = await ingest(sut, [join(dir, 'logs')]);
      expect(first).toMatchObject({ records: 1500, inserted: 1500, duplicates: 0 });
      expect(await ingest(sut, [join(dir, 'logs')], { force: true })).toMatchObject({ inserted: 0, duplicates: 1500 });
      const stats = await storeStats(sut);
      expect(stats.events).toBe(1500);
      let last = -1;
      let n = 0;
      for await (const row of scanEventRows(sut, { batch: 400 })) {
        expect(row.time).toBeGreaterThanOrEqual(last);
        expect(typeof row.time).toBe('number');
        last = row.time;
        n++;
      }
      expect(n).toBe(1500);
    } finally {
      await sut.close();
    }
  });
});
