import { execFile, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cliProcess } from '../cli/testing.ts';
import { NothingIngestedError } from '../errors.ts';
import { scanEventRows } from '../store/events.ts';
import { openStore, type Store } from '../store/index.ts';
import { RawRecordReader } from '../store/raw.ts';
import { storeStats } from '../store/stats.ts';
import { ingest } from './index.ts';
import { prng, syntheticRecord, writeSyntheticTrail } from './synthetic.ts';

describe(ingest.name, () => {
  let dir: string;
  let store: Store;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'th-ingest-'));
    store = await openStore({ db: join(dir, 'th.db') });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores every record of an S3-layout folder once, and a second run adds nothing', async () => {
    writeSyntheticTrail(join(dir, 'logs'), 12, 50);
    const first = await ingest(store, [join(dir, 'logs')]);
    expect(first).toMatchObject({ filesRead: 12, records: 600, inserted: 600, duplicates: 0, quarantined: 0 });
    const again = await ingest(store, [join(dir, 'logs')]);
    expect(again).toMatchObject({ filesRead: 0, filesUnchanged: 12, inserted: 0 });
    expect((await storeStats(store)).events).toBe(600);
  });

  it('builds the time and actor indexes at the end of a first load, and keeps them through a later one', async () => {
    const indexes = () =>
      (store.sqlite as NonNullable<Store['sqlite']>)
        .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events' ORDER BY name")
        .all()
        .map((r) => (r as { name: string }).name);
    const all = indexes();
    expect(all).toEqual(expect.arrayContaining(['events_actor_time', 'events_session', 'events_time']));
    writeSyntheticTrail(join(dir, 'first'), 4, 50);
    const during: string[][] = [];
    await ingest(store, [join(dir, 'first')], { batchSize: 50, onProgress: () => during.push(indexes()) });
    expect(during.length).toBeGreaterThan(1);
    for (const seen of during.slice(0, -1)) expect(seen).not.toContain('events_actor_time');
    expect(indexes()).toEqual(all);

    writeSyntheticTrail(join(dir, 'later'), 2, 50, 9);
    during.length = 0;
    await ingest(store, [join(dir, 'later')], { batchSize: 50, onProgress: () => during.push(indexes()) });
    for (const seen of during) expect(seen).toEqual(all);
  });

  it('builds the deferred indexes even when the first load stops on an error', async () => {
    writeSyntheticTrail(join(dir, 'logs'), 2, 20);
    await expect(ingest(store, [join(dir, 'logs'), join(dir, 'no-such-folder')])).rejects.toThrow();
    const names = (store.sqlite as NonNullable<Store['sqlite']>)
      .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events'")
      .all()
      .map((r) => (r as { name: string }).name);
    expect(names).toEqual(expect.arrayContaining(['events_actor_time', 'events_event_id', 'events_time']));
  });

  it('stores an eventID delivered in two files once', async () => {
    const [first] = writeSyntheticTrail(join(dir, 'logs'), 1, 20);
    mkdirSync(join(dir, 'copy'));
    copyFileSync(first as string, join(dir, 'copy', 'same-events-again.json.gz'));
    const summary = await ingest(store, [join(dir, 'logs'), join(dir, 'copy')]);
    expect(summary).toMatchObject({ filesRead: 2, records: 40, inserted: 20, duplicates: 20 });
    expect((await storeStats(store)).events).toBe(20);
  });

  it('quarantines bad parts with file and line, keeps every good record around them', async () => {
    const rand = prng(7);
    const good = (i: number) => syntheticRecord(rand, i, Date.UTC(2026, 0, 5));
    const lines = [good(1), good(2), 'this is {not json', good(3), { ...good(4), eventID: undefined }, good(5)].map(
      (r) => (typeof r === 'string' ? r : JSON.stringify(r)),
    );
    writeFileSync(join(dir, 'export.jsonl'), `${lines.join('\n')}\n`);
    const whole = gzipSync(JSON.stringify({ Records: [good(10), good(11), good(12)] }));
    writeFileSync(join(dir, 'truncated.json.gz'), whole.subarray(0, Math.floor(whole.length / 2)));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'not-cloudtrail', version: '1.0.0' }));
    const problems: string[] = [];
    const summary = await ingest(store, [dir], {
      onProblem: (p) => problems.push(`${p.file.split('/').pop()}:${p.line ?? p.index ?? ''}:${p.code}`),
    });

    expect(summary.inserted).toBe(4);
    expect(problems).toEqual(expect.arrayContaining(['export.jsonl:3:invalid-json', 'export.jsonl:5:missing-field']));
    expect(problems.some((p) => p.startsWith('truncated.json.gz') && p.includes('gzip'))).toBe(true);
    expect(problems.some((p) => p.startsWith('package.json') && p.endsWith('not-cloudtrail'))).toBe(true);
    const quarantined = await store.db.selectFrom('quarantine').select(['file', 'line', 'code', 'reason']).execute();
    expect(quarantined.length).toBe(summary.quarantined);
    expect(quarantined.find((q) => q.line === 5)?.reason).toMatch(/eventID/);
  });

  it('refuses with NothingIngestedError when nothing at all could be read', async () => {
    writeFileSync(join(dir, 'broken.json'), '{"Records": [');
    await expect(ingest(store, [join(dir, 'broken.json')], { requireRecords: true })).rejects.toBeInstanceOf(
      NothingIngestedError,
    );
  });

  it('reads the real Stratus Red Team detonations (312 records)', async () => {
    const summary = await ingest(store, [join(import.meta.dirname, '../../fixtures/stratus-red-team')]);
    expect(summary.records).toBe(312);
    expect(summary.quarantined).toBe(0);
    expect(summary.inserted + summary.duplicates).toBe(312);
    const stats = await storeStats(store);
    expect(stats.events).toBe(summary.inserted);
    expect(stats.from).toBe('2024-07-30T21:31:10.000Z');
  });

  it("keeps each event's catalog targets, so detection sees which account a snapshot went to", async () => {
    await ingest(store, [join(import.meta.dirname, '../../fixtures/stratus-red-team')]);
    const aimed: Record<string, string[]> = {};
    for await (const row of scanEventRows(store)) if (row.targets.length > 0) aimed[row.action] = row.targets;
    expect(aimed).toMatchObject({
      ModifyDBSnapshotAttribute: ['account:503161813013'],
      ModifySnapshotAttribute: ['account:098797384747'],
      SendCommand: ['document:AWS-RunShellScript'],
    });
  });
});

describe('ingest after a crash', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** The logical content of a store: events with their original records, files, quarantine. */
  const dump = async (file: string) => {
    const store = await openStore({ db: file });
    const reader = new RawRecordReader(store);
    const rows = await store.db
      .selectFrom('events')
      .select(['event_id', 'time', 'actor_key', 'action', 'facts', 'risk', 'raw', 'blob_id', 'raw_line', 'raw_index'])
      .orderBy('blob_id')
      .orderBy('raw_index')
      .execute();
    const events = [];
    for (const { raw, blob_id, raw_line, raw_index, ...columns } of rows)
      events.push({ ...columns, record: await reader.read({ raw, blob_id, raw_line, raw_index }) });
    events.sort((a, b) => (a.event_id < b.event_id ? -1 : 1));
    const files = await store.db
      .selectFrom('files')
      .select(['name', 'fingerprint', 'status', 'records', 'problems'])
      .orderBy('name')
      .execute();
    const quarantine = await store.db
      .selectFrom('quarantine')
      .select(['file', 'line', 'idx', 'code', 'reason'])
      .orderBy('file')
      .orderBy('line')
      .orderBy('idx')
      .execute();
    await store.close();
    return { events, files, quarantine };
  };

  it('holds the same events, original records, files and quarantine whether files are prepared on a worker or on the calling thread', async () => {
    dir = mkdtempSync(join(tmpdir(), 'th-workers-'));
    writeSyntheticTrail(join(dir, 'logs'), 12, 150);
    writeFileSync(join(dir, 'logs', 'bad.jsonl'), '{"eventID": 1}\nnot json\n');
    const stores = [];
    for (const prepareWorkers of [0, 1]) {
      const file = join(dir, `workers-${prepareWorkers}.db`);
      const store = await openStore({ db: file });
      const summary = await ingest(store, [join(dir, 'logs')], { prepareWorkers, batchSize: 400 });
      await store.close();
      expect(summary).toMatchObject({ inserted: 1_800 });
      stores.push(await dump(file));
    }
    expect(stores[0]?.quarantine.length).toBeGreaterThan(0);
    expect(stores[1]).toEqual(stores[0]);
  });

  it('holds the same events, original records, files and quarantine as an uninterrupted run when killed midway and run again', async () => {
    dir = mkdtempSync(join(tmpdir(), 'th-crash-'));
    writeSyntheticTrail(join(dir, 'logs'), 30, 200);
    writeFileSync(join(dir, 'logs', 'bad.jsonl'), '{"eventID": 1}\nnot json\n');
    const killed = join(dir, 'killed.db');
    const child = spawn(...cliProcess(['ingest', join(dir, 'logs'), '--db', killed, '--batch-size', '500']), {
      stdio: 'ignore',
    });
    // Kill once some, but not all, batches are committed.
    await new Promise<void>((resolve, reject) => {
      const poll = setInterval(() => {
        try {
          const db = new Database(killed, { readonly: true, fileMustExist: true });
          const { n } = db.prepare('SELECT count(*) AS n FROM events').get() as { n: number };
          db.close();
          if (n > 0) {
            clearInterval(poll);
            child.kill('SIGKILL');
            resolve();
          }
        } catch {
          // not created yet
        }
      }, 20);
      child.on('exit', () => {
        clearInterval(poll);
        reject(new Error('ingest finished before it could be killed; make the input larger'));
      });
    });
    const partial = await dump(killed);
    expect(partial.events.length).toBeLessThan(6_000);

    await promisify(execFile)(...cliProcess(['ingest', join(dir, 'logs'), '--db', killed, '--batch-size', '500']));
    const clean = join(dir, 'clean.db');
    await promisify(execFile)(...cliProcess(['ingest', join(dir, 'logs'), '--db', clean]));

    const resumed = await dump(killed);
    const reference = await dump(clean);
    expect(reference.events.every((e) => e.record !== null)).toBe(true);
    expect(resumed.events.length).toBe(6_000);
    expect(resumed).toEqual(reference);
  });
});

describe('original records', () => {
  it('reads back every stored record exactly as received, from the kept file bytes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'th-raw-'));
    const store = await openStore({ db: join(dir, 'th.db') });
    try {
      const fixtures = join(import.meta.dirname, '../../fixtures/stratus-red-team');
      await ingest(store, [fixtures]);
      const { readFileSync, readdirSync } = await import('node:fs');
      const expected = new Map<string, unknown>();
      for (const name of readdirSync(fixtures)
        .filter((n) => n.endsWith('.json'))
        .sort()) {
        const content = JSON.parse(readFileSync(join(fixtures, name), 'utf8')) as unknown;
        for (const r of Array.isArray(content) ? content : [content])
          if (!expected.has((r as { eventID: string }).eventID)) expected.set((r as { eventID: string }).eventID, r);
      }
      const blobs = await store.db
        .selectFrom('raw_blobs')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(blobs.n)).toBeGreaterThan(30);
      const reader = new RawRecordReader(store);
      const refs = await store.db
        .selectFrom('events')
        .select(['event_id', 'raw', 'blob_id', 'raw_line', 'raw_index'])
        .execute();
      expect(refs.length).toBe(expected.size);
      for (const { event_id, ...ref } of refs) expect(await reader.read(ref)).toEqual(expected.get(event_id));
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
