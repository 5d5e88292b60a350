import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cliProcess, runCli } from '../../cli/testing.ts';
import { alertFixtures, asStored } from '../../server/fixtures.ts';
import { AlertsRepository } from '../../store/alerts.ts';
import { openStore } from '../../store/index.ts';
import type { Alert } from '../types.ts';

/** A store with `n` new alerts, copies of the fixtures under distinct ids. */
async function dbWithAlerts(n: number): Promise<{ db: string; ids: string[] }> {
  const db = join(mkdtempSync(join(tmpdir(), 'trailhound-once-')), 'th.db');
  const store = await openStore({ db });
  const base = alertFixtures();
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const a = base[i % base.length] as Alert;
    const id = `al-${String(i).padStart(3, '0')}`;
    ids.push(id);
    await new AlertsRepository(store).save(asStored({ ...a, id, status: 'new' }));
  }
  await store.close();
  return { db, ids };
}

/** A webhook receiver that counts alert ids; answers slowly so two senders overlap, 500 on `failing`. */
async function receiver(options: { delayMs?: number; failing?: () => boolean } = {}) {
  const received: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      setTimeout(() => {
        if (options.failing?.()) {
          res.writeHead(500).end();
          return;
        }
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { alerts: Array<{ id: string }> };
        received.push(...body.alerts.map((a) => a.id));
        res.writeHead(200).end('ok');
      }, options.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url, received };
}

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

function runProcess(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const [exe, argv] = cliProcess(args);
    const child = spawn(exe, argv, {
      env: { ...process.env, TRAILHOUND_WEBHOOK_SECRET: 'k' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('exactly once per destination', () => {
  it('two notify processes at once deliver each alert once', async () => {
    const { db, ids } = await dbWithAlerts(30);
    const hook = await receiver({ delayMs: 20 });
    const [a, b] = await Promise.all([
      runProcess(['notify', '--db', db, '--webhook', hook.url]),
      runProcess(['notify', '--db', db, '--webhook', hook.url]),
    ]);
    expect([a.code, b.code], `${a.stderr}\n${b.stderr}`).toEqual([0, 0]);
    expect([...hook.received].sort()).toEqual(ids);
    const sentBy = (out: string) => Number(/sent (\d+) alert/.exec(out)?.[1]);
    expect(sentBy(a.stdout) + sentBy(b.stdout)).toBe(30);
    // A third run finds everything sent.
    const c = await runCli(['notify', '--db', db, '--webhook', hook.url, '--webhook-secret', 'k']);
    expect(c.stdout).toContain('sent 0 alert(s); 30 already sent before');
    expect(hook.received).toHaveLength(30);
  });

  it('dead-letters after the retries, lists it, and `outputs retry` drains the queue', async () => {
    const { db } = await dbWithAlerts(3);
    let down = true;
    const hook = await receiver({ failing: () => down });
    const first = await runCli(['notify', '--db', db, '--webhook', hook.url, '--retries', '1']);
    expect(first.code).toBe(1);
    expect(first.stderr).toContain('warning: the webhook has no signing secret');
    expect(first.stderr).toMatch(/HTTP 500.*dead-letter queue/);
    const listed = await runCli(['outputs', 'list', '--db', db]);
    expect(listed.stdout).toContain('dead-letter queue: 1 alert(s)');
    expect(listed.stdout).toMatch(/webhook:[0-9a-f]{16} {2}al-00\d~\d+ {2}1 /);
    expect(listed.stdout).not.toContain('/hook');
    down = false;
    const retried = await runCli(['outputs', 'retry', '--db', db, '--webhook', hook.url]);
    expect(retried.code).toBe(0);
    expect(retried.stdout).toContain('1 dead-lettered alert(s) requeued; sent 3 alert(s).');
    expect([...hook.received].sort()).toEqual(['al-000', 'al-001', 'al-002']);
    expect((await runCli(['outputs', 'list', '--db', db])).stdout).toContain('dead-letter queue: empty');
  });
});

describe('trailhound export', () => {
  it('writes one OCSF Detection Finding per alert and refuses unknown formats', async () => {
    const { db } = await dbWithAlerts(4);
    const ocsf = await runCli(['export', '--db', db, '--format', 'ocsf']);
    expect(ocsf.code).toBe(0);
    const lines = ocsf.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    for (const line of lines) {
      const f = JSON.parse(line) as { class_uid: number; finding_info: { uid: string } };
      expect(f.class_uid).toBe(2004);
    }
    expect(ocsf.stdout).not.toContain('\u001b');
    expect(ocsf.stdout).not.toContain('\u202e');
    const asff = await runCli(['export', '--db', db, '--format', 'asff', '--since', '2026-11-21']);
    for (const line of asff.stdout.trimEnd().split('\n'))
      expect((JSON.parse(line) as { SchemaVersion: string }).SchemaVersion).toBe('2018-10-08');
    expect(asff.stdout.trimEnd().split('\n').length).toBeLessThan(4);
    const jsonl = await runCli(['export', '--db', db, '--format', 'jsonl']);
    expect((JSON.parse(jsonl.stdout.split('\n')[0] as string) as Alert).id).toMatch(/^al-00\d$/);
    const bad = await runCli(['export', '--db', db, '--format', 'xml']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--format xml is not one of ocsf, asff, jsonl');
  });
});
