import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../testing.ts';

describe('enqueue and worker refuse a store that is not PostgreSQL', () => {
  const dir = mkdtempSync(join(tmpdir(), 'th-workers-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  for (const args of [
    ['enqueue', dir],
    ['worker', '--until-idle'],
  ])
    it(`${args[0]}: exit 2, names the file, creates nothing`, async () => {
      const db = join(dir, `${args[0]}.db`);
      const run = await runCli([...args, '--db', db]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(db);
      expect(run.stderr).toMatch(/PostgreSQL/);
      expect(existsSync(db)).toBe(false);
    });

  it('enqueue refuses stdin and a bad partition count before opening anything', async () => {
    const url = 'postgres://postgres@127.0.0.1:5432/trailhound_never_created';
    const bad = await runCli(['enqueue', dir, '--db', url, '--partitions', '2.5']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--partitions 2\.5/);
  });
});
