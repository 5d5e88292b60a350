/**
 * The typed boundary between `sources` and `normalize`: where raw records come from.
 * A source lists files (or objects); each file yields raw records with their origin,
 * or problems (quarantine material) with file and line. Sources never throw on bad
 * content: bad content is a `problem` item and reading goes on.
 */

/** Where a record (or a problem) came from: the file or object and its position in it. */
export interface Origin {
  /** Path, `s3://bucket/key`, or `-` for stdin. */
  file: string;
  /** 1-based line, for JSON Lines. */
  line?: number;
  /** 0-based index inside a `Records` array or a JSON array. */
  index?: number;
}

/** What a raw item is: an API/console event, a CloudTrail Insights event, or unreadable content. */
export type SourceItem =
  | { kind: 'record'; record: Record<string, unknown>; origin: Origin }
  | { kind: 'insight'; record: Record<string, unknown>; origin: Origin }
  | {
      kind: 'problem';
      origin: Origin;
      code: string;
      reason: string;
      excerpt: string | null;
      /**
       * Already explained by an earlier problem of the same file (records of a shape Trailhound
       * does not read: one message per file): quarantined and counted, not printed again.
       */
      quiet?: true;
      /** The content could not be read now (permissions, I/O): the file is to be read again by the next run. */
      retryable?: true;
    };

/** Optional callbacks while a file is read. */
export interface ReadHooks {
  /**
   * Receives the file's bytes exactly as read (gzipped or not) before any item, so ingest can
   * keep the original records without serializing each one again.
   */
  onContent?: (bytes: Buffer) => void;
  /**
   * The caller is about to parse the file and would only wait for it: a local file is read on the
   * calling thread, synchronously, not on the read worker (a round trip cost ~50 us a file).
   */
  now?: boolean;
}

/** One file or object of a source. `fingerprint` changes when its content may have changed. */
export interface SourceFile {
  /** Stable name: absolute path or `s3://bucket/key`. */
  id: string;
  /** Size and mtime (files) or ETag (S3): a rerun skips a finished file with the same fingerprint. */
  fingerprint: string;
  size: number;
  /** When it was last written (epoch ms), where the source knows: `watch`'s lag behind the newest delivered file. */
  modifiedMs?: number;
  /** Digest files are listed so they can be counted, never read as events. */
  skip?: 'digest' | 'not-json';
  read(hooks?: ReadHooks): AsyncIterable<SourceItem>;
  /**
   * Starts reading the content now, for the next `read()` (small local files only). Reading one
   * file at a time left the main thread idle 40% of an ingest of small files (open, stat, read,
   * close awaited in turn); the caller keeps a bounded number in flight.
   */
  prefetch?(): void;
  /**
   * A local file: what another thread needs to read it the same way (`localFile` again), so
   * ingest can read, parse and normalize it off the main thread.
   */
  local?: LocalFileRef;
}

/** A local file by path, as `localFile` takes it. */
export interface LocalFileRef {
  path: string | Uint8Array;
  mtimeNs: bigint;
  limits: { maxRecordBytes: number; maxFileBytes: number };
}

/** A place CloudTrail can be read from: a folder, a file, stdin, an S3 prefix. */
export interface Source {
  /** For progress and errors, e.g. `folder ./logs`. */
  readonly description: string;
  files(): AsyncIterable<SourceFile>;
}
