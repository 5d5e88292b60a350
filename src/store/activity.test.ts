import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ActivityCounters } from './activity.ts';
import { deferEventIndexes, restoreEventIndexes } from './bulk-load.ts';
import { openStore, type Store } from './index.ts';

const INSERT =
  "INSERT OR IGNORE INTO events (event_id, time, account_id, region, service, action, action_key, event_type, success, client_class, console, actor_key, actor_type, actor_name, facts, risk) VALUES (?, ?, '111122223333', 'us-east-1', 's3', 'GetObject', 's3:GetObject', 'AwsApiCall', 1, 'sdk', 0, 'user/alice', 'IAMUser', 'alice', '', 0)";

describe(ActivityCounters.name, () => {
  let store: Store;
  beforeEach(async () => {
    store = await openStore({ db: ':memory:' });
  });
  afterEach(async () => {
    await store.close();
  });

  it('counts nothing while a first load runs without the eventID key, then each event once', async () => {
    const sut = new ActivityCounters(store);
    expect(deferEventIndexes(store)).toBe(true);
    const insert = store.sqlite?.prepare(INSERT);
    const day = Date.UTC(2026, 0, 5);
    for (const id of ['e1', 'e2', 'e1']) insert?.run(id, day);
    expect(await sut.catchUp()).toBe(0);
    expect(restoreEventIndexes(store)).toBe(1);
    expect(await sut.catchUp()).toBe(2);
    expect(await sut.days('user/alice')).toEqual([{ day: '2026-01-05', events: 2, failures: 0 }]);
  });
});
