/**
 * JSON Lines too large to load whole (above `maxFileBytes`, e.g. a multi-GB CloudTrail Lake or
 * Athena export): read as a stream of lines, one line in memory at a time. Only JSON Lines can
 * be streamed; any other large file is reported as `file-too-large`.
 */
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { isObject } from './exports.ts';
import {
  CloudTrailGate,
  decode,
  EXCERPT_CHARS,
  isContainer,
  itemsOfValue,
  notJsonStart,
  objectItem,
  type ParseContext,
  problem,
  readFailure,
} from './parse.ts';
import type { Origin, SourceItem } from './types.ts';

/** Items of a local file above the file limit: streamed when it is JSON Lines (plain or gzipped). */
export function streamLargeFile(path: string | Buffer, size: number, ctx: ParseContext): AsyncGenerator<SourceItem> {
  return streamLargeBytes(
    createReadStream(path, { highWaterMark: 1 << 20 }),
    ctx,
    `size ${size} is above the limit of ${ctx.limits.maxFileBytes} bytes`,
  );
}

/** Items of a byte stream above the file limit (a file or an S3 object body), gunzipped when its first bytes say so. */
export async function* streamLargeBytes(
  bytes: AsyncIterable<Buffer | Uint8Array>,
  ctx: ParseContext,
  tooLarge: string,
): AsyncGenerator<SourceItem> {
  const chunks = bytes[Symbol.asyncIterator]();
  let first: IteratorResult<Buffer | Uint8Array>;
  try {
    first = await chunks.next();
  } catch (error) {
    yield readFailure(ctx.file, `cannot read: ${(error as Error).message}`);
    return;
  }
  if (first.done) {
    yield problem({ file: ctx.file }, 'empty-file', 'the file is empty', null);
    return;
  }
  const head = first.value;
  let compressed = 0;
  const all = Readable.from(
    (async function* () {
      try {
        compressed += head.byteLength;
        yield Buffer.from(head.buffer, head.byteOffset, head.byteLength);
        for (let next = await chunks.next(); !next.done; next = await chunks.next()) {
          compressed += next.value.byteLength;
          yield Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength);
        }
      } finally {
        // Stopped early (not JSON Lines): close the file or the HTTP response too.
        await chunks.return?.();
      }
    })(),
  );
  const gzip = head[0] === 0x1f && head[1] === 0x8b;
  const stream = gzip ? all.pipe(zlib.createGunzip({ chunkSize: 1 << 20 })) : all;
  if (gzip) all.on('error', (error) => stream.destroy(error));
  yield* streamJsonLines(stream, ctx, tooLarge, gzip ? () => compressed : undefined);
}

/** Items of gzipped bytes in memory whose decompressed size is above the file limit. */
export function streamGzipBuffer(buf: Buffer, ctx: ParseContext): AsyncGenerator<SourceItem> {
  const stream = Readable.from([buf]).pipe(zlib.createGunzip({ chunkSize: 1 << 20 }));
  return streamJsonLines(
    stream,
    ctx,
    `decompressed size is above the limit of ${ctx.limits.maxFileBytes} bytes`,
    () => buf.length,
  );
}

/**
 * A decompression bomb: CloudTrail and its exports compress 10-50:1 (measured on the fixtures:
 * gzip -9 of the Stratus and Panther files gives 8-25:1), deflate cannot go beyond ~1032:1, and a
 * gzip of one record and gigabytes of newlines sits near that. Reading stops once the output is
 * past `BOMB_MIN_BYTES` at a ratio above `BOMB_RATIO`; what was read before is kept.
 */
export const BOMB_RATIO = 200;
export const BOMB_MIN_BYTES = 64 * (1 << 20);

/**
 * Output chunk size for inflating `compressedBytes` in one call: about what the file inflates to,
 * between 64 KiB and 1 MiB. A fixed 1 MiB chunk for a 2 KB five-minute file allocated (and
 * page-faulted) a megabyte per file, 10 GB over 10,000 files.
 */
export function inflateChunkBytes(compressedBytes: number): number {
  return Math.min(1 << 20, Math.max(1 << 16, 2 ** Math.ceil(Math.log2(Math.max(1, compressedBytes) * 8))));
}

/** Whether `plain` bytes out of `compressed` in are a decompression bomb (see `BOMB_RATIO`). */
export function isBomb(plain: number, compressed: number): boolean {
  return plain > BOMB_MIN_BYTES && plain > compressed * BOMB_RATIO;
}

/**
 * Items of a stream of JSON Lines. The first line decides: when it is not a JSON object the
 * content is not JSON Lines and is reported `file-too-large` (with `tooLarge` as reason) unread.
 */
export async function* streamJsonLines(
  stream: Readable,
  ctx: ParseContext,
  tooLarge: string,
  compressedBytes?: () => number,
): AsyncGenerator<SourceItem> {
  let plainBytes = 0;
  const limit = ctx.limits.maxRecordBytes;
  const gate = new CloudTrailGate(ctx.file);
  let carry: Buffer | null = null;
  let lineNo = 0;
  let skipping = false; // inside a line already reported too large
  let checkedHead = false;
  const at = (line: number): Origin => ({ file: ctx.file, line });

  function* line(bytes: Buffer, n: number): Generator<SourceItem> {
    const text = decode(bytes);
    let start = 0;
    while (start < text.length && text.charCodeAt(start) <= 0x20) start++;
    if (start === text.length) return;
    const notJson = notJsonStart(text);
    if (notJson !== null) {
      yield problem(at(n), 'invalid-json', notJson, text);
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      yield problem(at(n), 'invalid-json', `invalid JSON: ${(error as Error).message}`, text);
      return;
    }
    const items =
      isObject(value) && !isContainer(value)
        ? [objectItem(value, at(n), ctx, text)]
        : itemsOfValue(value, at(n), ctx, text);
    for (const item of items) {
      if (gate.admit(item)) {
        yield* gate.released();
        yield item;
      }
    }
  }

  /** Whether the first line looks like JSON Lines (one JSON object). */
  const headIsJsonLines = (bytes: Buffer): boolean => {
    try {
      return isObject(JSON.parse(decode(bytes)));
    } catch {
      return false;
    }
  };

  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      plainBytes += chunk.length;
      if (compressedBytes && isBomb(plainBytes, compressedBytes())) {
        yield problem(
          { file: ctx.file },
          'decompression-bomb',
          `${plainBytes} bytes decompressed from ${compressedBytes()} (above ${BOMB_RATIO}:1) after line ${lineNo}: reading stopped; the lines before were kept`,
          null,
        );
        stream.destroy();
        break;
      }
      const buf: Buffer = carry ? Buffer.concat([carry, chunk]) : chunk;
      carry = null;
      let start = 0;
      for (;;) {
        // Runs of blank lines (a flood of newlines) are skipped byte by byte, not line by line.
        while (!skipping && start < buf.length && (buf[start] as number) <= 0x20) {
          if (buf[start] === 0x0a) lineNo++;
          start++;
        }
        const nl = buf.indexOf(0x0a, start);
        if (nl === -1) break;
        lineNo++;
        const bytes = buf.subarray(start, nl);
        start = nl + 1;
        if (!checkedHead) {
          checkedHead = true;
          if (!headIsJsonLines(bytes)) {
            yield problem(
              { file: ctx.file },
              'file-too-large',
              `${tooLarge} and it is not JSON Lines; not loaded`,
              null,
            );
            stream.destroy();
            return;
          }
        }
        if (skipping) {
          skipping = false;
          continue;
        }
        if (bytes.length > limit) {
          yield problem(
            at(lineNo),
            'record-too-large',
            `line is ${bytes.length} bytes, above the limit of ${limit}`,
            bytes.subarray(0, EXCERPT_CHARS).toString('latin1'),
          );
          continue;
        }
        yield* line(bytes, lineNo);
      }
      if (skipping) continue;
      const rest = buf.subarray(start);
      if (rest.length > limit) {
        // Report now and drop the rest of the line as it arrives, so memory stays bounded.
        if (!checkedHead) {
          yield problem({ file: ctx.file }, 'file-too-large', `${tooLarge} and it is not JSON Lines; not loaded`, null);
          stream.destroy();
          return;
        }
        yield problem(
          at(lineNo + 1),
          'record-too-large',
          `line is above the limit of ${limit} bytes`,
          rest.subarray(0, EXCERPT_CHARS).toString('latin1'),
        );
        skipping = true;
      } else if (rest.length > 0) carry = Buffer.from(rest);
    }
    if (carry && !skipping) {
      lineNo++;
      if (!checkedHead && !headIsJsonLines(carry)) {
        yield problem({ file: ctx.file }, 'file-too-large', `${tooLarge} and it is not JSON Lines; not loaded`, null);
        return;
      }
      yield* line(carry, lineNo);
    }
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'Z_BUF_ERROR')
      yield problem(
        { file: ctx.file },
        'gzip-truncated',
        `gzip data ends early after line ${lineNo}; the lines before were kept`,
        null,
      );
    else if (code?.startsWith('Z_'))
      yield problem(
        { file: ctx.file },
        'gzip-invalid',
        `gzip data is corrupt after line ${lineNo}: ${(error as Error).message}`,
        null,
      );
    else
      yield problem(
        { file: ctx.file },
        'read-error',
        `reading stopped after line ${lineNo}: ${(error as Error).message}`,
        null,
      );
  }
  yield* gate.end(lineNo);
}
