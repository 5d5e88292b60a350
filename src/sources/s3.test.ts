import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
// @ts-expect-error s3rver ships no types
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SourceNotFoundError } from '../errors.ts';
import { openSource, readAll } from './index.ts';
import { DEFAULT_LIMITS } from './parse.ts';
import { createS3Client, parseS3Url, s3Source } from './s3.ts';
import { S3_LAYOUT_PREFIX, s3LayoutObjects } from './s3-layout-fixture.ts';

const BUCKET = 'org-trail';

describe('s3 source', () => {
  let dir: string;
  let server: { run(): Promise<AddressInfo>; close(): Promise<void> };
  const saved = { ...process.env };
  let client: S3Client;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'th-s3-'));
    server = new S3rver({
      address: '127.0.0.1',
      port: 0,
      silent: true,
      directory: dir,
      configureBuckets: [{ name: BUCKET, configs: [] }],
    });
    const { port } = await server.run();
    // The source reads endpoint, region and credentials from the environment, as in production.
    process.env.AWS_ENDPOINT_URL_S3 = `http://127.0.0.1:${port}`;
    process.env.AWS_REGION = 'us-east-1';
    process.env.AWS_ACCESS_KEY_ID = 'S3RVER';
    process.env.AWS_SECRET_ACCESS_KEY = 'S3RVER';
    delete process.env.AWS_PROFILE;
    client = await createS3Client(process.env);
    for (const [key, body] of s3LayoutObjects())
      await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
    const extra: Array<[string, string]> = [
      [`${S3_LAYOUT_PREFIX}/notes/README.md`, '# not json'],
      [
        `${S3_LAYOUT_PREFIX}/exports/lake.jsonl`,
        '{"eventID":"l1","eventName":"GetUser"}\nbroken line\n{"eventID":"l2","eventName":"ListUsers"}\n',
      ],
      [`${S3_LAYOUT_PREFIX}/exports/zz-empty.json`, ''],
    ];
    for (const [key, body] of extra) await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
  });

  afterAll(async () => {
    client?.destroy();
    await server?.close();
    process.env = saved;
    rmSync(dir, { recursive: true, force: true });
  });

  it('splits s3:// urls into bucket and prefix', () => {
    expect(parseS3Url('s3://b')).toEqual({ bucket: 'b', prefix: '' });
    expect(parseS3Url('s3://b/AWSLogs/o-1/')).toEqual({ bucket: 'b', prefix: 'AWSLogs/o-1/' });
  });

  it('lists every object under the prefix in key order, skipping digests and non-JSON, and reads the rest like files', async () => {
    const sut = openSource(`s3://${BUCKET}/AWSLogs/`);
    const all = await readAll(sut);

    // Real S3 lists in UTF-8 key order; s3rver uses its own (folder) order, so compare as sets.
    const keys = all.files.map((f) => f.id);
    expect([...keys].sort()).toEqual(
      [
        ...s3LayoutObjects().keys(),
        `${S3_LAYOUT_PREFIX}/exports/lake.jsonl`,
        `${S3_LAYOUT_PREFIX}/exports/zz-empty.json`,
        `${S3_LAYOUT_PREFIX}/notes/README.md`,
      ]
        .map((k) => `s3://${BUCKET}/${k}`)
        .sort(),
    );
    expect(all.files.filter((f) => f.skip === 'digest').map((f) => f.id)).toEqual([
      expect.stringContaining('_CloudTrail-Digest_'),
    ]);
    expect(all.files.filter((f) => f.skip === 'not-json').map((f) => f.id)).toEqual([
      expect.stringMatching(/README\.md$/),
    ]);
    expect(all.files.every((f) => /^"[0-9a-f]{32}"$/.test(f.fingerprint))).toBe(true);

    expect(all.records).toHaveLength(36 + 2);
    expect(all.insights).toHaveLength(1);
    expect(all.records.map((r) => r.record.eventID)).toEqual(expect.arrayContaining(['l1', 'l2']));
    expect(all.problems.map((p) => [p.origin.file.split('/').pop(), p.origin.line, p.code])).toEqual([
      ['lake.jsonl', 2, 'invalid-json'],
      ['zz-empty.json', undefined, 'empty-file'],
    ]);
  });

  it('lists only keys after a start-after marker (for a continuous mode)', async () => {
    const objects = [...s3LayoutObjects().keys()].sort();
    const marker = objects[1] as string;
    const sut = openSource(`s3://${BUCKET}/${S3_LAYOUT_PREFIX}/CloudTrail/`, { startAfter: marker });
    const ids: string[] = [];
    for await (const file of sut.files()) ids.push(file.id);
    expect(ids).toEqual(
      objects.filter((k) => k.includes('/CloudTrail/') && k > marker).map((k) => `s3://${BUCKET}/${k}`),
    );
    expect(ids.length).toBeGreaterThan(0);
  });

  it('pages through listings longer than one page, in key order', async () => {
    // s3rver cannot truncate a listing (its continuation tokens use DES, gone from OpenSSL 3), so
    // this uses an in-memory S3 that answers ListObjectsV2 and GetObject by the documented rules.
    const keys = Array.from({ length: 7 }, (_, i) => `many/${i}.json`).reverse();
    const fake = inMemoryS3(new Map(keys.map((k) => [k, Buffer.from(`{"eventID":"${k}"}`)])));
    const sut = s3Source(`s3://${BUCKET}/many/`, { limits: DEFAULT_LIMITS, pageSize: 2, client: fake.client });
    const all = await readAll(sut);
    expect(all.records.map((r) => r.record.eventID)).toEqual([...keys].sort());
    expect(fake.listCalls).toBe(4);
  });

  it('streams an object above the file limit when it is JSON Lines', async () => {
    const text = `${Array.from({ length: 40 }, (_, i) => JSON.stringify({ eventID: `big${i}`, eventName: 'GetUser' })).join('\n')}\n`;
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'big/export.jsonl.gz', Body: gzipSync(text) }));
    await client.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 'big/records.json',
        Body: JSON.stringify({ Records: [{ eventID: 'r' }] }).padEnd(2000),
      }),
    );
    const all = await readAll(
      openSource(`s3://${BUCKET}/big/`, { limits: { maxFileBytes: 200, maxRecordBytes: 500 } }),
    );
    expect(all.records.map((r) => r.record.eventID)).toEqual(Array.from({ length: 40 }, (_, i) => `big${i}`));
    expect(all.problems.map((p) => [p.origin.file, p.code])).toEqual([
      [`s3://${BUCKET}/big/records.json`, 'file-too-large'],
    ]);
  });

  it('throws SourceNotFoundError for a bucket that does not exist', async () => {
    const sut = openSource('s3://no-such-bucket/x');
    await expect(readAll(sut)).rejects.toBeInstanceOf(SourceNotFoundError);
  });

  it('says what to check when the listing fails otherwise', async () => {
    const sut = openSource(`s3://${BUCKET}/`, {
      s3Client: await createS3Client({ ...process.env, AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:1' }),
    });
    await expect(readAll(sut)).rejects.toThrow(/Cannot list s3:\/\/org-trail\/.*AWS_ENDPOINT_URL_S3/);
  });
});

/** A bucket in memory: ListObjectsV2 (Prefix, StartAfter, MaxKeys, key order) and GetObject. */
function inMemoryS3(objects: Map<string, Buffer>) {
  const state = { listCalls: 0, client: undefined as unknown as S3Client };
  state.client = {
    send: async (command: { input: Record<string, unknown>; constructor: { name: string } }) => {
      const input = command.input;
      if (command.constructor.name === 'ListObjectsV2Command') {
        state.listCalls++;
        const prefix = (input.Prefix as string | undefined) ?? '';
        const after = (input.StartAfter as string | undefined) ?? '';
        const max = (input.MaxKeys as number | undefined) ?? 1000;
        const matching = [...objects.keys()].filter((k) => k.startsWith(prefix) && k > after).sort();
        const page = matching.slice(0, max);
        return {
          Contents: page.map((Key) => ({ Key, Size: objects.get(Key)?.length, ETag: `"${Key}"` })),
          IsTruncated: matching.length > max,
        };
      }
      const body = objects.get(input.Key as string) as Buffer;
      return { Body: { transformToByteArray: async () => new Uint8Array(body) } };
    },
  } as unknown as S3Client;
  return state;
}
