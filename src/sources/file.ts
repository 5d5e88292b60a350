/**
 * One local file as a source file: fingerprint from size and mtime (nanoseconds), content read
 * whole (one file at a time keeps memory bounded) and handed to the shared parser.
 */
import { readFile, stat } from 'node:fs/promises';
import { isInsightPath } from './layout.ts';
import { type ParseLimits, parseBuffer, problem } from './parse.ts';
import { streamLargeFile } from './stream.ts';
import type { SourceFile, SourceItem } from './types.ts';

/** A `SourceFile` for `path`, whose stat is already known. */
export function localFile(
  path: string,
  size: number,
  mtimeNs: bigint,
  limits: ParseLimits,
  skip?: SourceFile['skip'],
): SourceFile {
  return {
    id: path,
    fingerprint: `${size}:${mtimeNs}`,
    size,
    ...(skip ? { skip } : {}),
    read: (hooks) => readLocal(path, size, limits, hooks?.onContent),
  };
}

async function* readLocal(
  path: string,
  size: number,
  limits: ParseLimits,
  onContent?: (bytes: Buffer) => void,
): AsyncGenerator<SourceItem> {
  if (size > limits.maxFileBytes) {
    yield* streamLargeFile(path, size, { file: path, limits, insightFile: isInsightPath(path) });
    return;
  }
  let buf: Buffer;
  try {
    buf = await readFile(path);
  } catch (error) {
    yield problem({ file: path }, 'read-error', `cannot read the file: ${(error as Error).message}`, null);
    return;
  }
  yield* parseBuffer(buf, { file: path, limits, insightFile: isInsightPath(path), onContent });
}

/** Stat for a listing: size and nanosecond mtime. */
export async function statFile(path: string): Promise<{ size: number; mtimeNs: bigint }> {
  const st = await stat(path, { bigint: true });
  return { size: Number(st.size), mtimeNs: st.mtimeNs };
}
