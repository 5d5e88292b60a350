/**
 * One local file as a source file: fingerprint from size and mtime (nanoseconds), content read
 * whole (one file at a time keeps memory bounded) and handed to the shared parser.
 *
 * The file is opened before it is trusted: non-blocking (a FIFO swapped in after the listing
 * must not hang the read), and checked to be a regular file on the open descriptor. A file that
 * cannot be read now (permissions, I/O) is reported `retryable`, so ingest reads it again later.
 */
import type { Stats } from 'node:fs';
import { constants } from 'node:fs';
import { type FileHandle, open, stat } from 'node:fs/promises';
import { isInsightPath } from './layout.ts';
import { type ParseLimits, parseBuffer, problem, readFailure } from './parse.ts';
import { streamLargeFile } from './stream.ts';
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
  return {
    id,
    fingerprint: `${size}:${mtimeNs}`,
    size,
    modifiedMs: Number(mtimeNs / 1_000_000n),
    ...(skip ? { skip } : {}),
    read: (hooks) => readLocal(path, id, limits, hooks?.onContent),
  };
}

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

async function* readLocal(
  path: string | Buffer,
  id: string,
  limits: ParseLimits,
  onContent?: (bytes: Buffer) => void,
): AsyncGenerator<SourceItem> {
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    yield readFailure(id, `cannot read the file: ${(error as Error).message}`);
    return;
  }
  let buf: Buffer;
  try {
    const st = await handle.stat();
    if (!st.isFile()) {
      yield notAFile(id, kindOf(st));
      return;
    }
    if (st.size > limits.maxFileBytes) {
      await handle.close();
      yield* streamLargeFile(path, st.size, { file: id, limits, insightFile: isInsightPath(id) });
      return;
    }
    buf = await handle.readFile();
  } catch (error) {
    yield readFailure(id, `cannot read the file: ${(error as Error).message}`);
    return;
  } finally {
    await handle.close().catch(() => {});
  }
  yield* parseBuffer(buf, { file: id, limits, insightFile: isInsightPath(id), onContent });
}

/** Stat for a listing: size and nanosecond mtime. */
export async function statFile(path: string | Buffer): Promise<{ size: number; mtimeNs: bigint }> {
  const st = await stat(path, { bigint: true });
  return { size: Number(st.size), mtimeNs: st.mtimeNs };
}
