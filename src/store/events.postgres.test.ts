import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingest } from '../ingest/index.ts';
import { prng, syntheticRecord, writeSyntheticTrail } from '../ingest/synthetic.ts';
import { normalizeRecord } from '../normalize/index.ts';
import { eventColumns, insertEventRows, queryEvents, scanEventRows } from './events.ts';
import { FilesRepository } from './files.ts';
import { openStore } from './index.ts';
import { testDatabase } from './postgres-testing.ts';

const database = testDatabase('copy');
const url = database.url;

describe('events written with COPY on PostgreSQL', () => {
  let dir: string;
  beforeAll(async () => {
    await database.create();
    dir = mkdtempSync(join(tmpdir(), 'th-pg-copy-'));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await database.drop();
  });

  it('stores every event of a folder once, in input order, and a rerun and a copy add nothing', async () => {
    const store = await openStore({ db: url });
    try {
      writeSyntheticTrail(join(dir, 'logs'), 6, 300);
      const first = await ingest(store, [join(dir, 'logs')], { batchSize: 500 });
      expect(first).toMatchObject({ records: 1800, inserted: 1800, duplicates: 0 });
      const again = await ingest(store, [join(dir, 'logs')], { force: true });
      expect(again).toMatchObject({ records: 1800, inserted: 0, duplicates: 1800 });
      const rows = await store.db.selectFrom('events').select(['id', 'event_id']).orderBy('id').execute();
      expect(rows).toHaveLength(1800);
      // Ids follow the input: the synthetic eventIDs end with the record's running number.
      expect(rows.map((r) => Number(r.event_id.split('-').at(-1)))).toEqual(rows.map((_, i) => i));
      // Every event reads back from its kept file, as on SQLite.
      let read = 0;
      for await (const e of queryEvents(store, { limit: 50 })) if (e.eventId) read++;
      expect(read).toBe(50);
    } finally {
      await store.close();
    }
  });

  it('stops at a batch the server refuses, with the batches before it committed, and a rerun completes the rest once', async () => {
    const store = await openStore({ db: url });
    try {
      const logs = join(dir, 'refused');
      writeSyntheticTrail(logs, 6, 300, 77);
      // Batches are written while the next is prepared: the one holding record 1,500 (the sixth
      // file) fails on the server after the loop has moved on.
      await sql`CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused %', NEW.event_id; END $$`.execute(
        store.db,
      );
      await sql`CREATE TRIGGER refuse BEFORE INSERT ON events FOR EACH ROW WHEN (NEW.event_id LIKE '%-1500') EXECUTE FUNCTION refuse()`.execute(
        store.db,
      );
      await expect(ingest(store, [logs], { batchSize: 500 })).rejects.toThrow(/refused/);
      const stored = await store.db
        .selectFrom('events')
        .select('event_id')
        .where('file_id', 'in', (eb) => eb.selectFrom('files').select('id').where('name', 'like', `${logs}%`))
        .execute();
      const numbers = stored.map((r) => Number(r.event_id.split('-').at(-1)));
      expect(numbers.length).toBeGreaterThan(0);
      expect(Math.max(...numbers)).toBeLessThan(1500);
      const files = await store.db
        .selectFrom('files')
        .select(['name', 'status'])
        .where('name', 'like', `${logs}%`)
        .execute();
      const done = files.filter((f) => f.status === 'done').map((f) => f.name);
      expect(done.length).toBeLessThan(6);
      await sql`DROP TRIGGER refuse ON events`.execute(store.db);
      const rerun = await ingest(store, [logs], { batchSize: 500 });
      expect(rerun.filesUnchanged).toBe(done.length);
      expect(rerun.inserted).toBe(1800 - numbers.length);
      const all = await store.db.selectFrom('events').select('event_id').where('event_id', 'like', '%-1500').execute();
      expect(all).toHaveLength(2);
      const after = await store.db.selectFrom('files').select('status').where('name', 'like', `${logs}%`).execute();
      expect(after.map((f) => f.status)).toEqual(Array(6).fill('done'));
    } finally {
      await store.close();
    }
  });

  it('writes strings with tabs, newlines, backslashes and quotes exactly, and skips a duplicate within one call', async () => {
    const store = await openStore({ db: url });
    try {
      const rand = prng(5);
      const record = {
        ...syntheticRecord(rand, 1, Date.UTC(2026, 0, 5)),
        eventID: 'copy-hostile-1',
        userAgent: 'tab\there\nnewline\\backslash\r"quote\' \\N \u00e9\u202e',
      };
      const result = normalizeRecord(record);
      if (!result.ok) throw new Error(result.reason);
      const row = eventColumns({
        event: result.event,
        facts: ['a', 'b'],
        risk: 0.25,
        raw: JSON.stringify(record),
        fileId: null,
      });
      expect(await insertEventRows(store, [row, [...row]])).toBe(1);
      const back = [];
      for await (const e of queryEvents(store)) if (e.eventId === 'copy-hostile-1') back.push(e.userAgent);
      expect(back).toEqual([record.userAgent]);
      const stored = await store.db
        .selectFrom('events')
        .select(['raw', 'facts', 'risk', 'blob_id'])
        .where('event_id', '=', 'copy-hostile-1')
        .executeTakeFirstOrThrow();
      expect(stored).toEqual({ raw: JSON.stringify(record), facts: 'a b', risk: 0.25, blob_id: null });
      const scanned = [];
      for await (const r of scanEventRows(store)) if (r.eventId === 'copy-hostile-1') scanned.push(r);
      expect(scanned).toHaveLength(1);
    } finally {
      await store.close();
    }
  });

  it('ingests records holding NUL (no PostgreSQL text can) once each, as U+FFFD, and reads them back as sent', async () => {
    const store = await openStore({ db: url });
    try {
      const rand = prng(13);
      const nul = (i: number) => {
        const r = syntheticRecord(rand, i, Date.UTC(2026, 0, 7)) as Record<string, unknown> & {
          userIdentity: Record<string, unknown>;
        };
        return {
          ...r,
          eventID: `nul\u0000${i}`,
          userAgent: 'agent\u0000\\0\t',
          errorCode: 'Denied\u0000',
          userIdentity: { ...r.userIdentity, accessKeyId: `ASIA\u0000${i}`, userName: 'a\u0000b' },
        };
      };
      const records = [nul(1), nul(2), nul(1)];
      mkdirSync(join(dir, 'nul'));
      writeFileSync(join(dir, 'nul', 'nul.json.gz'), gzipSync(JSON.stringify({ Records: records })));
      const summary = await ingest(store, [join(dir, 'nul')]);
      expect(summary).toMatchObject({ records: 3, inserted: 2, duplicates: 1, quarantined: 0 });
      const stored = await store.db
        .selectFrom('events')
        .select(['event_id', 'error_code', 'session'])
        .where('event_id', 'like', 'nul%')
        .orderBy('event_id')
        .execute();
      expect(stored).toEqual([
        { event_id: 'nul\uFFFD1', error_code: 'Denied\uFFFD', session: 'ASIA\uFFFD1' },
        { event_id: 'nul\uFFFD2', error_code: 'Denied\uFFFD', session: 'ASIA\uFFFD2' },
      ]);
      const back = [];
      for await (const e of queryEvents(store)) if (e.eventId.startsWith('nul')) back.push([e.eventId, e.userAgent]);
      expect(back.sort()).toEqual([
        ['nul\u00001', 'agent\u0000\\0\t'],
        ['nul\u00002', 'agent\u0000\\0\t'],
      ]);
      const again = await ingest(store, [join(dir, 'nul')], { force: true });
      expect(again).toMatchObject({ inserted: 0, duplicates: 3 });
    } finally {
      await store.close();
    }
  });

  it('skips an eventID another writer stores while the batch is being copied', async () => {
    const store = await openStore({ db: url });
    const other = new pg.Client({ connectionString: url });
    await other.connect();
    try {
      const rand = prng(9);
      const rowOf = (eventID: string) => {
        const result = normalizeRecord({ ...syntheticRecord(rand, 1, Date.UTC(2026, 0, 6)), eventID });
        if (!result.ok) throw new Error(result.reason);
        return eventColumns({ event: result.event, facts: [], risk: 0, raw: '{}', fileId: null });
      };
      const [taken, free] = [rowOf('race-taken'), rowOf('race-free')];
      // The other writer holds the eventID uncommitted: our lookup cannot see it, our COPY waits on it.
      await other.query('BEGIN');
      await other.query(
        'INSERT INTO events (event_id, time, account_id, region, service, action, action_key, event_type, success, client_class, console, actor_key, actor_type, actor_name, facts, risk) VALUES ($1, 0, $2, $3, $4, $5, $5, $6, 1, $7, 0, $8, $9, $10, $11, 0)',
        [
          'race-taken',
          '111122223333',
          'us-east-1',
          'sts',
          'GetCallerIdentity',
          'AwsApiCall',
          'sdk',
          'k',
          'iam-user',
          'n',
          '',
        ],
      );
      const writing = insertEventRows(store, [taken, free]);
      await new Promise((r) => setTimeout(r, 500));
      await other.query('COMMIT');
      expect(await writing).toBe(1);
      const ids = await store.db
        .selectFrom('events')
        .select('event_id')
        .where('event_id', 'like', 'race-%')
        .orderBy('event_id')
        .execute();
      expect(ids.map((r) => r.event_id)).toEqual(['race-free', 'race-taken']);
    } finally {
      await other.end();
      await store.close();
    }
  });

  it("keeps a blob whose events commit after another writer's orphan sweep", async () => {
    const store = await openStore({ db: url });
    const [u, t] = [new pg.Client({ connectionString: url }), new pg.Client({ connectionString: url })];
    await Promise.all([u.connect(), t.connect()]);
    const files = new FilesRepository(store);
    const fileId = (await files.markReading([{ name: 'sweep-race.json', fingerprint: 'f' }])).get('sweep-race.json');
    const blob = async (c: pg.Client) =>
      Number(
        (
          await c.query('INSERT INTO raw_blobs (file_id, data) VALUES ($1, $2) RETURNING id', [
            fileId,
            Buffer.from('x'),
          ])
        ).rows[0].id,
      );
    const event = (c: pg.Client, eventId: string, blobId: number) =>
      c.query(
        "INSERT INTO events (event_id, time, account_id, region, service, action, action_key, event_type, success, client_class, console, actor_key, actor_type, actor_name, facts, risk, blob_id) VALUES ($1, 0, '111122223333', 'us-east-1', 'sts', 'GetCallerIdentity', 'GetCallerIdentity', 'AwsApiCall', 1, 'sdk', 0, 'k', 'iam-user', 'n', '', 0, $2)",
        [eventId, blobId],
      );
    try {
      // Two ingests interleave: U takes the lower blob id, T the higher one and the lower event
      // ids; U commits and sweeps while T is still writing.
      await u.query('BEGIN');
      await t.query('BEGIN');
      await blob(u);
      const late = await blob(t);
      await event(t, 'sweep-race-t', late);
      await event(u, 'sweep-race-u', late - 1);
      await u.query('COMMIT');
      const sweeping = files.dropOrphanBlobs();
      await new Promise((r) => setTimeout(r, 500));
      await t.query('COMMIT');
      await sweeping;
      await files.dropOrphanBlobs();
      const kept = await store.db.selectFrom('raw_blobs').select('id').where('id', '=', late).execute();
      expect(kept).toHaveLength(1);
    } finally {
      await Promise.all([u.end(), t.end()]);
      await store.close();
    }
  });
});
