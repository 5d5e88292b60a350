import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingest } from '../ingest/index.ts';
import { writeSyntheticTrail } from '../ingest/synthetic.ts';
import { openStore } from '../store/index.ts';
import type { CliIo } from './io.ts';
import { main } from './main.ts';
import { cliProcess, runCli } from './testing.ts';

let dir: string;
let store: string;
const EVENTS = 3_000;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'th-cli-'));
  writeSyntheticTrail(join(dir, 'logs'), 10, EVENTS / 10);
  store = join(dir, 'th.db');
  const s = await openStore({ db: store });
  await ingest(s, [join(dir, 'logs')]);
  await s.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('command-line errors', () => {
  it.each([
    ['an unknown command', ['nosuch'], "unknown command 'nosuch'"],
    ['an unknown option', ['stats', '--bogus'], "unknown option '--bogus'"],
    ['a missing argument', ['alert'], "missing required argument 'id'"],
    ['an option without its value', ['events', '--limit'], "option '--limit <n>' argument missing"],
    ['a bad option value', ['events', '--format', 'xml', '--db', ':memory:'], '--format xml is not one of'],
  ])('exit 2 for %s', async (_, args, message) => {
    const sut = await runCli(args);
    expect(sut.code).toBe(2);
    expect(sut.stderr).toContain(message);
  });

  it('exit 2 and the help on stderr for no command at all', async () => {
    const sut = await runCli([]);
    expect(sut.code).toBe(2);
    expect(sut.stdout).toBe('');
    expect(sut.stderr).toContain('Usage: trailhound [options] [command]');
  });

  it('exit 0 for help and version', async () => {
    expect((await runCli(['--help'])).code).toBe(0);
    const version = await runCli(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});

describe('commands that read a store', () => {
  const readers: Array<[string, string[]]> = [
    ['stats', ['stats']],
    ['events', ['events']],
    ['alerts', ['alerts']],
    ['alert', ['alert', 'a1']],
    ['feedback', ['feedback', 'a1', 'benign']],
    ['detect', ['detect']],
    ['serve', ['serve', '--port', '0']],
    ['notify', ['notify', '--jsonl', 'out.jsonl']],
  ];

  it.each(readers)('%s refuses a store that does not exist, exit 2, and creates nothing', async (_, args) => {
    const missing = join(dir, 'typo', 'sub', 'th.db');
    const sut = await runCli([...args, '--db', missing]);
    expect(sut.code).toBe(2);
    expect(sut.stderr).toContain(`No Trailhound store at ${missing}`);
    expect(existsSync(join(dir, 'typo'))).toBe(false);
  });

  it('refuses an empty file and a SQLite database that is not a Trailhound store, and leaves them as they were', async () => {
    const empty = join(dir, 'empty.db');
    writeFileSync(empty, '');
    const other = join(dir, 'other.db');
    const db = new Database(other);
    db.exec('CREATE TABLE notes (body TEXT)');
    db.close();
    const before = statSync(other).size;
    for (const file of [empty, other]) {
      const sut = await runCli(['alerts', '--db', file]);
      expect(sut.code).toBe(2);
      expect(sut.stderr).toContain(`No Trailhound store at ${file}`);
    }
    expect(statSync(empty).size).toBe(0);
    expect(statSync(other).size).toBe(before);
    const tables = new Database(other, { readonly: true })
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
      .all();
    expect(tables).toEqual([{ name: 'notes' }]);
  });

  it('reads an existing store', async () => {
    const sut = await runCli(['stats', '--db', store, '--format', 'json']);
    expect(sut.code).toBe(0);
    expect(JSON.parse(sut.stdout)).toMatchObject({ events: EVENTS });
  });

  it('ingest creates the store and its folder', async () => {
    const fresh = join(dir, 'new', 'place', 'th.db');
    const sut = await runCli(['ingest', join(dir, 'logs'), '--db', fresh]);
    expect(sut.code).toBe(0);
    expect(existsSync(fresh)).toBe(true);
    expect((await runCli(['stats', '--db', fresh])).code).toBe(0);
  });

  it('run creates the store', async () => {
    const fresh = join(dir, 'run', 'th.db');
    const sut = await runCli(['run', join(dir, 'logs'), '--db', fresh]);
    expect(sut.code).toBe(0);
    expect(existsSync(fresh)).toBe(true);
  });
});

describe('commands that read a PostgreSQL store', () => {
  const ADMIN = process.env.TRAILHOUND_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `trailhound_cli_${process.pid}_${Date.now()}`;
  const url = ADMIN.replace(/\/[^/]*$/, `/${name}`);
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: ADMIN });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  afterAll(() => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));

  it('refuses a database that does not exist, then one without the Trailhound schema, and creates neither', async () => {
    const missing = await runCli(['alerts', '--db', url]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`No Trailhound store at ${url}: the database does not exist`);

    await admin(`CREATE DATABASE ${name}`);
    const bare = await runCli(['alerts', '--db', url]);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain(`No Trailhound store at ${url}: the database has no Trailhound tables`);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const tables = await client.query(
      "SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public'",
    );
    await client.end();
    expect(tables.rows[0].n).toBe(0);

    expect((await runCli(['ingest', join(dir, 'logs'), '--db', url])).code).toBe(0);
    const ready = await runCli(['stats', '--db', url, '--format', 'json']);
    expect(ready.code).toBe(0);
    expect(JSON.parse(ready.stdout)).toMatchObject({ events: EVENTS });
  });
});

/** A stdout whose reader goes away after `lines` lines: later writes fail with EPIPE, as a pipe's do. */
function closingPipe(lines: number): { stream: Writable; received: string[]; attempts: () => number } {
  const received: string[] = [];
  let attempts = 0;
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      if (received.length >= lines) {
        callback(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
        return;
      }
      received.push(chunk.toString('utf8'));
      callback();
    },
  });
  const write = stream.write.bind(stream) as (chunk: unknown) => boolean;
  stream.write = ((chunk: unknown) => {
    attempts++;
    return write(chunk);
  }) as Writable['write'];
  return { stream, received, attempts: () => attempts };
}

describe('a closed pipe', () => {
  it.each(['jsonl'])(
    'events --format %s stops at the first write after the reader left, exit 0, nothing on stderr',
    async (format) => {
      const { stream, received, attempts } = closingPipe(1);
      const err = new PassThrough();
      let stderr = '';
      err.on('data', (c: Buffer) => {
        stderr += c.toString();
      });
      const io: CliIo = { stdout: stream, stderr: err, stdin: Readable.from(['']), env: {} };
      const code = await main(['node', 'trailhound', 'events', '--db', store, '--format', format], io);
      expect(code).toBe(0);
      expect(stderr).toBe('');
      expect(received).toHaveLength(1);
      // The write that met EPIPE is the last one tried: the command stopped, it did not print 3,000 events into nothing.
      expect(attempts()).toBe(2);
    },
  );

  it('events | head -1 in a shell prints one event and the CLI exits 0 without a stack trace', async () => {
    const [node, args] = cliProcess(['events', '--db', store, '--format', 'jsonl']);
    const quoted = [node, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
    const { stdout, stderr } = await promisify(execFile)('bash', ['-o', 'pipefail', '-c', `${quoted} | head -1`]);
    expect(stderr).toBe('');
    const lines = stdout.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '')).toHaveProperty('eventId');
  });

  it('a reader that closes mid-stream: the process exits 0 with nothing on stderr', async () => {
    const [node, args] = cliProcess(['events', '--db', store, '--format', 'jsonl']);
    const child = spawn(node, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});
