/**
 * Sources: where CloudTrail is read from. `openSource` picks one from a command-line
 * argument: a file, a folder (recursively, including the S3 delivery layout), `-` for stdin,
 * or `s3://bucket/prefix`.
 */
import type { Source } from './types.ts';

export type { Origin, Source, SourceFile, SourceItem } from './types.ts';

export interface OpenSourceOptions {
  /** For `-`: the stream to read (tests pass their own). */
  stdin?: NodeJS.ReadableStream;
}

export declare function openSource(spec: string, options?: OpenSourceOptions): Source;
