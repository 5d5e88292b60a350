/**
 * The prepare workers: local files are read, decompressed, parsed, normalized and catalogued on
 * worker threads, and come back as rows ready to bind, so the main thread mostly writes (it takes
 * a file itself rather than wait; see `PATIENCE_MS`). A file goes to one worker, or is taken by
 * the calling thread, and comes back in order, in chunks; files are handed out round-robin and
 * read back in the order they were handed out, so the rows, and so the result, do not depend on
 * timing (only which thread prepared a file does).
 *
 * Rows, not records, cross the thread boundary: a normalized event's row is a flat array of
 * short strings and numbers, which structured clone copies at a fraction of the cost of the
 * parsed record (handing parsed records across cost about what `JSON.parse` does).
 *
 * Where no worker can start, files are prepared on the calling thread with the same code.
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { SourceFile } from '../sources/types.ts';
import { unpackItems } from './packed-items.ts';
import {
  CHUNK_ITEMS,
  CLAIM_DROPPED,
  CLAIM_HERE,
  CLAIM_QUEUED,
  CLAIM_SLOTS,
  chunkWeight,
  claimSlot,
  isQueued,
  MAX_ITEMS_AHEAD,
  moveClaim,
  type PreparedItem,
  prepareItems,
  queueClaim,
  workerFailure,
} from './prepare.ts';
import type { PreparedChunk, PrepareJob } from './prepare-worker.ts';

/** Loads the worker module: through tsx's loader when it is TypeScript (tests, `npm run dev`). */
const BOOT = `
const { workerData } = require('node:worker_threads');
(workerData.tsx ? import(workerData.tsx).then((tsx) => tsx.register()) : Promise.resolve()).then(() => import(workerData.entry));
`;

/** tsx's ESM loader API (its CommonJS entry resolves its own files wrongly from a worker). */
function tsxLoader(): string | null {
  const require = createRequire(import.meta.url);
  const manifest = require.resolve('tsx/package.json');
  const pkg = require(manifest) as { exports?: Record<string, { import?: { default?: string } }> };
  const api = pkg.exports?.['./esm/api']?.import?.default;
  return api === undefined ? null : pathToFileURL(join(dirname(manifest), api)).href;
}

type LocalSourceFile = SourceFile & { local: NonNullable<SourceFile['local']> };

interface Job {
  id: number;
  file: LocalSourceFile;
  chunks: PreparedItem[][];
  done: boolean;
  /** Prepared on the calling thread ahead of its turn: its chunks are not the worker's to release. */
  ahead: boolean;
  wake: (() => void) | null;
}

/**
 * Work sharing with the worker. The calling thread writes what the worker prepares and, on two
 * cores, waited for it half of the time (100 files x 1,000 events: 2.8 s of 5.7 s). So it
 * prepares its own next file when the worker has not started it, and when the worker is on it
 * and nothing came for `PATIENCE_MS`, the first later file the worker has not started, held until
 * its turn (only small files, at most `HELD_AHEAD_ITEMS` items held). Taking a later file at
 * once, without the patience, took 0.91x the wall time of no sharing on 100 x 1,000 but 1.15x on
 * 10,000 x 7 (it took a third of the small files, leaving the worker idle); with it, 0.92x and
 * 1.02x (farm-bench, median of 7).
 */
const AHEAD_MAX_BYTES = 1 << 20;
const PATIENCE_MS = 2;
const HELD_AHEAD_ITEMS = 8 * CHUNK_ITEMS;

class PrepareWorker {
  readonly #worker: Worker;
  readonly #unread = new Int32Array(new SharedArrayBuffer(4));
  readonly #claims = new Int32Array(new SharedArrayBuffer(4 * CLAIM_SLOTS));
  /** The live job in each claim slot in use. */
  readonly #slots = new Set<number>();
  /** Jobs that may still be queued, in the order handed out, from `#queuedHead`. */
  readonly #queued: Job[] = [];
  #queuedHead = 0;
  readonly #jobs = new Map<number, Job>();
  #failed: Error | null = null;
  /** Items prepared on the calling thread ahead of their turn and not read yet. */
  #heldAhead = 0;
  /** Files the calling thread prepared instead of the worker. */
  preparedHere = 0;
  /** Files the worker prepared. */
  preparedThere = 0;

  constructor(itemsAhead: number) {
    const entry = new URL(`./prepare-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);
    const tsx = entry.pathname.endsWith('.ts') ? tsxLoader() : null;
    this.#worker = new Worker(BOOT, {
      eval: true,
      workerData: {
        role: 'prepare',
        entry: entry.href,
        tsx,
        unread: this.#unread.buffer,
        claims: this.#claims.buffer,
        itemsAhead,
      },
    });
    this.#worker.unref();
    this.#worker.on('message', (chunk: PreparedChunk) => {
      const job = this.#jobs.get(chunk.job);
      this.delivered = true;
      if (chunk.done) this.preparedThere++;
      if (job === undefined) {
        this.#release(chunkWeight(chunk.items.count)); // a job no one reads any more (see `discard`)
        return;
      }
      job.chunks.push(unpackItems(chunk.items));
      if (chunk.done) job.done = true;
      job.wake?.();
    });
    const fail = (error: Error) => {
      this.#failed = error;
      for (const [, job] of this.#jobs) job.wake?.();
    };
    this.#worker.on('error', fail);
    this.#worker.on('exit', (code) => fail(new Error(`the prepare worker exited (${code})`)));
  }

  get failed(): boolean {
    return this.#failed !== null;
  }

  /** Whether any chunk ever came back: a worker that failed before is taken as unable to run here. */
  delivered = false;

  get pending(): number {
    return this.#jobs.size;
  }

  /** Items posted and not read yet. */
  get unread(): number {
    return Atomics.load(this.#unread, 0);
  }

  /** Whether job `id` can be handed over now: no job still running holds its claim slot. */
  canStart(id: number): boolean {
    return !this.#slots.has(claimSlot(id));
  }

  /** Hands a file to the worker now (see `canStart`); its items are read with the returned iterable. */
  start(id: number, file: LocalSourceFile): AsyncIterable<PreparedItem[]> {
    const job: Job = { id, file, chunks: [], done: false, ahead: false, wake: null };
    this.#jobs.set(id, job);
    this.#trimQueued();
    this.#queued.push(job);
    this.#slots.add(claimSlot(id));
    queueClaim(this.#claims, id);
    if (this.#jobs.size === 1) this.#worker.ref();
    const message: PrepareJob = { job: id, id: file.id, size: file.size, local: file.local };
    this.#worker.postMessage(message);
    const self = this;
    return {
      async *[Symbol.asyncIterator]() {
        let yielded = false;
        try {
          for (;;) {
            const chunk = job.chunks.shift();
            if (chunk !== undefined) {
              if (job.ahead) self.#heldAhead -= chunk.length;
              else self.#release(chunkWeight(chunk.length));
              yielded = true;
              yield chunk;
              continue;
            }
            if (job.done) return;
            if (self.#failed !== null) {
              // Nothing of the file came back: read it here instead. Else what came back is kept
              // and the file is read again by the next run (known eventIDs are skipped).
              if (!yielded) yield* prepareHere(file);
              else yield [workerFailure(file.id, self.#failed)];
              return;
            }
            if (moveClaim(self.#claims, id, CLAIM_QUEUED, CLAIM_HERE)) {
              self.preparedHere++;
              yield* prepareHere(file, true);
              return;
            }
            // The worker has this file: wait a little for it, then prepare a later file meanwhile.
            const later = self.#nextUnclaimed(id);
            let waited = false;
            let timer: NodeJS.Timeout | undefined;
            await new Promise<void>((wake) => {
              job.wake = wake;
              if (later !== undefined)
                timer = setTimeout(() => {
                  waited = true;
                  wake();
                }, PATIENCE_MS);
            });
            clearTimeout(timer);
            job.wake = null;
            if (waited && job.chunks.length === 0 && !job.done && self.#failed === null && later !== undefined)
              await self.#prepareAhead(later);
          }
        } finally {
          self.#drop(id);
        }
      },
    };
  }

  /** The first file after `id` that the worker has not started, when small enough to hold. */
  #nextUnclaimed(id: number): Job | undefined {
    if (this.#heldAhead >= HELD_AHEAD_ITEMS) return undefined;
    this.#trimQueued();
    const queue = this.#queued;
    for (let i = this.#queuedHead; i < queue.length; i++) {
      const job = queue[i] as Job;
      if (job.id <= id || !isQueued(this.#claims, job.id)) continue;
      return job.file.size <= AHEAD_MAX_BYTES ? job : undefined;
    }
    return undefined;
  }

  /** Forgets the jobs at the head that were claimed or dropped: they never become queued again. */
  #trimQueued(): void {
    const queue = this.#queued;
    while (this.#queuedHead < queue.length && !isQueued(this.#claims, (queue[this.#queuedHead] as Job).id))
      this.#queuedHead++;
    if (this.#queuedHead > 1024 && this.#queuedHead * 2 > queue.length) {
      queue.splice(0, this.#queuedHead);
      this.#queuedHead = 0;
    }
  }

  /** Prepares a later file on this thread, held until its turn; a failure is a retryable problem, as on the worker. */
  async #prepareAhead(job: Job): Promise<void> {
    if (!moveClaim(this.#claims, job.id, CLAIM_QUEUED, CLAIM_HERE)) return;
    job.ahead = true;
    this.preparedHere++;
    const items: PreparedItem[] = [];
    try {
      for await (const chunk of prepareHere(job.file, true)) items.push(...chunk);
    } catch (error) {
      items.push(workerFailure(job.file.id, error));
    }
    if (this.#jobs.get(job.id) === job) {
      job.chunks.push(items);
      this.#heldAhead += items.length;
    }
    job.done = true;
    job.wake?.();
  }

  /** Lets the worker go on: `n` of its items are read (or dropped). */
  #release(n: number): void {
    if (n === 0) return;
    Atomics.sub(this.#unread, 0, n);
    Atomics.notify(this.#unread, 0);
  }

  /** Forgets a job: its chunks not read yet, and those still to come, are dropped. */
  #drop(id: number): void {
    const job = this.#jobs.get(id);
    if (job === undefined) return;
    this.#jobs.delete(id);
    this.#slots.delete(claimSlot(id));
    moveClaim(this.#claims, id, CLAIM_QUEUED, CLAIM_DROPPED);
    let unread = 0;
    for (const chunk of job.chunks) unread += job.ahead ? chunk.length : chunkWeight(chunk.length);
    if (job.ahead) this.#heldAhead -= unread;
    else this.#release(unread);
    job.chunks.length = 0;
    if (this.#jobs.size === 0) this.#worker.unref();
  }

  /** Drops a job (its ingest stopped early): a worker never waits on chunks no one will read. */
  discard(id: number): void {
    this.#drop(id);
  }

  terminate(): Promise<number> {
    return this.#worker.terminate();
  }
}

/**
 * Default prepare workers: one on two or three cores, else one per core beyond two, at most
 * three; none on one core. On 2 cores one worker took 0.84x the wall time of none for 10,000
 * files x 7 events and 0.85x for 100 files x 1,000 (farm-bench, whole process, median of 5 pairs)
 * once it could run a batch ahead (`MAX_ITEMS_AHEAD`); kept 64 small files ahead, it took 1.10x.
 */
export function defaultPrepareWorkers(cores = availableParallelism()): number {
  return cores < 2 ? 0 : Math.max(1, Math.min(3, cores - 2));
}

/** Prepare workers for one ingest, created on first use; with none, files are prepared by the caller. */
export class PreparePool {
  readonly #size: number;
  readonly #workers: PrepareWorker[] = [];
  #next = 0;
  #jobs = 0;
  #unavailable = false;

  readonly #itemsAhead: number;

  /** `itemsAhead`: items a worker may have posted unread before it waits (tests lower it). */
  constructor(size = defaultPrepareWorkers(), itemsAhead = MAX_ITEMS_AHEAD) {
    this.#size = size;
    this.#itemsAhead = itemsAhead;
  }

  /** Starts preparing a local file on a worker; null when it is not local or no worker can run. */
  start(file: SourceFile, started?: Array<[PrepareWorker, number]>): AsyncIterable<PreparedItem[]> | null {
    if (file.local === undefined || file.skip !== undefined || this.#unavailable || this.#size === 0) return null;
    const worker = this.#worker();
    if (worker === null) return null;
    const id = this.#jobs++;
    // A job still unread 65,536 files back holds this one's claim slot: this file is prepared by the caller.
    if (!worker.canStart(id)) return null;
    started?.push([worker, id]);
    return worker.start(id, file as LocalSourceFile);
  }

  #worker(): PrepareWorker | null {
    const at = this.#next++ % this.#size;
    let worker = this.#workers[at];
    if (worker?.failed) {
      if (!worker.delivered) {
        this.#unavailable = true;
        return null;
      }
      if (worker.pending === 0) {
        void worker.terminate();
        worker = undefined;
      }
    }
    if (worker === undefined) {
      try {
        worker = new PrepareWorker(this.#itemsAhead);
      } catch {
        this.#unavailable = true;
        return null;
      }
      this.#workers[at] = worker;
    }
    return worker;
  }

  /**
   * Files handed out by one caller (an ingest), to drop together when it stops early; the pool
   * may serve other ingests of the same process meanwhile.
   */
  run(): { start(file: SourceFile): AsyncIterable<PreparedItem[]> | null; discard(): void } {
    const started: Array<[PrepareWorker, number]> = [];
    return {
      start: (file) => this.start(file, started),
      discard: () => {
        for (const [worker, id] of started) worker.discard(id);
        started.length = 0;
      },
    };
  }

  /** Items the workers have posted and the callers not read yet. */
  get unreadItems(): number {
    return this.#workers.reduce((sum, w) => sum + w.unread, 0);
  }

  /** Files handed to workers that the calling thread prepared itself, and those the workers prepared. */
  get prepared(): { here: number; onWorkers: number } {
    let here = 0;
    let onWorkers = 0;
    for (const w of this.#workers) {
      here += w.preparedHere;
      onWorkers += w.preparedThere;
    }
    return { here, onWorkers };
  }

  /** Workers running that have prepared a file (none when every file was prepared on the calling thread). */
  get working(): number {
    return this.#workers.filter((w) => w.delivered && !w.failed).length;
  }

  async close(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.terminate()));
    this.#workers.length = 0;
  }
}

const shared = new Map<number | undefined, PreparePool>();

/**
 * The pool of this size, kept between ingests: `watch` ingests every minute or so, and a worker
 * costs its start (its modules loaded) each time. Idle workers do not keep the process alive.
 */
export function sharedPreparePool(size?: number): PreparePool {
  let pool = shared.get(size);
  if (pool === undefined) {
    pool = new PreparePool(size);
    shared.set(size, pool);
  }
  return pool;
}

/**
 * A file's items prepared on the calling thread, in the chunks a worker would post; `now`: read
 * it on this thread (see `ReadHooks.now`), for a file taken from a worker and not read ahead.
 */
export async function* prepareHere(file: Pick<SourceFile, 'read'>, now = false): AsyncGenerator<PreparedItem[]> {
  for await (const item of prepareItems((hooks) => file.read({ ...hooks, now }))) yield [item];
}
