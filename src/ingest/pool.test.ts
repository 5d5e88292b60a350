import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openSource } from '../sources/index.ts';
import type { SourceFile } from '../sources/types.ts';
import { defaultPrepareWorkers, PreparePool, prepareHere } from './pool.ts';
import {
  CLAIM_HERE,
  CLAIM_QUEUED,
  CLAIM_SLOTS,
  CLAIM_WORKER,
  isQueued,
  moveClaim,
  type PreparedItem,
  queueClaim,
} from './prepare.ts';
import { prng, syntheticRecord, writeSyntheticTrail } from './synthetic.ts';

async function filesOf(path: string): Promise<SourceFile[]> {
  const files: SourceFile[] = [];
  for await (const f of openSource(path).files()) files.push(f);
  return files;
}

async function collect(chunks: AsyncIterable<PreparedItem[]>): Promise<PreparedItem[]> {
  const out: PreparedItem[] = [];
  for await (const items of chunks) out.push(...items);
  return out;
}

/** Items as plain data (a worker's bytes arrive as Uint8Array, the calling thread's as Buffer). */
function plain(items: PreparedItem[]): unknown[] {
  return items.map((i) => (i.kind === 'content' ? { kind: i.kind, blob: i.blob && [...i.blob] } : i));
}

describe(PreparePool.name, () => {
  let dir: string;
  let pool: PreparePool;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'th-pool-'));
    pool = new PreparePool(2);
  });
  afterEach(async () => {
    await pool.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prepares files on worker threads exactly as the calling thread does, in order', async () => {
    writeSyntheticTrail(join(dir, 'trail'), 5, 40);
    const rand = prng(3);
    const lines = [JSON.stringify(syntheticRecord(rand, 1, Date.UTC(2026, 0, 5))), '{broken', '[1,2]'];
    writeFileSync(join(dir, 'trail', 'export.jsonl.gz'), gzipSync(lines.join('\n')));
    const files = await filesOf(join(dir, 'trail'));
    expect(files).toHaveLength(6);
    const started = files.map((f) => pool.start(f));
    expect(started.every((s) => s !== null)).toBe(true);
    for (const [i, file] of files.entries()) {
      const onWorker = await collect(started[i] as AsyncIterable<PreparedItem[]>);
      const here = await collect(prepareHere(file));
      expect(plain(onWorker)).toEqual(plain(here));
      expect(onWorker.some((item) => item.kind === 'event')).toBe(true);
    }
    // Each file once, on a worker or, where its worker had not started it, here.
    const { here, onWorkers } = pool.prepared;
    expect(here + onWorkers).toBe(6);
  });

  it('prepares a file itself rather than wait for a worker that has not started it', async () => {
    writeSyntheticTrail(join(dir, 'five'), 5, 40);
    const files = await filesOf(join(dir, 'five'));
    // At most one item unread: once it has posted the first file, the worker waits for it to be read.
    const one = new PreparePool(1, 1);
    try {
      const started = files.map((f) => one.start(f) as AsyncIterable<PreparedItem[]>);
      await vi.waitFor(() => expect(one.unreadItems).toBeGreaterThan(0), { timeout: 20_000 });
      for (const i of [4, 3, 2, 0, 1]) {
        const items = await collect(started[i] as AsyncIterable<PreparedItem[]>);
        expect(plain(items)).toEqual(plain(await collect(prepareHere(files[i] as SourceFile))));
      }
      // The last three were never started by the worker, still waiting on the first.
      expect(one.prepared.here).toBeGreaterThanOrEqual(3);
      expect(one.prepared.here + one.prepared.onWorkers).toBe(5);
      expect(one.unreadItems).toBe(0);
    } finally {
      await one.close();
    }
  });

  it('prepares the next small files itself while the worker is busy with a large one, and hands them over in order', async () => {
    writeSyntheticTrail(join(dir, 'mixed'), 1, 6_000);
    writeSyntheticTrail(join(dir, 'mixed', 'later'), 4, 30);
    const files = await filesOf(join(dir, 'mixed'));
    expect(files.map((f) => f.size > 100_000)).toEqual([true, false, false, false, false]);
    const one = new PreparePool(1, 1000);
    try {
      const started = files.map((f) => one.start(f) as AsyncIterable<PreparedItem[]>);
      // The worker has the large file: its first chunk is posted, the next waits for it to be read.
      await vi.waitFor(() => expect(one.unreadItems).toBeGreaterThanOrEqual(1000), { timeout: 20_000 });
      for (const [i, file] of files.entries()) {
        const items = await collect(started[i] as AsyncIterable<PreparedItem[]>);
        expect(plain(items)).toEqual(plain(await collect(prepareHere(file))));
      }
      expect(one.prepared.here).toBeGreaterThan(0);
      expect(one.prepared.here + one.prepared.onWorkers).toBe(5);
      expect(one.unreadItems).toBe(0);
    } finally {
      await one.close();
    }
  });

  it('hands a worker files that are not local to no one: they are prepared by the caller', async () => {
    const file: SourceFile = {
      id: 's3://bucket/key.json',
      fingerprint: 'etag',
      size: 2,
      read: async function* () {},
    };
    expect(pool.start(file)).toBeNull();
  });

  it('streams a large file back in chunks', async () => {
    writeSyntheticTrail(join(dir, 'big'), 1, 5000);
    const [file] = await filesOf(join(dir, 'big'));
    const chunks: number[] = [];
    for await (const items of pool.start(file as SourceFile) as AsyncIterable<PreparedItem[]>)
      chunks.push(items.length);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.reduce((a, b) => a + b, 0)).toBe(5001); // the content item and 5,000 events
  });

  it('drops the files of a caller that stopped reading, so the worker goes on with the next caller', async () => {
    writeSyntheticTrail(join(dir, 'many'), 100, 2);
    const files = await filesOf(join(dir, 'many'));
    const one = new PreparePool(1, 50);
    try {
      const abandoned = one.run();
      for (const f of files) expect(abandoned.start(f)).not.toBeNull();
      // 100 files of 3 items each (the bytes and 2 events), none read: the worker waits at 50 items.
      await vi.waitFor(() => expect(one.unreadItems).toBeGreaterThanOrEqual(50), { timeout: 20_000 });
      expect(one.unreadItems).toBeLessThanOrEqual(52);
      abandoned.discard();
      const next = one.run().start(files[0] as SourceFile) as AsyncIterable<PreparedItem[]>;
      const items = await collect(next);
      expect(items.filter((i) => i.kind === 'event')).toHaveLength(2);
      // The chunk the worker was waiting to post is dropped when it arrives; the files it had not started, skipped.
      await vi.waitFor(() => expect(one.unreadItems).toBe(0));
      // About 17 files filled the bound; the other 83 were dropped before the worker started them.
      expect(one.prepared.onWorkers).toBeLessThanOrEqual(25);
    } finally {
      await one.close();
    }
  });

  it('runs far ahead of the reader on small files: the bound counts items, not files', async () => {
    writeSyntheticTrail(join(dir, 'small'), 200, 2);
    const files = await filesOf(join(dir, 'small'));
    const one = new PreparePool(1);
    try {
      const started = files.map((f) => one.start(f) as AsyncIterable<PreparedItem[]>);
      // Every file posted before any is read: 600 items, far below the bound, in 200 chunks.
      await vi.waitFor(() => expect(one.unreadItems).toBe(600), { timeout: 20_000 });
      let events = 0;
      for (const s of started) events += (await collect(s)).filter((i) => i.kind === 'event').length;
      expect(events).toBe(400);
      expect(one.unreadItems).toBe(0);
    } finally {
      await one.close();
    }
  });
});

describe(defaultPrepareWorkers.name, () => {
  it('keeps files on the writing thread on one core, uses one worker on two or three, then one per core beyond two, at most three', () => {
    expect([1, 2, 3, 4, 5, 16].map((cores) => defaultPrepareWorkers(cores))).toEqual([0, 1, 1, 2, 3, 3]);
  });
});

describe('claim slots', () => {
  it('one thread claims a file; a slot taken over by a later file never matches the one before', () => {
    const slots = new Int32Array(new SharedArrayBuffer(4 * CLAIM_SLOTS));
    queueClaim(slots, 5);
    expect(isQueued(slots, 5)).toBe(true);
    expect(moveClaim(slots, 5, CLAIM_QUEUED, CLAIM_WORKER)).toBe(true);
    expect(moveClaim(slots, 5, CLAIM_QUEUED, CLAIM_HERE)).toBe(false);
    queueClaim(slots, 5 + CLAIM_SLOTS);
    expect(isQueued(slots, 5)).toBe(false);
    expect(moveClaim(slots, 5, CLAIM_QUEUED, CLAIM_WORKER)).toBe(false);
    expect(moveClaim(slots, 5 + CLAIM_SLOTS, CLAIM_QUEUED, CLAIM_HERE)).toBe(true);
    expect(moveClaim(slots, 5 + CLAIM_SLOTS, CLAIM_QUEUED, CLAIM_WORKER)).toBe(false);
  });
});
