import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../cli/testing.ts';
import { alertFixtures, alertStub, asStored } from '../../server/fixtures.ts';
import { AlertsRepository } from '../../store/alerts.ts';
import { openStore } from '../../store/index.ts';

const run = (args: string[]) => runCli(args);

async function dbWithAlerts(): Promise<string> {
  const db = join(mkdtempSync(join(tmpdir(), 'trailhound-notify-')), 'th.db');
  const store = await openStore({ db });
  for (const a of alertFixtures()) await new AlertsRepository(store).save(asStored(a));
  await store.close();
  return db;
}

describe('trailhound notify', () => {
  it('sends new alerts once, prints them terminal-safe, and says what it skipped', async () => {
    const db = await dbWithAlerts();
    const file = join(tmpdir(), `trailhound-notify-${process.pid}-${Date.now()}.jsonl`);

    const dry = await run(['notify', '--db', db, '--jsonl', file, '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(`would send ${alertStub.adminCreated.id}`);
    expect(dry.stdout).toContain('file: would send 2 alert(s); 0 already sent before.');
    expect(dry.stdout).not.toContain('\u001b');
    expect(dry.stdout).not.toContain('\u202e');

    const first = await run(['notify', '--db', db, '--jsonl', file]);
    expect(first.stdout).toContain('file: sent 2 alert(s); 0 already sent before.');
    const second = await run(['notify', '--db', db, '--jsonl', file]);
    expect(second.stdout).toBe('file: sent 0 alert(s); 2 already sent before.\n');
    expect(readFileSync(file, 'utf8').trimEnd().split('\n')).toHaveLength(2);
  });

  it('refuses zero or two outputs with a usage error', async () => {
    const db = await dbWithAlerts();
    const none = await run(['notify', '--db', db]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('Give exactly one output');
    const bad = await run(['notify', '--db', db, '--slack', 'not a url']);
    expect(bad.code).toBe(2);
  });

  it('without output flags sends to every output in the configuration', async () => {
    const db = await dbWithAlerts();
    const dir = mkdtempSync(join(tmpdir(), 'trailhound-notify-config-'));
    const config = join(dir, 'trailhound.yaml');
    writeFileSync(
      config,
      `outputs:\n  - transport: file\n    path: ${dir}/a.jsonl\n  - transport: file\n    format: ocsf\n    path: ${dir}/b.jsonl\n`,
    );
    const sent = await run(['notify', '--db', db, '--config', config]);
    expect(sent.code, sent.stderr).toBe(0);
    expect(sent.stdout).toContain('file: sent 2 alert(s)');
    expect(sent.stdout).toContain('file/ocsf: sent 2 alert(s)');
    const ocsf = readFileSync(join(dir, 'b.jsonl'), 'utf8').trimEnd().split('\n');
    expect(ocsf.map((l) => (JSON.parse(l) as { class_uid: number }).class_uid)).toEqual([2004, 2004]);
    const again = await run(['notify', '--db', db, '--config', config]);
    expect(again.stdout).toContain('file/ocsf: sent 0 alert(s); 2 already sent before.');
  });
});
