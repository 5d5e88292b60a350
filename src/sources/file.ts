/**
 * One local file as a source file: fingerprint from size and mtime (nanoseconds), content read
 * whole and handed to the shared parser. A small file can be read ahead (`prefetch`), so ingest
 * keeps several reads in flight while it parses and writes; the caller bounds how many.
 *
 * The file is opened before it is trusted: non-blocking (a FIFO swapped in after the listing
 * must not hang the read), and checked to be a regular file on the open descriptor. A file that
 * cannot be read now (permissions, I/O) is reported `retryable`, so ingest reads it again later.
 */
import type { Stats } from 'node:fs';
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { type FileHandle, open, stat } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { isInsightPath } from './layout.ts';
import { type ParseLimits, parseBuffer, parseInflated, problem, readFailure } from './parse.ts';
import { readInWorker, readsSynchronously } from './read-worker.ts';
import { BOMB_MIN_BYTES, BOMB_RATIO, inflateChunkBytes, streamLargeFile } from './stream.ts';
import type { SourceFile, SourceItem } from './types.ts';

/**
 * A `SourceFile` for `path`, whose stat is already known. `path` is a Buffer when the name is
 * not valid UTF-8 (then `id` is its printable form, with the bad bytes as `\xNN`).
 */
export function localFile(
  path: string | Buffer,
  size: number,
  mtimeNs: bigint,
  limits: ParseLimits,
  skip?: SourceFile['skip'],
  id: string = String(path),
): SourceFile {
  let loading: Promise<Loaded> | null = null;
  return {
    id,
    fingerprint: `${size}:${mtimeNs}`,
    size,
    modifiedMs: Number(mtimeNs / 1_000_000n),
    ...(skip ? { skip } : {}),
    local: { path, mtimeNs, limits },
    ...(size <= PREFETCH_MAX_BYTES
      ? {
          prefetch: () => {
            loading ??= loadLocal(path, id, limits);
          },
        }
      : {}),
    read: (hooks) => {
      const loaded =
        loading ?? (hooks?.now ? Promise.resolve(loadLocalSync(path, id, limits)) : loadLocal(path, id, limits));
      loading = null;
      return readLoaded(loaded, path, id, limits, hooks?.onContent);
    },
  };
}

/** Files up to this size may be read ahead (`prefetch`); larger ones are opened when read. */
export const PREFETCH_MAX_BYTES = 8 * (1 << 20);

/** A file's bytes, or what stopped them from being read (items to report), or a size too large to load. */
type Loaded = { buf: Buffer; plain?: Buffer | null } | { items: SourceItem[] } | { large: number };

/** What a non-regular file is, for the message that refuses it. */
export function kindOf(
  st: Pick<Stats, 'isFIFO' | 'isCharacterDevice' | 'isBlockDevice' | 'isSocket' | 'isDirectory'>,
): string {
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  if (st.isDirectory()) return 'a folder';
  return 'not a regular file';
}

export function notAFile(file: string, kind: string): SourceItem {
  return problem(
    { file },
    'not-a-file',
    `${kind}, not a regular file: not read (a pipe or device could block or never end; use - to read stdin)`,
    null,
  );
}

/** Opens, checks and reads a file (on the read worker when there is one); never rejects (a failure is an item to report). */
async function loadLocal(path: string | Buffer, id: string, limits: ParseLimits): Promise<Loaded> {
  if (readsSynchronously()) return loadLocalSync(path, id, limits);
  const inWorker = readInWorker(path, limits.maxFileBytes);
  if (inWorker !== null) {
    const r = await inWorker;
    if ('error' in r) return { items: [readFailure(id, `cannot read the file: ${r.error}`)] };
    if ('notFile' in r) {
      const k = r.notFile;
      const st = {
        isFIFO: () => k.fifo,
        isCharacterDevice: () => k.char,
        isBlockDevice: () => k.block,
        isSocket: () => k.socket,
        isDirectory: () => k.dir,
      };
      return { items: [notAFile(id, kindOf(st))] };
    }
    if ('large' in r) return r;
    return { buf: r.bytes, plain: r.plain };
  }
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    return { items: [readFailure(id, `cannot read the file: ${(error as Error).message}`)] };
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) return { items: [notAFile(id, kindOf(st))] };
    if (st.size > limits.maxFileBytes) return { large: st.size };
    return { buf: await handle.readFile() };
  } catch (error) {
    return { items: [readFailure(id, `cannot read the file: ${(error as Error).message}`)] };
  } finally {
    await handle.close().catch(() => {});
  }
}

/**
 * `loadLocal` on a thread that may block (a worker): the same checks, with the gunzip done here
 * within the limits `parseBuffer` applies (a file that fails them is inflated again by the parser,
 * which reports what is wrong).
 */
function loadLocalSync(path: string | Buffer, id: string, limits: ParseLimits): Loaded {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    return { items: [readFailure(id, `cannot read the file: ${(error as Error).message}`)] };
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return { items: [notAFile(id, kindOf(st))] };
    if (st.size > limits.maxFileBytes) return { large: st.size };
    let buf = Buffer.allocUnsafeSlow(Math.max(st.size, 1) + 1);
    let length = 0;
    for (;;) {
      if (length === buf.length) {
        // Grew since the stat: read on up to the limit.
        if (length > limits.maxFileBytes) return { large: length };
        const bigger = Buffer.allocUnsafeSlow(buf.length * 2);
        buf.copy(bigger, 0, 0, length);
        buf = bigger;
      }
      const n = readSync(fd, buf, length, buf.length - length, null);
      if (n === 0) break;
      length += n;
    }
    const bytes = buf.subarray(0, length);
    if (length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return { buf: bytes };
    try {
      const max = Math.min(limits.maxFileBytes, Math.max(BOMB_MIN_BYTES, length * BOMB_RATIO));
      return { buf: bytes, plain: gunzipSync(bytes, { chunkSize: inflateChunkBytes(length), maxOutputLength: max }) };
    } catch {
      return { buf: bytes };
    }
  } catch (error) {
    return { items: [readFailure(id, `cannot read the file: ${(error as Error).message}`)] };
  } finally {
    closeSync(fd);
  }
}

async function* readLoaded(
  loading: Promise<Loaded>,
  path: string | Buffer,
  id: string,
  limits: ParseLimits,
  onContent?: (bytes: Buffer) => void,
): AsyncGenerator<SourceItem> {
  const loaded = await loading;
  if ('items' in loaded) {
    yield* loaded.items;
    return;
  }
  if ('large' in loaded) {
    yield* streamLargeFile(path, loaded.large, { file: id, limits, insightFile: isInsightPath(id) });
    return;
  }
  const ctx = { file: id, limits, insightFile: isInsightPath(id), onContent };
  if (loaded.plain) yield* parseInflated(loaded.buf, loaded.plain, ctx);
  else yield* parseBuffer(loaded.buf, ctx);
}

/** Stat for a listing: size and nanosecond mtime. */
export async function statFile(path: string | Buffer): Promise<{ size: number; mtimeNs: bigint }> {
  const st = await stat(path, { bigint: true });
  return { size: Number(st.size), mtimeNs: st.mtimeNs };
}
