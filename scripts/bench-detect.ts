/**
 * Detection benchmark: ~1M synthetic events (default) streamed through the journey builder
 * and the detection engine (score, decide, learn) on one core, as `detect` runs them after
 * the store scan. Reports events/s and journeys/s (CPU time, the generator's share taken
 * out), peak RSS, and at each quarter of the run RSS, live memory after a full collection
 * (JS heap + typed arrays) and a census of what could grow. Live memory should level off once
 * every identity has appeared (state grows with identities, not events): a run with twice
 * the events and the same identities should end about where this one ends. `--store N` also
 * times the full `detect()` over N events in a temporary SQLite store (scan, journeys table
 * writes, state).
 *
 *   npm run bench:detect [-- --events 1000000 --identities 2000 --store 200000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { detect } from '../src/app/detect.ts';
import { DetectionEngine } from '../src/detect/engine.ts';
import { prng } from '../src/ingest/synthetic.ts';
import { type Journey, JourneyBuilder } from '../src/journeys/builder.ts';
import type { EventRow } from '../src/store/events.ts';
import { openStore } from '../src/store/index.ts';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const EVENTS = arg('events', 1_000_000);
const IDENTITIES = arg('identities', 2000);
const STORE_EVENTS = arg('store', 0);
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 5);

const SERVICES = [
  'ec2',
  's3',
  'iam',
  'sts',
  'lambda',
  'logs',
  'kms',
  'rds',
  'ecs',
  'dynamodb',
  'sqs',
  'sns',
  'cloudwatch',
  'ssm',
  'secretsmanager',
];
const VERBS = ['Describe', 'List', 'Get', 'Create', 'Update', 'Delete', 'Put', 'Start', 'Stop', 'Tag'];
const ACTIONS = SERVICES.flatMap((s) =>
  VERBS.flatMap((v) =>
    ['Instances', 'Buckets', 'Users', 'Functions', 'Keys', 'Queues'].map((n) => [s, `${v}${n}`] as const),
  ),
);

interface Persona {
  key: string;
  name: string;
  habits: Array<readonly [string, string]>;
  ip: string;
  machine: boolean;
  journeysPerDay: number;
}

/**
 * Day-by-day synthetic rows in time order. A day is drawn as compact columns (typed arrays,
 * ~20 bytes an event) and each row object is made only when yielded, so the generator's own
 * memory stays small and the census measures the detector, not a day of buffered rows.
 */
function* syntheticRows(total: number, identities: number, seed = 1): Generator<EventRow> {
  const rand = prng(seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rand() * a.length)] as T;
  const personas: Persona[] = Array.from({ length: identities }, (_, i) => {
    const machine = i % 4 === 0;
    const habits = Array.from({ length: machine ? 4 + Math.floor(rand() * 4) : 6 + Math.floor(rand() * 12) }, () =>
      pick(ACTIONS),
    );
    return {
      key: `arn:aws:iam::111122223333:${machine ? 'role' : 'user'}/id${i}`,
      name: `id${i}`,
      habits,
      ip: `10.${i % 200}.${Math.floor(i / 200)}.7`,
      machine,
      journeysPerDay: machine ? 6 : 2,
    };
  });
  let id = 0;
  let emitted = 0;
  let capacity = 1 << 16;
  let times = new Float64Array(capacity);
  let cols = new Int32Array(capacity * 4); // persona, journey of the day, habit, ok
  for (let day = 0; emitted < total; day++) {
    const firstId = id + 1;
    let n = 0;
    for (let pi = 0; pi < personas.length; pi++) {
      const p = personas[pi] as Persona;
      for (let j = 0; j < p.journeysPerDay; j++) {
        let t = T0 + day * DAY + Math.floor((p.machine ? j * 4 : 8 + j * 4) * 3_600_000 + rand() * 3_600_000);
        const count = p.machine ? 20 + Math.floor(rand() * 20) : 3 + Math.floor(rand() * 15);
        let k = Math.floor(rand() * p.habits.length);
        for (let e = 0; e < count; e++) {
          // Mostly the next habit in order, sometimes a jump: sequences with structure.
          k = rand() < 0.8 ? (k + 1) % p.habits.length : Math.floor(rand() * p.habits.length);
          const ok = rand() > 0.03;
          if (n === capacity) {
            capacity *= 2;
            const t2 = new Float64Array(capacity);
            t2.set(times);
            times = t2;
            const c2 = new Int32Array(capacity * 4);
            c2.set(cols);
            cols = c2;
          }
          times[n] = t;
          cols[n * 4] = pi;
          cols[n * 4 + 1] = j;
          cols[n * 4 + 2] = k;
          cols[n * 4 + 3] = ok ? 1 : 0;
          n++;
          id++;
          t += 1000 + Math.floor(rand() * 20_000);
        }
      }
    }
    // Time order, then generation order (the id), as the store scan returns them.
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    order.sort((a, b) => (times[a] as number) - (times[b] as number) || a - b);
    // Exactly `total` events: the data simply ends part-way through the last day.
    for (const i of order) {
      if (emitted++ >= total) return;
      const p = personas[cols[i * 4] as number] as Persona;
      const j = cols[i * 4 + 1] as number;
      const [service, action] = p.habits[cols[i * 4 + 2] as number] as readonly [string, string];
      const ok = cols[i * 4 + 3] === 1;
      const rowId = firstId + i;
      yield {
        id: rowId,
        eventId: `b-${rowId}`,
        time: times[i] as number,
        accountId: '111122223333',
        region: 'us-east-1',
        service,
        action,
        actionKey: action,
        eventType: 'AwsApiCall',
        readOnly: /^(Describe|List|Get)/.test(action),
        success: ok,
        errorCode: ok ? null : 'AccessDenied',
        sourceIp: p.ip,
        clientClass: p.machine ? 'sdk' : 'aws-cli',
        clientName: p.machine ? 'Boto3' : 'aws-cli',
        mfa: p.machine ? null : true,
        console: false,
        actorKey: p.key,
        actorType: p.machine ? 'assumed-role' : 'iam-user',
        actorName: p.name,
        actorAccount: '111122223333',
        roleArn: null,
        session: p.machine ? `ASIA${day}${j}` : 'AKIA',
        facts: [],
        risk: action.startsWith('Delete') ? 0.4 : 0.05,
        targets: [],
      };
    }
  }
}

function mb(bytes: number): string {
  return `${Math.round(bytes / 1048576)} MB`;
}

/** A full collection, when the runtime lets us ask for one (heap used after it is live data, not GC lag). */
const gc: (() => void) | null = (() => {
  if (typeof globalThis.gc === 'function') return globalThis.gc as () => void;
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return null;
  }
})();

/**
 * Two full collections a moment apart: typed-array memory is returned by a background sweeper
 * after the first, so one collection alone left live memory noisy by +-15 MB.
 */
async function settle(): Promise<void> {
  if (!gc) return;
  gc();
  await new Promise((resolve) => setTimeout(resolve, 50));
  gc();
}

/** JS heap in use plus typed-array backing stores (the n-gram tables live there, outside the heap). */
function liveBytes(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

interface Census {
  events: number;
  journeys: number;
  rss: number;
  liveAfterGc: number | null;
  identities: number;
  openJourneys: number;
  closedMarks: number;
  recent: number;
  vocab: number;
  pairs: number;
}

async function benchCore(): Promise<void> {
  const engine = new DetectionEngine({ learningDays: 7, alertsPerWeek: 3 });
  const builder = new JourneyBuilder();
  const closed: Journey[] = [];
  let events = 0;
  let journeys = 0;
  let alerts = 0;
  const quarters: Census[] = [];
  let gcMicros = 0;
  let censusMs = 0;
  const census = async (): Promise<Census> => {
    const c0 = process.cpuUsage();
    const w0 = performance.now();
    await settle();
    const spent = process.cpuUsage(c0);
    gcMicros += spent.user + spent.system;
    censusMs += performance.now() - w0;
    return {
      events,
      journeys,
      rss: process.memoryUsage().rss,
      liveAfterGc: gc ? liveBytes() : null,
      identities: engine.model.identities.size,
      openJourneys: builder.openCount,
      closedMarks: builder.closedUntil.size,
      recent: engine.recent.size,
      vocab: engine.model.vocab.size,
      pairs: engine.model.pairs.size,
    };
  };
  // The generator's own CPU time, measured alone, is subtracted from the run's.
  const g0 = process.cpuUsage();
  for (const _ of syntheticRows(EVENTS, IDENTITIES)) void _;
  const gen = process.cpuUsage(g0);
  const genMicros = gen.user + gen.system;
  await settle();
  const baseHeap = liveBytes();
  const quarter = Math.ceil(EVENTS / 4);
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  for (const row of syntheticRows(EVENTS, IDENTITIES)) {
    events++;
    builder.push(row, closed);
    if (closed.length > 0) {
      for (const j of closed) {
        journeys++;
        if (engine.process(j).alert) alerts++;
      }
      closed.length = 0;
    }
    if (events % quarter === 0 && events < EVENTS) quarters.push(await census());
  }
  builder.flush(closed);
  for (const j of closed) {
    journeys++;
    if (engine.process(j).alert) alerts++;
  }
  const seconds = (performance.now() - started - censusMs) / 1000;
  const cpu = process.cpuUsage(cpu0);
  // The machine is shared: CPU time of this process is the fair measure; the generator's
  // share and the census's forced collections are subtracted (they are not detection work).
  const cpuSeconds = (cpu.user + cpu.system - genMicros - gcMicros) / 1e6;
  quarters.push(await census());
  const state = JSON.stringify(engine.toJSON()).length;
  const [load1] = loadavg();
  console.log(
    `core (journeys + score + decide + learn, one core; load average ${(load1 as number).toFixed(1)} on ${availableParallelism()} cores):`,
  );
  console.log(
    `  ${events} events, ${journeys} journeys, ${IDENTITIES} identities, ${alerts} alerts in ${seconds.toFixed(1)} s wall`,
  );
  console.log(
    `  CPU time without the generator ${cpuSeconds.toFixed(1)} s: ${Math.round(events / cpuSeconds)} events/s, ${Math.round(journeys / cpuSeconds)} journeys/s (wall clock: ${Math.round(events / seconds)} events/s)`,
  );
  console.log(`  peak RSS ${mb(process.resourceUsage().maxRSS * 1024)}; live memory before the run ${mb(baseHeap)}`);
  console.log('  events     journeys  RSS      live after GC  identities  open  closed marks  recent  vocab  pairs');
  for (const q of quarters)
    console.log(
      `  ${String(q.events).padStart(9)}  ${String(q.journeys).padStart(8)}  ${mb(q.rss).padStart(7)}  ${(q.liveAfterGc === null ? 'n/a' : mb(q.liveAfterGc)).padStart(13)}  ${String(q.identities).padStart(10)}  ${String(q.openJourneys).padStart(4)}  ${String(q.closedMarks).padStart(12)}  ${String(q.recent).padStart(6)}  ${String(q.vocab).padStart(5)}  ${String(q.pairs).padStart(5)}`,
    );
  console.log(`  serialized state: ${mb(state)} (${Math.round(state / IDENTITIES / 1024)} KB per identity)`);
}

async function benchStore(n: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'th-bench-detect-'));
  try {
    const store = await openStore({ db: join(dir, 'bench.db') });
    const handle = store.sqlite;
    if (!handle) throw new Error('SQLite only');
    // Rows go straight into the events table (raw is a stub: detect never reads it for scoring).
    const insert =
      handle.prepare(`INSERT INTO events (event_id, time, account_id, region, service, action, action_key, event_type, read_only, success, error_code, source_ip,
      client_class, client_name, mfa, console, actor_key, actor_type, actor_name, actor_account, role_arn, session, facts, risk, raw, file_id)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '{}', NULL)`);
    const tx = handle.transaction((rows: EventRow[]) => {
      for (const r of rows)
        insert.run(
          r.eventId,
          r.time,
          r.accountId,
          r.region,
          r.service,
          r.action,
          r.actionKey,
          r.eventType,
          r.readOnly ? 1 : 0,
          r.success ? 1 : 0,
          r.errorCode,
          r.sourceIp,
          r.clientClass,
          r.clientName,
          r.mfa === null ? null : r.mfa ? 1 : 0,
          0,
          r.actorKey,
          r.actorType,
          r.actorName,
          r.actorAccount,
          r.roleArn,
          r.session,
          '',
          r.risk,
        );
    });
    let batch: EventRow[] = [];
    for (const r of syntheticRows(n, Math.min(IDENTITIES, Math.ceil(n / 500)))) {
      batch.push(r);
      if (batch.length === 10_000) {
        tx(batch);
        batch = [];
      }
    }
    tx(batch);
    const started = performance.now();
    const s = await detect(store, { learningDays: 7, flush: true });
    const seconds = (performance.now() - started) / 1000;
    console.log(`store (detect() over SQLite: scan + score + journeys table + state):`);
    console.log(
      `  ${s.eventsScanned} events, ${s.journeysScored} journeys in ${seconds.toFixed(1)} s: ${Math.round(s.eventsScanned / seconds)} events/s; peak RSS of the process ${mb(process.resourceUsage().maxRSS * 1024)}; ${s.checkpoints.written} checkpoints (${mb(s.checkpoints.chars)}) written in ${(s.checkpoints.ms / 1000).toFixed(1)} s`,
    );
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await benchCore();
if (STORE_EVENTS > 0) await benchStore(STORE_EVENTS);
