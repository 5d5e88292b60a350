/**
 * Keys that come from S3 (object keys, and the file names made of them) may hold NUL, which
 * PostgreSQL stores as U+FFFD (see pg-text.ts): a repository asked about such a key answers for
 * the key it was asked about, as SQLite does, so a file is found done and not queued again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FilesRepository } from './files.ts';
import { openStore, type Store } from './index.ts';
import { testDatabase } from './postgres-testing.ts';
import { WatchCheckpointsRepository } from './watch-checkpoints.ts';
import { WorkerKeysRepository } from './workers.ts';

const database = testDatabase('nul_keys');
const NUL_NAME = 's3://trail/AWSLogs/1/CloudTrail/us-east-1/2026/01/05/a\u0000b.json.gz';
const PLAIN_NAME = 's3://trail/AWSLogs/1/CloudTrail/us-east-1/2026/01/05/plain.json.gz';

describe.each(['sqlite', 'postgres'])('keys holding NUL on %s', (kind) => {
  let store: Store;
  beforeAll(async () => {
    if (kind === 'postgres') await database.create();
    store = await openStore({ db: kind === 'postgres' ? database.url : ':memory:' });
  });
  afterAll(async () => {
    await store.close();
    if (kind === 'postgres') await database.drop();
  });

  it('files: a file read under a name holding NUL is found again by that name', async () => {
    const files = new FilesRepository(store);
    const names = [NUL_NAME, PLAIN_NAME];
    await store.transaction(async ({ store: tx }) => {
      const repo = new FilesRepository(tx);
      await repo.forgetProblems(names);
      const ids = await repo.markReading(names.map((name) => ({ name, fingerprint: 'f1' })));
      expect([...ids.keys()].filter((k) => names.includes(k)).sort()).toEqual([...names].sort());
      await repo.insertProblems(
        [{ file: NUL_NAME, line: 1, index: null, code: 'invalid-json', reason: 'r\u0000', excerpt: 'x\u0000' }],
        1,
      );
      await repo.markFinished(
        names.map((name) => ({ name, fingerprint: 'f1', status: 'done' as const, records: 1, problems: 0 })),
        2,
      );
    });
    expect(await files.doneFingerprints(names)).toEqual(
      new Map([
        [NUL_NAME, 'f1'],
        [PLAIN_NAME, 'f1'],
      ]),
    );
    // Read again: the earlier problems of the file are forgotten, under its stored name.
    await store.transaction(({ store: tx }) => new FilesRepository(tx).forgetProblems([NUL_NAME]));
    expect(await store.db.selectFrom('quarantine').selectAll().execute()).toEqual([]);
    const finished = await new WatchCheckpointsRepository(store).finished([NUL_NAME, PLAIN_NAME, 'other']);
    expect([...finished].sort()).toEqual([NUL_NAME, PLAIN_NAME].sort());
  });

  it('watch: a day checkpoint whose last key holds NUL lists nothing unread again, and moves forward', async () => {
    const checkpoints = new WatchCheckpointsRepository(store);
    const base = 's3://trail/AWSLogs/1/CloudTrail/us-east-1/';
    const day = `${base}2026/01/05/`;
    await checkpoints.advance(base, day, `${day}a\u0000b.json.gz`, day, 1);
    // S3 lists after the key read back: never after a key listed later than the one read.
    const [first] = await checkpoints.forBase(base);
    expect(first?.lastKey).toBe(kind === 'postgres' ? `${day}a` : `${day}a\u0000b.json.gz`);
    await checkpoints.advance(base, day, `${day}a\u0000a.json.gz`, day, 2);
    expect((await checkpoints.forBase(base))[0]?.lastKey).toBe(first?.lastKey);
    await checkpoints.advance(base, day, `${day}b.json.gz`, day, 2);
    const [only, ...rest] = await checkpoints.forBase(base);
    expect(rest).toEqual([]);
    expect(only).toEqual({ prefix: day, lastKey: `${day}b.json.gz` });
  });

  it('worker keys: a key holding NUL is claimed once, and again when its content changes', async () => {
    const keys = new WorkerKeysRepository(store);
    const listed = [
      { key: NUL_NAME, fingerprint: 'etag-1' },
      { key: PLAIN_NAME, fingerprint: 'etag-1' },
    ];
    expect([...(await keys.claim(listed, 1))].sort()).toEqual([NUL_NAME, PLAIN_NAME].sort());
    expect([...(await keys.claim(listed, 2))]).toEqual([]);
    const changed = await keys.claim([{ key: NUL_NAME, fingerprint: 'etag-2' }], 3);
    expect([...changed]).toEqual([NUL_NAME]);
  });
});
