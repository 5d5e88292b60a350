/**
 * Reads local files (open, check, read, close) and gunzips them on a worker thread, so the main
 * thread only parses and writes. On 10,000 small files the file calls alone were ~1 s of the
 * main thread's 5.6 s, and gunzip another 0.3 s. Parsing stays on the main thread: handing
 * parsed records across costs about what `JSON.parse` does (structured clone of 70,000 records
 * 1.3-1.7 s for send and receive, `JSON.parse` 1.2-1.5 s, measured), text and bytes cost little.
 *
 * The worker is built from source text (`eval`), so it runs the same under tsx, the tests and
 * the compiled CLI, and it imports nothing of ours. It holds the process open only while a read
 * is pending.
 */
import { Worker } from 'node:worker_threads';
import { inflateChunkBytes } from './stream.ts';

/** What the worker found: the bytes (and, when gzipped and within the limit, the inflated bytes), or why not. */
export type WorkerRead =
  | { bytes: Buffer; plain: Buffer | null }
  | { error: string }
  | { notFile: { fifo: boolean; char: boolean; block: boolean; socket: boolean; dir: boolean } }
  | { large: number };

const SOURCE = `
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const zlib = require('node:zlib');
const BOMB_MIN = ${64 * (1 << 20)};
const BOMB_RATIO = 200;
const inflateChunkBytes = ${inflateChunkBytes.toString()};
function read(path, maxFileBytes) {
  let fd;
  try {
    fd = fs.openSync(path, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (e) {
    return { error: e.message };
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile())
      return { notFile: { fifo: st.isFIFO(), char: st.isCharacterDevice(), block: st.isBlockDevice(), socket: st.isSocket(), dir: st.isDirectory() } };
    if (st.size > maxFileBytes) return { large: st.size };
    let buf = Buffer.allocUnsafeSlow(Math.max(st.size, 1) + 1);
    let length = 0;
    for (;;) {
      if (length === buf.length) {
        if (length > maxFileBytes) return { large: length };
        const bigger = Buffer.allocUnsafeSlow(buf.length * 2);
        buf.copy(bigger, 0, 0, length);
        buf = bigger;
      }
      const n = fs.readSync(fd, buf, length, buf.length - length, null);
      if (n === 0) break;
      length += n;
    }
    const bytes = buf.subarray(0, length);
    let plain = null;
    if (length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
      const max = Math.min(maxFileBytes, Math.max(BOMB_MIN, length * BOMB_RATIO));
      try {
        const out = zlib.gunzipSync(bytes, { chunkSize: inflateChunkBytes(length), maxOutputLength: max });
        plain = new Uint8Array(out);
      } catch {
        plain = null; // the main thread inflates again and reports what is wrong
      }
    }
    return { bytes, plain };
  } catch (e) {
    return { error: e.message };
  } finally {
    fs.closeSync(fd);
  }
}
parentPort.on('message', ({ id, path, maxFileBytes }) => {
  const result = read(path, maxFileBytes);
  const transfer = [];
  if (result.bytes) transfer.push(result.bytes.buffer);
  if (result.plain) transfer.push(result.plain.buffer);
  parentPort.postMessage({ id, result }, transfer);
});
`;

let worker: Worker | null = null;
let failed = false;

let synchronous = false;

/**
 * Reads in the calling thread from now on, synchronously: for a thread that is itself a worker,
 * another gains nothing, and each asynchronous open, stat, read and close was a thread-pool round
 * trip awaited in turn (a prepare worker idle 56% of an ingest of 10,000 small files).
 */
export function readOnCallingThread(): void {
  failed = true;
  synchronous = true;
}

/** Whether this thread reads files synchronously (see `readOnCallingThread`). */
export function readsSynchronously(): boolean {
  return synchronous;
}
const pending = new Map<number, (read: WorkerRead) => void>();
let nextId = 0;

function start(): Worker | null {
  if (worker || failed) return worker;
  try {
    worker = new Worker(SOURCE, { eval: true });
  } catch {
    failed = true;
    return null;
  }
  worker.unref();
  worker.on('message', ({ id, result }: { id: number; result: Record<string, unknown> }) => {
    const done = pending.get(id);
    pending.delete(id);
    if (pending.size === 0) worker?.unref();
    done?.(fromWorker(result));
  });
  worker.on('error', (error) => {
    // Every read in flight fails as retryable; the next read starts a new worker.
    for (const done of pending.values()) done({ error: `the read worker failed: ${error.message}` });
    pending.clear();
    worker = null;
  });
  return worker;
}

function fromWorker(r: Record<string, unknown>): WorkerRead {
  if (r.bytes instanceof Uint8Array) {
    const u8 = r.bytes;
    const plain =
      r.plain instanceof Uint8Array ? Buffer.from(r.plain.buffer, r.plain.byteOffset, r.plain.length) : null;
    return { bytes: Buffer.from(u8.buffer, u8.byteOffset, u8.length), plain };
  }
  return r as WorkerRead;
}

/** Reads a file on the worker thread; null when no worker can run here (the caller reads it itself). */
export function readInWorker(path: string | Buffer, maxFileBytes: number): Promise<WorkerRead> | null {
  const w = start();
  if (w === null) return null;
  const id = nextId++;
  if (pending.size === 0) w.ref();
  return new Promise((done) => {
    pending.set(id, done);
    w.postMessage({ id, path, maxFileBytes });
  });
}
