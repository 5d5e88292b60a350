import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../index.ts';
import { migrationsFor } from './index.ts';

const INSERT =
  "INSERT INTO events (event_id, time, account_id, region, service, action, action_key, event_type, success, client_class, console, actor_key, actor_type, actor_name, facts, risk, sentence) VALUES (?, ?, 'a', 'r', 's', 'x', 's:x', 'AwsApiCall', 1, 'sdk', 0, 'k', 'IAMUser', 'n', '', 0, ?)";

describe('0014-event-id-index', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('moves eventID uniqueness of a store made before it to a named index, keeping rows, ids, other indexes and the id sequence', async () => {
    dir = mkdtempSync(join(tmpdir(), 'th-0014-'));
    const file = join(dir, 'old.db');
    // A store as the migrations before this one left it, holding events, the newest deleted.
    const old = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new BetterSqlite3(file) }) });
    const migrator = new Migrator({
      db: old,
      provider: { getMigrations: async () => migrationsFor('sqlite') },
      migrationTableName: 'th_migration',
      migrationLockTableName: 'th_migration_lock',
    });
    expect((await migrator.migrateTo('0013-worker-lz4')).error).toBeUndefined();
    await old.destroy();
    const raw = new BetterSqlite3(file);
    for (const [i, id] of ['e1', 'e2', 'e3'].entries()) raw.prepare(INSERT).run(id, i, `sentence ${id}`);
    raw.prepare("DELETE FROM events WHERE event_id = 'e3'").run();
    expect(raw.prepare("SELECT sql FROM sqlite_master WHERE name = 'events'").get()).toEqual({
      sql: expect.stringContaining('"event_id" text not null unique'),
    });
    raw.close();

    const store = await openStore({ db: file });
    try {
      const db = store.sqlite as NonNullable<typeof store.sqlite>;
      const indexes = db
        .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events' ORDER BY name")
        .all() as Array<{ name: string; sql: string | null }>;
      expect(indexes.map((i) => i.name)).toEqual([
        'events_actor_time',
        'events_event_id',
        'events_session',
        'events_time',
      ]);
      expect(indexes.find((i) => i.name === 'events_event_id')?.sql).toMatch(/^CREATE UNIQUE INDEX/);
      expect(db.prepare('SELECT id, event_id, sentence FROM events ORDER BY id').all()).toEqual([
        { id: 1, event_id: 'e1', sentence: 'sentence e1' },
        { id: 2, event_id: 'e2', sentence: 'sentence e2' },
      ]);
      expect(db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'events'").get()).toEqual({ seq: 3 });
      // Still exactly once, and a deleted id is not given again.
      expect(db.prepare(INSERT.replace('INSERT', 'INSERT OR IGNORE')).run('e1', 9, 'again').changes).toBe(0);
      expect(Number(db.prepare(INSERT).run('e4', 9, 'new').lastInsertRowid)).toBeGreaterThan(3);
    } finally {
      await store.close();
    }
  });
});
