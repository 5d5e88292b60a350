/**
 * Sources: where CloudTrail is read from. `openSource` picks one from a command-line
 * argument: a file, a folder (recursively, including the S3 delivery layout), `-` for stdin,
 * or `s3://bucket/prefix`. Every kind hands bytes to the same parser (`parse.ts`).
 */
import { type Stats, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { SourceNotFoundError, UsageError } from '../errors.ts';
import { kindOf } from './file.ts';
import { fileSource, folderSource } from './folder.ts';
import { DEFAULT_LIMITS, type ParseLimits } from './parse.ts';
import { s3Source } from './s3.ts';
import { stdinSource } from './stdin.ts';
import type { Source, SourceFile, SourceItem } from './types.ts';

export { DEFAULT_LIMITS, type ParseLimits, type ProblemCode } from './parse.ts';
export type { Origin, Source, SourceFile, SourceItem } from './types.ts';

export interface OpenSourceOptions {
  /** For `-`: the stream to read (tests pass their own). */
  stdin?: NodeJS.ReadableStream;
  /** Record and file size limits (default 1 MiB per record, ~512 MiB per decompressed file). */
  limits?: Partial<ParseLimits>;
  /** For `s3://`: list only keys after this one (a continuous mode's marker). */
  startAfter?: string;
  /** For `s3://`: a client to use instead of one built from the environment. */
  s3Client?: S3Client;
}

/**
 * The source a command-line argument names. Throws `SourceNotFoundError` for a local path
 * that does not exist; content problems never throw, they are `problem` items.
 */
export function openSource(spec: string, options: OpenSourceOptions = {}): Source {
  const limits: ParseLimits = { ...DEFAULT_LIMITS, ...options.limits };
  if (spec === '-') return stdinSource(options.stdin ?? process.stdin, limits);
  if (spec.startsWith('s3://')) {
    return s3Source(spec, {
      limits,
      ...(options.startAfter !== undefined ? { startAfter: options.startAfter } : {}),
      ...(options.s3Client ? { client: options.s3Client } : {}),
    });
  }
  const path = resolve(spec);
  let st: Stats;
  try {
    st = statSync(path);
  } catch {
    throw new SourceNotFoundError(spec);
  }
  if (st.isDirectory()) return folderSource(path, limits);
  // A FIFO or a device (/dev/zero) could block forever or never end: refused before it is opened.
  if (!st.isFile())
    throw new UsageError(
      `Cannot read ${spec}: it is ${kindOf(st)}, not a regular file or folder. To read from a pipe, pass - and redirect it to stdin.`,
    );
  return fileSource(path, limits);
}

export interface ReadAllResult {
  files: SourceFile[];
  records: Array<Extract<SourceItem, { kind: 'record' }>>;
  insights: Array<Extract<SourceItem, { kind: 'insight' }>>;
  problems: Array<Extract<SourceItem, { kind: 'problem' }>>;
}

/** Every file and item of a source, in order; skipped files are listed but not read. For tests and small inputs. */
export async function readAll(source: Source): Promise<ReadAllResult> {
  const result: ReadAllResult = { files: [], records: [], insights: [], problems: [] };
  for await (const file of source.files()) {
    result.files.push(file);
    if (file.skip) continue;
    for await (const item of file.read()) {
      if (item.kind === 'record') result.records.push(item);
      else if (item.kind === 'insight') result.insights.push(item);
      else result.problems.push(item);
    }
  }
  return result;
}
