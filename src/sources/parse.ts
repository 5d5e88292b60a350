/**
 * Turns the bytes of one file or object into `SourceItem`s, whatever shape the CloudTrail
 * arrived in: `{"Records":[...]}` (plain or gzipped), a JSON array, JSON Lines (CloudTrail
 * Lake / Athena / SIEM exports), EventBridge envelopes, CloudWatch Logs subscription
 * payloads, or one record. The format is detected from the content, never the file name.
 *
 * Never throws on content: every problem becomes one `problem` item with a stable code and
 * reading goes on, so bad input never costs a good record.
 *
 * Speed (research/algorithms.md part B, measured on this machine): whole-file gunzip with
 * 1 MiB chunks (~2x the default 16 KiB), ASCII buffers decoded as latin1 (~2x utf8 decode),
 * one `JSON.parse` per file (faster than any streaming or hand-written parser we tried).
 */
import { isAscii } from 'node:buffer';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { ACCEPTED_SHAPES, isObject, looksLikeCloudTrail, unwrapExport } from './exports.ts';
import { fillEventTime, rowOfColumns } from './formats/index.ts';
import type { Origin, SourceItem } from './types.ts';

export { looksLikeCloudTrail } from './exports.ts';

/** Problem codes a source can report. Stable: stored in the quarantine and shown to users. */
export type ProblemCode =
  | 'empty-file'
  | 'invalid-json'
  | 'not-cloudtrail'
  | 'wrong-type'
  | 'record-too-large'
  | 'file-too-large'
  | 'gzip-truncated'
  | 'gzip-invalid'
  | 'read-error'
  | 'invalid-parquet'
  | 'not-a-file'
  | 'too-many-problems'
  | 'decompression-bomb';

export interface ParseLimits {
  /** A record (or a JSON Lines line) longer than this is reported, not read. In characters (= bytes for ASCII). */
  maxRecordBytes: number;
  /** A file that is larger than this once decompressed is reported, not loaded. */
  maxFileBytes: number;
}

export const DEFAULT_LIMITS: ParseLimits = {
  maxRecordBytes: 1 << 20,
  // V8 strings cannot be longer than ~512 MiB, so a whole-file decode cannot go beyond it.
  maxFileBytes: 512 * (1 << 20) - 64,
};

export interface ParseContext {
  /** `path`, `s3://bucket/key` or `-`: goes into every origin. */
  file: string;
  limits: ParseLimits;
  /** Every record of the file is a CloudTrail Insights event (the file sits under `CloudTrail-Insight/`). */
  insightFile: boolean;
  /** See `ReadHooks.onContent`. */
  onContent?: ((bytes: Buffer) => void) | undefined;
}

export const EXCERPT_CHARS = 200;
// biome-ignore lint/suspicious/noControlCharactersInRegex: escaping them is the point
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
const gunzipAsync = promisify(zlib.gunzip) as (buf: Buffer, options: zlib.ZlibOptions) => Promise<Buffer>;
/**
 * Below this many compressed bytes a file is gunzipped on the main thread: for a five-minute
 * trail file (~2 KB) the thread-pool round trip cost more than the inflate itself.
 */
const SYNC_GUNZIP_BYTES = 64 * 1024;
/** Deflate expands at most ~1032:1: below `inMemory / DEFLATE_MAX_RATIO` compressed bytes the output limit cannot be hit. */
const DEFLATE_MAX_RATIO = 1100;

/**
 * Loaded on first use (they import this module), then kept: a dynamic `import()` per file went
 * through the module loader every time (1.4 s of 22 s on 10,000 small files).
 */
let streamModule: Promise<typeof import('./stream.ts')> | undefined;
let parquetModule: Promise<typeof import('./parquet.ts')> | undefined;

export function problem(origin: Origin, code: ProblemCode, reason: string, excerpt: string | null): SourceItem {
  return {
    kind: 'problem',
    origin,
    code,
    reason: clean(reason, 1000),
    excerpt: excerpt === null ? null : clean(excerpt, EXCERPT_CHARS),
  };
}

/** A problem that says to read the file again later: what failed is the reading, not the content. */
export function readFailure(file: string, message: string): SourceItem {
  const item = problem({ file }, 'read-error', `${message}; it will be read again by the next run`, null);
  if (item.kind === 'problem') item.retryable = true;
  return item;
}

/** Control characters are replaced so an excerpt or reason of attacker content is safe to print and store. */
function clean(text: string, max: number): string {
  const escaped = text
    .slice(0, max + 1)
    .replace(CONTROL_CHARS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return escaped.length > max || text.length > max ? `${escaped.slice(0, max)}…` : escaped;
}

/** Items of one whole file's bytes (gzipped or not). */
export async function* parseBuffer(buf: Buffer, ctx: ParseContext): AsyncGenerator<SourceItem> {
  const at: Origin = { file: ctx.file };
  if (buf.length === 0) {
    yield problem(at, 'empty-file', 'the file is empty', null);
    return;
  }
  ctx.onContent?.(buf);
  if (buf.length >= 4 && buf.readUInt32LE(0) === 0x31524150) {
    parquetModule ??= import('./parquet.ts');
    const { isParquet, parquetItems } = await parquetModule;
    if (isParquet(buf)) {
      yield* parquetItems(buf, ctx);
      return;
    }
  }
  if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
    streamModule ??= import('./stream.ts');
    const { BOMB_MIN_BYTES, BOMB_RATIO, streamGzipBuffer } = await streamModule;
    // Inflated in memory only up to what a real file of this compressed size can hold: a bomb
    // (or a file above the limit) goes to the stream, which stops a bomb and streams JSON Lines.
    const inMemory = Math.min(ctx.limits.maxFileBytes, Math.max(BOMB_MIN_BYTES, buf.length * BOMB_RATIO));
    let plain: Buffer;
    try {
      plain =
        buf.length < SYNC_GUNZIP_BYTES && buf.length * DEFLATE_MAX_RATIO < inMemory
          ? zlib.gunzipSync(buf, { chunkSize: 1 << 16, maxOutputLength: inMemory })
          : await gunzipAsync(buf, { chunkSize: 1 << 20, maxOutputLength: inMemory });
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'ERR_BUFFER_TOO_LARGE') {
        // Too large to hold decompressed: JSON Lines are streamed line by line, anything else is reported.
        yield* streamGzipBuffer(buf, ctx);
        return;
      }
      if (code !== 'Z_BUF_ERROR') {
        yield problem(at, 'gzip-invalid', `gzip data is corrupt: ${(error as Error).message}`, excerptOfBytes(buf));
        return;
      }
      // Truncated (e.g. a partial download): keep what decompresses; JSON Lines keep every complete line.
      let partial: Buffer;
      try {
        partial = zlib.gunzipSync(buf, {
          chunkSize: 1 << 20,
          maxOutputLength: inMemory,
          finishFlush: zlib.constants.Z_SYNC_FLUSH,
        });
      } catch {
        partial = Buffer.alloc(0);
      }
      yield* parseText(decode(partial), ctx, true);
      yield problem(
        at,
        'gzip-truncated',
        `gzip data ends early (${buf.length} compressed bytes, ${partial.length} recovered); complete records before the cut were kept where the format allows`,
        null,
      );
      return;
    }
    if (plain.length === 0) {
      yield problem(at, 'empty-file', 'the file is empty once decompressed', null);
      return;
    }
    yield* parseText(decode(plain), ctx, false);
    return;
  }
  if (buf.length > ctx.limits.maxFileBytes) {
    yield problem(
      at,
      'file-too-large',
      `size ${buf.length} is above the limit of ${ctx.limits.maxFileBytes} bytes; not loaded`,
      null,
    );
    return;
  }
  yield* parseText(decode(buf), ctx, false);
}

/** Items of a gzipped file's bytes already inflated (by the read worker) within the limits `parseBuffer` applies. */
export function* parseInflated(buf: Buffer, plain: Buffer, ctx: ParseContext): Generator<SourceItem> {
  ctx.onContent?.(buf);
  if (plain.length === 0) {
    yield problem({ file: ctx.file }, 'empty-file', 'the file is empty once decompressed', null);
    return;
  }
  yield* parseText(decode(plain), ctx, false);
}

/** Nearly all CloudTrail is ASCII: then latin1 decoding is exact and ~2x faster than utf8 (measured). */
export function decode(buf: Buffer): string {
  if (isAscii(buf)) return buf.toString('latin1');
  // Windows PowerShell writes UTF-16LE with a BOM by default.
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) return buf.toString('utf16le', 2);
  const text = buf.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function excerptOfBytes(buf: Buffer): string {
  return buf.subarray(0, EXCERPT_CHARS).toString('latin1');
}

/**
 * Items of a decoded text. `truncated`: the text is what could be recovered from a cut gzip;
 * the caller reports the truncation, so an unparsable tail is not reported again.
 */
export function* parseText(text: string, ctx: ParseContext, truncated: boolean): Generator<SourceItem> {
  const at: Origin = { file: ctx.file };
  const start = firstNonSpace(text, 0);
  if (start === text.length) {
    if (!truncated)
      yield problem(at, 'empty-file', text.length === 0 ? 'the file is empty' : 'the file holds only whitespace', null);
    return;
  }
  let value: unknown;
  let parseError: Error | null = null;
  try {
    value = JSON.parse(text);
  } catch (error) {
    parseError = error as Error;
  }
  if (parseError === null) {
    yield* itemsOfDocument(value, text, ctx);
    return;
  }
  if (looksLikeJsonLines(text, start)) {
    yield* itemsOfJsonLines(text, ctx, truncated);
    return;
  }
  if (isConcatenated(text, start)) {
    yield* itemsOfConcatenated(text, ctx, truncated);
    return;
  }
  const array = recordArrayStart(text, start);
  if (array !== -1) {
    // One bad record (a raw control character, a cut tail) must not cost the file: each element alone.
    yield* itemsOfBrokenArray(text, array, ctx, truncated);
    return;
  }
  if (truncated) return;
  const c = text.charCodeAt(start);
  const reason =
    c === 0x7b || c === 0x5b
      ? `invalid JSON: ${parseError.message}`
      : `not JSON (content starts with ${JSON.stringify(text.slice(start, start + 8))})`;
  yield problem(at, 'invalid-json', reason, text.slice(start, start + EXCERPT_CHARS));
}

/**
 * Where the elements of the record array begin (just after its `[`) in a text that starts a
 * `{"Records": [` document or a bare array of objects, or -1.
 */
function recordArrayStart(text: string, start: number): number {
  if (text.charCodeAt(start) === 0x5b) {
    const first = firstNonSpace(text, start + 1);
    return text.charCodeAt(first) === 0x7b ? start + 1 : -1;
  }
  if (text.charCodeAt(start) !== 0x7b) return -1;
  const key = /\{\s*"Records"\s*:\s*\[/y;
  key.lastIndex = start;
  return key.test(text) ? key.lastIndex : -1;
}

/**
 * The elements of a record array that does not parse as a whole, each parsed alone (the string-aware
 * scan of `valueEnd` finds where each ends): a bad element is quarantined by index, the others are
 * read. Stops at the first place that is not `{...}` followed by `,` or `]`.
 */
function* itemsOfBrokenArray(text: string, from: number, ctx: ParseContext, truncated: boolean): Generator<SourceItem> {
  let pos = firstNonSpace(text, from);
  for (let index = 0; pos < text.length; index++) {
    const where: Origin = { file: ctx.file, index };
    if (text.charCodeAt(pos) === 0x5d) return;
    if (text.charCodeAt(pos) !== 0x7b) {
      yield problem(
        where,
        'invalid-json',
        `element ${index} is not an object; the rest of the file is not read`,
        text.slice(pos, pos + EXCERPT_CHARS),
      );
      return;
    }
    const end = valueEnd(text, pos);
    if (end === -1) {
      if (!truncated)
        yield problem(
          where,
          'invalid-json',
          `record ${index} is cut: the file ends inside it`,
          text.slice(pos, pos + EXCERPT_CHARS),
        );
      return;
    }
    const parsed = jsonAt(text, pos, end, where, ctx, 'record', `record ${index}: `);
    if ('problem' in parsed) yield parsed.problem;
    else if (isObject(parsed.value)) yield recordItem(unwrapEnvelope(parsed.value) ?? parsed.value, where, ctx);
    pos = firstNonSpace(text, end);
    const c = text.charCodeAt(pos);
    if (c === 0x2c) pos = firstNonSpace(text, pos + 1);
    else if (c !== 0x5d && pos < text.length) {
      yield problem(
        { file: ctx.file, index: index + 1 },
        'invalid-json',
        `text after record ${index} where "," or "]" was expected; the rest of the file is not read`,
        text.slice(pos, pos + EXCERPT_CHARS),
      );
      return;
    }
  }
}

/**
 * The JSON value at `text[pos, end)`, or the problem that keeps it out: above the record size
 * limit, or not JSON (`prefix` starts the message).
 */
function jsonAt(
  text: string,
  pos: number,
  end: number,
  at: Origin,
  ctx: ParseContext,
  noun: 'record' | 'value',
  prefix: string,
): { value: unknown; slice: string } | { problem: SourceItem } {
  if (end - pos > ctx.limits.maxRecordBytes)
    return {
      problem: problem(
        at,
        'record-too-large',
        `${noun} is ${end - pos} characters, above the limit of ${ctx.limits.maxRecordBytes}`,
        text.slice(pos, pos + EXCERPT_CHARS),
      ),
    };
  const slice = text.slice(pos, end);
  try {
    return { value: JSON.parse(slice), slice };
  } catch (error) {
    return { problem: problem(at, 'invalid-json', `${prefix}${(error as Error).message}`, slice) };
  }
}

/**
 * Where the JSON starts in a line of tab-separated fields ending in an object (`time<TAB>tag<TAB>{...}`,
 * Fluentd's out_file default), or 0: the line is JSON from its start.
 */
function tabbedJsonStart(line: string): number {
  const c = line.charCodeAt(0);
  if (c === 0x7b || c === 0x5b || line.charCodeAt(line.length - 1) !== 0x7d) return 0;
  const at = line.indexOf('\t{');
  return at > 0 && at < 200 ? at + 1 : 0;
}

/**
 * Why a line cannot be JSON, from its first character, or null when it may be. Spares a thrown
 * SyntaxError per line (~10 µs each) in a file of millions of lines of junk.
 */
export function notJsonStart(line: string): string | null {
  const i = firstNonSpace(line, 0);
  if (i === line.length) return null;
  const c = line.charCodeAt(i);
  // { [ " - 0-9 t f n: what a JSON value can start with
  if (
    c === 0x7b ||
    c === 0x5b ||
    c === 0x22 ||
    c === 0x2d ||
    (c >= 0x30 && c <= 0x39) ||
    c === 0x74 ||
    c === 0x66 ||
    c === 0x6e
  )
    return null;
  return `invalid JSON: a line starting with ${JSON.stringify(line.slice(i, i + 8))} is not JSON`;
}

function firstNonSpace(text: string, from: number): number {
  let i = from;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
  }
  return i;
}

/**
 * A text that is not one JSON value is JSON Lines if its first line is a JSON object, or if
 * most lines look like whole objects (a bad first line must not cost the good ones).
 * Pretty-printed JSON rarely has a line that starts with `{` and ends with `}`.
 * Looks at the first 1,000 non-empty lines at most.
 */
function looksLikeJsonLines(text: string, start: number): boolean {
  let objects = 0;
  let lines = 0;
  for (let pos = start; pos < text.length && lines < 1000; ) {
    let end = text.indexOf('\n', pos);
    if (end === -1) end = text.length;
    const whole = text.slice(pos, end).trim();
    pos = end + 1;
    if (whole.length === 0) continue;
    lines++;
    const line = whole.slice(tabbedJsonStart(whole));
    if (line.charCodeAt(0) === 0x7b && line.charCodeAt(line.length - 1) === 0x7d) {
      if (lines === 1) {
        try {
          if (isObject(JSON.parse(line))) return true;
        } catch {
          // fall through to counting
        }
      }
      objects++;
    }
  }
  return objects >= 2 && objects * 2 >= lines;
}

function* itemsOfJsonLines(text: string, ctx: ParseContext, truncated: boolean): Generator<SourceItem> {
  const gate = new CloudTrailGate(ctx.file);
  let lineNo = 0;
  for (let pos = 0; pos < text.length; ) {
    // Blank lines are passed in one scan (counted, not sliced): a flood of newlines costs one pass.
    const next = firstNonSpace(text, pos);
    if (next === text.length) break;
    for (let nl = next > pos ? text.indexOf('\n', pos) : -1; nl !== -1 && nl < next; nl = text.indexOf('\n', nl + 1)) {
      lineNo++;
      pos = nl + 1;
    }
    let end = text.indexOf('\n', pos);
    const last = end === -1;
    if (last) end = text.length;
    lineNo++;
    const lineStart = pos;
    pos = end + 1;
    const at: Origin = { file: ctx.file, line: lineNo };
    if (end - lineStart > ctx.limits.maxRecordBytes) {
      yield problem(
        at,
        'record-too-large',
        `line is ${end - lineStart} characters, above the limit of ${ctx.limits.maxRecordBytes}`,
        text.slice(lineStart, lineStart + EXCERPT_CHARS),
      );
      continue;
    }
    let line = text.slice(lineStart, end);
    // Fluentd's default out_file line: `time<TAB>tag<TAB>{record}`; the time stands in for a missing eventTime.
    const jsonAt = tabbedJsonStart(line);
    const stamped = jsonAt > 0 ? { time: line.slice(0, line.indexOf('\t')) } : null;
    if (jsonAt > 0) line = line.slice(jsonAt);
    const notJson = notJsonStart(line);
    if (notJson !== null) {
      if (!(truncated && last)) yield problem(at, 'invalid-json', notJson, line);
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      // The cut tail of a truncated gzip is covered by the gzip-truncated problem.
      if (!(truncated && last)) yield problem(at, 'invalid-json', `invalid JSON: ${(error as Error).message}`, line);
      continue;
    }
    // Most lines are one record: build it directly, without a generator per line.
    if (isObject(value) && !isContainer(value)) {
      if (stamped) fillEventTime(value, stamped);
      const item = objectItem(value, at, ctx, line);
      if (gate.admit(item)) {
        yield* gate.released();
        yield item;
      }
      continue;
    }
    for (const item of itemsOfValue(value, at, ctx, line)) {
      if (gate.admit(item)) {
        yield* gate.released();
        yield item;
      }
    }
  }
  yield* gate.end(lineNo);
}

/**
 * Concatenated JSON: several objects or arrays one after the other, each possibly spread over
 * many lines, as `jq '.Records[]'` prints them. True when the text starts with one complete
 * value that parses and something follows it.
 */
function isConcatenated(text: string, start: number): boolean {
  const c = text.charCodeAt(start);
  if (c !== 0x7b && c !== 0x5b) return false;
  const end = valueEnd(text, start);
  if (end === -1 || firstNonSpace(text, end) === text.length) return false;
  try {
    JSON.parse(text.slice(start, end));
    return true;
  } catch {
    return false;
  }
}

/** End (exclusive) of the object or array that starts at `start`, or -1 when the text ends first. */
function valueEnd(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      const j = stringEnd(text, i);
      if (j === -1) return -1;
      i = j;
    } else if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

/** Index of the quote that closes the string opening at `open`, or -1. */
function stringEnd(text: string, open: number): number {
  let j = open;
  for (;;) {
    j = text.indexOf('"', j + 1);
    if (j === -1) return -1;
    let backslashes = 0;
    while (text.charCodeAt(j - 1 - backslashes) === 0x5c) backslashes++;
    if (backslashes % 2 === 0) return j;
  }
}

function* itemsOfConcatenated(text: string, ctx: ParseContext, truncated: boolean): Generator<SourceItem> {
  const gate = new CloudTrailGate(ctx.file);
  let line = 1;
  let counted = 0;
  const lineAt = (pos: number): number => {
    for (let k = text.indexOf('\n', counted); k !== -1 && k < pos; k = text.indexOf('\n', counted)) {
      line++;
      counted = k + 1;
    }
    return line;
  };
  let values = 0;
  let previousLine = 0;
  let onLine = 0;
  for (let pos = firstNonSpace(text, 0); pos < text.length; values++) {
    const valueLine = lineAt(pos);
    onLine = valueLine === previousLine ? onLine + 1 : 0;
    previousLine = valueLine;
    // Origins must be unique in a file (the store finds a record again by them): a second value
    // that starts on the same line gets its rank on the line as index.
    const at: Origin =
      onLine === 0 ? { file: ctx.file, line: valueLine } : { file: ctx.file, line: valueLine, index: onLine };
    const c = text.charCodeAt(pos);
    if (c !== 0x7b && c !== 0x5b) {
      const brace = text.indexOf('{', pos);
      const next = brace === -1 ? text.length : brace;
      yield problem(
        at,
        'invalid-json',
        'text between JSON values',
        text.slice(pos, Math.min(next, pos + EXCERPT_CHARS)),
      );
      pos = firstNonSpace(text, next);
      continue;
    }
    const end = valueEnd(text, pos);
    if (end === -1) {
      if (!truncated)
        yield problem(at, 'invalid-json', 'the last JSON value is cut', text.slice(pos, pos + EXCERPT_CHARS));
      break;
    }
    const parsed = jsonAt(text, pos, end, at, ctx, 'value', 'invalid JSON: ');
    if ('problem' in parsed) yield parsed.problem;
    else
      for (const item of itemsOfValue(parsed.value, at, ctx, parsed.slice)) {
        if (gate.admit(item)) {
          yield* gate.released();
          yield item;
        }
      }
    pos = firstNonSpace(text, end);
  }
  yield* gate.end(values);
}

/** Items of a whole-file JSON value. */
function* itemsOfDocument(value: unknown, text: string, ctx: ParseContext): Generator<SourceItem> {
  const at: Origin = { file: ctx.file };
  // `Events`: the output of `aws cloudtrail lookup-events` (each element wraps a record in CloudTrailEvent).
  const arrayKey = isObject(value) ? recordArrayKey(value) : null;
  const records =
    arrayKey !== null && isObject(value) ? recordsAt(value, arrayKey) : Array.isArray(value) ? value : null;
  if (records === null) {
    if (text.length > ctx.limits.maxRecordBytes && !(isObject(value) && 'Records' in value)) {
      yield problem(
        at,
        'record-too-large',
        `the record is ${text.length} characters, above the limit of ${ctx.limits.maxRecordBytes}`,
        text.slice(0, EXCERPT_CHARS),
      );
      return;
    }
    yield* itemsOfValue(value, at, ctx, text);
    return;
  }
  // Only a file longer than the record limit can hold a record above it: find those by a scan,
  // unless the openings of AWS-written records already show that none can be that large.
  const limit = ctx.limits.maxRecordBytes;
  const tooLarge =
    text.length > limit && !recordOpeningsBoundSizes(text, records.length, limit)
      ? oversizedElements(text, arrayKey, limit)
      : null;
  const gate = arrayKey === 'Records' ? null : new CloudTrailGate(ctx.file);
  for (let index = 0; index < records.length; index++) {
    const element: unknown = records[index];
    const where: Origin = { file: ctx.file, index };
    const span = tooLarge?.get(index);
    if (span !== undefined) {
      yield problem(
        where,
        'record-too-large',
        `record is ${span[1] - span[0]} characters, above the limit of ${ctx.limits.maxRecordBytes}`,
        text.slice(span[0], span[0] + EXCERPT_CHARS),
      );
      continue;
    }
    if (!isObject(element)) {
      yield problem(
        where,
        'wrong-type',
        `element ${index} is ${typeName(element)}, not a record object`,
        shortJson(element),
      );
      continue;
    }
    if (gate === null) {
      // Inside `Records` CloudTrail itself says it is a record; normalize checks the fields.
      yield recordItem(unwrapEnvelope(element) ?? element, where, ctx);
    } else {
      const item = objectItem(element, where, ctx, null);
      if (gate.admit(item)) {
        yield* gate.released();
        yield item;
      }
    }
  }
  if (gate) yield* gate.end(records.length);
}

/** An object that holds several records rather than being one. */
export function isContainer(o: Record<string, unknown>): boolean {
  return (
    'Records' in o || recordArrayKey(o) !== null || (o.messageType === 'DATA_MESSAGE' && Array.isArray(o.logEvents))
  );
}

/**
 * The key of the array of records in a whole-document export: `Records` (S3 delivery),
 * `Events` (`aws cloudtrail lookup-events`), `results` (Splunk's JSON export),
 * `QueryResultRows` (CloudTrail Lake `get-query-results`).
 */
function recordArrayKey(o: Record<string, unknown>): string | null {
  if (Array.isArray(o.Records)) return 'Records';
  if (Array.isArray(o.Events)) return 'Events';
  if (Array.isArray(o.QueryResultRows)) return 'QueryResultRows';
  if (Array.isArray(o.results) && o.results.some(isObject)) return 'results';
  return null;
}

/** The elements of the record array; a Lake row (a list of one-column objects) becomes one object. */
function recordsAt(o: Record<string, unknown>, key: string): unknown[] {
  const list = o[key] as unknown[];
  if (key !== 'QueryResultRows') return list;
  return list.map((row) => (Array.isArray(row) ? (rowOfColumns(row) ?? row) : row));
}

/** Items of one JSON value found on its own (a whole file or one JSON Lines line). */
export function* itemsOfValue(
  value: unknown,
  at: Origin,
  ctx: ParseContext,
  text: string | null,
): Generator<SourceItem> {
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const element: unknown = value[index];
      const where: Origin = at.line === undefined ? { file: at.file, index } : { file: at.file, line: at.line, index };
      if (isObject(element)) yield objectItem(element, where, ctx, null);
      else
        yield problem(
          where,
          'wrong-type',
          `element ${index} is ${typeName(element)}, not a record object`,
          shortJson(element),
        );
    }
    return;
  }
  if (!isObject(value)) {
    yield problem(at, 'not-cloudtrail', `a JSON ${typeName(value)}, not a CloudTrail record`, text ?? shortJson(value));
    return;
  }
  if ('Records' in value) {
    const records = value.Records;
    if (!Array.isArray(records)) {
      yield problem(at, 'wrong-type', `"Records" is ${typeName(records)}, not an array`, text ?? shortJson(value));
      return;
    }
    for (let index = 0; index < records.length; index++) {
      const element: unknown = records[index];
      const where: Origin = at.line === undefined ? { file: at.file, index } : { file: at.file, line: at.line, index };
      if (isObject(element)) yield recordItem(unwrapEnvelope(element) ?? element, where, ctx);
      else
        yield problem(
          where,
          'wrong-type',
          `element ${index} of "Records" is ${typeName(element)}, not a record object`,
          shortJson(element),
        );
    }
    return;
  }
  // A page of `aws cloudtrail lookup-events` output, Splunk results, CloudTrail Lake rows.
  const arrayKey = recordArrayKey(value);
  if (arrayKey !== null) {
    yield* itemsOfValue(recordsAt(value, arrayKey), at, ctx, null);
    return;
  }
  // CloudWatch Logs subscription payload (e.g. from Firehose): each message is one CloudTrail record.
  if (Array.isArray(value.logEvents) && value.messageType === 'DATA_MESSAGE') {
    for (let index = 0; index < value.logEvents.length; index++) {
      const entry: unknown = value.logEvents[index];
      const where: Origin = at.line === undefined ? { file: at.file, index } : { file: at.file, line: at.line, index };
      const message = isObject(entry) ? entry.message : undefined;
      let record: unknown;
      try {
        record = typeof message === 'string' ? JSON.parse(message) : undefined;
      } catch (error) {
        yield problem(
          where,
          'invalid-json',
          `logEvents[${index}].message: ${(error as Error).message}`,
          String(message),
        );
        continue;
      }
      if (isObject(record)) yield objectItem(record, where, ctx, typeof message === 'string' ? message : null);
      else yield problem(where, 'wrong-type', `logEvents[${index}].message is not a JSON object`, shortJson(entry));
    }
    return;
  }
  yield objectItem(value, at, ctx, text);
}

/** A record, an insight, or `not-cloudtrail` for an object that is none of them. */
export function objectItem(o: Record<string, unknown>, at: Origin, ctx: ParseContext, text: string | null): SourceItem {
  const inner = unwrapExport(o);
  if (inner !== null) {
    if ('invalid' in inner) return problem(at, 'invalid-json', inner.invalid, inner.excerpt);
    return recordItem(inner.record, at, ctx);
  }
  if ('detail-type' in o && 'detail' in o) {
    return problem(
      at,
      'not-cloudtrail',
      `an EventBridge event of detail-type ${JSON.stringify(o['detail-type'])}, not a CloudTrail one`,
      text ?? shortJson(o),
    );
  }
  if (looksLikeCloudTrail(o)) return recordItem(o, at, ctx);
  return problem(at, 'not-cloudtrail', `${UNKNOWN_SHAPE} (top-level fields: ${fieldList(o)})`, text ?? shortJson(o));
}

const UNKNOWN_SHAPE = 'a JSON object in no shape Trailhound reads';

/** The first top-level field names of `o`, for a message that lets the user see what the file holds. */
function fieldList(o: Record<string, unknown>): string {
  const keys = Object.keys(o);
  const shown = keys.slice(0, 12).map((k) => (k.length > 40 ? `${k.slice(0, 40)}…` : k));
  return keys.length === 0 ? 'none' : `${shown.join(', ')}${keys.length > 12 ? `, … ${keys.length - 12} more` : ''}`;
}

/** The message for the first record of a file in no known shape: what was seen and what is accepted. */
function unknownShapeMessage(first: string): string {
  return `${first}; accepted shapes: ${ACCEPTED_SHAPES.join('; ')}. Further records of this file in no known shape are quarantined without a message`;
}

/** The record inside a Records element: an EventBridge envelope is unwrapped, anything else is the record. */
function unwrapEnvelope(o: Record<string, unknown>): Record<string, unknown> | null {
  const inner = typeof o['detail-type'] === 'string' ? unwrapExport(o) : null;
  return inner !== null && 'record' in inner ? inner.record : null;
}

function recordItem(found: Record<string, unknown>, origin: Origin, ctx: ParseContext): SourceItem {
  const record = fillEventTime(found);
  const insight = ctx.insightFile || record.eventType === 'AwsCloudTrailInsight' || 'insightDetails' in record;
  return { kind: insight ? 'insight' : 'record', record, origin };
}

/**
 * Objects that are not CloudTrail: in a file that also holds CloudTrail each is quarantined, the
 * first with one message naming the fields it saw and the shapes accepted, the rest `quiet`; a
 * file with none (an app's own .jsonl) gets one file-level problem, then its records, quiet.
 * At most `HELD_LIMIT` are kept back before the first record: memory stays bounded whatever the file.
 */
const NONE: SourceItem[] = [];
const HELD_LIMIT = 1000;

export class CloudTrailGate {
  readonly #file: string;
  #held: SourceItem[] = [];
  /** Not-CloudTrail objects seen before the first record, kept or not. */
  #heldCount = 0;
  #open = false;
  #explained = false;
  constructor(file: string) {
    this.#file = file;
  }

  /** Whether to yield `item` now. When a record opens the gate, `released` holds what was kept back before it. */
  admit(item: SourceItem): boolean {
    if (item.kind === 'problem' && item.code === 'not-cloudtrail') {
      if (this.#open) {
        this.#explain(item);
        return true;
      }
      this.#heldCount++;
      if (this.#held.length < HELD_LIMIT) this.#held.push(item);
      return false;
    }
    if (item.kind !== 'problem') this.#open = true;
    return true;
  }

  #explain(item: SourceItem): void {
    if (item.kind !== 'problem') return;
    if (this.#explained) item.quiet = true;
    else {
      this.#explained = true;
      item.reason = unknownShapeMessage(item.reason);
    }
  }

  /** Items kept back before the first record (once), then nothing. */
  released(): SourceItem[] {
    if (!this.#open || this.#held.length === 0) return NONE;
    const held = this.#held;
    this.#held = [];
    for (const item of held) this.#explain(item);
    if (this.#heldCount > held.length) held.push(this.#dropped(this.#heldCount - held.length));
    return held;
  }

  *end(total: number): Generator<SourceItem> {
    const first = this.#held[0];
    if (this.#open || first === undefined || first.kind !== 'problem') return;
    const n = this.#heldCount;
    const head = problem(
      { file: this.#file },
      'not-cloudtrail',
      `none of the ${n} JSON value(s) of ${total} is a CloudTrail record: the first is ${first.reason}`,
      first.excerpt,
    );
    if (head.kind === 'problem') head.reason = unknownShapeMessage(head.reason);
    yield head;
    for (const item of this.#held) {
      if (item.kind === 'problem') item.quiet = true;
      yield item;
    }
    if (n > this.#held.length) yield this.#dropped(n - this.#held.length);
  }

  #dropped(n: number): SourceItem {
    const item = problem(
      { file: this.#file },
      'not-cloudtrail',
      `and ${n} more JSON value(s) in no known shape before the first record`,
      null,
    );
    if (item.kind === 'problem') item.quiet = true;
    return item;
  }
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

/** JSON of a value, cut near `EXCERPT_CHARS` without serializing a huge value whole. */
export function shortJson(v: unknown): string {
  const parts: string[] = [];
  let budget = EXCERPT_CHARS;
  const walk = (x: unknown): void => {
    if (budget <= 0) return;
    if (Array.isArray(x)) {
      parts.push('[');
      budget--;
      for (let i = 0; i < x.length && budget > 0; i++) {
        if (i > 0) parts.push(',');
        walk(x[i]);
      }
      parts.push(']');
    } else if (isObject(x)) {
      parts.push('{');
      budget--;
      let i = 0;
      for (const k in x) {
        if (budget <= 0) break;
        const key = `${i++ > 0 ? ',' : ''}${JSON.stringify(k)}:`;
        parts.push(key);
        budget -= key.length;
        walk(x[k]);
      }
      parts.push('}');
    } else {
      const s = x === undefined ? 'null' : JSON.stringify(x);
      const cut = s.slice(0, Math.max(budget, 0));
      parts.push(cut);
      budget -= cut.length;
    }
  };
  walk(v);
  return parts.join('').slice(0, EXCERPT_CHARS);
}

/**
 * True when the text holds exactly `n` openings `{"eventVersion"` (how CloudTrail writes each
 * record to S3) and no two, nor the last and the end, are more than `limit` apart: then no
 * record can be longer than `limit`. A substring search runs at GB/s, where the exact scan
 * below added ~40% to reading a 1.3 MiB file (measured with scripts/bench-sources.ts). A crafted
 * file could fool the count; the cost is only that one record above the limit is read
 * (the file limit still bounds memory).
 */
export function recordOpeningsBoundSizes(text: string, n: number, limit: number): boolean {
  const opening = '{"eventVersion"';
  let previous = text.indexOf(opening);
  if (previous === -1 || previous > limit) return false;
  let count = 1;
  for (let at = text.indexOf(opening, previous + 1); at !== -1; at = text.indexOf(opening, at + 1)) {
    if (at - previous > limit || ++count > n) return false;
    previous = at;
  }
  return count === n && text.length - previous <= limit;
}

/**
 * Start and end of every element above `limit` characters in the record array of a JSON text
 * already known to be valid: the root array (`arrayKey` null), or the root object's array at `arrayKey`.
 * A string-aware scan (strings are skipped with `indexOf`), run only on files larger than the limit.
 */
export function oversizedElements(text: string, arrayKey: string | null, limit: number): Map<number, [number, number]> {
  const found = new Map<number, [number, number]>();
  let depth = 0;
  let targetDepth = arrayKey !== null ? -1 : 1;
  let lastKeyAtRoot = '';
  let index = 0;
  let elementStart = -1;
  const close = (end: number) => {
    if (elementStart >= 0 && end - elementStart > limit) found.set(index, [elementStart, end]);
  };
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      let j = i;
      for (;;) {
        j = text.indexOf('"', j + 1);
        let backslashes = 0;
        while (text.charCodeAt(j - 1 - backslashes) === 0x5c) backslashes++;
        if (backslashes % 2 === 0) break;
      }
      if (depth === targetDepth && elementStart < 0) elementStart = i;
      if (depth === 1 && targetDepth === -1) lastKeyAtRoot = text.slice(i + 1, j);
      i = j;
    } else if (c === 0x7b || c === 0x5b) {
      if (depth === targetDepth && elementStart < 0) elementStart = i;
      depth++;
      if (targetDepth === -1 && depth === 2 && c === 0x5b && lastKeyAtRoot === arrayKey) targetDepth = 2;
    } else if (c === 0x7d || c === 0x5d) {
      if (depth === targetDepth) {
        close(lastNonSpaceBefore(text, i));
        return found;
      }
      depth--;
    } else if (c === 0x2c && depth === targetDepth) {
      close(lastNonSpaceBefore(text, i));
      index++;
      elementStart = -1;
    } else if (depth === targetDepth && elementStart < 0 && c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) {
      elementStart = i;
    }
  }
  return found;
}

function lastNonSpaceBefore(text: string, i: number): number {
  let j = i;
  while (j > 0) {
    const c = text.charCodeAt(j - 1);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
    j--;
  }
  return j;
}
