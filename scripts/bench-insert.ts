/**
 * SQLite insert micro-benchmark: the cost of writing N prepared `events` rows with the real
 * schema (all migrations), and what each part of that cost is: every secondary index, the
 * unique eventID check, the row's width (the `sentence` column), the page size and the
 * transaction size. Rows come from ingesting a synthetic trail once (as `ingest` builds them);
 * each variant inserts the same rows into a fresh database file and keeps its best of `--repeat`.
 *
 *   npx tsx scripts/bench-insert.ts                      # 100,000 rows, best of 3
 *   npx tsx scripts/bench-insert.ts --rows 50000 --repeat 5 --only base,no-session
 */
import { mkdirSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { deferEventIndexes, restoreEventIndexes } from '../src/store/bulk-load.ts';
import { EVENT_COLUMNS, type EventColumns, insertEventRows } from '../src/store/events.ts';
import { openStore, type Store } from '../src/store/index.ts';
import { sourceRows } from './bench-rows.ts';

const argv = process.argv.slice(2);
const arg = (name: string) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const rowsWanted = Number(arg('--rows') ?? 100_000);
const repeat = Number(arg('--repeat') ?? 3);
const only = arg('--only')?.split(',');
const root = join(import.meta.dirname, '..', '.bench', 'insert');

interface Variant {
  /** Runs before the first table exists (page size). */
  before?: string;
  /** Runs after the migrations. */
  after?: string;
  batch?: number;
  map?: (row: EventColumns) => EventColumns;
  /** As a first load writes (bulk-load.ts): the deferred indexes dropped, then built within the timing. */
  firstLoad?: boolean;
}

const SENTENCE_AT = EVENT_COLUMNS.indexOf('sentence');
const VARIANTS: Record<string, Variant> = {
  base: {},
  // What the writing thread of a first load cannot avoid: with the rows already built, the insert, commits and index builds.
  'first-load': { firstLoad: true },
  'no-events_time': { after: 'DROP INDEX events_time' },
  'no-events_actor_time': { after: 'DROP INDEX events_actor_time' },
  'no-events_session': { after: 'DROP INDEX events_session' },
  'partial-events_session': {
    after: 'DROP INDEX events_session; CREATE INDEX events_session ON events (session) WHERE session IS NOT NULL',
  },
  'temporary-key-events_session': {
    after:
      "DROP INDEX events_session; CREATE INDEX events_session ON events (session) WHERE substr(session, 1, 4) = 'ASIA'",
  },
  // The same table and indexes without UNIQUE(event_id): what the exactly-once check costs.
  'no-unique-event_id': {
    after:
      'CREATE TABLE events_copy AS SELECT * FROM events WHERE 0; DROP TABLE events; ALTER TABLE events_copy RENAME TO events;' +
      ' CREATE INDEX events_time ON events (time, event_id); CREATE INDEX events_actor_time ON events (actor_key, time);' +
      ' CREATE INDEX events_session ON events (session)',
  },
  'mmap-256m': { after: 'PRAGMA mmap_size = 268435456' },
  'no-secondary-indexes': { after: 'DROP INDEX events_time; DROP INDEX events_actor_time; DROP INDEX events_session' },
  'no-sentence': { map: (r) => r.map((v, i) => (i === SENTENCE_AT ? null : v)) },
  // Smaller pages than a new store's 16 KiB (the file keeps the page size it was written with:
  // an empty file forgets the setting, so the probe table writes it).
  'page-4k': { before: 'PRAGMA page_size = 4096; CREATE TABLE page_size_probe (x); DROP TABLE page_size_probe' },
  'page-8k': { before: 'PRAGMA page_size = 8192; CREATE TABLE page_size_probe (x); DROP TABLE page_size_probe' },
  'batch-5k': { batch: 5_000 },
  'batch-100k': { batch: 100_000 },
};

/** Wall and CPU (user + system) seconds of the inserts alone; CPU is the steadier figure on a shared machine. */
async function once(
  name: string,
  v: Variant,
  rows: readonly EventColumns[],
): Promise<{ wall: number; cpu: number; bytes: number }> {
  const db = join(root, `variant-${process.pid}.db`);
  for (const s of ['', '-wal', '-shm']) rmSync(`${db}${s}`, { force: true });
  if (v.before) {
    const { default: BetterSqlite3 } = await import('better-sqlite3');
    const h = new BetterSqlite3(db);
    h.exec(v.before);
    h.close();
  }
  const store = await openStore({ db });
  const handle = store.sqlite as NonNullable<Store['sqlite']>;
  if (v.after) handle.exec(v.after);
  if (v.firstLoad && !deferEventIndexes(store)) throw new Error(`${name}: the indexes were not deferred`);
  const input = v.map ? rows.map(v.map) : rows;
  const batch = v.batch ?? 20_000;
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  let inserted = 0;
  for (let i = 0; i < input.length; i += batch) {
    handle.exec('BEGIN');
    inserted += await insertEventRows(store, input.slice(i, i + batch));
    handle.exec('COMMIT');
  }
  if (v.firstLoad) restoreEventIndexes(store);
  const wall = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpuStarted);
  const cpu = (used.user + used.system) / 1e6;
  const bytes =
    Number(handle.pragma('page_count', { simple: true })) * Number(handle.pragma('page_size', { simple: true }));
  await store.close();
  for (const s of ['', '-wal', '-shm']) rmSync(`${db}${s}`, { force: true });
  if (inserted !== input.length) throw new Error(`${name}: inserted ${inserted} of ${input.length}`);
  return { wall, cpu, bytes };
}

mkdirSync(root, { recursive: true });
const rows = await sourceRows(root, rowsWanted);
const names = Object.keys(VARIANTS).filter((n) => !only || only.includes(n));
const wall = new Map<string, number[]>();
const cpu = new Map<string, number[]>();
const size = new Map<string, number>();
const loads: number[] = [];
for (let r = 0; r < repeat; r++)
  for (const n of names) {
    const m = await once(n, VARIANTS[n] as Variant, rows);
    wall.set(n, [...(wall.get(n) ?? []), m.wall]);
    cpu.set(n, [...(cpu.get(n) ?? []), m.cpu]);
    size.set(n, m.bytes);
    loads.push(loadavg()[0] as number);
  }
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const baseCpu = cpu.has('base') ? median(cpu.get('base') as number[]) : undefined;
console.log(
  `${rows.length} rows, median of ${repeat} (variants interleaved), load average ${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)}\n`,
);
console.log('| variant | wall s | CPU s | CPU vs base | database MiB |');
console.log('|---|---:|---:|---:|---:|');
for (const n of names) {
  const c = median(cpu.get(n) as number[]);
  console.log(
    `| ${n} | ${median(wall.get(n) as number[]).toFixed(2)} | ${c.toFixed(2)} | ${baseCpu ? (c / baseCpu).toFixed(2) : '-'} | ${((size.get(n) as number) / 2 ** 20).toFixed(1)} |`,
  );
}
