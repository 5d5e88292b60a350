import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFERRED_INDEXES_KEY, deferEventIndexes, restoreEventIndexes } from './bulk-load.ts';
import { openStore, type Store } from './index.ts';

/** The `events` indexes with their definitions, as the schema holds them. */
function eventIndexes(store: Store): Array<{ name: string; sql: string | null }> {
  return (store.sqlite as NonNullable<Store['sqlite']>)
    .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events' ORDER BY name")
    .all() as Array<{ name: string; sql: string | null }>;
}

const deferredRecord = (store: Store) =>
  (store.sqlite as NonNullable<Store['sqlite']>)
    .prepare('SELECT value FROM kv WHERE key = ?')
    .get(DEFERRED_INDEXES_KEY);

describe('deferred event indexes', () => {
  let dir: string;
  let file: string;
  let store: Store;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'th-bulk-'));
    file = join(dir, 'th.db');
    store = await openStore({ db: file });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('drops the eventID, time and actor indexes of an empty table, keeps the session one, and builds them back as they were', () => {
    const before = eventIndexes(store);
    expect(before.find((i) => i.name === 'events_event_id')?.sql).toMatch(/^CREATE UNIQUE INDEX/);
    expect(deferEventIndexes(store)).toBe(true);
    expect(eventIndexes(store).map((i) => i.name)).toEqual(['events_session']);
    expect(deferredRecord(store)).toBeDefined();
    expect(deferEventIndexes(store)).toBe(false);
    expect(restoreEventIndexes(store)).toBe(0);
    expect(eventIndexes(store)).toEqual(before);
    expect(deferredRecord(store)).toBeUndefined();
  });

  it('deletes the second copies of an eventID the load stored, keeping the first, before the unique index is built', () => {
    const db = store.sqlite as NonNullable<Store['sqlite']>;
    deferEventIndexes(store);
    const insert = db.prepare(
      "INSERT OR IGNORE INTO events (event_id, time, account_id, region, service, action, action_key, event_type, success, client_class, console, actor_key, actor_type, actor_name, facts, risk, file_id) VALUES (?, 1, 'a', 'r', 's', 'x', 's:x', 'AwsApiCall', 1, 'sdk', 0, 'k', 'IAMUser', 'n', '', 0, ?)",
    );
    for (const [id, file] of [
      ['e1', 1],
      ['e2', 1],
      ['e1', 2],
      ['e3', 2],
      ['e1', 3],
      ['e2', 3],
    ] as const)
      insert.run(id, file);
    expect(restoreEventIndexes(store)).toBe(3);
    expect(db.prepare('SELECT event_id, file_id FROM events ORDER BY id').all()).toEqual([
      { event_id: 'e1', file_id: 1 },
      { event_id: 'e2', file_id: 1 },
      { event_id: 'e3', file_id: 2 },
    ]);
    expect(() => insert.run('e3', 4)).not.toThrow();
    expect(db.prepare('SELECT count(*) AS n FROM events').get()).toEqual({ n: 3 });
  });

  it('leaves a table that holds events as it is', () => {
    const before = eventIndexes(store);
    store.sqlite?.exec(
      "INSERT INTO events (event_id, time, account_id, region, service, action, action_key, event_type, success, client_class, console, actor_key, actor_type, actor_name, facts, risk) VALUES ('e1', 1, 'a', 'r', 's', 'x', 's:x', 'AwsApiCall', 1, 'sdk', 0, 'k', 'IAMUser', 'n', '', 0)",
    );
    expect(deferEventIndexes(store)).toBe(false);
    expect(eventIndexes(store)).toEqual(before);
  });

  it('builds the indexes of a load that was killed when the store is next opened', async () => {
    const before = eventIndexes(store);
    deferEventIndexes(store);
    await store.close();
    store = await openStore({ db: file });
    expect(eventIndexes(store)).toEqual(before);
    expect(deferredRecord(store)).toBeUndefined();
  });

  it('opens a store while another connection holds its write lock (nothing deferred, nothing to write)', async () => {
    await store.close();
    const writer = new BetterSqlite3(file);
    writer.exec('BEGIN IMMEDIATE');
    try {
      store = await openStore({ db: file });
      expect(deferredRecord(store)).toBeUndefined();
    } finally {
      writer.exec('COMMIT');
      writer.close();
    }
  });

  it('refuses to run a recorded definition it did not write', () => {
    deferEventIndexes(store);
    store.sqlite
      ?.prepare('UPDATE kv SET value = ? WHERE key = ?')
      .run(JSON.stringify([{ name: 'events_time', sql: 'DROP TABLE events' }]), DEFERRED_INDEXES_KEY);
    expect(() => restoreEventIndexes(store)).toThrow(/unexpected index definition/);
    expect(store.sqlite?.prepare('SELECT count(*) AS n FROM events').get()).toEqual({ n: 0 });
  });
});
