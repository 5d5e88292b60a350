import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

  it('takes the location from the option, then TRAILHOUND_DB, then ./trailhound.db', () => {
    expect(resolveDbLocation('x.db', { TRAILHOUND_DB: 'y.db' })).toBe('x.db');
    expect(resolveDbLocation(undefined, { TRAILHOUND_DB: 'y.db' })).toBe('y.db');
    expect(resolveDbLocation(undefined, {})).toBe('trailhound.db');
  });
});
