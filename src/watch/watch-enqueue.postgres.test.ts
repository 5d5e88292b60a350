import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliProcess } from '../cli/testing.ts';
import { simulate } from '../sim/index.ts';

// PostgreSQL runs on 127.0.0.1:5432 with trust auth on this machine kind (and in CI); each run
// creates and drops its own database.
const ADMIN = process.env.TRAILHOUND_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const name = `trailhound_watch_enqueue_${process.pid}_${Date.now()}`;
const URL = ADMIN.replace(/\/[^/]*$/, `/${name}`);

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const [cmd, argv] = cliProcess(args);
  const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString('utf8');
  });
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString('utf8');
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

async function sql<T>(url: string, text: string): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(text)).rows as T[];
  } finally {
    await c.end();
  }
}

const count = async (text: string) => Number((await sql<{ n: string }>(URL, text))[0]?.n);
const cycleOf = (stdout: string) =>
  stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .find((l) => l.msg === 'cycle');

describe('watch with workers configured (PostgreSQL)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'th-watch-enqueue-'));
    simulate({ out: join(dir, 'trail'), weeks: 1, seed: 3, scale: 0.2, learningWeeks: 1, fileMinutes: 60 });
    await sql(ADMIN, `CREATE DATABASE ${name}`);
  }, 120_000);
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await sql(ADMIN, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });

  it('queues new files for workers instead of ingesting them, and queues them only once', async () => {
    const trail = join(dir, 'trail');
    const first = await run(['watch', trail, '--db', URL, '--once', '--enqueue']);
    expect(first.code, first.stderr).toBe(0);
    const cycle = cycleOf(first.stderr);
    expect(cycle?.filesQueued).toBeGreaterThan(0);
    expect(cycle?.ingestJobs).toBeGreaterThan(0);
    // watch itself read nothing: the workers do.
    expect(cycle?.events).toBe(0);
    expect(await count('SELECT count(*) AS n FROM events')).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM pgboss.job WHERE name = 'trailhound-ingest'`)).toBe(
      cycle?.ingestJobs,
    );
    expect(await count(`SELECT count(*) AS n FROM pgboss.job WHERE name = 'trailhound-detect-plan'`)).toBe(1);

    const again = await run(['watch', trail, '--db', URL, '--once', '--enqueue']);
    expect(again.code, again.stderr).toBe(0);
    expect(cycleOf(again.stderr)?.filesQueued).toBe(0);
    // Nothing new: no second plan either.
    expect(await count(`SELECT count(*) AS n FROM pgboss.job WHERE name = 'trailhound-detect-plan'`)).toBe(1);

    const worker = await run(['worker', '--db', URL, '--until-idle']);
    expect(worker.code, worker.stderr).toBe(0);
    const ingested = await count('SELECT count(*) AS n FROM events');
    expect(ingested).toBeGreaterThan(0);
    expect(await count(`SELECT count(*) AS n FROM files WHERE status = 'done'`)).toBe(cycle?.filesQueued);
    // Detection ran in the worker: journeys were built from the watched files.
    expect(await count('SELECT count(*) AS n FROM journeys')).toBeGreaterThan(0);
  }, 300_000);

  it('is refused on a SQLite store, where no worker can share the work', async () => {
    const r = await run(['watch', join(dir, 'trail'), '--db', join(dir, 'x.db'), '--once', '--enqueue']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/Workers need a PostgreSQL store/);
  });

  it('takes watch.enqueue from trailhound.yaml', async () => {
    const config = join(dir, 'trailhound.yaml');
    writeFileSync(config, `db: ${join(dir, 'y.db')}\nwatch:\n  enqueue: true\n`);
    const r = await run(['watch', join(dir, 'trail'), '--config', config, '--once']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/Workers need a PostgreSQL store/);
  });
});
