import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingest } from '../ingest/index.ts';
import { writeSyntheticTrail } from '../ingest/synthetic.ts';
import { scanEventRows } from './events.ts';
import { openStore } from './index.ts';
import { testDatabase } from './postgres-testing.ts';
import { storeStats } from './stats.ts';

const database = testDatabase('store');
const url = database.url;

describe('store on PostgreSQL', () => {
  let dir: string;
  beforeAll(async () => {
    await database.create();
    dir = mkdtempSync(join(tmpdir(), 'th-pg-'));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await database.drop();
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

  it('commits without waiting for the disk only when asked (workers), in every session of its pool', async () => {
    const setting = async (store: Awaited<ReturnType<typeof openStore>>) =>
      (await sql<{ synchronous_commit: string }>`SHOW synchronous_commit`.execute(store.db)).rows[0]
        ?.synchronous_commit;
    const plain = await openStore({ db: url });
    const worker = await openStore({ db: url, asyncCommit: true });
    try {
      expect(await setting(plain)).toBe('on');
      // Several at once: each takes a session of its own from the pool.
      const inTransactions = await Promise.all(
        [1, 2, 3].map(() => worker.db.transaction().execute((trx) => setting({ ...worker, db: trx }))),
      );
      expect(inTransactions).toEqual(['off', 'off', 'off']);
      expect(await setting(plain)).toBe('on');
    } finally {
      await plain.close();
      await worker.close();
    }
  });

  it('compares eventIDs and sessions bytewise whatever the database locale, and keeps blobs uncompressed (0012)', async () => {
    const sut = await openStore({ db: url });
    try {
      const { rows } = await sql<{ table: string; column: string; collation: string | null; storage: string }>`
        SELECT c.relname AS table, a.attname AS column, co.collname AS collation, a.attstorage AS storage
        FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid LEFT JOIN pg_collation co ON co.oid = a.attcollation
        WHERE (c.relname = 'events' AND a.attname IN ('event_id', 'session', 'actor_key'))
           OR (c.relname = 'raw_blobs' AND a.attname = 'data')
        ORDER BY c.relname, a.attname`.execute(sut.db);
      expect(rows).toEqual([
        // actor_key keeps the database's collation: measured no cheaper bytewise, and identity_hash is generated from it.
        { table: 'events', column: 'actor_key', collation: 'default', storage: 'x' },
        { table: 'events', column: 'event_id', collation: 'C', storage: 'x' },
        { table: 'events', column: 'session', collation: 'C', storage: 'x' },
        { table: 'raw_blobs', column: 'data', collation: null, storage: 'e' },
      ]);
    } finally {
      await sut.close();
    }
  });

  it("compresses the workers' partition states, snapshots and day summaries with lz4 where the server has it (0013)", async () => {
    const sut = await openStore({ db: url });
    try {
      const { rows: offered } = await sql<{ lz4: boolean }>`
        SELECT 'lz4' = ANY (enumvals) AS lz4 FROM pg_settings WHERE name = 'default_toast_compression'`.execute(sut.db);
      const { rows } = await sql<{ table: string; column: string; compression: string }>`
        SELECT c.relname AS table, a.attname AS column, a.attcompression AS compression
        FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
        WHERE c.relnamespace = current_schema()::regnamespace
          AND (c.relname, a.attname) IN (('worker_partitions', 'state'), ('worker_snapshots', 'body'), ('worker_scores', 'scores'))
        ORDER BY c.relname`.execute(sut.db);
      // '' is the server's default (pglz), kept by a server built without lz4.
      const expected = offered[0]?.lz4 === true ? 'l' : '';
      expect(rows).toEqual([
        { table: 'worker_partitions', column: 'state', compression: expected },
        { table: 'worker_scores', column: 'scores', compression: expected },
        { table: 'worker_snapshots', column: 'body', compression: expected },
      ]);
    } finally {
      await sut.close();
    }
  });
});
