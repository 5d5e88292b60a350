import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
// @ts-expect-error s3rver ships no types
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../alerts/types.ts';
import { cliProcess } from '../cli/testing.ts';
import { ingest } from '../ingest/index.ts';
import { createLogger } from '../ops/log.ts';
import { TrailhoundMetrics } from '../ops/metrics.ts';
import { alertFixtures, asStored } from '../server/fixtures.ts';
import { createS3Client } from '../sources/s3.ts';
import { S3_LAYOUT_PREFIX, s3LayoutObjects } from '../sources/s3-layout-fixture.ts';
import { AlertsRepository } from '../store/alerts.ts';
import { openStore, type Store } from '../store/index.ts';
import { startAfterFor, Watcher } from './index.ts';

const BUCKET = 'org-trail';
const DAY = `${S3_LAYOUT_PREFIX}/CloudTrail/us-east-1/2024/07/30/`;
const lateKey = (stamp: string, id: string) => `${DAY}111122223333_CloudTrail_us-east-1_${stamp}Z_${id}.json.gz`;

function record(id: string, time: string, name = 'ListBuckets') {
  return {
    eventVersion: '1.08',
    eventTime: time,
    eventSource: 's3.amazonaws.com',
    eventName: name,
    awsRegion: 'us-east-1',
    sourceIPAddress: '203.0.113.7',
    userAgent: 'aws-cli/2.15.0',
    userIdentity: {
      type: 'IAMUser',
      principalId: 'AIDAEXAMPLE',
      arn: 'arn:aws:iam::111122223333:user/alice',
      accountId: '111122223333',
      userName: 'alice',
    },
    eventID: id,
    eventType: 'AwsApiCall',
    readOnly: true,
    recipientAccountId: '111122223333',
  };
}
const file = (...records: unknown[]) => gzipSync(JSON.stringify({ Records: records }));

function captureLog() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const l of chunk.toString().split('\n')) if (l) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  return { log: createLogger('info', stream), lines };
}

async function count(store: Store): Promise<number> {
  const r = await store.db
    .selectFrom('events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

describe('watch an S3 bucket (s3rver)', () => {
  let dir: string;
  let server: { run(): Promise<AddressInfo>; close(): Promise<void> };
  const saved = { ...process.env };
  let client: S3Client;
  const listed: Array<{ Prefix?: string; StartAfter?: string; Delimiter?: string }> = [];
  const got: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'th-watch-s3-'));
    server = new S3rver({
      address: '127.0.0.1',
      port: 0,
      silent: true,
      directory: dir,
      configureBuckets: [{ name: BUCKET, configs: [] }],
    });
    const { port } = await server.run();
    process.env.AWS_ENDPOINT_URL_S3 = `http://127.0.0.1:${port}`;
    process.env.AWS_REGION = 'us-east-1';
    process.env.AWS_ACCESS_KEY_ID = 'S3RVER';
    process.env.AWS_SECRET_ACCESS_KEY = 'S3RVER';
    delete process.env.AWS_PROFILE;
    client = await createS3Client(process.env);
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'ListObjectsV2Command') listed.push({ ...(args.input as object) });
        if (context.commandName === 'ListObjectsCommand') listed.push({ Delimiter: 'skip-scan' });
        if (context.commandName === 'GetObjectCommand') got.push(String((args.input as { Key?: string }).Key));
        return next(args);
      },
      { step: 'initialize', name: 'countLists' },
    );
    for (const [key, body] of s3LayoutObjects())
      await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
  });

  afterAll(async () => {
    client?.destroy();
    await server?.close();
    process.env = saved;
    rmSync(dir, { recursive: true, force: true });
  });

  it('ingests the bucket once, then lists only what can be new, and survives a restart with nothing lost or doubled', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'th-watch-')), 'th.db');
    const now = () => Date.parse('2024-07-30T23:00:00Z');
    const make = async () => {
      const store = await openStore({ db });
      const { log, lines } = captureLog();
      const metrics = new TrailhoundMetrics();
      const watcher = new Watcher({
        store,
        sources: [`s3://${BUCKET}/AWSLogs/`],
        outputs: [],
        log,
        metrics,
        s3Client: client,
        now,
        s3: { now },
      });
      return { store, watcher, lines, metrics };
    };

    const first = await make();
    const c1 = await first.watcher.cycle();
    expect(c1.files).toBe(4); // three CloudTrail files and one Insights file; the digest is skipped
    const all = await count(first.store);
    expect(all).toBeGreaterThan(0);
    const cps = await first.store.db.selectFrom('watch_checkpoints').selectAll().orderBy('prefix').execute();
    expect(cps.map((c) => c.prefix)).toEqual([
      `s3://${BUCKET}/${S3_LAYOUT_PREFIX}/CloudTrail-Insight/us-east-1/2024/07/30/`,
      `s3://${BUCKET}/${DAY}`,
    ]);

    // Nothing new: one listing per day prefix (the day before the checkpoint and its day), with StartAfter.
    listed.length = 0;
    const c2 = await first.watcher.cycle();
    expect(c2.files).toBe(0);
    expect(listed.every((l) => l.Delimiter === undefined)).toBe(true);
    expect(listed.map((l) => l.Prefix)).toEqual([
      `${S3_LAYOUT_PREFIX}/CloudTrail/us-east-1/2024/07/29/`,
      DAY,
      `${S3_LAYOUT_PREFIX}/CloudTrail-Insight/us-east-1/2024/07/29/`,
      `${S3_LAYOUT_PREFIX}/CloudTrail-Insight/us-east-1/2024/07/30/`,
    ]);
    expect(listed[1]?.StartAfter).toBe(`${DAY}111122223333_CloudTrail_us-east-1_20240730T2145Z`);

    // A new file, and one delivered late with an earlier name inside the lateness margin.
    await client.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: lateKey('20240730T2210', 'n1'),
        Body: file(record('watch-new-1', '2024-07-30T22:06:00Z')),
      }),
    );
    await client.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: lateKey('20240730T2155', 'l1'),
        Body: file(record('watch-late-1', '2024-07-30T21:52:00Z'), record('watch-new-1', '2024-07-30T22:06:00Z')),
      }),
    );
    listed.length = 0;
    got.length = 0;
    const c3 = await first.watcher.cycle();
    expect(c3.files).toBe(2);
    // The new objects are read by key with the watcher's client: the day prefixes' listings alone, none per object.
    expect(got.sort()).toEqual([lateKey('20240730T2155', 'l1'), lateKey('20240730T2210', 'n1')]);
    expect(listed).toHaveLength(4);
    expect(listed.some((l) => l.Prefix?.endsWith('.json.gz'))).toBe(false);
    expect(c3.events).toBe(2); // the duplicate eventID is stored once
    expect(await count(first.store)).toBe(all + 2);
    expect(await first.metrics.registry.getSingleMetricAsString('trailhound_events_ingested_total')).toContain(
      `trailhound_events_ingested_total ${all + 2}`,
    );
    await first.store.close();

    // Restart: a new process with the same store reads nothing again.
    const second = await make();
    const c4 = await second.watcher.cycle();
    expect(c4).toMatchObject({ files: 0, events: 0 });
    expect(await count(second.store)).toBe(all + 2);

    // The same as one plain ingest of the whole prefix: nothing lost.
    const fresh = await openStore({ db: ':memory:' });
    await ingest(fresh, [`s3://${BUCKET}/AWSLogs/`]);
    expect(await count(fresh)).toBe(all + 2);
    await fresh.close();
    await second.store.close();
  });

  it('logs an unreachable S3 and backs off instead of exiting', async () => {
    const store = await openStore({ db: ':memory:' });
    const dead = new S3Client({
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:1',
      forcePathStyle: true,
      maxAttempts: 1,
      credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
    });
    const { log, lines } = captureLog();
    const watcher = new Watcher({
      store,
      sources: [`s3://${BUCKET}/AWSLogs/`],
      outputs: [],
      log,
      s3Client: dead,
      intervalMs: 1000,
    });
    await expect(watcher.cycle()).rejects.toThrow(/Cannot list s3:\/\/org-trail\/AWSLogs\//);
    const stop = new AbortController();
    const running = watcher.run(stop.signal);
    await expect
      .poll(() => lines.some((l) => l.msg === 'cycle failed; retrying with back-off'), { timeout: 10_000 })
      .toBe(true);
    stop.abort();
    await running;
    const failed = lines.find((l) => l.msg === 'cycle failed; retrying with back-off');
    expect(failed?.retryInMs).toBe(2000);
    expect(failed?.level).toBe(50);
    dead.destroy();
    await store.close();
  });
});

describe('startAfterFor', () => {
  it('moves the checkpoint back by the lateness margin, across midnight too', () => {
    expect(startAfterFor(lateKey('20240730T2210', 'x'), 15 * 60_000)).toBe(
      `${DAY}111122223333_CloudTrail_us-east-1_20240730T2155Z`,
    );
    expect(startAfterFor(lateKey('20240730T0005', 'x'), 15 * 60_000)).toBe(
      `${DAY}111122223333_CloudTrail_us-east-1_20240729T2350Z`,
    );
    expect(startAfterFor('plain/key.json', 1)).toBe('plain/key.json');
  });
});

describe('watch a folder', () => {
  it('reports its lag behind the newest file written, after a restart too', async () => {
    const root = mkdtempSync(join(tmpdir(), 'th-watch-lag-'));
    const path = join(root, lateKey('20240730T2135', 'a'));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, file(record('lag-1', '2024-07-30T21:31:00Z')));
    const written = Date.parse('2024-07-30T21:40:00Z');
    utimesSync(path, written / 1000, written / 1000);
    const db = join(root, 'th.db');
    for (const run of [1, 2]) {
      const store = await openStore({ db });
      const metrics = new TrailhoundMetrics();
      const watcher = new Watcher({
        store,
        sources: [join(root, 'AWSLogs')],
        outputs: [],
        log: captureLog().log,
        metrics,
        now: () => written + 90_000,
      });
      expect((await watcher.cycle()).files).toBe(run === 1 ? 1 : 0);
      expect(await metrics.registry.getSingleMetricAsString('trailhound_lag_seconds')).toMatch(
        /^trailhound_lag_seconds 90$/m,
      );
      await store.close();
    }
    rmSync(root, { recursive: true, force: true });
  });

  it('ingests new files as they land, and the CLI serves /metrics and /healthz and exits 0 on SIGTERM', async () => {
    const root = mkdtempSync(join(tmpdir(), 'th-watch-dir-'));
    const put = (key: string, body: Buffer) => {
      mkdirSync(dirname(join(root, key)), { recursive: true });
      writeFileSync(join(root, key), body);
    };
    put(
      lateKey('20240730T2135', 'a'),
      file(record('dir-1', '2024-07-30T21:31:00Z'), record('dir-2', '2024-07-30T21:32:00Z')),
    );
    const db = join(root, 'th.db');
    const [exe, argv] = cliProcess([
      'watch',
      join(root, 'AWSLogs'),
      '--db',
      db,
      '--interval',
      '1s',
      '--metrics-port',
      '0',
    ]);
    const child = spawn(exe, argv, { env: { ...process.env } });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const logLines = () =>
      stderr
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    await expect
      .poll(() => logLines().some((l) => l.msg === 'cycle' && l.events === 2), { timeout: 60_000 })
      .toBe(true);
    put(lateKey('20240730T2140', 'b'), file(record('dir-3', '2024-07-30T21:36:00Z')));
    await expect
      .poll(() => logLines().some((l) => l.msg === 'cycle' && l.events === 1), { timeout: 60_000 })
      .toBe(true);
    const url = String(logLines().find((l) => l.msg === 'metrics and health')?.url);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/^trailhound_events_ingested_total 3$/m);
    expect(metrics).toMatch(/^trailhound_watch_cycles_total\{result="ok"\} \d+$/m);
    // A folder has a lag too: seconds since the newest file was written (just now).
    const lag = Number(/^trailhound_lag_seconds ([\d.e+-]+)$/m.exec(metrics)?.[1]);
    expect(lag).toBeGreaterThanOrEqual(0);
    expect(lag).toBeLessThan(120);
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', store: { dialect: 'sqlite', answered: true } });
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(logLines().at(-1)?.msg).toBe('watch stopped');
    const store = await openStore({ db });
    expect(await count(store)).toBe(3);
    await store.close();
  });
});

/** A `trailhound watch` process; `logLines` are its JSON log lines so far. */
function watchProcess(args: string[], env: NodeJS.ProcessEnv = {}) {
  const [exe, argv] = cliProcess(['watch', ...args]);
  const child: ChildProcessWithoutNullStreams = spawn(exe, argv, { env: { ...process.env, ...env } });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const logLines = () =>
    stderr
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { child, exited, logLines, stderr: () => stderr };
}

describe('two watch processes at once', () => {
  it('deliver each alert to one webhook receiver once', async () => {
    const root = mkdtempSync(join(tmpdir(), 'th-watch-two-'));
    const db = join(root, 'th.db');
    const store = await openStore({ db });
    const base = alertFixtures();
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) {
      const id = `al-${String(i).padStart(3, '0')}`;
      ids.push(id);
      await new AlertsRepository(store).save(asStored({ ...(base[i % base.length] as Alert), id, status: 'new' }));
    }
    await store.close();
    // Events too, so both also ingest and detect the same files at the same time.
    const folder = join(root, 'AWSLogs');
    mkdirSync(dirname(join(folder, lateKey('20240730T2135', 'a'))), { recursive: true });
    writeFileSync(
      join(folder, lateKey('20240730T2135', 'a')),
      file(record('two-1', '2024-07-30T21:31:00Z'), record('two-2', '2024-07-30T21:32:00Z')),
    );

    const received: string[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        // Slow answers, so both senders are mid-delivery at once.
        setTimeout(() => {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { alerts: Array<{ id: string }> };
          received.push(...body.alerts.map((a) => a.id));
          res.writeHead(200).end('ok');
        }, 20);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const hook = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;

    const args = [folder, '--db', db, '--interval', '1s', '--webhook', hook];
    const env = { TRAILHOUND_WEBHOOK_SECRET: 'k' };
    const a = watchProcess(args, env);
    const b = watchProcess(args, env);
    const cycles = (p: ReturnType<typeof watchProcess>) => p.logLines().filter((l) => l.msg === 'cycle').length;
    // Both keep cycling after everything is sent: nothing is sent again.
    await expect
      .poll(() => received.length >= 30 && cycles(a) >= 3 && cycles(b) >= 3, { timeout: 90_000, interval: 200 })
      .toBe(true);
    a.child.kill('SIGTERM');
    b.child.kill('SIGTERM');
    expect([await a.exited, await b.exited], `${a.stderr()}\n${b.stderr()}`).toEqual([0, 0]);
    server.close();

    expect([...received].sort()).toEqual(ids);
    const sent = (p: ReturnType<typeof watchProcess>) =>
      p
        .logLines()
        .filter((l) => l.msg === 'cycle')
        .reduce((n, l) => n + Number(l.alertsSent), 0);
    expect(sent(a) + sent(b)).toBe(30);
    const check = await openStore({ db });
    expect(await count(check)).toBe(2);
    await check.close();
    rmSync(root, { recursive: true, force: true });
  }, 120_000);
});
