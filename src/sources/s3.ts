/**
 * `s3://bucket/prefix`: every object under the prefix, in key order (ListObjectsV2 returns
 * keys in UTF-8 binary order), fingerprinted by ETag, read whole with GetObject and parsed
 * by the same code as local files. `startAfter` lists only keys after a marker, which is
 * what a continuous mode needs (CloudTrail keys grow with time within a region folder).
 *
 * Endpoint and region come from the environment like the AWS CLI: `AWS_ENDPOINT_URL_S3`,
 * then `AWS_ENDPOINT_URL`, and `AWS_REGION` / `AWS_DEFAULT_REGION`. A custom endpoint
 * (MinIO, LocalStack, s3rver) gets path-style addressing.
 */
import type { ListObjectsV2Command, ListObjectsV2CommandOutput, S3Client } from '@aws-sdk/client-s3';
import { SourceNotFoundError, TrailhoundError } from '../errors.ts';
import { isInsightPath, skipReason } from './layout.ts';
import { type ParseLimits, parseBuffer, readFailure } from './parse.ts';
import { streamLargeBytes } from './stream.ts';
import type { Source, SourceFile, SourceItem } from './types.ts';

export interface S3Location {
  bucket: string;
  prefix: string;
}

/** Splits `s3://bucket/prefix` (the prefix may be empty). */
export function parseS3Url(spec: string): S3Location {
  const rest = spec.slice('s3://'.length);
  const slash = rest.indexOf('/');
  const bucket = slash === -1 ? rest : rest.slice(0, slash);
  const prefix = slash === -1 ? '' : rest.slice(slash + 1);
  return { bucket, prefix };
}

export interface S3SourceOptions {
  limits: ParseLimits;
  /** List only keys after this one (exclusive). */
  startAfter?: string;
  /** Tests and callers with their own credentials may pass a client. */
  client?: S3Client;
  env?: NodeJS.ProcessEnv;
  /** Keys per ListObjectsV2 page (S3's default and maximum is 1,000); tests use a small one. */
  pageSize?: number;
}

export function s3Source(spec: string, options: S3SourceOptions): Source {
  const { bucket, prefix } = parseS3Url(spec);
  let client: S3Client | undefined = options.client;
  const getClient = async (): Promise<S3Client> => {
    client ??= await createS3Client(options.env ?? process.env);
    return client;
  };
  return {
    description: `S3 ${spec}`,
    async *files(): AsyncGenerator<SourceFile> {
      const { ListObjectsV2Command } = await import('@aws-sdk/client-s3');
      const s3 = await getClient();
      // Pages are chained with StartAfter = last key instead of continuation tokens: S3 lists in
      // key order so it is equivalent, it is the same call a continuous mode makes, and it works
      // with S3-compatible servers whose tokens fail (s3rver's use DES, gone from OpenSSL 3).
      let after = options.startAfter;
      for (;;) {
        const page = await listPage(
          s3,
          spec,
          new ListObjectsV2Command({
            Bucket: bucket,
            ...(options.pageSize ? { MaxKeys: options.pageSize } : {}),
            ...(prefix ? { Prefix: prefix } : {}),
            ...(after !== undefined ? { StartAfter: after } : {}),
          }),
        );
        const contents = page.Contents ?? [];
        for (const object of contents) {
          const key = object.Key;
          if (key === undefined) continue;
          after = key;
          if (key.endsWith('/')) continue; // folder markers
          const id = `s3://${bucket}/${key}`;
          const skip = skipReason(key);
          const size = object.Size ?? 0;
          yield {
            id,
            fingerprint: s3Fingerprint(object.ETag, size, object.LastModified),
            size,
            ...(object.LastModified ? { modifiedMs: object.LastModified.getTime() } : {}),
            ...(skip ? { skip } : {}),
            read: (hooks) => readObject(s3, bucket, key, id, size, options.limits, hooks?.onContent),
          };
        }
        if (!page.IsTruncated || contents.length === 0) break;
      }
    },
  };
}

/** A listed object's fingerprint: its ETag, else size and modification time. */
export function s3Fingerprint(etag: string | undefined, size: number, lastModified: Date | undefined): string {
  return etag ?? `${size}:${lastModified?.toISOString() ?? ''}`;
}

export interface ListedS3Object {
  key: string;
  /** `s3Fingerprint` of the listing entry. */
  fingerprint: string;
  size: number;
  lastModified: number;
}

/**
 * Objects of one bucket already listed by the caller (`watch`'s follower), read by key with no
 * listing call; ids and fingerprints are those `s3Source` gives, so either finds the other's files done.
 */
export function s3ObjectsSource(
  bucket: string,
  objects: readonly ListedS3Object[],
  options: { limits: ParseLimits; client: S3Client },
): Source {
  return {
    description: `S3 s3://${bucket}/ (${objects.length} listed objects)`,
    async *files(): AsyncGenerator<SourceFile> {
      for (const o of objects) {
        const id = `s3://${bucket}/${o.key}`;
        const skip = skipReason(o.key);
        yield {
          id,
          fingerprint: o.fingerprint,
          size: o.size,
          modifiedMs: o.lastModified,
          ...(skip ? { skip } : {}),
          read: (hooks) => readObject(options.client, bucket, o.key, id, o.size, options.limits, hooks?.onContent),
        };
      }
    },
  };
}

/** One listing call; a missing bucket is `SourceNotFoundError`, other failures say what to check. */
async function listPage(
  s3: S3Client,
  spec: string,
  command: ListObjectsV2Command,
): Promise<ListObjectsV2CommandOutput> {
  try {
    return await s3.send(command);
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name === 'NoSuchBucket') throw new SourceNotFoundError(spec);
    throw new TrailhoundError(
      'TH_SOURCE',
      `Cannot list ${spec}: ${(error as Error).message}. Check AWS credentials, AWS_REGION and, for an S3-compatible store, AWS_ENDPOINT_URL_S3.`,
      { cause: error },
    );
  }
}

async function* readObject(
  s3: S3Client,
  bucket: string,
  key: string,
  id: string,
  size: number,
  limits: ParseLimits,
  onContent?: (bytes: Buffer) => void,
): AsyncGenerator<SourceItem> {
  const ctx = { file: id, limits, insightFile: isInsightPath(key), onContent };
  let buf: Buffer;
  try {
    const { GetObjectCommand } = await import('@aws-sdk/client-s3');
    const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    if (!response.Body) throw new Error('empty response body');
    if (size > limits.maxFileBytes) {
      // Too large to hold: JSON Lines are streamed line by line, anything else is reported.
      const tooLarge = `size ${size} is above the limit of ${limits.maxFileBytes} bytes`;
      yield* streamLargeBytes(response.Body as AsyncIterable<Uint8Array>, ctx, tooLarge);
      return;
    }
    const bytes = await response.Body.transformToByteArray();
    buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  } catch (error) {
    // Access denied, throttling, a dropped connection: the object is read again by the next run.
    yield readFailure(id, `cannot get the object: ${(error as Error).message}`);
    return;
  }
  yield* parseBuffer(buf, ctx);
}

/** A client configured from the environment; the SDK is loaded only when S3 is used (~150 ms). */
export async function createS3Client(env: NodeJS.ProcessEnv): Promise<S3Client> {
  const { S3Client } = await import('@aws-sdk/client-s3');
  const endpoint = env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL;
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1';
  return new S3Client({
    region,
    ...(endpoint
      ? {
          endpoint,
          forcePathStyle: true,
          // S3-compatible stores do not all implement the newer default checksums.
          requestChecksumCalculation: 'WHEN_REQUIRED',
          responseChecksumValidation: 'WHEN_REQUIRED',
        }
      : {}),
  });
}
