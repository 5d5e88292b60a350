/**
 * Read-only SQLite connections on worker threads. better-sqlite3 runs each query on the
 * caller's thread, so on a server a search over a million events blocks every other request
 * while it runs; a reader answers it on another thread (WAL lets readers and the writer share
 * the file) and the event loop only sends the SQL and receives the rows. A reader also finds
 * a record as received in a stored CloudTrail file (inflating and parsing ~1,000 records took
 * the event loop ~15 ms a file).
 *
 * The worker is built from source text (`eval`, as `sources/read-worker.ts` does), so it runs
 * the same under tsx, the tests and the compiled CLI; it loads the same better-sqlite3 the
 * store uses, by resolved path.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Store } from './index.ts';

const SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const zlib = require('node:zlib');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { readonly: true, fileMustExist: true });
db.pragma('busy_timeout = 10000');
db.pragma('cache_size = -32768');
const statements = new Map();
const blob = db.prepare('SELECT data FROM raw_blobs WHERE id = ?');
// The last few files parsed: a page's rows expand records of the same few files.
const files = new Map();
function recordsOf(blobId) {
  let records = files.get(blobId);
  if (records !== undefined) return records;
  const row = blob.get(blobId);
  if (row === undefined) return null;
  const bytes = row.data;
  const text = (bytes[0] === 0x1f && bytes[1] === 0x8b ? zlib.gunzipSync(bytes) : bytes).toString('utf8');
  let parsed = null;
  try { parsed = JSON.parse(text); } catch { parsed = null; }
  records = parsed !== null && typeof parsed === 'object' && Array.isArray(parsed.Records) ? parsed.Records : null;
  if (files.size >= 4) files.delete(files.keys().next().value);
  files.set(blobId, records);
  return records;
}
parentPort.on('message', ({ id, sql, params, record }) => {
  try {
    if (record !== undefined) {
      // Only CloudTrail's own {"Records":[...]} shape, and only when the element is the event
      // asked for; anything else is left to the store's parser (json: null).
      const records = recordsOf(record.blobId);
      const element = records === null ? undefined : records[record.index];
      // As the store's parser yields it: no envelope to unwrap, an eventTime to keep.
      const found =
        element !== null &&
        typeof element === 'object' &&
        element.eventID === record.eventId &&
        !('detail-type' in element) &&
        typeof element.eventTime === 'string' &&
        element.eventTime !== '';
      parentPort.postMessage({ id, json: found ? JSON.stringify(element) : 'null' });
      return;
    }
    let stmt = statements.get(sql);
    if (stmt === undefined) {
      stmt = db.prepare(sql);
      if (statements.size >= 256) statements.clear();
      statements.set(sql, stmt);
    }
    // One string crosses threads far cheaper than rows as objects (structured clone), and JSON.parse is fast.
    parentPort.postMessage({ id, json: JSON.stringify(stmt.all(...params)) });
  } catch (error) {
    parentPort.postMessage({ id, error: String(error && error.message ? error.message : error) });
  }
});
`;

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

interface Reader {
  worker: Worker;
  pending: Map<number, Pending>;
}

export class SqliteReaders {
  readonly #file: string;
  readonly #readers: Reader[] = [];
  #nextId = 0;
  #closed = false;

  /** Readers for a store that can have them (a SQLite file); null for PostgreSQL and `:memory:`. */
  static forStore(store: Store, size: number): SqliteReaders | null {
    return store.sqlite !== null && store.location !== ':memory:' && size > 0
      ? new SqliteReaders(store.location, size)
      : null;
  }

  /** `size` workers, each with its own read-only connection to `file`. */
  constructor(file: string, size = 2) {
    if (file === ':memory:' || file === '') throw new Error('SqliteReaders needs a database file');
    this.#file = file;
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    for (let i = 0; i < size; i++) this.#readers.push(this.#start(driver));
  }

  #start(driver: string): Reader {
    const worker = new Worker(SOURCE, { eval: true, workerData: { driver, file: this.#file } });
    // The server's socket keeps the process alive; an idle reader must not.
    worker.unref();
    const reader: Reader = { worker, pending: new Map() };
    worker.on('message', (m: { id: number; json?: string; error?: string }) => {
      const p = reader.pending.get(m.id);
      reader.pending.delete(m.id);
      if (p === undefined) return;
      if (m.error !== undefined) p.reject(new Error(m.error));
      else p.resolve(JSON.parse(m.json ?? 'null') as unknown);
    });
    const fail = (error: Error) => {
      for (const p of reader.pending.values()) p.reject(error);
      reader.pending.clear();
      // A reader that died is replaced, so one bad moment does not end the server's reads.
      const at = this.#readers.indexOf(reader);
      if (!this.#closed && at >= 0) this.#readers[at] = this.#start(driver);
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (!this.#closed) fail(new Error(`SQLite reader exited with code ${code}`));
    });
    return reader;
  }

  /** Every row of one statement (`?` parameters), on the least busy reader. */
  all<T>(sql: string, params: readonly unknown[]): Promise<T[]> {
    return this.#send({ sql, params }) as Promise<T[]>;
  }

  /**
   * The element `index` of the stored file `blobId` when that file is CloudTrail's
   * `{"Records":[...]}` and the element is the event `eventId`; otherwise null (the caller
   * reads the record with the store's parser, which knows every shape).
   */
  cloudTrailRecord(blobId: number, index: number, eventId: string): Promise<Record<string, unknown> | null> {
    return this.#send({ record: { blobId, index, eventId } }) as Promise<Record<string, unknown> | null>;
  }

  #send(message: Record<string, unknown>): Promise<unknown> {
    if (this.#closed) return Promise.reject(new Error('SQLite readers are closed'));
    let reader = this.#readers[0] as Reader;
    for (const r of this.#readers) if (r.pending.size < reader.pending.size) reader = r;
    const id = this.#nextId++;
    return new Promise<unknown>((resolve, reject) => {
      reader.pending.set(id, { resolve, reject });
      reader.worker.postMessage({ id, ...message });
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(this.#readers.map((r) => r.worker.terminate()));
    for (const r of this.#readers) for (const p of r.pending.values()) p.reject(new Error('SQLite readers are closed'));
  }
}
