/**
 * Time to detect: replays a simulated organization's CloudTrail files into a watched folder
 * (or an s3rver bucket) at their delivery times, sped up, while `Watcher` (what `trailhound
 * watch` runs) ingests, detects and posts alerts to a webhook receiver started here. For each
 * planted attack it reports the real delay from the landing of the file holding its last
 * event to its alert arriving, and the replay rate in events/s.
 * Target: under the inactivity gap (30 simulated minutes) plus 2 minutes of real time. The
 * watcher is stopped and started again `--restarts` times on the way (a new store handle and
 * watcher, as a process restart), and the run checks that no event or alert was lost or doubled.
 *
 *   npx tsx scripts/bench-watch.ts [--weeks 3] [--rate 1000] [--target folder|s3] [--interval 1] [--seed 1] [--attacks rate|all] [--restarts 2]
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { gunzipSync } from 'node:zlib';
import { createDestination } from '../src/alerts/outputs/index.ts';
import { listAlerts } from '../src/app/alerts.ts';
import { detect } from '../src/app/detect.ts';
import { ingest } from '../src/ingest/index.ts';
import { createLogger } from '../src/ops/log.ts';
import { TrailhoundMetrics } from '../src/ops/metrics.ts';
import { simulate } from '../src/sim/index.ts';
import { openStore } from '../src/store/index.ts';
import { Watcher } from '../src/watch/index.ts';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] as string) : fallback;
}
const WEEKS = Number(arg('weeks', '3'));
const RATE = Number(arg('rate', '1000'));
const TARGET = arg('target', 'folder');
const INTERVAL_S = Number(arg('interval', '1'));
const SEED = Number(arg('seed', '1'));
const ATTACKS = arg('attacks', 'rate');
const RESTARTS = Number(arg('restarts', '2'));
const GAP_MIN = 30;

const work = mkdtempSync(join(tmpdir(), 'th-bench-watch-'));
const simOut = join(work, 'sim');
const sim = simulate({ out: simOut, weeks: WEEKS, seed: SEED, attacks: ATTACKS });
console.log(
  `simulated ${sim.meta.counts.events} events in ${sim.meta.counts.files} files, ${sim.labels.length} attacks, ${WEEKS} weeks (${(sim.elapsedMs / 1000).toFixed(1)} s)`,
);

// Each file lands at the end of its 5-minute window (the minute in its name).
function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}
const files = walk(join(simOut, 'AWSLogs'))
  .map((path) => {
    const m = /_(\d{8})T(\d{2})(\d{2})Z_/.exec(path);
    const s = m?.[1] as string;
    const at = Date.UTC(+s.slice(0, 4), +s.slice(4, 6) - 1, +s.slice(6, 8), Number(m?.[2]), Number(m?.[3]));
    return { path, rel: relative(simOut, path), at: at + 5 * 60_000 };
  })
  .sort((a, b) => a.at - b.at || (a.rel < b.rel ? -1 : 1));
const simStart = files[0]?.at ?? 0;
const simEnd = files.at(-1)?.at ?? 0;
// Sim seconds per real second so the replay sustains RATE events/s on average.
const speed = (RATE * (simEnd - simStart)) / 1000 / sim.meta.counts.events;
console.log(`replay at ${speed.toFixed(0)}x (${RATE} events/s), ${((simEnd - simStart) / speed / 1000).toFixed(0)} s`);

// Which file holds each attack's last event.
const lastEventFile = new Map<string, string>();
const attackByEvent = new Map<string, string>();
for (const l of sim.labels) for (const id of l.eventIds) attackByEvent.set(id, l.attackId);
const pendingLast = new Map(sim.labels.map((l) => [l.eventIds.at(-1) as string, l.attackId]));
for (const f of files) {
  if (pendingLast.size === 0) break;
  const raw = readFileSync(f.path);
  const body = (f.path.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
  for (const [eventId, attack] of [...pendingLast])
    if (body.includes(eventId)) {
      lastEventFile.set(attack, f.rel);
      pendingLast.delete(eventId);
    }
}

const arrivals = new Map<string, number>();
const deliveries = new Map<string, number>();
const receiver = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const at = performance.now();
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
      alerts: Array<{ events: Array<{ eventId: string }> }>;
    };
    for (const a of body.alerts as Array<{ id: string; events: Array<{ eventId: string }> }>) {
      // One revision of an alert (its events so far) must arrive once; a grown alert arrives again.
      const revision = `${a.id}~${a.events.length}`;
      deliveries.set(revision, (deliveries.get(revision) ?? 0) + 1);
      for (const e of a.events) {
        const attack = attackByEvent.get(e.eventId);
        if (attack !== undefined && !arrivals.has(attack)) arrivals.set(attack, at);
      }
    }
    res.writeHead(200).end();
  });
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;

const watched = join(work, 'watched');
mkdirSync(watched);
let source = watched;
let put: (rel: string, path: string) => Promise<void> = async (rel, path) => {
  mkdirSync(dirname(join(watched, rel)), { recursive: true });
  copyFileSync(path, join(watched, rel));
};
let stopS3: (() => Promise<void>) | null = null;
if (TARGET === 's3') {
  // @ts-expect-error s3rver ships no types
  const { default: S3rver } = await import('s3rver');
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: join(work, 's3'),
    configureBuckets: [{ name: 'trail', configs: [] }],
  });
  const { port } = await server.run();
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${port}`,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
  });
  const { PutObjectCommand } = await import('@aws-sdk/client-s3');
  const { createS3Client } = await import('../src/sources/s3.ts');
  const client = await createS3Client(process.env);
  put = async (rel, path) => {
    await client.send(new PutObjectCommand({ Bucket: 'trail', Key: rel, Body: readFileSync(path) }));
  };
  source = 's3://trail/AWSLogs/';
  stopS3 = async () => {
    client.destroy();
    await server.close();
  };
}

const db = join(work, 'th.db');
const learningDays = Math.round((Date.parse(sim.meta.learningEnd) - Date.parse(sim.meta.start)) / 86_400_000);
const realStart = performance.now();
const simNow = () => simStart + (performance.now() - realStart) * speed;
const output = createDestination({ transport: 'webhook', target: hook, secret: 'bench' });
const log = createLogger(
  'warn',
  new Writable({
    write: (c, _e, done) => {
      process.stderr.write(c);
      done();
    },
  }),
);

/** A watcher with its own store handle, as one `trailhound watch` process. */
async function startWatcher() {
  const store = await openStore({ db });
  const watcher = new Watcher({
    store,
    sources: [source],
    outputs: [output],
    log,
    metrics: new TrailhoundMetrics(),
    intervalMs: INTERVAL_S * 1000,
    // Detect's clock closes idle journeys: it is the replay's clock, as the real one is for a live trail.
    detect: { learningDays, gapMinutes: GAP_MIN, now: simNow },
    s3: { now: () => simNow(), latenessMs: 15 * 60_000 },
  });
  const stop = new AbortController();
  const running = watcher.run(stop.signal);
  return async () => {
    stop.abort();
    await running;
    await store.close();
  };
}
let stopWatcher = await startWatcher();
const restartAt = Array.from({ length: RESTARTS }, (_, i) => Math.floor(((i + 1) * files.length) / (RESTARTS + 1)));

const landed = new Map<string, number>();
for (const [n, f] of files.entries()) {
  if (restartAt.includes(n)) {
    await stopWatcher();
    stopWatcher = await startWatcher();
    console.log(`restarted the watcher after ${n} files`);
  }
  const wait = (f.at - simStart) / speed - (performance.now() - realStart);
  if (wait > 0) await sleep(wait);
  await put(f.rel, f.path);
  landed.set(f.rel, performance.now());
}
console.log(`replay done in ${((performance.now() - realStart) / 1000).toFixed(0)} s; waiting for the last alerts`);
// Journeys still open at the end close once the gap has passed by event time; give the watcher 2 minutes.
const deadline = performance.now() + 120_000;
while (performance.now() < deadline && arrivals.size < sim.labels.length) await sleep(1000);
await stopWatcher();

const targetS = (GAP_MIN * 60) / speed + 120;
console.log(`\nattack                               delay s  (in sim minutes)  ${targetS.toFixed(0)} s target`);
const delays: number[] = [];
for (const l of sim.labels) {
  const file = lastEventFile.get(l.attackId);
  const from = file === undefined ? undefined : landed.get(file);
  const to = arrivals.get(l.attackId);
  if (from === undefined || to === undefined) {
    console.log(`${l.attackId.padEnd(36)} no alert`);
    continue;
  }
  const s = (to - from) / 1000;
  delays.push(s);
  console.log(
    `${l.attackId.padEnd(36)} ${s.toFixed(1).padStart(7)}  (${((s * speed) / 60).toFixed(0).padStart(4)})  ${s <= targetS ? 'ok' : 'LATE'}`,
  );
}
delays.sort((a, b) => a - b);
console.log(
  `\n${delays.length} of ${sim.labels.length} attacks alerted; delay median ${delays[Math.floor(delays.length / 2)]?.toFixed(1)} s, max ${delays.at(-1)?.toFixed(1)} s; load ${loadavg()[0]?.toFixed(1)} on this machine`,
);
const check = await openStore({ db });
const stored = await check.db
  .selectFrom('events')
  .select((eb) => eb.fn.countAll<number>().as('n'))
  .executeTakeFirstOrThrow();
const doubled = [...deliveries.values()].filter((n) => n > 1).length;
const alertsDelivered = new Set([...deliveries.keys()].map((k) => k.slice(0, k.lastIndexOf('~')))).size;
console.log(
  `events stored ${Number(stored.n)} of ${sim.meta.counts.events} simulated; ${alertsDelivered} alerts delivered in ${deliveries.size} revisions, ${doubled} revision(s) more than once; ${RESTARTS} restarts`,
);
// The same files read by one ingest and one detect: watch must raise exactly these alerts.
await detect(check, { learningDays, gapMinutes: GAP_MIN, now: simNow });
const batch = await openStore({ db: join(work, 'batch.db') });
await ingest(batch, [simOut]);
await detect(batch, { learningDays, gapMinutes: GAP_MIN });
type Alerts = Awaited<ReturnType<typeof listAlerts>>;
const live = (alerts: Alerts) =>
  new Set(alerts.filter((a) => !(a as { withdrawn?: unknown }).withdrawn).map((a) => a.id));
const batchAlerts = await listAlerts(batch);
const watchedIds = live(await listAlerts(check));
const batchIds = live(batchAlerts);
const onlyWatch = [...watchedIds].filter((id) => !batchIds.has(id));
const onlyBatch = [...batchIds].filter((id) => !watchedIds.has(id));
console.log(
  `alerts: watch ${watchedIds.size}, one ingest + one detect ${batchIds.size}; only in watch ${onlyWatch.length}, only in the batch ${onlyBatch.length}${onlyWatch.length + onlyBatch.length === 0 ? ' (identical)' : `: ${[...onlyWatch, ...onlyBatch].slice(0, 5).join(', ')}`}`,
);
// Alerts are sent once, when first raised: an attack whose events join an alert already sent
// (same actor and session, later) is in the stored alert but not in what the receiver got.
const cited = new Set(
  batchAlerts.flatMap((a) => a.events.map((e) => attackByEvent.get(e.eventId)).filter((x) => x !== undefined)),
);
const joinedLater = [...cited].filter((attack) => !arrivals.has(attack)).sort();
console.log(
  `attacks in the final alerts: ${cited.size} of ${sim.labels.length}; in an alert when it was delivered: ${arrivals.size}${joinedLater.length > 0 ? `; joined an alert after it was sent: ${joinedLater.join(', ')}` : ''}`,
);
await batch.close();
await check.close();
receiver.close();
await stopS3?.();
rmSync(work, { recursive: true, force: true });
