/**
 * PostgreSQL schema micro-benchmark: the server's CPU to store N real `events` rows by COPY (in
 * ingest-sized transactions) and M real raw files as `raw_blobs`, with the schema as migrated and
 * with variants of it. The server's CPU is read from its backend process (/proc, so the server
 * must run on this machine): the client's share and other clients of a shared server stay out of
 * it. Each variant gets a database of its own (dropped after); variants are interleaved and the
 * median of `--repeat` is kept.
 *
 *   npx tsx scripts/bench-pg-schema.ts                   # 100,000 rows, 10,000 blobs, median of 3
 *   npx tsx scripts/bench-pg-schema.ts --repeat 5 --only base,default-collation
 *   npx tsx scripts/bench-pg-schema.ts --pg postgres://postgres@127.0.0.1:5432/postgres
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { SYNTHETIC_VERSION, writeSyntheticTrail } from '../src/ingest/synthetic.ts';
import { type EventColumns, insertEventRows } from '../src/store/events.ts';
import { FilesRepository } from '../src/store/files.ts';
import { openStore, type Store } from '../src/store/index.ts';
import { adminStatement } from '../src/store/postgres-testing.ts';
import { sourceRows } from './bench-rows.ts';

const argv = process.argv.slice(2);
const arg = (name: string) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const rowsWanted = Number(arg('--rows') ?? 100_000);
const blobsWanted = Number(arg('--blobs') ?? 10_000);
const repeat = Number(arg('--repeat') ?? 3);
const only = arg('--only')?.split(',');
const pgUrl = arg('--pg') ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const root = join(import.meta.dirname, '..', '.bench', 'insert');

/** SQL run after the migrations, before anything is stored. */
const VARIANTS: Record<string, string> = {
  base: '',
  // What migration 0012 changed, undone: the key columns compared under the database's collation,
  // and the blobs' bytes offered to TOAST compression.
  'default-collation':
    'ALTER TABLE events ALTER COLUMN event_id TYPE text COLLATE "default", ALTER COLUMN session TYPE text COLLATE "default"',
  'blobs-extended': 'ALTER TABLE raw_blobs ALTER COLUMN data SET STORAGE EXTENDED',
  'before-0012':
    'ALTER TABLE events ALTER COLUMN event_id TYPE text COLLATE "default", ALTER COLUMN session TYPE text COLLATE "default";' +
    ' ALTER TABLE raw_blobs ALTER COLUMN data SET STORAGE EXTENDED',
  // The identities' key too (the generated identity_hash reads it, so it is dropped and added again).
  'c-actor_key':
    'ALTER TABLE events DROP COLUMN identity_hash; ALTER TABLE events ALTER COLUMN actor_key TYPE text COLLATE "C";' +
    " ALTER TABLE events ADD COLUMN identity_hash bigint GENERATED ALWAYS AS (('x' || substr(md5(CASE WHEN person IS NOT NULL AND right(actor_key, length(person) + 1) = '/' || person THEN person ELSE actor_key END), 1, 15))::bit(60)::bigint) STORED",
  'no-secondary-indexes': 'DROP INDEX events_time; DROP INDEX events_actor_time; DROP INDEX events_session',
};

/** The gzipped bytes of real small trail files (as ingest keeps them), one per blob. */
function sourceBlobs(): Buffer[] {
  const dir = join(root, `trail-${blobsWanted}x7-v${SYNTHETIC_VERSION}`);
  if (!existsSync(dir)) writeSyntheticTrail(dir, blobsWanted, 7, 42);
  const out: Buffer[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.json.gz') && out.length < blobsWanted) out.push(readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

/** User + system CPU seconds of a server process (Linux). */
function processCpu(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Server CPU seconds to store the rows (transactions of 20,000) and the blobs (one transaction per 1,024, as ingest batches files). */
async function once(
  name: string,
  after: string,
  rows: readonly EventColumns[],
  blobs: readonly Buffer[],
): Promise<{ events: number; blobs: number }> {
  const dbName = `trailhound_bench_schema_${process.pid}`;
  await adminStatement(pgUrl, `DROP DATABASE IF EXISTS ${dbName}`);
  await adminStatement(pgUrl, `CREATE DATABASE ${dbName}`);
  try {
    const store = await openStore({ db: pgUrl.replace(/\/[^/]*$/, `/${dbName}`) });
    try {
      if (after) await sql.raw(after).execute(store.db);
      const measure = async (write: (tx: Store) => Promise<void>) =>
        store.transaction(async ({ store: tx }) => {
          const { rows: r } = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(tx.db);
          const pid = Number(r[0]?.pid);
          const started = processCpu(pid);
          await write(tx);
          // The commit's work (WAL flush of what is left) belongs to the write.
          return { pid, started };
        });
      let eventsCpu = 0;
      for (let i = 0; i < rows.length; i += 20_000) {
        const { pid, started } = await measure(async (tx) => {
          const n = await insertEventRows(tx, rows.slice(i, i + 20_000));
          if (n !== Math.min(20_000, rows.length - i)) throw new Error(`${name}: inserted ${n}`);
        });
        eventsCpu += processCpu(pid) - started;
      }
      let blobsCpu = 0;
      for (let i = 0; i < blobs.length; i += 1024) {
        const { pid, started } = await measure(async (tx) => {
          await new FilesRepository(tx).insertBlobs(
            blobs.slice(i, i + 1024).map((data, j) => ({ fileId: i + j + 1, data })),
          );
        });
        blobsCpu += processCpu(pid) - started;
      }
      return { events: eventsCpu, blobs: blobsCpu };
    } finally {
      await store.close();
    }
  } finally {
    await adminStatement(pgUrl, `DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  }
}

const rows = await sourceRows(root, rowsWanted);
const blobs = sourceBlobs();
const names = Object.keys(VARIANTS).filter((n) => !only || only.includes(n));
const events = new Map<string, number[]>();
const blobCpu = new Map<string, number[]>();
const loads: number[] = [];
for (let r = 0; r < repeat; r++)
  for (const n of names) {
    const m = await once(n, VARIANTS[n] as string, rows, blobs);
    events.set(n, [...(events.get(n) ?? []), m.events]);
    blobCpu.set(n, [...(blobCpu.get(n) ?? []), m.blobs]);
    loads.push(loadavg()[0] as number);
  }
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const base = (m: Map<string, number[]>) => (m.has('base') ? median(m.get('base') as number[]) : undefined);
const kb = Math.round(blobs.reduce((a, b) => a + b.byteLength, 0) / blobs.length / 1024);
console.log(
  `${rows.length} rows, ${blobs.length} blobs (~${kb} KiB each), server CPU, median of ${repeat} (variants interleaved), load average ${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)}\n`,
);
console.log('| variant | events CPU s | vs base | blobs CPU s | vs base |');
console.log('|---|---:|---:|---:|---:|');
for (const n of names) {
  const e = median(events.get(n) as number[]);
  const b = median(blobCpu.get(n) as number[]);
  const be = base(events);
  const bb = base(blobCpu);
  console.log(
    `| ${n} | ${e.toFixed(2)} | ${be ? (e / be).toFixed(2) : '-'} | ${b.toFixed(2)} | ${bb ? (b / bb).toFixed(2) : '-'} |`,
  );
}
