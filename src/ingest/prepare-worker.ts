/**
 * A prepare worker (see pool.ts): reads local files, parses, normalizes and catalogues their
 * records, and posts the rows back in chunks, in order, one file after another. Waits (blocks)
 * while the main thread holds `MAX_ITEMS_AHEAD` of its items unread, so memory stays bounded
 * however far the main thread falls behind.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { localFile } from '../sources/file.ts';
import { readOnCallingThread } from '../sources/read-worker.ts';
import type { LocalFileRef } from '../sources/types.ts';
import { type PackedItems, packItems } from './packed-items.ts';
import {
  CHUNK_ITEMS,
  CLAIM_QUEUED,
  CLAIM_WORKER,
  chunkWeight,
  MAX_ITEMS_AHEAD,
  moveClaim,
  type PreparedItem,
  prepareItems,
  workerFailure,
} from './prepare.ts';

/** A file to prepare, as the main thread sends it. */
export interface PrepareJob {
  job: number;
  id: string;
  size: number;
  local: LocalFileRef;
}

/** A chunk of a job's items, as posted back (packed, see packed-items.ts); `done` on the last. */
export interface PreparedChunk {
  job: number;
  items: PackedItems;
  done: boolean;
}

const port = parentPort;
if (port !== null && workerData?.role === 'prepare') {
  readOnCallingThread();
  const unread = new Int32Array(workerData.unread as SharedArrayBuffer);
  const claims = new Int32Array(workerData.claims as SharedArrayBuffer);
  const itemsAhead = (workerData.itemsAhead as number | undefined) ?? MAX_ITEMS_AHEAD;
  const queue: PrepareJob[] = [];
  let running = false;

  const post = (chunk: { job: number; items: PreparedItem[]; done: boolean }) => {
    for (let n = Atomics.load(unread, 0); n >= itemsAhead; n = Atomics.load(unread, 0)) Atomics.wait(unread, 0, n);
    Atomics.add(unread, 0, chunkWeight(chunk.items.length));
    // Bytes are moved, not copied, once the file is finished (until then the parser may still read them).
    const transfer: ArrayBuffer[] = [];
    if (chunk.done)
      for (const item of chunk.items)
        if (item.kind === 'content' && item.blob !== null && item.blob.byteLength === item.blob.buffer.byteLength)
          transfer.push(item.blob.buffer as ArrayBuffer);
    const message: PreparedChunk = { job: chunk.job, items: packItems(chunk.items), done: chunk.done };
    port.postMessage(message, transfer);
  };

  const run = async (job: PrepareJob) => {
    // The writing thread took this one while it waited: it posts nothing for it.
    if (!moveClaim(claims, job.job, CLAIM_QUEUED, CLAIM_WORKER)) return;
    const { local } = job;
    const path = typeof local.path === 'string' ? local.path : Buffer.from(local.path);
    const file = localFile(path, job.size, local.mtimeNs, local.limits, undefined, job.id);
    let items: PreparedItem[] = [];
    try {
      for await (const item of prepareItems((hooks) => file.read(hooks))) {
        items.push(item);
        if (items.length >= CHUNK_ITEMS) {
          post({ job: job.job, items, done: false });
          items = [];
        }
      }
    } catch (error) {
      // A bug, not the content (content problems are items): the file is read again by the next run.
      items.push(workerFailure(job.id, error));
    }
    post({ job: job.job, items, done: true });
  };

  const drain = async () => {
    if (running) return;
    running = true;
    for (let job = queue.shift(); job !== undefined; job = queue.shift()) await run(job);
    running = false;
  };

  port.on('message', (job: PrepareJob) => {
    queue.push(job);
    void drain();
  });
}
