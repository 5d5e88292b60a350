/**
 * Ingest: sources -> normalize -> catalog -> store, exactly once and crash-safe.
 *
 * Exactly once: `events.event_id` is UNIQUE and inserts ignore known ids, so a file read
 * twice, or the same eventID in two files, is stored once. Crash-safe: records are written
 * in transactions of at most `batchSize` records; a file is marked `done` (with its
 * fingerprint) in the same transaction as its last records. A killed run leaves files
 * `reading`; the rerun reads them again and the UNIQUE key drops what was already stored,
 * so the database ends as an uninterrupted run leaves it.
 */
import { gzipSync } from 'node:zlib';
import { factsOf, riskOf } from '../catalog/index.ts';
import { NothingIngestedError } from '../errors.ts';
import { normalizeRecord } from '../normalize/index.ts';
import { openSource } from '../sources/index.ts';
import type { Origin, SourceFile } from '../sources/types.ts';
import { type EventToStore, insertEvents } from '../store/events.ts';
import type { Store } from '../store/index.ts';

export interface IngestProgress {
  filesDone: number;
  events: number;
  inserted: number;
  /** Milliseconds since the ingest started. */
  elapsedMs: number;
  currentFile: string | null;
}

export interface IngestOptions {
  /** Records per transaction. 5,000 amortizes the commit (measured: 1,000 cost ~15% more time). */
  batchSize?: number;
  onProgress?: (progress: IngestProgress) => void;
  /** Called for every quarantined item, e.g. to print it. */
  onProblem?: (problem: IngestProblem) => void;
  stdin?: NodeJS.ReadableStream;
  /** Reread files even when their fingerprint says they are done. */
  force?: boolean;
  /** Throw `NothingIngestedError` when nothing at all could be read (the CLI's exit status). */
  requireRecords?: boolean;
}

export interface IngestProblem {
  file: string;
  line: number | null;
  index: number | null;
  code: string;
  reason: string;
  excerpt: string | null;
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
  elapsedMs: number;
}

interface PendingFile {
  id: number;
  name: string;
  fingerprint: string;
  records: number;
  problems: number;
  /** The file's bytes (gzipped) to keep in `raw_blobs`; `id` once written. */
  blob: { data: Buffer; id: number | null } | null;
}

/**
 * Files up to this size (as read, usually gzipped) are kept whole in `raw_blobs`; larger ones
 * (multi-GB exports) keep each record's JSON instead, so showing one event never has to
 * decompress and parse a huge file.
 */
const BLOB_LIMIT = 16 * (1 << 20);

/** Reads every path (file, folder, `-`, `s3://...`) into the store. */
export async function ingest(store: Store, paths: readonly string[], options: IngestOptions = {}): Promise<IngestSummary> {
  const started = performance.now();
  const batchSize = options.batchSize ?? 5000;
  const summary: IngestSummary = {
    filesRead: 0, filesUnchanged: 0, digestFiles: 0, otherFiles: 0, records: 0, inserted: 0, duplicates: 0, quarantined: 0, insights: 0, elapsedMs: 0,
  };
  const writer = new BatchWriter(store);
  const progress = (currentFile: string | null) =>
    options.onProgress?.({ filesDone: summary.filesRead + summary.filesUnchanged, events: summary.records, inserted: summary.inserted, elapsedMs: performance.now() - started, currentFile });

  const quarantine = (p: IngestProblem, file: PendingFile | null) => {
    summary.quarantined++;
    if (file) file.problems++;
    writer.problems.push(p);
    options.onProblem?.(p);
  };

  for (const spec of paths) {
    const source = openSource(spec, options.stdin ? { stdin: options.stdin } : {});
    for await (const file of source.files()) {
      if (file.skip === 'digest') { summary.digestFiles++; continue; }
      if (file.skip) { summary.otherFiles++; continue; }
      if (!options.force && (await isDone(store, file))) { summary.filesUnchanged++; progress(file.id); continue; }
      const pending = await startFile(store, file);
      const content: { bytes: Buffer | null } = { bytes: null };
      for await (const item of file.read({ onContent: (bytes) => { content.bytes = bytes; } })) {
        if (content.bytes) {
          const bytes = content.bytes;
          content.bytes = null;
          pending.blob = bytes.length <= BLOB_LIMIT ? { data: isGzip(bytes) ? bytes : gzipSync(bytes, { level: 1 }), id: null } : null;
        }
        if (item.kind === 'problem') {
          quarantine(problemAt(item.origin, item.code, item.reason, item.excerpt), pending);
          continue;
        }
        summary.records++;
        pending.records++;
        if (item.kind === 'insight') {
          summary.insights++;
          writer.insights.push({ record: item.record, raw: JSON.stringify(item.record) });
          continue;
        }
        const result = normalizeRecord(item.record);
        if (!result.ok) {
          quarantine(problemAt(item.origin, result.code, result.reason, JSON.stringify(item.record).slice(0, 200)), pending);
          continue;
        }
        const { event } = result;
        writer.events.push({
          event, facts: factsOf(event), risk: riskOf(event), fileId: pending.id, blobId: null,
          raw: pending.blob ? null : JSON.stringify(item.record), line: item.origin.line ?? null, index: item.origin.index ?? null,
        });
        writer.eventFiles.push(pending);
        if (writer.events.length >= batchSize) {
          await writer.flush(summary);
          progress(file.id);
        }
      }
      summary.filesRead++;
      writer.done.push(pending);
      if (writer.events.length >= batchSize / 5 || writer.done.length >= 64) await writer.flush(summary);
      progress(file.id);
    }
  }
  await writer.flush(summary);
  await dropOrphanBlobs(store);
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

function problemAt(origin: Origin, code: string, reason: string, excerpt: string | null): IngestProblem {
  return { file: origin.file, line: origin.line ?? null, index: origin.index ?? null, code, reason, excerpt };
}

async function isDone(store: Store, file: SourceFile): Promise<boolean> {
  const row = await store.db.selectFrom('files').select(['fingerprint', 'status']).where('name', '=', file.id).executeTakeFirst();
  return row?.status === 'done' && row.fingerprint === file.fingerprint;
}

/** Marks a file `reading` and forgets problems quarantined by an earlier, interrupted read of it. */
async function startFile(store: Store, file: SourceFile): Promise<PendingFile> {
  return store.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('quarantine').where('file', '=', file.id).execute();
    const row = await trx
      .insertInto('files')
      .values({ name: file.id, fingerprint: file.fingerprint, status: 'reading', records: 0, problems: 0, finished_at: null })
      .onConflict((oc) => oc.column('name').doUpdateSet({ fingerprint: file.fingerprint, status: 'reading' }))
      .returning('id')
      .executeTakeFirstOrThrow();
    return { id: Number(row.id), name: file.id, fingerprint: file.fingerprint, records: 0, problems: 0, blob: null };
  });
}

/** Accumulates one transaction's worth of writes. */
class BatchWriter {
  events: EventToStore[] = [];
  /** The file of each event in `events`, whose blob id is known only once written. */
  eventFiles: PendingFile[] = [];
  problems: IngestProblem[] = [];
  insights: Array<{ record: Record<string, unknown>; raw: string }> = [];
  done: PendingFile[] = [];
  readonly #store: Store;
  constructor(store: Store) {
    this.#store = store;
  }

  async flush(summary: IngestSummary): Promise<void> {
    if (this.events.length + this.problems.length + this.insights.length + this.done.length === 0) return;
    const { events, eventFiles, problems, insights, done } = this;
    this.events = [];
    this.eventFiles = [];
    this.problems = [];
    this.insights = [];
    this.done = [];
    await this.#store.db.transaction().execute(async (trx) => {
      for (let i = 0; i < events.length; i++) {
        const file = eventFiles[i] as PendingFile;
        if (file.blob && file.blob.id === null) {
          const row = await trx.insertInto('raw_blobs').values({ file_id: file.id, data: file.blob.data }).returning('id').executeTakeFirstOrThrow();
          file.blob.id = Number(row.id);
        }
        (events[i] as EventToStore).blobId = file.blob?.id ?? null;
      }
      const inserted = await insertEvents({ ...this.#store, db: trx }, events);
      summary.inserted += inserted;
      summary.duplicates += events.length - inserted;
      const now = Date.now();
      for (let i = 0; i < problems.length; i += 500) {
        await trx.insertInto('quarantine').values(problems.slice(i, i + 500).map((p) => ({
          file: p.file, line: p.line, idx: p.index, code: p.code, reason: p.reason, excerpt: p.excerpt, created_at: now,
        }))).execute();
      }
      for (const { record, raw } of insights) {
        const eventId = typeof record.eventID === 'string' ? record.eventID : `insight:${raw.length}:${hash(raw)}`;
        const time = typeof record.eventTime === 'string' ? Date.parse(record.eventTime) : Number.NaN;
        await trx.insertInto('insights').values({ event_id: eventId, time: Number.isFinite(time) ? time : null, raw })
          .onConflict((oc) => oc.column('event_id').doNothing()).execute();
      }
      for (const f of done) {
        f.blob = null;
        await trx.updateTable('files').set({ status: 'done', records: f.records, problems: f.problems, finished_at: now }).where('id', '=', f.id).execute();
      }
    });
  }
}

function isGzip(b: Buffer): boolean {
  return b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
}

/**
 * Deletes blobs that no event references: files whose every record was a duplicate, and
 * blobs left by a run that was killed. Only rows written since the last run's watermark are
 * looked at, so the cost follows the size of this run, not of the store.
 */
async function dropOrphanBlobs(store: Store): Promise<void> {
  await store.db.transaction().execute(async (trx) => {
    const mark = await trx.selectFrom('kv').select('value').where('key', '=', 'ingest.watermark').executeTakeFirst();
    const since = mark ? (JSON.parse(mark.value) as { blob: number; event: number }) : { blob: 0, event: 0 };
    await trx.deleteFrom('raw_blobs')
      .where('id', '>', since.blob)
      .where('id', 'not in', (eb) => eb.selectFrom('events').select('blob_id').where('id', '>', since.event).where('blob_id', 'is not', null).distinct() as never)
      .execute();
    const blob = await trx.selectFrom('raw_blobs').select((eb) => eb.fn.max('id').as('m')).executeTakeFirst();
    const event = await trx.selectFrom('events').select((eb) => eb.fn.max('id').as('m')).executeTakeFirst();
    const value = JSON.stringify({ blob: Number(blob?.m ?? 0), event: Number(event?.m ?? 0) });
    await trx.insertInto('kv').values({ key: 'ingest.watermark', value }).onConflict((oc) => oc.column('key').doUpdateSet({ value })).execute();
  });
}

function hash(s: string): string {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return (h >>> 0).toString(16);
}
