/**
 * Ingest: sources -> normalize -> catalog -> store, exactly once and crash-safe.
 *
 * Exactly once: `events.event_id` is UNIQUE and inserts ignore known ids, so a file read
 * twice, or the same eventID in two files, is stored once. Crash-safe: records are written
 * in transactions of at most `batchSize` records; a file is marked `done` (with its
 * fingerprint) in the same transaction as its last records. A killed run leaves files
 * `reading`; the rerun reads them again and the UNIQUE key drops what was already stored,
 * so the database ends as an uninterrupted run leaves it.
 *
 * Threads: local files are read, parsed, normalized and catalogued on prepare workers
 * (pool.ts) and come back as rows in file order; this thread keeps the bookkeeping (files,
 * quarantine, credential chains) and writes. Other sources (S3, stdin) are prepared here with
 * the same code (prepare.ts).
 */
import { NothingIngestedError } from '../errors.ts';
import { openSource } from '../sources/index.ts';
import type { Source, SourceFile } from '../sources/types.ts';
import { deferEventIndexes, restoreEventIndexes } from '../store/bulk-load.ts';
import { EVENT_BLOB_ID, EVENT_FILE_ID, insertEventRows, lastEventRowId } from '../store/events.ts';
import { FilesRepository } from '../store/files.ts';
import type { Store } from '../store/index.ts';
import { type InsightToStore, insertInsights } from '../store/insights.ts';
import { retraceStored, traceRows } from './chains.ts';
import { type PreparePool, prepareHere, sharedPreparePool } from './pool.ts';
import {
  type IngestProblem,
  PROBLEM_ROWS_PER_FILE,
  type PreparedEvent,
  type PreparedItem,
  problemAt,
} from './prepare.ts';

export { type IngestProblem, PROBLEM_ROWS_PER_FILE } from './prepare.ts';

export interface IngestProgress {
  filesDone: number;
  events: number;
  inserted: number;
  /** Milliseconds since the ingest started. */
  elapsedMs: number;
  currentFile: string | null;
}

export interface IngestOptions {
  /**
   * Records per transaction (a file's end also commits once half of it is reached). Default:
   * `FIRST_LOAD_BATCH` for a first load and on PostgreSQL, `BATCH_INTO_STORED` into a SQLite
   * store that holds events.
   */
  batchSize?: number;
  onProgress?: (progress: IngestProgress) => void;
  /** Called for every quarantined item, e.g. to print it. */
  onProblem?: (problem: IngestProblem) => void;
  stdin?: NodeJS.ReadableStream;
  /** For `s3://` paths: one client for all of them (`watch` ingests each new object by its URL). */
  s3Client?: import('@aws-sdk/client-s3').S3Client;
  /** Sources opened by the caller, read after `paths` (`watch` passes the S3 objects it listed, so none is listed again). */
  sources?: readonly Source[];
  /** Reread files even when their fingerprint says they are done. */
  force?: boolean;
  /**
   * Threads that read, parse and normalize local files while this one writes; 0 does it all on
   * this thread. Default: `defaultPrepareWorkers()` (one on two cores, none on one).
   */
  prepareWorkers?: number;
  /** Throw `NothingIngestedError` when nothing at all could be read (the CLI's exit status). */
  requireRecords?: boolean;
  /**
   * Drop the blobs no event references when done (default true). On PostgreSQL the sweep holds
   * other writers' events back while it runs; workers pass false and sweep once, after ingest.
   */
  dropOrphanBlobs?: boolean;
}

export interface IngestSummary {
  /** Files read in this run. */
  filesRead: number;
  /** Files skipped because an earlier run finished them with the same fingerprint. */
  filesUnchanged: number;
  /** CloudTrail digest files, never read as events. */
  digestFiles: number;
  /** Files skipped as not JSON (e.g. a README in the folder). */
  otherFiles: number;
  /** Records read (good or bad). */
  records: number;
  /** New events stored. */
  inserted: number;
  /** Events already stored (same eventID). */
  duplicates: number;
  /** Problems quarantined with their reason. */
  quarantined: number;
  /** CloudTrail Insights events, kept apart. */
  insights: number;
  /** Stored events attributed anew because the call that issued their credential arrived after them. */
  reattributed: number;
  /** Files that could not be read (e.g. permissions): recorded as `retry`, read again by the next run. */
  filesToRetry: number;
  elapsedMs: number;
}

interface PendingFile {
  /** The `files` row id, known once the batch that started the file is written. */
  id: number | null;
  name: string;
  fingerprint: string;
  records: number;
  /** Problems of this file, quarantined or only counted. */
  problems: number;
  /** Quarantine rows written for this file; beyond `PROBLEM_ROWS_PER_FILE` problems are only counted, by code. */
  stored: number;
  beyondCap: Map<string, number>;
  /** The file could not be read now (permissions, I/O): marked `retry`, not `done`. */
  retry: boolean;
  /** The file's bytes (gzipped) to keep in `raw_blobs`; `id` once written. */
  blob: { data: Uint8Array; id: number | null } | null;
}

/**
 * Records per transaction of a first load (its random-key indexes are built at its end,
 * bulk-load.ts) and on PostgreSQL. Each commit writes every page the batch dirtied: 100k records
 * committed per 1,000 spent 5.5 s in COMMIT, per 10-20,000 1.9 s.
 */
const FIRST_LOAD_BATCH = 20_000;
/**
 * Records per transaction into a SQLite store that holds events: there each row lands at a random
 * place in the eventID index and in the middle of the actor index, so a batch dirties about every
 * leaf of them once the store is large, and fewer, larger commits rewrite them less often: 1.5M
 * events into a store of 1.5M took 98.7 s in batches of 20,000 and 67.9 s in batches of 100,000,
 * peak RSS 718 and 708 MB (a first load of 1.5M: 36.5 s against 35.7 s, but 431 against 632 MB).
 */
const BATCH_INTO_STORED = 100_000;

/** Problems are written to the store as they come, this many at a time, never held until a file ends. */
const PROBLEM_FLUSH = 1000;

/** Reads every path (file, folder, `-`, `s3://...`) into the store. */
export async function ingest(
  store: Store,
  paths: readonly string[],
  options: IngestOptions = {},
): Promise<IngestSummary> {
  const started = performance.now();
  const summary: IngestSummary = {
    filesRead: 0,
    filesUnchanged: 0,
    digestFiles: 0,
    otherFiles: 0,
    records: 0,
    inserted: 0,
    duplicates: 0,
    quarantined: 0,
    insights: 0,
    reattributed: 0,
    filesToRetry: 0,
    elapsedMs: 0,
  };
  const writer = new BatchWriter(store);
  const progress = (currentFile: string | null) =>
    options.onProgress?.({
      filesDone: summary.filesRead + summary.filesUnchanged,
      events: summary.records,
      inserted: summary.inserted,
      elapsedMs: performance.now() - started,
      currentFile,
    });

  /** `quiet`: already explained by an earlier problem of the file (stored, not reported again). */
  const quarantine = (p: IngestProblem, file: PendingFile, quiet = false) => {
    summary.quarantined++;
    file.problems++;
    if (file.stored >= PROBLEM_ROWS_PER_FILE) {
      file.beyondCap.set(p.code, (file.beyondCap.get(p.code) ?? 0) + 1);
      return;
    }
    file.stored++;
    writer.problems.push(p);
    if (!quiet) options.onProblem?.(p);
  };
  const summarizeBeyondCap = (file: PendingFile) => {
    if (file.beyondCap.size === 0) return;
    const total = [...file.beyondCap.values()].reduce((a, b) => a + b, 0);
    const byCode = [...file.beyondCap]
      .sort((a, b) => b[1] - a[1])
      .map(([code, n]) => `${code} ${n.toLocaleString('en-US')}`)
      .join(', ');
    const p = problemAt(
      { file: file.name },
      'too-many-problems',
      `and ${total.toLocaleString('en-US')} more like these (${byCode}): only the first ${PROBLEM_ROWS_PER_FILE.toLocaleString('en-US')} problems of a file are kept`,
      null,
    );
    writer.problems.push(p);
    options.onProblem?.(p);
  };

  // Opened one at a time: a wrong path is refused after the paths before it are stored.
  function* sources(): Generator<Source> {
    for (const spec of paths)
      yield openSource(spec, {
        ...(options.stdin ? { stdin: options.stdin } : {}),
        ...(options.s3Client ? { s3Client: options.s3Client } : {}),
      });
    yield* options.sources ?? [];
  }
  // A first load builds the eventID, time and actor indexes at its end (bulk-load.ts); a store
  // error or a wrong path still builds them before the error is thrown.
  const deferred = deferEventIndexes(store);
  const batchSize =
    options.batchSize ?? (store.dialect === 'sqlite' && !deferred ? BATCH_INTO_STORED : FIRST_LOAD_BATCH);
  try {
    await readAll();
    await writer.flush(summary);
    await writer.written();
  } finally {
    if (deferred) {
      // Second copies of an eventID this load inserted while its key was not there to refuse them.
      const removed = restoreEventIndexes(store);
      summary.inserted -= removed;
      summary.duplicates += removed;
    }
  }
  async function readAll(): Promise<void> {
    const pool = sharedPreparePool(options.prepareWorkers).run();
    try {
      for (const source of sources()) {
        for await (const file of readAhead(unfinished(store, source.files(), options.force === true), pool)) {
          if (file.skip === 'digest') {
            summary.digestFiles++;
            continue;
          }
          if (file.skip === 'not-json') {
            summary.otherFiles++;
            continue;
          }
          if (file.skip === 'unchanged') {
            summary.filesUnchanged++;
            progress(file.id);
            continue;
          }
          const pending: PendingFile = {
            id: null,
            name: file.id,
            fingerprint: file.fingerprint,
            records: 0,
            problems: 0,
            stored: 0,
            beyondCap: new Map(),
            retry: false,
            blob: null,
          };
          writer.started.push(pending);
          for await (const items of file.prepared ?? prepareHere(file))
            for (const item of items) {
              if (item.kind === 'event') {
                summary.records++;
                pending.records++;
                writer.events.push(item);
                writer.eventFiles.push(pending);
                if (writer.events.length >= batchSize) {
                  await writer.flush(summary);
                  progress(file.id);
                }
              } else if (item.kind === 'problem') {
                if (item.retryable) pending.retry = true;
                quarantine(item.problem, pending, item.quiet);
                if (writer.problems.length >= PROBLEM_FLUSH) await writer.flush(summary);
              } else if (item.kind === 'insight') {
                summary.records++;
                pending.records++;
                summary.insights++;
                writer.insights.push(item);
              } else if (item.kind === 'content') {
                // A worker's bytes arrive as a plain Uint8Array: bound as a BLOB only as a Buffer.
                const b = item.blob;
                pending.blob =
                  b === null ? null : { data: Buffer.from(b.buffer, b.byteOffset, b.byteLength), id: null };
              } else {
                for (const [code, n] of item.counts) {
                  summary.quarantined += n;
                  pending.problems += n;
                  pending.beyondCap.set(code, (pending.beyondCap.get(code) ?? 0) + n);
                }
              }
            }
          summarizeBeyondCap(pending);
          summary.filesRead++;
          if (pending.retry) summary.filesToRetry++;
          writer.done.push(pending);
          if (writer.events.length >= batchSize / 2 || writer.done.length >= 1024) await writer.flush(summary);
          // With a batch being written, the server's replies wait for this thread to reach its event
          // loop, and files read ahead can keep it busy for a whole batch: let the write go on.
          else if (writer.writing) await new Promise(setImmediate);
          progress(file.id);
        }
      }
    } catch (error) {
      // The batch being written is left to commit or fail (the caller may close the store next).
      await writer.written().catch(() => {});
      throw error;
    } finally {
      // Stopped early (a wrong path, a store error): files handed out and not read are dropped.
      pool.discard();
    }
  }
  if (options.dropOrphanBlobs !== false) await new FilesRepository(store).dropOrphanBlobs();
  summary.elapsedMs = performance.now() - started;
  progress(null);
  if (options.requireRecords && summary.inserted + summary.duplicates === 0 && summary.filesUnchanged === 0) {
    throw new NothingIngestedError(
      summary.filesRead === 0
        ? `no CloudTrail files found in ${paths.join(', ')}`
        : `all ${summary.filesRead} file(s) were unreadable; ${summary.quarantined} problem(s) quarantined (see \`trailhound stats\`)`,
    );
  }
  return summary;
}

type ListedFile = Omit<SourceFile, 'skip'> & {
  skip?: SourceFile['skip'] | 'unchanged';
  /** The file's items, being prepared on a worker since it was read ahead. */
  prepared?: AsyncIterable<PreparedItem[]> | null;
};

/**
 * Marks files an earlier run finished with the same fingerprint as `unchanged`. Looks them up
 * 256 at a time: one query per file cost ~0.3 ms each, a fifth of the ingest time on a trail of
 * small five-minute files.
 */
async function* unfinished(store: Store, files: AsyncIterable<SourceFile>, force: boolean): AsyncGenerator<ListedFile> {
  let ahead: SourceFile[] = [];
  const drain = async function* (): AsyncGenerator<ListedFile> {
    const names = ahead.filter((f) => !f.skip).map((f) => f.id);
    const done = force ? new Map<string, string>() : await new FilesRepository(store).doneFingerprints(names);
    const batch = ahead;
    ahead = [];
    for (const f of batch) yield !f.skip && done.get(f.id) === f.fingerprint ? { ...f, skip: 'unchanged' as const } : f;
  };
  for await (const file of files) {
    ahead.push(file);
    if (ahead.length >= 256) yield* drain();
  }
  yield* drain();
}

/**
 * Files read ahead of the one being parsed, as listed bytes at most `READ_AHEAD_BYTES`:
 * - read on this thread (no prepare worker), at most 16: each is held inflated, and 64 held
 *   70 MiB more peak RSS on 1,000-record files for no measurable speed;
 * - on a prepare worker, at most 4,096: what they hold is bounded by the worker's
 *   `MAX_ITEMS_AHEAD`, and 16 left the worker idle while a batch was written (10,000 files x 7
 *   events with one worker: 4.1 s, 3.3 s with 4,096, farm-bench, median of 5).
 */
const READ_AHEAD_HERE = 16;
const READ_AHEAD_ON_WORKERS = 4096;
const READ_AHEAD_BYTES = 64 * (1 << 20);

/**
 * Starts reading the next files while the current one is parsed and written: one file at a
 * time (open, stat, read, close awaited in turn) left the main thread idle 40% of the time on a
 * trail of small files. Bounded in count and bytes, so memory stays flat.
 */
async function* readAhead(
  files: AsyncIterable<ListedFile>,
  pool: ReturnType<PreparePool['run']>,
): AsyncGenerator<ListedFile> {
  const queue: ListedFile[] = [];
  let head = 0;
  let bytes = 0;
  let here = 0;
  const isHere = (file: ListedFile) => file.prepared == null && !file.skip && file.prefetch !== undefined;
  const ahead = (file: ListedFile) => file.prepared != null || isHere(file);
  const full = () =>
    queue.length - head >= READ_AHEAD_ON_WORKERS || here >= READ_AHEAD_HERE || bytes > READ_AHEAD_BYTES;
  for await (const file of files) {
    if (!file.skip) {
      file.prepared = pool.start(file as SourceFile);
      if (file.prepared === null) file.prefetch?.();
      if (ahead(file)) bytes += file.size;
      if (isHere(file)) here++;
    }
    queue.push(file);
    while (head < queue.length && full()) {
      const next = queue[head++] as ListedFile;
      if (ahead(next)) bytes -= next.size;
      if (isHere(next)) here--;
      yield next;
    }
    if (head > 1024 && head * 2 > queue.length) {
      queue.splice(0, head);
      head = 0;
    }
  }
  yield* queue.slice(head);
}

/**
 * Accumulates one transaction's worth of writes. On PostgreSQL a batch is written while the next
 * one is read and prepared (the server works on one core, this thread on the other; awaiting
 * each write left this thread idle more than half of a 10,000-file ingest); batches still commit
 * one at a time, in order, so a file is never marked done before its records are.
 */
class BatchWriter {
  events: PreparedEvent[] = [];
  /** The file of each event in `events`, whose blob id is known only once written. */
  eventFiles: PendingFile[] = [];
  problems: IngestProblem[] = [];
  insights: InsightToStore[] = [];
  /** Files first seen since the last flush: their `files` row is written with the batch. */
  started: PendingFile[] = [];
  done: PendingFile[] = [];
  readonly #store: Store;
  /** The batch being written (PostgreSQL), null when none. */
  #writing: Promise<void> | null = null;
  constructor(store: Store) {
    this.#store = store;
  }

  /** A batch is being written (PostgreSQL). */
  get writing(): boolean {
    return this.#writing !== null;
  }

  /** Resolves when every batch handed to `flush` is committed; rejects with a failed write's error. */
  async written(): Promise<void> {
    const writing = this.#writing;
    this.#writing = null;
    await writing;
  }

  /**
   * Starts writing what has accumulated, once the batch before it is committed. SQLite writes on
   * this thread, so there it is done when this resolves; on PostgreSQL see `written`.
   */
  async flush(summary: IngestSummary): Promise<void> {
    if (this.events.length + this.problems.length + this.insights.length + this.done.length + this.started.length === 0)
      return;
    await this.written();
    const writing = this.#write(summary);
    if (this.#store.dialect !== 'postgres') return writing;
    // Awaited by the next flush or `written`; until then a failure must not count as unhandled
    // (and stays to be rethrown there).
    writing.then(
      () => {
        if (this.#writing === writing) this.#writing = null;
      },
      () => {},
    );
    this.#writing = writing;
  }

  async #write(summary: IngestSummary): Promise<void> {
    const { events, eventFiles, problems, insights, done, started } = this;
    this.started = [];
    this.events = [];
    this.eventFiles = [];
    this.problems = [];
    this.insights = [];
    this.done = [];
    await this.#store.transaction(async ({ store: tx }) => {
      const files = new FilesRepository(tx);
      // A file is marked `reading` in the same transaction as its first records, and problems
      // quarantined by an earlier, interrupted read of it are forgotten.
      if (started.length > 0) {
        await files.forgetProblems(started.map((f) => f.name));
        const ids = await files.markReading(started);
        for (const f of started) f.id = ids.get(f.name) ?? null;
      }
      const withBlob = [...new Set(eventFiles)].filter((f) => f.blob && f.blob.id === null && f.id !== null);
      if (withBlob.length > 0) {
        const ids = await files.insertBlobs(
          withBlob.map((f) => ({ fileId: f.id as number, data: (f.blob as { data: Uint8Array }).data })),
        );
        for (const f of withBlob) (f.blob as { id: number | null }).id = ids.get(f.id as number) ?? null;
      }
      for (let i = 0; i < events.length; i++) {
        const file = eventFiles[i] as PendingFile;
        const row = (events[i] as PreparedEvent).row;
        row[EVENT_BLOB_ID] = file.blob?.id ?? null;
        row[EVENT_FILE_ID] = file.id;
      }
      const issued = await traceRows(tx, events);
      const before = issued.length > 0 ? await lastEventRowId(tx) : 0;
      const inserted = await insertEventRows(
        tx,
        events.map((e) => e.row),
      );
      summary.reattributed += await retraceStored(tx, issued, before);
      summary.inserted += inserted;
      summary.duplicates += events.length - inserted;
      const now = Date.now();
      await files.insertProblems(problems, now);
      await insertInsights(tx, insights);
      // A file that could not be read is not done: the next run reads it again.
      await files.markFinished(
        done.map((f) => ({
          name: f.name,
          fingerprint: f.fingerprint,
          status: f.retry ? 'retry' : 'done',
          records: f.records,
          problems: f.problems,
        })),
        now,
      );
      for (const f of done) f.blob = null;
    });
  }
}
