import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, resolveDbLocation } from './index.ts';

describe('openStore', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('creates and migrates a SQLite file, and opens it again without migrating twice', async () => {
    dir = mkdtempSync(join(tmpdir(), 'th-store-'));
    const file = join(dir, 'sub', 'th.db');
    const sut = await openStore({ db: file });
    const tables = await sut.db.introspection.getTables();
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['events', 'files', 'quarantine', 'insights']));
    await sut.close();
    const again = await openStore({ db: file });
    expect(
      await again.db
        .selectFrom('events')
        .select((e) => e.fn.countAll().as('n'))
        .executeTakeFirstOrThrow(),
    ).toEqual({ n: 0 });
    await again.close();
  });

  it('gives a new store 16 KiB pages and a WAL checkpoint of ~40 MB; an existing store keeps its page size', async () => {
    dir = mkdtempSync(join(tmpdir(), 'th-store-'));
    const fresh = await openStore({ db: join(dir, 'new.db') });
    expect(fresh.sqlite?.pragma('page_size', { simple: true })).toBe(16_384);
    expect(fresh.sqlite?.pragma('wal_autocheckpoint', { simple: true })).toBe(2500);
    await fresh.close();

    const oldFile = join(dir, 'old.db');
    const old = new BetterSqlite3(oldFile);
    old.pragma('page_size = 4096');
    old.pragma('journal_mode = WAL');
    old.exec('CREATE TABLE older (x)');
    old.close();
    const reopened = await openStore({ db: oldFile });
    expect(reopened.sqlite?.pragma('page_size', { simple: true })).toBe(4096);
    expect(reopened.sqlite?.pragma('wal_autocheckpoint', { simple: true })).toBe(10_000);
    await reopened.close();
  });

  it('takes the location from the option, then TRAILHOUND_DB, then ./trailhound.db', () => {
    expect(resolveDbLocation('x.db', { TRAILHOUND_DB: 'y.db' })).toBe('x.db');
    expect(resolveDbLocation(undefined, { TRAILHOUND_DB: 'y.db' })).toBe('y.db');
    expect(resolveDbLocation(undefined, {})).toBe('trailhound.db');
  });
});
