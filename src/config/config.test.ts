import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../cli/main.ts';
import { cliProcess } from '../cli/testing.ts';
import { alertFixtures, asStored } from '../server/fixtures.ts';
import { AlertsRepository } from '../store/alerts.ts';
import { openStore } from '../store/index.ts';
import { dbOf, destinationOf, durationMs, loadConfig, parseConfig } from './index.ts';

const GOOD = `# Trailhound, always on
db: /var/lib/trailhound/th.db
sources:
  - s3://org-trail/AWSLogs/o-abc123/
  - /var/log/cloudtrail
watch:
  interval: 30s
detect:
  learningDays: 21
  alertsPerWeek: 5
retention:
  days: 400
server:
  port: 9090
outputs:
  - transport: webhook
    format: ocsf
    url: https://siem.internal/hook
    secretEnv: TH_HOOK_SECRET
  - transport: slack
    urlEnv: TH_SLACK_URL
  - transport: file
    path: /var/lib/trailhound/alerts.jsonl
  - transport: securityhub
    region: eu-west-1
`;

describe('trailhound.yaml', () => {
  it('parses a full configuration and fills defaults', () => {
    const c = parseConfig(GOOD);
    expect(c.sources).toHaveLength(2);
    expect(c.watch.interval).toBe('30s');
    expect(c.detect).toEqual({ learningDays: 21, alertsPerWeek: 5 });
    expect(c.server).toEqual({ host: '127.0.0.1', port: 9090 });
    expect(c.log.level).toBe('info');
    expect(c.outputs.map((o) => o.transport)).toEqual(['webhook', 'slack', 'file', 'securityhub']);
    expect(durationMs(c.watch.interval)).toBe(30_000);
  });

  it("reads the organization's own accounts, as quoted text or as 12-digit numbers, and refuses a number that lost its leading 0", () => {
    const accounts = (list: string) => parseConfig(`detect:\n  organizationAccounts: ${list}\n`, 'th.yaml');
    expect(accounts("['012345678901', 111122223333]").detect.organizationAccounts).toEqual([
      '012345678901',
      '111122223333',
    ]);
    expect(() => accounts('[012345678901]')).toThrow(
      /^th\.yaml:2: detect\.organizationAccounts\[0\]: .*quote an id that starts with 0/,
    );
    expect(() => accounts("['1234-5678-9012']")).toThrow(/^th\.yaml:2: detect\.organizationAccounts\[0\]: /);
  });

  it('names the bad key and its line', () => {
    expect(() => parseConfig(GOOD.replace('  alertsPerWeek: 5', '  alertsPerWeak: 5'), 'th.yaml')).toThrow(
      /^th\.yaml:10: detect\.alertsPerWeak: /,
    );
    expect(() => parseConfig(GOOD.replace('port: 9090', 'port: ninety'), 'th.yaml')).toThrow(
      /^th\.yaml:14: server\.port: /,
    );
    expect(() => parseConfig(GOOD.replace('region: eu-west-1', 'regio: eu-west-1'), 'th.yaml')).toThrow(
      /^th\.yaml:24: outputs\[3\]\.region: /,
    );
    expect(() => parseConfig(GOOD.replace('transport: file', 'transport: pager'), 'th.yaml')).toThrow(
      /^th\.yaml:22: outputs\[2\]\.transport: /,
    );
    expect(() => parseConfig('sources: [a\n', 'th.yaml')).toThrow(/^th\.yaml:\d+: not valid YAML/);
  });

  it('refuses secrets in the file, pointing at the ...Env form', () => {
    const bad = GOOD.replace('    secretEnv: TH_HOOK_SECRET', '    secret: hunter2');
    expect(() => parseConfig(bad, 'th.yaml')).toThrow(
      /^th\.yaml:19: outputs\[0\]\.secret: secrets are not kept in the configuration file.*secretEnv/,
    );
    expect(() => parseConfig(bad, 'th.yaml')).not.toThrow(/hunter2/);
  });

  it('reads secrets from the environment and refuses a missing one', () => {
    const c = parseConfig(GOOD);
    const env = { TH_HOOK_SECRET: 's3cret', TH_SLACK_URL: 'https://hooks.slack.com/services/T/B/x' };
    expect(destinationOf(c.outputs[0] as never, env)).toMatchObject({ transport: 'webhook', secret: 's3cret' });
    expect(destinationOf(c.outputs[1] as never, env)).toMatchObject({ target: env.TH_SLACK_URL });
    expect(() => destinationOf(c.outputs[1] as never, {})).toThrow(/TH_SLACK_URL, which is not set/);
    expect(dbOf(c, undefined)).toBe('/var/lib/trailhound/th.db');
    expect(dbOf(c, 'flag.db')).toBe('flag.db');
  });

  it('accepts the example in deploy/', () => {
    const example = new URL('../../deploy/trailhound.example.yaml', import.meta.url).pathname;
    const { config } = loadConfig(example, {});
    expect(config.outputs.map((o) => o.transport)).toEqual(['slack', 'webhook', 'file', 'syslog', 'securityhub']);
    expect(config.retention.days).toBe(400);
  });

  it('refuses a config file that was asked for and does not exist', () => {
    expect(() => loadConfig('/nonexistent/trailhound.yaml', {})).toThrow(/Cannot read the configuration/);
  });
});

/** Runs the CLI in-process with this environment (runCli's is empty). */
async function runCli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (c: Buffer) => {
    stdout += c.toString();
  });
  err.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  const code = await main(['node', 'trailhound', ...args], {
    stdout: out,
    stderr: err,
    stdin: Readable.from(['']),
    env,
  });
  return { code, stdout, stderr };
}

describe('trailhound config check', () => {
  it('prints the effective configuration with secrets masked, and fails on a missing secret', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'th-config-'));
    const file = join(dir, 'trailhound.yaml');
    writeFileSync(file, GOOD.replace('db: /var/lib/trailhound/th.db', 'db: postgres://th:pw@127.0.0.1/th'));
    const missing = await runCli(['config', 'check', '--config', file]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('reads the environment variable TH_HOOK_SECRET, which is not set');
    const env = {
      TH_HOOK_SECRET: 'value-of-the-secret',
      TH_SLACK_URL: 'https://hooks.slack.com/services/T/B/slack-secret',
    };
    {
      const ok = await runCli(['config', 'check', '--config', file], env);
      expect(ok.code, ok.stderr).toBe(0);
      expect(ok.stdout).toContain('secretEnv: TH_HOOK_SECRET (set, ****)');
      expect(ok.stdout).toContain('db: postgres://th:****@127.0.0.1/th');
      expect(ok.stdout).toContain('interval: 30s');
      expect(ok.stdout).toContain('# configuration is valid');
      for (const secret of ['value-of-the-secret', 'slack-secret', ':pw@']) expect(ok.stdout).not.toContain(secret);
    }
  });
});

// The real Stratus Red Team capture.
const STRATUS = new URL('../../fixtures/stratus-red-team', import.meta.url).pathname;

describe('detect and serve read trailhound.yaml; flags override it', () => {
  it('detect takes db and detect: from the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'th-config-detect-'));
    const db = join(dir, 'th.db');
    const file = join(dir, 'trailhound.yaml');
    writeFileSync(file, `db: ${db}\ndetect:\n  learningDays: 21\n  alertsPerWeek: 5\n`);
    const ingested = await runCli(['ingest', STRATUS, '--db', db]);
    expect(ingested.code, ingested.stderr).toBe(0);
    const fromFile = await runCli(['detect', '--config', file]);
    expect(fromFile.code, fromFile.stderr).toBe(0);
    expect(fromFile.stdout).toMatch(/(of 21 days seen|learned from the first 21,)/);
    const flagged = await runCli(['detect', '--config', file, '--learning-days', '5']);
    expect(flagged.code, flagged.stderr).toBe(0);
    expect(flagged.stdout).toMatch(/(of 5 days seen|learned from the first 5,)/);
    // A wrong key in the file is refused by detect too, naming the line.
    writeFileSync(file, `db: ${db}\ndetect:\n  learningDay: 21\n`);
    const bad = await runCli(['detect', '--config', file]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/trailhound\.yaml:3: detect\.learningDay/);
    // An account id that is not one is refused, whether from the flag or the file.
    const badFlag = await runCli(['detect', '--db', db, '--organization-accounts', '111122223333,12345']);
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toMatch(/--organization-accounts "12345" is not a 12-digit AWS account id/);
    writeFileSync(file, `db: ${db}\ndetect:\n  organizationAccounts: [12345]\n`);
    const badFile = await runCli(['detect', '--config', file]);
    expect(badFile.code).toBe(2);
    expect(badFile.stderr).toMatch(
      /trailhound\.yaml:3: detect\.organizationAccounts\[0\]: a 12-digit AWS account id \(quote/,
    );
    const watched = await runCli(['watch', dir, '--once', '--db', db, '--organization-accounts', '1111-2222-3333']);
    expect(watched.code).toBe(2);
    expect(watched.stderr).toMatch(/--organization-accounts "1111-2222-3333" is not a 12-digit AWS account id/);
    const declared = await runCli(['detect', '--db', db, '--organization-accounts', '111122223333, 444455556666']);
    expect(declared.code, declared.stderr).toBe(0);
    expect(declared.stdout).toMatch(/replayed from the first event/);
  });

  it('serve takes db and server: from the file, and its /healthz reports the store', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'th-config-serve-'));
    const db = join(dir, 'th.db');
    expect((await runCli(['ingest', STRATUS, '--db', db])).code).toBe(0);
    const file = join(dir, 'trailhound.yaml');
    writeFileSync(file, `db: ${db}\nserver:\n  host: 127.0.0.1\n  port: 0\n`);
    const [exe, argv] = cliProcess(['serve', '--config', file]);
    const child = spawn(exe, argv, { env: { ...process.env, TRAILHOUND_CONFIG: '' } });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    await expect.poll(() => /dashboard and API on (\S+)/.test(stdout), { timeout: 60_000 }).toBe(true);
    expect(stdout).toContain(`(store ${db})`);
    const url = /dashboard and API on (\S+)/.exec(stdout)?.[1] as string;
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    const body = (await health.json()) as { status: string; store: { dialect: string; answered: boolean } };
    expect(body).toMatchObject({ status: 'ok', store: { dialect: 'sqlite', answered: true } });
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});

describe('notify reads trailhound.yaml', () => {
  it('sends from the store the file names to the outputs it lists', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'th-config-notify-'));
    const db = join(dir, 'th.db');
    const store = await openStore({ db });
    for (const a of alertFixtures().slice(0, 2))
      await new AlertsRepository(store).save(asStored({ ...a, status: 'new' }));
    await store.close();
    const out = join(dir, 'alerts.jsonl');
    const file = join(dir, 'trailhound.yaml');
    writeFileSync(file, `db: ${db}\noutputs:\n  - transport: file\n    path: ${out}\n`);
    const run = await runCli(['notify', '--config', file]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/sent 2 alert\(s\)/);
    expect(readFileSync(out, 'utf8').trimEnd().split('\n')).toHaveLength(2);
  });
});
