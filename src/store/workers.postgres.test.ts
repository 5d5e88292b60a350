import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingest } from '../ingest/index.ts';
import { writeSyntheticTrail } from '../ingest/synthetic.ts';
import { openStore, type Store } from './index.ts';
import { testDatabase } from './postgres-testing.ts';
import { listenForJobs, WorkerDetectRepository } from './workers.ts';

const database = testDatabase('worker_repo');

describe('workers repository on PostgreSQL', () => {
  let dir: string;
  let store: Store;
  beforeAll(async () => {
    await database.create();
    dir = mkdtempSync(join(tmpdir(), 'th-pg-workers-'));
    store = await openStore({ db: database.url });
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
    await database.drop();
  });

  it('refreshes the planner statistics of events after a bulk load, and not again until the table grows', async () => {
    const repo = new WorkerDetectRepository(store);
    writeSyntheticTrail(join(dir, 'a'), 5, 1000);
    // Written through a store of its own, closed after: a session that stays open reports its
    // statistics in parts (at most once a second), so a check could see half the load, analyze,
    // and then see the rest arrive; a session that ends reports all it wrote at once.
    const writer = await openStore({ db: database.url });
    await ingest(writer, [join(dir, 'a')]);
    await writer.close();
    // Cumulative statistics reach pg_stat_user_tables once the writing session reports them.
    let stale: string[] = [];
    for (let i = 0; i < 50 && !stale.includes('events'); i++) {
      stale = await repo.analyzeIfStale();
      if (!stale.includes('events')) await new Promise((r) => setTimeout(r, 200));
    }
    expect(stale).toContain('events');
    expect(await repo.analyzeIfStale()).toEqual([]);
  });

  it('wakes listening workers once jobs inserted through the job runner commit', async () => {
    let woken = 0;
    let wake: () => void = () => {};
    const announced = new Promise<void>((resolve) => {
      wake = resolve;
    });
    const close = await listenForJobs(database.url, () => {
      woken++;
      wake();
    });
    try {
      await new WorkerDetectRepository(store).transaction(async (tx) => {
        const run = tx.jobRunner();
        const { rows } = await run('SELECT $1::int AS n', [7]);
        expect(rows).toEqual([{ n: 7 }]);
      });
      await announced;
      expect(woken).toBeGreaterThan(0);
    } finally {
      await close();
    }
  });

  it('creates the partition index once, and twice at the same moment without failing', async () => {
    const repo = new WorkerDetectRepository(store);
    await Promise.all([repo.ensurePartitionIndex(16), repo.ensurePartitionIndex(16)]);
    await repo.ensurePartitionIndex(16);
    const all: string[] = [];
    for (let p = 0; p < 16; p++) {
      const mine: Array<[number, string]> = [];
      for await (const row of repo.partitionEvents(16, p, 0, Number.MAX_SAFE_INTEGER, 100))
        mine.push([row.time, row.eventId]);
      // Read in pages of 100, in (time, eventID) order.
      const sorted = [...mine].sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
      expect(mine).toEqual(sorted);
      all.push(...mine.map(([, id]) => id));
    }
    // Every event is in exactly one partition.
    expect(all).toHaveLength(5000);
    expect(new Set(all).size).toBe(5000);
  });
});
