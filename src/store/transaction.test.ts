import { afterEach, describe, expect, it } from 'vitest';
import { alertFixtures, asStored } from '../server/fixtures.ts';
import { openStore, type Store } from './index.ts';

describe('store.transaction', () => {
  let store: Store | undefined;
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });
  const [first, second] = alertFixtures().map(asStored);
  if (!first || !second) throw new Error('the fixtures hold two alerts');

  it('commits what its repositories wrote when fn resolves, and returns what fn returned', async () => {
    store = await openStore({ db: ':memory:' });
    const got = await store.transaction(async (tx) => {
      await tx.alerts.save(first, 1);
      await tx.suppressions.add({
        actorKey: 'a',
        tokens: ['iam:X'],
        owner: 'o',
        expires: 2,
        alertId: null,
        note: null,
      });
      return (await tx.alerts.get(first.id))?.id;
    });
    expect(got).toBe(first.id);
    const s = store;
    await s.transaction(async (tx) => {
      expect((await tx.alerts.list()).map((a) => a.id)).toEqual([first.id]);
      expect((await tx.suppressions.list()).map((x) => x.actorKey)).toEqual(['a']);
    });
  });

  it('rolls back everything fn wrote when it throws, a nested transaction included', async () => {
    store = await openStore({ db: ':memory:' });
    const s = store;
    await expect(
      s.transaction(async (tx) => {
        await tx.alerts.save(first, 1);
        await tx.store.transaction(async (inner) => {
          await inner.alerts.save(second, 1);
          await inner.detection.save('{"state":1}', 1);
        });
        throw new Error('late failure');
      }),
    ).rejects.toThrow('late failure');
    await s.transaction(async (tx) => {
      expect(await tx.alerts.list()).toEqual([]);
      expect(await tx.detection.read()).toBeNull();
    });
  });
});
