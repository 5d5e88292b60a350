/**
 * What ingest does to each item of a file before it is written: a record is normalized,
 * catalogued and turned into its row; an Insights record into its JSON; a problem is capped per
 * file. Runs on the prepare workers (see pool.ts) for local files and in the calling thread for
 * the others (S3, stdin), with the same code, so both give the same rows.
 */
import { gzipSync } from 'node:zlib';
import { factsOf, riskOf, targetsOf } from '../catalog/index.ts';
import { type CredentialIssuance, issuanceOf } from '../normalize/identity.ts';
import { normalizeRecord } from '../normalize/index.ts';
import type { Origin, SourceItem } from '../sources/types.ts';
import { type EventColumns, eventColumns } from '../store/events.ts';
import type { ProblemToStore } from '../store/files.ts';

/** One quarantined item: where, which rule, why, and an excerpt of the content. */
export type IngestProblem = ProblemToStore;

/**
 * A record ready to write: its row (which holds what tracing its session needs), and the
 * credential it handed out when it is an STS call that did. Nothing else crosses from a worker:
 * every field is a structured-clone cost on both threads.
 */
export interface PreparedEvent {
  kind: 'event';
  row: EventColumns;
  issuance: CredentialIssuance | null;
}

export type PreparedItem =
  /** The file's bytes to keep (gzipped), or null when it is too large to keep whole; before any other item. */
  | { kind: 'content'; blob: Uint8Array | null }
  | PreparedEvent
  | { kind: 'insight'; eventId: string; time: number | null; raw: string }
  | { kind: 'problem'; problem: IngestProblem; quiet: boolean; retryable: boolean }
  /** Problems past the per-file cap, only counted by code; after the file's last item. */
  | { kind: 'problems-beyond-cap'; counts: Array<[string, number]> };

/**
 * Files up to this size (as read, usually gzipped) are kept whole in `raw_blobs`; larger ones
 * (multi-GB exports) keep each record's JSON instead, so showing one event never has to
 * decompress and parse a huge file.
 */
export const BLOB_LIMIT = 16 * (1 << 20);

/**
 * Quarantine rows kept per file. A hostile or broken file can hold millions of bad lines: the
 * first rows show what is wrong, one summary row counts the rest, and memory and the database
 * stay bounded (a million rows was 205 MB).
 */
export const PROBLEM_ROWS_PER_FILE = 1000;

/** Items a prepare worker posts at a time. */
export const CHUNK_ITEMS = 1000;

/** The item that stands for a file whose preparation failed: retryable, so the next run reads it again. */
export function workerFailure(file: string, error: unknown): PreparedItem {
  return {
    kind: 'problem',
    problem: {
      file,
      line: null,
      index: null,
      code: 'read-error',
      reason: `preparing the file failed: ${error instanceof Error ? error.message : String(error)}; it will be read again by the next run`,
      excerpt: null,
    },
    quiet: false,
    retryable: true,
  };
}
/**
 * Items a prepare worker may have posted and not yet read before it waits: memory stays bounded
 * however far the writer falls behind. Counted in items, not chunks: a file of 7 events is a
 * chunk of its own, and a bound of 64 chunks kept the worker 64 small files ahead, idle while a
 * batch of 10,000 events was written (main thread 49% and worker 36% idle on 10,000 x 7).
 */
export const MAX_ITEMS_AHEAD = 64 * CHUNK_ITEMS;

/**
 * Who prepares a file handed to a worker: whichever thread claims it first, in a slot the worker
 * and the writing thread share. The writing thread claims a file the worker has not started
 * rather than wait for it (see pool.ts). One shared array of slots per worker, reused in turn
 * and tagged with the job's turn, so a slot left by an old job never matches a new one (a
 * buffer per file cost ~70 us a message: 0.7 s of the writing thread for 10,000 files).
 */
export const CLAIM_QUEUED = 0;
export const CLAIM_WORKER = 1;
export const CLAIM_HERE = 2;
/** No one: its reader stopped before the worker started it. */
export const CLAIM_DROPPED = 3;
export const CLAIM_SLOTS = 1 << 16;

export function claimSlot(job: number): number {
  return job % CLAIM_SLOTS;
}

function claimValue(job: number, state: number): number {
  return ((Math.floor(job / CLAIM_SLOTS) % (1 << 29)) << 2) | state;
}

/** Marks `job` queued in its slot (the slot must be free: no live job in it). */
export function queueClaim(slots: Int32Array, job: number): void {
  Atomics.store(slots, claimSlot(job), claimValue(job, CLAIM_QUEUED));
}

/** Moves `job` from `from` to `to`; false when another thread moved it first. */
export function moveClaim(slots: Int32Array, job: number, from: number, to: number): boolean {
  const expected = claimValue(job, from);
  return Atomics.compareExchange(slots, claimSlot(job), expected, claimValue(job, to)) === expected;
}

/** Whether `job` is still queued. */
export function isQueued(slots: Int32Array, job: number): boolean {
  return Atomics.load(slots, claimSlot(job)) === claimValue(job, CLAIM_QUEUED);
}

/** What a chunk of `items` items counts against `MAX_ITEMS_AHEAD`: at least one (a file's empty last chunk). */
export function chunkWeight(items: number): number {
  return Math.max(1, items);
}

export function problemAt(origin: Origin, code: string, reason: string, excerpt: string | null): IngestProblem {
  return { file: origin.file, line: origin.line ?? null, index: origin.index ?? null, code, reason, excerpt };
}

/** The items of one file's source items, in order. */
export async function* prepareItems(
  read: (hooks: { onContent: (bytes: Buffer) => void }) => AsyncIterable<SourceItem>,
): AsyncGenerator<PreparedItem> {
  let content: Buffer | null = null;
  let blob = false;
  let problems = 0;
  const beyondCap = new Map<string, number>();
  const problem = (p: IngestProblem, quiet: boolean, retryable: boolean): PreparedItem | null => {
    if (problems++ < PROBLEM_ROWS_PER_FILE) return { kind: 'problem', problem: p, quiet, retryable };
    beyondCap.set(p.code, (beyondCap.get(p.code) ?? 0) + 1);
    return null;
  };
  for await (const item of read({
    onContent: (bytes) => {
      content = bytes;
    },
  })) {
    if (content !== null) {
      const bytes: Buffer = content;
      content = null;
      blob = bytes.length <= BLOB_LIMIT;
      yield { kind: 'content', blob: blob ? (isGzip(bytes) ? bytes : gzipSync(bytes, { level: 1 })) : null };
    }
    if (item.kind === 'problem') {
      const p = problem(
        problemAt(item.origin, item.code, item.reason, item.excerpt),
        item.quiet === true,
        item.retryable === true,
      );
      if (p) yield p;
      continue;
    }
    if (item.kind === 'insight') {
      yield insightOf(item.record);
      continue;
    }
    const result = normalizeRecord(item.record);
    if (!result.ok) {
      const p = problem(
        problemAt(item.origin, result.code, result.reason, JSON.stringify(item.record).slice(0, 200)),
        false,
        false,
      );
      if (p) yield p;
      continue;
    }
    const { event } = result;
    yield {
      kind: 'event',
      row: eventColumns({
        event,
        facts: factsOf(event),
        risk: riskOf(event),
        targets: targetsOf(event),
        fileId: null,
        blobId: null,
        raw: blob ? null : JSON.stringify(item.record),
        line: item.origin.line ?? null,
        index: item.origin.index ?? null,
      }),
      issuance: issuanceOf(event),
    };
  }
  if (beyondCap.size > 0) yield { kind: 'problems-beyond-cap', counts: [...beyondCap] };
}

function insightOf(record: Record<string, unknown>): PreparedItem {
  const raw = JSON.stringify(record);
  const eventId = typeof record.eventID === 'string' ? record.eventID : `insight:${raw.length}:${hash(raw)}`;
  const time = typeof record.eventTime === 'string' ? Date.parse(record.eventTime) : Number.NaN;
  return { kind: 'insight', eventId, time: Number.isFinite(time) ? time : null, raw };
}

function isGzip(b: Buffer): boolean {
  return b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
}

function hash(s: string): string {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return (h >>> 0).toString(16);
}
