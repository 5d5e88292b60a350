import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FilesRepository } from './files.ts';
import { openStore } from './index.ts';

describe('FilesRepository.markReading (SQLite)', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('inserts a new file and, for a file it knows, keeps its id and takes the new fingerprint as reading', async () => {
    dir = mkdtempSync(join(tmpdir(), 'th-files-'));
    const store = await openStore({ db: join(dir, 'th.db') });
    try {
      const first = await store.transaction(async ({ store: tx }) => {
        const files = new FilesRepository(tx);
        await files.forgetProblems(['a.json', 'b.json']);
        const ids = await files.markReading([
          { name: 'a.json', fingerprint: '1:1' },
          { name: 'b.json', fingerprint: '2:2' },
        ]);
        await files.markFinished(
          [{ name: 'a.json', fingerprint: '1:1', status: 'done', records: 3, problems: 0 }],
          Date.UTC(2026, 0, 1),
        );
        return ids;
      });
      expect(first.get('a.json')).not.toBe(first.get('b.json'));
      const again = await store.transaction(async ({ store: tx }) => {
        const files = new FilesRepository(tx);
        await files.forgetProblems(['a.json', 'c.json']);
        return files.markReading([
          { name: 'a.json', fingerprint: '1:9' },
          { name: 'c.json', fingerprint: '3:3' },
        ]);
      });
      expect(again.get('a.json')).toBe(first.get('a.json'));
      expect(new Set([...first.values(), again.get('c.json')]).size).toBe(3);
      const rows = await store.db
        .selectFrom('files')
        .select(['id', 'name', 'fingerprint', 'status', 'records'])
        .orderBy('name')
        .execute();
      expect(rows.map(({ name, fingerprint, status, records }) => ({ name, fingerprint, status, records }))).toEqual([
        { name: 'a.json', fingerprint: '1:9', status: 'reading', records: 3 },
        { name: 'b.json', fingerprint: '2:2', status: 'reading', records: 0 },
        { name: 'c.json', fingerprint: '3:3', status: 'reading', records: 0 },
      ]);
      expect(await new FilesRepository(store).doneFingerprints(['a.json', 'b.json', 'c.json'])).toEqual(new Map());
    } finally {
      await store.close();
    }
  });
});
