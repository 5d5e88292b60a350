import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { type AddressInfo, createServer as createTcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { alertFixtures, alertStub } from '../../server/fixtures.ts';
import { openStore } from '../../store/index.ts';
import { OutputDeliveriesRepository } from '../../store/output-deliveries.ts';
import type { Alert } from '../types.ts';
import { slackMessage } from './formats/slack.ts';
import { createDestination, createOutput, deliveryKey, MemoryDeliveries, notify, OutputError } from './index.ts';
import { parseSyslogTarget } from './transports/syslog.ts';
import { signWebhook, UNSIGNED_WEBHOOK_WARNING } from './transports/webhook.ts';

const slackOutput = (o: { webhookUrl: string; dashboardUrl?: string }) =>
  createOutput({ slack: o.webhookUrl, dashboardUrl: o.dashboardUrl });
const webhookOutput = (o: { url: string; secret?: string }) =>
  createOutput({ webhook: o.url, webhookSecret: o.secret });
const syslogOutput = (o: { host: string; port: number; protocol: 'udp' | 'tcp'; hostname: string }) =>
  createDestination({ transport: 'syslog', target: `${o.protocol}://${o.host}:${o.port}`, hostname: o.hostname });
const memorySentLog = () => new MemoryDeliveries();
const noWait = { sleep: async () => undefined };

interface SlackBlock {
  type: string;
  text?: { type: string; text: string };
}

interface Captured {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A local HTTP receiver on 127.0.0.1 that records every POST; `failOn` answers 500 to that request number. */
async function startReceiver(failOn: number[] = []) {
  const requests: Captured[] = [];
  let count = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      count += 1;
      if (failOn.includes(count)) {
        res.writeHead(500).end('boom');
        return;
      }
      requests.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/services/T000/B000/secret-token`;
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return { url, requests, close };
}

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});
async function receiver(failOn: number[] = []) {
  const r = await startReceiver(failOn);
  closers.push(r.close);
  return r;
}

// Control and bidi characters that must never reach a receiver raw.
const RAW_UNSAFE = ['<', '>', '\u001b', '\u202e'];
const RAW_CONTROL = ['\n', '\u001b', '\u202e', '\u2028'];
const rawIn = (s: string, chars: string[]) => chars.filter((c) => s.includes(c));

/** Every string anywhere inside a JSON value. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

describe('slack output', () => {
  it('sends one Block Kit message per new alert, with every hostile string inert', async () => {
    const hook = await receiver();
    const sut = slackOutput({ webhookUrl: hook.url, dashboardUrl: 'https://trailhound.internal/' });
    const result = await notify({ output: sut, alerts: alertFixtures(), log: memorySentLog() });

    expect(result.sent.map((a) => a.id)).toEqual([alertStub.adminCreated.id, alertStub.loggingStopped.id]);
    expect(hook.requests).toHaveLength(2);
    const message = JSON.parse(hook.requests[0]?.body ?? '') as { text: string; blocks: SlackBlock[] };
    const texts = strings(message).filter((s) => !s.startsWith('https://trailhound.internal/'));
    for (const s of texts) {
      // No raw angle bracket means no <!channel>, <@U…>, <http://…|…> and no HTML.
      expect(rawIn(s, RAW_UNSAFE)).toEqual([]);
      expect(s).not.toMatch(/(^|\s)@(channel|here|everyone)/);
    }
    const all = texts.join('\n');
    expect(all).toContain('&lt;!channel&gt;');
    expect(all).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(all).toContain('&lt;@\u2060U123ABC&gt;');
    expect(all).toContain('@\u2060channel');
    expect(all).toContain('\\x1b[2J');
    expect(all).toContain('evil\\u202etxt.exe');
    // Slack must not re-parse any mrkdwn object into links or mentions.
    const mrkdwn = JSON.stringify(message.blocks).match(/"type":"mrkdwn"/g) ?? [];
    const verbatim =
      JSON.stringify(message.blocks).match(/"type":"mrkdwn","text":"(?:[^"\\]|\\.)*","verbatim":true/g) ?? [];
    expect(verbatim.length).toBe(mrkdwn.length);
    // Title, severity, actor, reasons, journey with outcomes, techniques, dashboard link.
    expect(message.blocks[0]?.text?.text.length).toBeLessThanOrEqual(150);
    expect(all).toContain('critical (92/100)');
    expect(all).toContain('*Why*');
    expect(all).toMatch(/✓ 03:12:05 ci-deployer asked who it is/);
    expect(all).toMatch(/✗ 03:13:02 ci-deployer tried to attach/);
    expect(all).toContain('T1136.003');
    expect(JSON.stringify(message.blocks.at(-1))).toContain('https://trailhound.internal/alerts/al-0001-admin-created');
  });

  it('never sends the same alert twice to the same destination (SQLite sent log)', async () => {
    const hook = await receiver();
    const store = await openStore({ db: ':memory:' });
    closers.push(() => store.close());
    const log = new OutputDeliveriesRepository(store);
    const sut = slackOutput({ webhookUrl: hook.url });
    expect((await notify({ output: sut, alerts: alertFixtures(), log })).sent).toHaveLength(2);
    const again = await notify({ output: sut, alerts: alertFixtures(), log });
    expect(again).toEqual({ sent: [], alreadySent: 2, claimedElsewhere: 0 });
    expect(hook.requests).toHaveLength(2);
    // Another channel is another destination: it gets its own copy.
    const other = slackOutput({ webhookUrl: `${hook.url}-other` });
    expect((await notify({ output: other, alerts: alertFixtures(), log })).sent).toHaveLength(2);
    // The key holds a hash, never the secret webhook path.
    const keys = await store.db.selectFrom('output_sends').select('output').distinct().execute();
    expect(keys.map((k) => k.output).join(' ')).not.toContain('secret-token');
  });

  it('sends an alert again once when it grows, and a destination that had it before revisions keeps it', async () => {
    const hook = await receiver();
    const store = await openStore({ db: ':memory:' });
    closers.push(() => store.close());
    const log = new OutputDeliveriesRepository(store);
    const sut = slackOutput({ webhookUrl: hook.url });
    const [first, second] = alertFixtures();
    if (!first || !second) throw new Error('fixtures');
    expect((await notify({ output: sut, alerts: [first, second], log })).sent).toHaveLength(2);
    const grown: Alert = { ...first, events: [...first.events, ...first.events.slice(0, 1)] };
    const update = await notify({ output: sut, alerts: [grown, second], log });
    expect(update.sent.map((a) => a.id)).toEqual([first.id]);
    expect(update.alreadySent).toBe(1);
    expect((await notify({ output: sut, alerts: [grown, second], log })).sent).toEqual([]);
    expect(hook.requests).toHaveLength(3);
    // A row keyed by the bare alert id (sent before revisions existed) covers every revision.
    const legacy = new MemoryDeliveries();
    const other = slackOutput({ webhookUrl: `${hook.url}-legacy` });
    expect(await legacy.claim(other.key, first.id, 'old', 0, 1000)).toBe(true);
    await legacy.markSent(other.key, first.id, 'old', 0);
    expect((await notify({ output: other, alerts: [grown], log: legacy })).sent).toEqual([]);
  });

  it('retries a failed send with back-off and delivers it once', async () => {
    const hook = await receiver([2, 3]);
    const log = memorySentLog();
    const delays: number[] = [];
    const result = await notify({
      output: slackOutput({ webhookUrl: hook.url }),
      alerts: alertFixtures(),
      log,
      retry: { attempts: 4, baseDelayMs: 100 },
      sleep: async (ms) => void delays.push(ms),
    });
    expect(result.sent.map((a) => a.id)).toEqual([alertStub.adminCreated.id, alertStub.loggingStopped.id]);
    expect(delays).toEqual([100, 200]);
    expect(hook.requests).toHaveLength(2);
  });

  it('dead-letters an alert whose retries ran out, stops, and sends it again after a requeue', async () => {
    const hook = await receiver([2, 3, 4]);
    const log = memorySentLog();
    const sut = slackOutput({ webhookUrl: hook.url });
    const failed = notify({ output: sut, alerts: alertFixtures(), log, retry: { attempts: 3 }, ...noWait });
    await expect(failed).rejects.toBeInstanceOf(OutputError);
    await expect(failed).rejects.toThrow(/dead-letter queue.*1 of 2 alerts were sent, 0 wait/);
    expect(log.entries.map((e) => e.alertId)).toEqual([deliveryKey(alertStub.adminCreated)]);
    const dead = await log.deadLetters(sut.key);
    expect(dead.map((d) => [d.alertId, d.attempts])).toEqual([[deliveryKey(alertStub.loggingStopped), 3]]);
    expect(dead[0]?.lastError).toContain('HTTP 500');
    expect(dead[0]?.lastError).not.toContain('secret-token');
    // A dead letter is not retried by the next run, only after a requeue.
    expect((await notify({ output: sut, alerts: alertFixtures(), log, ...noWait })).sent).toEqual([]);
    expect(await log.requeueDead(sut.key, Date.now())).toBe(1);
    const retry = await notify({ output: sut, alerts: alertFixtures(), log, ...noWait });
    expect(retry.sent.map((a) => a.id)).toEqual([alertStub.loggingStopped.id]);
    expect(hook.requests).toHaveLength(2);
  });

  it('reports an HTTP failure without echoing the secret URL', async () => {
    const hook = await receiver([1]);
    const error = await slackOutput({ webhookUrl: hook.url })
      .send([alertFixtures()[0] as Alert])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutputError);
    expect((error as Error).message).toContain('HTTP 500');
    expect((error as Error).message).not.toContain('secret-token');
  });

  it('cuts long attacker strings to fit Slack limits', async () => {
    const hook = await receiver();
    const alert = { ...(alertFixtures()[0] as Alert), title: '<'.repeat(1000), summary: `${'&'.repeat(5000)}end` };
    await slackOutput({ webhookUrl: hook.url }).send([alert]);
    const message = JSON.parse(hook.requests[0]?.body ?? '') as { blocks: SlackBlock[] };
    expect(message.blocks[0]?.text?.text.length).toBeLessThanOrEqual(150);
    for (const block of message.blocks) if (block.text?.text) expect(block.text.text.length).toBeLessThanOrEqual(3000);
    expect(message.blocks[2]?.text?.text).toMatch(/(&amp;)+…$/);
  });

  it('builds a message for an alert with no reasons, no steps and no peer group', () => {
    const bare: Alert = { ...alertStub.loggingStopped, reasons: [], events: [], techniques: [], peerGroup: null };
    const message = slackMessage(bare) as { blocks: SlackBlock[] };
    expect(message.blocks.map((b) => b.type)).toEqual(['header', 'section', 'section', 'context']);
    expect(JSON.stringify(message)).toContain('*Peer group*\\nnone');
  });

  it('dry run lists what would go out and sends nothing', async () => {
    const hook = await receiver();
    const log = memorySentLog();
    const result = await notify({
      output: slackOutput({ webhookUrl: hook.url }),
      alerts: alertFixtures(),
      log,
      dryRun: true,
    });
    expect(result.sent).toHaveLength(2);
    expect(hook.requests).toHaveLength(0);
    expect(log.entries).toHaveLength(0);
  });
});

describe('webhook output', () => {
  it('posts the alerts as JSON signed with HMAC-SHA256 over timestamp and body', async () => {
    const hook = await receiver();
    const sut = webhookOutput({ url: hook.url, secret: 's3cret' });
    expect(sut.warnings).toEqual([]);
    await notify({
      output: sut,
      alerts: alertFixtures(),
      log: memorySentLog(),
      since: Date.parse('2026-11-21T00:00:00Z'),
    });
    expect(hook.requests).toHaveLength(1);
    const { headers, body } = hook.requests[0] as Captured;
    const timestamp = String(headers['x-trailhound-timestamp']);
    expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(60);
    expect(headers['x-trailhound-signature']).toBe(signWebhook('s3cret', timestamp, body));
    expect(headers['x-trailhound-signature']).not.toBe(signWebhook('other', timestamp, body));
    expect(rawIn(body, RAW_CONTROL)).toEqual([]);
    const parsed = JSON.parse(body) as { source: string; alerts: Alert[] };
    expect(parsed.source).toBe('trailhound');
    expect(parsed.alerts.map((a) => a.id)).toEqual([alertStub.loggingStopped.id]);
    expect(parsed.alerts[0]?.actorName).toBe(alertStub.loggingStopped.actorName);
  });

  it('sends no signature headers without a secret, and warns', async () => {
    const hook = await receiver();
    const sut = webhookOutput({ url: hook.url });
    expect(sut.warnings).toEqual([UNSIGNED_WEBHOOK_WARNING]);
    await sut.send([alertStub.adminCreated]);
    expect(hook.requests[0]?.headers['x-trailhound-signature']).toBeUndefined();
  });
});

describe('jsonl output', () => {
  it('appends one inert JSON line per alert and never repeats one', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'trailhound-jsonl-')), 'out', 'alerts.jsonl');
    const log = memorySentLog();
    const sut = createOutput({ jsonl: path });
    await notify({ output: sut, alerts: alertFixtures(), log });
    await notify({ output: sut, alerts: alertFixtures(), log });
    const text = readFileSync(path, 'utf8');
    expect(rawIn(text.replaceAll('}\n', '}'), RAW_CONTROL)).toEqual([]);
    const lines = text.trimEnd().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as Alert).id)).toEqual([
      alertStub.adminCreated.id,
      alertStub.loggingStopped.id,
    ]);
    expect((JSON.parse(lines[1] as string) as Alert).actorName).toBe(alertStub.loggingStopped.actorName);
  });
});

describe('syslog output', () => {
  it('sends RFC 5424 over UDP, one line per alert, structured data escaped', async () => {
    const socket = createSocket('udp4');
    const received: string[] = [];
    socket.on('message', (m) => received.push(m.toString('utf8')));
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    closers.push(() => new Promise<void>((resolve) => socket.close(() => resolve())));
    const sut = syslogOutput({ host: '127.0.0.1', port: socket.address().port, protocol: 'udp', hostname: 'th-test' });
    await sut.send([alertStub.adminCreated, alertStub.loggingStopped]);
    await expect.poll(() => received.length).toBe(2);
    const [first] = received.sort();
    expect(first).toMatch(
      /^<130>1 2026-11-20T03:14:41\.000Z th-test trailhound \d+ alert \[trailhound@32473 id="al-0001-admin-created" severity="critical" score="92" /,
    );
    expect(rawIn(first ?? '', RAW_CONTROL)).toEqual([]);
    expect(first).toContain('\\x1b[2J');
  });

  it('frames TCP messages with octet counting', async () => {
    let data = '';
    const server = createTcpServer((s) =>
      s.on('data', (d) => {
        data += d.toString('utf8');
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const target = parseSyslogTarget(`tcp://127.0.0.1:${(server.address() as AddressInfo).port}`);
    await syslogOutput({ ...target, hostname: 'th-test' }).send([alertStub.bucketShared]);
    await expect.poll(() => data.length).toBeGreaterThan(0);
    const m = /^(\d+) (.*)$/s.exec(data);
    expect(Buffer.byteLength(m?.[2] ?? '')).toBe(Number(m?.[1]));
    expect(m?.[2]).toMatch(/^<132>1 /);
  });

  it('parses targets and refuses junk', () => {
    expect(parseSyslogTarget('siem.internal')).toEqual({ protocol: 'udp', host: 'siem.internal', port: 514 });
    expect(parseSyslogTarget('tcp://[::1]:6514')).toEqual({ protocol: 'tcp', host: '::1', port: 6514 });
    expect(() => parseSyslogTarget('ftp://x')).toThrow(/syslog target/);
  });
});

describe('createOutput', () => {
  it('requires exactly one output and a web URL', () => {
    expect(() => createOutput({})).toThrow(/exactly one output/);
    expect(() => createOutput({ slack: 'https://hooks.slack.com/x', jsonl: 'a.jsonl' })).toThrow(/--slack and --jsonl/);
    expect(() => createOutput({ webhook: 'file:///etc/passwd' })).toThrow(/http\(s\)/);
    expect(createOutput({ syslog: 'udp://127.0.0.1:514' }).key).toBe('syslog:udp://127.0.0.1:514');
  });
});
