/**
 * Hostile input at ingest (issue 11 item 6): quarantine bounded per file, unreadable files
 * retried by the next run, one message per file for records in an unknown shape.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cliProcess } from '../cli/testing.ts';
import { openStore, type Store } from '../store/index.ts';
import { storeStats } from '../store/stats.ts';
import { type IngestProblem, ingest, PROBLEM_ROWS_PER_FILE } from './index.ts';
import { prng, syntheticRecord } from './synthetic.ts';

/** Paths whose open fails with EACCES, as a permission or I/O error would make it (the tests run as root). */
const unreadable = vi.hoisted(() => new Set<string>());
vi.mock('../sources/read-worker.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../sources/read-worker.ts')>();
  return {
    ...actual,
    readInWorker: (path: string | Buffer, max: number) =>
      unreadable.has(String(path))
        ? Promise.resolve({ error: `EACCES: permission denied, open '${String(path)}'` })
        : actual.readInWorker(path, max),
  };
});

describe('ingest of hostile input', () => {
  let dir: string;
  let store: Store;
  const rand = prng(11);
  const good = (i: number) => syntheticRecord(rand, i, Date.UTC(2026, 0, 5));
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'th-hostile-ingest-'));
    store = await openStore({ db: join(dir, 'th.db') });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps at most 1,000 quarantine rows per file and one row counting the rest, and finishes the file', async () => {
    const bad = 50_000;
    const text = `${JSON.stringify(good(1))}\n${'x\n'.repeat(bad)}${JSON.stringify(good(2))}\n`;
    mkdirSync(join(dir, 'logs'));
    writeFileSync(join(dir, 'logs', 'lines.jsonl.gz'), gzipSync(text));
    const printed: IngestProblem[] = [];
    const summary = await ingest(store, [join(dir, 'logs')], { onProblem: (p) => printed.push(p) });
    expect(summary).toMatchObject({ filesRead: 1, records: 2, inserted: 2, quarantined: bad });
    const rows = await store.db.selectFrom('quarantine').select(['code', 'reason', 'line']).orderBy('id').execute();
    expect(rows).toHaveLength(PROBLEM_ROWS_PER_FILE + 1);
    expect(rows[0]).toMatchObject({ code: 'invalid-json', line: 2 });
    expect(rows.at(-1)).toMatchObject({ code: 'too-many-problems' });
    expect(rows.at(-1)?.reason).toContain('and 49,000 more like these (invalid-json 49,000)');
    expect(printed).toHaveLength(PROBLEM_ROWS_PER_FILE + 1);
    // Done, so a rerun does not redo it.
    const again = await ingest(store, [join(dir, 'logs')]);
    expect(again).toMatchObject({ filesRead: 0, filesUnchanged: 1 });
  });

  it('records a file that could not be read as retry, and the next run reads it', async () => {
    mkdirSync(join(dir, 'logs'));
    const a = join(dir, 'logs', 'a.json');
    const b = join(dir, 'logs', 'b.json');
    writeFileSync(a, JSON.stringify({ Records: [good(1)] }));
    writeFileSync(b, JSON.stringify({ Records: [good(2), good(3)] }));
    // b is listed, then cannot be opened (files are read ahead, so the failure is at the open).
    unreadable.add(b);
    // On this thread: the mock reaches no prepare worker (the CLI test of EACCES covers them).
    const first = await ingest(store, [join(dir, 'logs')], { prepareWorkers: 0 });
    expect(first).toMatchObject({ filesRead: 2, inserted: 1, filesToRetry: 1 });
    const files = await store.db.selectFrom('files').select(['name', 'status']).orderBy('name').execute();
    expect(files).toEqual([
      { name: a, status: 'done' },
      { name: b, status: 'retry' },
    ]);
    const problem = await store.db.selectFrom('quarantine').select(['file', 'code', 'reason']).execute();
    expect(problem).toEqual([
      { file: b, code: 'read-error', reason: expect.stringMatching(/read again by the next run/) },
    ]);

    unreadable.delete(b);
    const second = await ingest(store, [join(dir, 'logs')]);
    expect(second).toMatchObject({ filesRead: 1, filesUnchanged: 1, inserted: 2, filesToRetry: 0 });
    expect((await storeStats(store)).events).toBe(3);
    // The read error of the first run is gone with the file read.
    expect(await store.db.selectFrom('quarantine').selectAll().execute()).toEqual([]);
  });

  it('reports records in a shape it does not know once per file, and quarantines every one of them', async () => {
    mkdirSync(join(dir, 'logs'));
    const lines = [good(1), ...Array.from({ length: 5 }, (_, i) => ({ ts: i, who: 'x', op: 'y' })), good(2)];
    writeFileSync(join(dir, 'logs', 'mixed.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n'));
    writeFileSync(
      join(dir, 'logs', 'other.jsonl'),
      Array.from({ length: 4 }, (_, i) => JSON.stringify({ level: 'info', msg: `m${i}` })).join('\n'),
    );
    const printed: IngestProblem[] = [];
    const summary = await ingest(store, [join(dir, 'logs')], { onProblem: (p) => printed.push(p) });
    expect(summary).toMatchObject({ inserted: 2, quarantined: 5 + 5 });
    expect(printed.map((p) => [p.file.slice(dir.length + 1), p.line, p.code])).toEqual([
      ['logs/mixed.jsonl', 2, 'not-cloudtrail'],
      ['logs/other.jsonl', null, 'not-cloudtrail'],
    ]);
    expect(printed[0]?.reason).toContain('top-level fields: ts, who, op');
    expect(printed[1]?.reason).toContain('top-level fields: level, msg');
    expect(await store.db.selectFrom('quarantine').selectAll().execute()).toHaveLength(10);
  });

  it('ingests every format users have with no flag; only the unknown shape is quarantined, with one message', async () => {
    const formats = join(import.meta.dirname, '../../fixtures/formats');
    const printed: IngestProblem[] = [];
    const summary = await ingest(store, [formats], { onProblem: (p) => printed.push(p) });
    // 240 records in 11 files; duplicates are the same Stratus records in two formats (OCSF JSON and Parquet).
    expect(summary).toMatchObject({ filesRead: 12, otherFiles: 2, records: 240, quarantined: 7 });
    expect(summary.inserted + summary.duplicates).toBe(240);
    expect(printed.map((p) => [p.file.slice(formats.length + 1), p.code])).toEqual([
      ['unknown-shape.jsonl', 'not-cloudtrail'],
    ]);
    // The Logstash-shipped instance-credential theft (no eventTime in any line) is stored whole.
    const logstash = await store.db
      .selectFrom('events')
      .innerJoin('files', 'files.id', 'events.file_id')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('files.name', '=', join(formats, 'logstash-ec2-steal-instance-credentials.jsonl'))
      .executeTakeFirstOrThrow();
    expect(Number(logstash.n)).toBe(45);
  });

  it('a file unreadable for permissions (EACCES) is retried by the next run once they are fixed', async () => {
    // Root reads any file whatever its mode, so the CLI runs as an unprivileged user when the test is root.
    const user = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const work = mkdtempSync(join(tmpdir(), 'th-eacces-'));
    try {
      chmodSync(work, 0o777);
      mkdirSync(join(work, 'logs'), { mode: 0o755 });
      writeFileSync(join(work, 'logs', 'a.json'), JSON.stringify({ Records: [good(1)] }), { mode: 0o644 });
      writeFileSync(join(work, 'logs', 'b.json'), JSON.stringify({ Records: [good(2), good(3)] }), { mode: 0o000 });
      const db = join(work, 'th.db');
      const [node, args] = cliProcess(['ingest', join(work, 'logs'), '--db', db]);
      const cli = () => spawnSync(node, args, { encoding: 'utf8', ...user });
      const first = cli();
      expect(first.stderr).toMatch(/b\.json: read-error: .*EACCES.*read again by the next run/);
      const between = await openStore({ db });
      try {
        const files = await between.db.selectFrom('files').select(['status']).orderBy('name').execute();
        expect(files.map((f) => f.status)).toEqual(['done', 'retry']);
      } finally {
        await between.close();
      }
      chmodSync(join(work, 'logs', 'b.json'), 0o644);
      const second = cli();
      expect(second.status).toBe(0);
      const after = await openStore({ db });
      try {
        expect((await storeStats(after)).events).toBe(3);
        const files = await after.db.selectFrom('files').select(['name', 'status']).orderBy('name').execute();
        expect(files.map((f) => f.status)).toEqual(['done', 'done']);
      } finally {
        await after.close();
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
