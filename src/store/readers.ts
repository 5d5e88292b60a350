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
import type { RawRef } from './raw.ts';

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
const COLUMNS = 'event_id, time, actor_key, actor_name, service, action_key, success, error_code, source_ip, account_id, region, sentence, blob_id';
const NEWEST_FIRST = ' ORDER BY time DESC, event_id DESC';
function statement(sql) {
  let stmt = statements.get(sql);
  if (stmt === undefined) {
    stmt = db.prepare(sql);
    if (statements.size >= 256) statements.clear();
    statements.set(sql, stmt);
  }
  return stmt;
}
// The (time, eventID) bounds as the time indexes serve them; see EventSearchRepository.
const OLDER = ' AND time <= ? AND (time < ? OR event_id < ?)';
const NOT_OLDER = ' AND time >= ? AND (time > ? OR event_id >= ?)';
// One page of the event search, as EventSearchRepository.search pages on the event loop
// (windows of the time index, a budget of rows examined, at most maxFiles files re-read for
// rows without a sentence), in one message instead of two queries a window.
function page(p) {
  const matched = [];
  let after = p.after;
  let scanned = 0;
  let exhausted = false;
  const files = new Set();
  let cut = false;
  while (matched.length < p.limit && scanned < p.budget) {
    const want = p.limit - matched.length;
    const older = after === null ? '' : OLDER;
    const bounds = after === null ? p.indexed.params : [...p.indexed.params, after.time, after.time, after.eventId];
    let rows;
    let windowEnd;
    let examined;
    if (p.narrow === null) {
      rows = statement('SELECT ' + COLUMNS + ' FROM events WHERE ' + p.indexed.sql + older + NEWEST_FIRST + ' LIMIT ?').all(...bounds, want);
      const last = rows[rows.length - 1];
      windowEnd = rows.length < want || last === undefined ? null : { time: Number(last.time), eventId: last.event_id };
      examined = rows.length;
    } else {
      const end = statement('SELECT time, event_id FROM events WHERE ' + p.indexed.sql + older + NEWEST_FIRST + ' LIMIT 1 OFFSET ?').get(...bounds, p.window - 1);
      windowEnd = end === undefined ? null : { time: Number(end.time), eventId: end.event_id };
      const within = windowEnd === null ? '' : NOT_OLDER;
      const params = windowEnd === null ? [...bounds, ...p.narrow.params] : [...bounds, ...p.narrow.params, windowEnd.time, windowEnd.time, windowEnd.eventId];
      rows = statement('SELECT ' + COLUMNS + ' FROM events WHERE ' + p.indexed.sql + older + ' AND ' + p.narrow.sql + within + NEWEST_FIRST + ' LIMIT ?').all(...params, want);
      examined = windowEnd === null ? rows.length : p.window;
    }
    scanned += examined;
    for (const r of rows) {
      if (r.sentence === null && r.blob_id !== null && !files.has(Number(r.blob_id))) {
        if (files.size >= p.maxFiles) { cut = true; break; }
        files.add(Number(r.blob_id));
      }
      matched.push(r);
      if (matched.length >= p.limit) break;
    }
    if (cut || matched.length >= p.limit) {
      const last = matched[matched.length - 1];
      after = last === undefined ? after : { time: Number(last.time), eventId: last.event_id };
      break;
    }
    if (windowEnd === null) { exhausted = true; break; }
    after = windowEnd;
  }
  return { rows: matched, next: exhausted ? null : after, scanned };
}
// Only CloudTrail's own {"Records":[...]} shape, and only when the element is the event asked
// for, as JSON; anything else is left to the store's parser ('null').
function elementOf(blobId, index, eventId) {
  const records = recordsOf(blobId);
  const element = records === null ? undefined : records[index];
  // As the store's parser yields it: no envelope to unwrap, an eventTime to keep.
  const found =
    element !== null &&
    typeof element === 'object' &&
    element.eventID === eventId &&
    !('detail-type' in element) &&
    typeof element.eventTime === 'string' &&
    element.eventTime !== '';
  return found ? JSON.stringify(element) : 'null';
}
const REF = 'SELECT raw, blob_id, raw_line, raw_index FROM events WHERE event_id = ?';
parentPort.on('message', ({ id, sql, params, record, search, asText, recordOf }) => {
  try {
    if (search !== undefined) {
      const found = page(search);
      if (!asText) {
        parentPort.postMessage({ id, json: JSON.stringify(found) });
        return;
      }
      // Each row as the dashboard's JSON, left open for what only the event loop knows: the
      // source's autonomous system, and the sentence of a row stored without one.
      const parts = [];
      const ips = [];
      const missing = [];
      for (const r of found.rows) {
        const summary = JSON.stringify({
          eventId: r.event_id,
          time: new Date(Number(r.time)).toISOString(),
          actor: r.actor_key,
          actorName: r.actor_name,
          action: r.service + ':' + r.action_key,
          success: Number(r.success) === 1,
          errorCode: r.error_code,
          sourceIp: r.source_ip,
          accountId: r.account_id,
          region: r.region,
          ...(r.sentence === null ? {} : { sentence: r.sentence }),
        });
        parts.push(summary.slice(0, -1));
        ips.push(r.source_ip);
        missing.push(r.sentence === null ? r.event_id : null);
      }
      parentPort.postMessage({ id, json: JSON.stringify({ next: found.next, scanned: found.scanned, ips, missing }), parts });
      return;
    }
    if (recordOf !== undefined) {
      // Where the record is stored, and the record itself when CloudTrail's own shape holds it.
      const ref = statement(REF).get(recordOf);
      if (ref === undefined) {
        parentPort.postMessage({ id, json: 'null' });
        return;
      }
      let found = 'null';
      if (ref.raw === null && ref.blob_id !== null && ref.raw_line === null && ref.raw_index !== null)
        found = elementOf(Number(ref.blob_id), Number(ref.raw_index), recordOf);
      parentPort.postMessage({ id, json: '{"ref":' + JSON.stringify(ref) + ',"record":' + found + '}' });
      return;
    }
    if (record !== undefined) {
      parentPort.postMessage({ id, json: elementOf(record.blobId, record.index, record.eventId) });
      return;
    }
    const stmt = statement(sql);
    // One string crosses threads far cheaper than rows as objects (structured clone), and JSON.parse is fast.
    parentPort.postMessage({ id, json: JSON.stringify(stmt.all(...params)) });
  } catch (error) {
    parentPort.postMessage({ id, error: String(error && error.message ? error.message : error) });
  }
});
`;

/** What a reader needs for one page of the event search (see `SqliteReaders.searchPage`). */
export interface ReaderSearchPage {
  indexed: { sql: string; params: unknown[] };
  narrow: { sql: string; params: unknown[] } | null;
  after: { time: number; eventId: string } | null;
  limit: number;
  window: number;
  budget: number;
  maxFiles: number;
}

export interface ReaderPageText {
  parts: string[];
  ips: Array<string | null>;
  missing: Array<string | null>;
  next: { time: number; eventId: string } | null;
  scanned: number;
}

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
    worker.on('message', (m: { id: number; json?: string; parts?: string[]; error?: string }) => {
      const p = reader.pending.get(m.id);
      reader.pending.delete(m.id);
      if (p === undefined) return;
      if (m.error !== undefined) p.reject(new Error(m.error));
      else if (m.parts !== undefined) p.resolve({ ...(JSON.parse(m.json ?? '{}') as object), parts: m.parts });
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

  /**
   * One page of the event search without an ASN filter, run where the rows are (see
   * `EventSearchRepository`): `indexed` and `narrow` are conjunctions of `column op ?` over
   * the events table, written by the repository (never from input), with their parameters.
   */
  searchPage<Row>(
    page: ReaderSearchPage,
  ): Promise<{ rows: Row[]; next: { time: number; eventId: string } | null; scanned: number }> {
    return this.#send({ search: page }) as Promise<{
      rows: Row[];
      next: { time: number; eventId: string } | null;
      scanned: number;
    }>;
  }

  /**
   * `searchPage`, with each row as the `EventSummary` JSON text without its closing brace and
   * without `sourceAs` (and without `sentence` where `missing` names the row's eventID):
   * `ips` holds each row's source address for the caller to complete it.
   */
  searchPageText(page: ReaderSearchPage): Promise<ReaderPageText> {
    return this.#send({ search: page, asText: true }) as Promise<ReaderPageText>;
  }

  /**
   * Where event `eventId` is stored (null when unknown) and, when it is in a CloudTrail
   * `{"Records":[...]}` file as the parser yields it, the record itself (else null).
   */
  recordOf(eventId: string): Promise<{ ref: RawRef; record: Record<string, unknown> | null } | null> {
    return this.#send({ recordOf: eventId }) as Promise<{ ref: RawRef; record: Record<string, unknown> | null } | null>;
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
