/**
 * API benchmark: latency of every dashboard endpoint under concurrent clients over a store of
 * a million events. The store is built once (synthetic gzipped trail files through `ingest`,
 * then `detect`) and kept in .bench/api/; the server runs in its own process, as `serve` does,
 * and reports its event-loop delay, so a handler that blocks shows up even when its own
 * latency looks fine.
 *
 *   npm run bench:api                                  # 1M events, 20 clients, 30 s
 *   npm run bench:api -- --events 100000 --clients 20 --seconds 20
 *   npm run bench:api -- --cpu-prof .bench/prof          # also write the server's CPU profile there
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay, PerformanceObserver, performance as perf } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { SYNTHETIC_VERSION } from '../src/ingest/synthetic.ts';

const PER_FILE = 1000;
/** `PerformanceEntry.detail.kind` of a GC entry (perf_hooks constants). */
const GC_KINDS: Record<number, string> = { 1: 'minor', 2: 'major', 4: 'incremental', 8: 'weak callbacks' };
const root = join(import.meta.dirname, '..', '.bench', 'api');

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

/** Child: open the store and serve it until stdin closes; then print the event-loop delay. */
async function serveChild(db: string): Promise<void> {
  const { openStore } = await import('../src/store/index.ts');
  const { startServer } = await import('../src/server/index.ts');
  const store = await openStore({ db });
  const server = await startServer({ host: '127.0.0.1', port: 0, store, staticRoot: null, learningDays: 3 });
  const delay = monitorEventLoopDelay({ resolution: 5 });
  // What the server itself spent while measured: its CPU (all threads: the event loop and the
  // SQLite readers), the event loop's busy share and garbage collection. With other jobs on the
  // machine, a loop delay well above the busy share means the process waited for a core.
  let cpu = process.cpuUsage();
  let elu = perf.eventLoopUtilization();
  let gcMs = 0;
  let gcMaxMs = 0;
  const gcKinds: Record<string, { count: number; ms: number; maxMs: number }> = {};
  const gc = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      gcMs += e.duration;
      gcMaxMs = Math.max(gcMaxMs, e.duration);
      const kind = GC_KINDS[(e as { detail?: { kind?: number } }).detail?.kind ?? 0] ?? 'other';
      gcKinds[kind] ??= { count: 0, ms: 0, maxMs: 0 };
      const k = gcKinds[kind];
      k.count += 1;
      k.ms += e.duration;
      k.maxMs = Math.max(k.maxMs, e.duration);
    }
  });
  process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
  const rl = createInterface({ input: process.stdin });
  for await (const line of rl) {
    if (line === 'measure') {
      delay.reset();
      delay.enable();
      cpu = process.cpuUsage();
      elu = perf.eventLoopUtilization();
      gc.observe({ entryTypes: ['gc'] });
      process.stdout.write(`${JSON.stringify({ measuring: true })}\n`);
    }
    if (line === 'report') {
      delay.disable();
      gc.disconnect();
      const used = process.cpuUsage(cpu);
      process.stdout.write(
        `${JSON.stringify({
          loopP99Ms: delay.percentile(99) / 1e6,
          loopMaxMs: delay.max / 1e6,
          rssMiB: process.memoryUsage().rss / 2 ** 20,
          cpuMs: (used.user + used.system) / 1000,
          loopBusy: perf.eventLoopUtilization(elu).utilization,
          gcMs,
          gcMaxMs,
          gcKinds,
        })}\n`,
      );
      // Requests the clients gave up on may still be running: exit without closing the store under them.
      process.exit(0);
    }
  }
}

async function buildStore(db: string, events: number): Promise<void> {
  const { writeSyntheticTrail } = await import('../src/ingest/synthetic.ts');
  const { openStore } = await import('../src/store/index.ts');
  const { ingest } = await import('../src/ingest/index.ts');
  const { detect } = await import('../src/app/detect.ts');
  const trail = join(root, `trail-${events}-v${SYNTHETIC_VERSION}`);
  if (!existsSync(trail)) writeSyntheticTrail(trail, Math.ceil(events / PER_FILE), PER_FILE, 42);
  const store = await openStore({ db });
  let t = performance.now();
  const summary = await ingest(store, [trail]);
  console.log(
    `built the store: ${summary.inserted} events ingested in ${((performance.now() - t) / 1000).toFixed(0)} s`,
  );
  t = performance.now();
  const d = await detect(store, { learningDays: 3, flush: true });
  console.log(
    `detect: ${d.journeysScored} journeys, ${d.alertsRaised} alerts in ${((performance.now() - t) / 1000).toFixed(0)} s`,
  );
  await store.close();
  rmSync(trail, { recursive: true, force: true });
}

interface Sample {
  name: string;
  ms: number;
  ok: boolean;
}

function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

async function main(): Promise<void> {
  if (process.argv[2] === '--serve') return serveChild(process.argv[3] as string);
  const events = arg('events', 1_000_000);
  const clients = arg('clients', 20);
  const seconds = arg('seconds', 30);
  mkdirSync(root, { recursive: true });
  const db = join(root, `store-${events}-v${SYNTHETIC_VERSION}.db`);
  if (!existsSync(db)) await buildStore(db, events);
  console.log(
    `node ${process.version}, store ${db} (${(statSync(db).size / 2 ** 20).toFixed(0)} MiB), ${clients} clients, ${seconds} s`,
  );

  const profileAt = process.argv.indexOf('--cpu-prof');
  const profile = profileAt >= 0 ? ['--cpu-prof', `--cpu-prof-dir=${process.argv[profileAt + 1]}`] : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', import.meta.filename, '--serve', db], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => JSON.parse((await lines.next()).value as string) as Record<string, unknown>;
  const { url } = (await next()) as { url: string };

  // What the pages ask for: identities, alerts and event ids come from the store itself.
  const get = async (path: string) => {
    const res = await fetch(`${url}${path}`);
    if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${await res.text()}`);
    return res.json() as Promise<Record<string, unknown>>;
  };
  // A server started on a store nobody counted yet counts it in the background; the overview
  // answers meanwhile (counting: true). Measure from counted counters, as a server in use has.
  let t = performance.now();
  await get('/api/overview');
  console.log(`first /api/overview: ${(performance.now() - t).toFixed(0)} ms`);
  while ((await get('/api/overview')).counting === true) await new Promise((r) => setTimeout(r, 200));
  console.log(
    `counters caught up with every stored event ${((performance.now() - t) / 1000).toFixed(1)} s after start`,
  );
  t = performance.now();
  await get('/api/overview');
  console.log(`next /api/overview: ${(performance.now() - t).toFixed(1)} ms`);
  const alerts = ((await get('/api/alerts?status=all')).alerts as Array<{ id: string; actor: string }>).slice(0, 50);
  const page = (await get('/api/events?limit=200')).events as Array<{ eventId: string; actor: string }>;
  const actors = [...new Set([...alerts.map((a) => a.actor), ...page.map((e) => e.actor)])].slice(0, 50);
  const eventIds = page.map((e) => e.eventId);
  const pick = <T>(xs: readonly T[], i: number) => xs[i % xs.length] as T;
  const key = (a: string) => encodeURIComponent(a);
  const ENDPOINTS: Array<[string, (i: number) => string]> = [
    ['health', () => '/api/health'],
    ['overview', () => '/api/overview'],
    ['stats', () => '/api/stats'],
    ['alerts', () => '/api/alerts?status=all'],
    ...(alerts.length > 0
      ? [['alert', (i: number) => `/api/alerts/${key(pick(alerts, i).id)}`] as [string, (i: number) => string]]
      : []),
    ['identity', (i) => `/api/identities/${key(pick(actors, i))}`],
    ['events newest 200', () => '/api/events?limit=200'],
    ['events by actor', (i) => `/api/events?actor=${key(pick(actors, i))}&limit=50`],
    ['events iam, failed', () => '/api/events?service=iam&outcome=failure&limit=50'],
    ['events by region+action', () => '/api/events?region=eu-west-1&action=kms:Decrypt&limit=50'],
    ['record as received', (i) => `/api/events/${key(pick(eventIds, i))}/record`],
  ];
  // Warm each endpoint once (model load, counters), as a dashboard in use would be.
  for (const [, path] of ENDPOINTS) await get(path(0));

  child.stdin.write('measure\n');
  await next();
  const samples: Sample[] = [];
  const stopAt = performance.now() + seconds * 1000;
  let counter = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < stopAt) {
        const n = counter++;
        const [name, path] = ENDPOINTS[n % ENDPOINTS.length] as [string, (i: number) => string];
        const started = performance.now();
        let ok = false;
        try {
          const res = await fetch(`${url}${path(Math.floor(n / ENDPOINTS.length))}`, {
            signal: AbortSignal.timeout(10_000),
          });
          await res.arrayBuffer();
          ok = res.ok;
        } catch {
          ok = false;
        }
        samples.push({ name, ms: performance.now() - started, ok });
      }
    }),
  );
  child.stdin.write('report\n');
  const loop = (await next()) as {
    loopP99Ms: number;
    loopMaxMs: number;
    rssMiB: number;
    cpuMs: number;
    loopBusy: number;
    gcMs: number;
    gcMaxMs: number;
    gcKinds: Record<string, { count: number; ms: number; maxMs: number }>;
  };
  child.stdin.end();

  console.log('\n| endpoint | requests | req/s | p50 ms | p99 ms | max ms | errors |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  const names = [...new Set(samples.map((s) => s.name)), 'all'];
  for (const name of names) {
    const mine = name === 'all' ? samples : samples.filter((s) => s.name === name);
    const ms = mine.map((s) => s.ms).sort((a, b) => a - b);
    console.log(
      `| ${name} | ${mine.length} | ${(mine.length / seconds).toFixed(0)} | ${pct(ms, 50).toFixed(1)} | ${pct(ms, 99).toFixed(1)} | ${(ms.at(-1) ?? 0).toFixed(1)} | ${mine.filter((s) => !s.ok).length} |`,
    );
  }
  console.log(
    `\nserver while measured: event loop delay p99 ${loop.loopP99Ms.toFixed(1)} ms, max ${loop.loopMaxMs.toFixed(1)} ms; event loop busy ${(loop.loopBusy * 100).toFixed(0)}%; CPU ${(loop.cpuMs / samples.length).toFixed(2)} ms a request (all threads); GC ${loop.gcMs.toFixed(0)} ms in all, longest pause ${loop.gcMaxMs.toFixed(1)} ms; RSS ${loop.rssMiB.toFixed(0)} MiB`,
  );
  console.log(
    `GC by kind: ${Object.entries(loop.gcKinds)
      .map(([kind, k]) => `${kind} ${k.count}x ${k.ms.toFixed(0)} ms (longest ${k.maxMs.toFixed(1)})`)
      .join(', ')}`,
  );
  const load = execFileSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).split(' ').slice(0, 3).join(' ');
  console.log(`load average at the end: ${load}`);
}

await main();
