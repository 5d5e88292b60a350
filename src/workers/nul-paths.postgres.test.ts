/**
 * An S3 key may hold NUL; a job's data is jsonb, which refuses the JSON escape of NUL. Enqueueing
 * such a key must neither fail the enqueue nor hand a worker another key than the one listed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueSources } from '../app/workers/enqueue.ts';
import type { Source } from '../sources/types.ts';
import { openStore, type Store } from '../store/index.ts';
import { testDatabase } from '../store/postgres-testing.ts';
import { type IngestJob, ingestJobPaths, openQueue, QUEUES } from './queue.ts';

const database = testDatabase('nul_paths');

function listing(ids: readonly string[]): Source {
  return {
    async *files() {
      for (const id of ids)
        yield {
          id,
          fingerprint: `etag-${id.length}`,
          size: 100,
          read: async function* () {},
        };
    },
  } as unknown as Source;
}

describe('ingest jobs for S3 keys holding NUL', () => {
  let store: Store;
  beforeAll(async () => {
    await database.create();
    store = await openStore({ db: database.url });
  });
  afterAll(async () => {
    await store.close();
    await database.drop();
  });

  it('are queued, and a worker gets the keys as listed', async () => {
    const keys = ['s3://trail/AWSLogs/1/CloudTrail/us-east-1/2026/01/05/a\u0000b.json.gz', 's3://trail/plain.json.gz'];
    const boss = await openQueue(database.url);
    try {
      const settings = { partitions: 1, learningDays: 10, alertsPerWeek: 3, gapMinutes: 30 };
      const summary = await enqueueSources(store, boss, [listing(keys)], { settings, detect: false });
      expect(summary).toMatchObject({ filesQueued: 2, ingestJobs: 1 });
      const jobs = await boss.fetch<IngestJob>(QUEUES.ingest, { batchSize: 10 });
      expect(jobs.map((j) => ingestJobPaths(j.data))).toEqual([keys]);
      const again = await enqueueSources(store, boss, [listing(keys)], { settings, detect: false });
      expect(again).toMatchObject({ filesQueued: 0, filesKnown: 2, ingestJobs: 0 });
    } finally {
      await boss.stop({ graceful: false, wait: true });
    }
  });
});
