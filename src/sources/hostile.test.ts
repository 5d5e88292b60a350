/**
 * Hostile input at the source (issue 11 item 6): one bad record costs only itself, names that are
 * not UTF-8 are read, pipes and devices are refused, newline floods and decompression bombs end.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import zlib from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../errors.ts';
import { openSource, readAll } from './index.ts';
import { BOMB_MIN_BYTES } from './stream.ts';

const record = (i: number) => ({
  eventVersion: '1.08',
  eventID: `id-${i}`,
  eventName: 'GetCallerIdentity',
  eventSource: 'sts.amazonaws.com',
  eventTime: '2024-07-30T21:31:10Z',
  userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/alice' },
});

/** Gzip of `head`, then `count` blocks of `block`, then `tail`, written as a stream (never whole in memory). */
async function gzipFlood(head: string, block: Buffer, count: number, tail = ''): Promise<Buffer> {
  const gzip = zlib.createGzip();
  const out: Buffer[] = [];
  gzip.on('data', (c: Buffer) => out.push(c));
  const done = new Promise((resolve) => gzip.on('end', resolve));
  gzip.write(head);
  for (let i = 0; i < count; i++) {
    if (!gzip.write(block)) await new Promise((resolve) => gzip.once('drain', resolve));
  }
  gzip.end(tail);
  await done;
  return Buffer.concat(out);
}

describe('hostile input at the source', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'th-hostile-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['{"Records":[...]}', (parts: string[]) => `{"Records":[${parts.join(',')}]}`],
    ['a pretty-printed JSON array', (parts: string[]) => `[\n  ${parts.join(',\n  ')}\n]\n`],
  ])('one raw control character in %s costs only its record', async (_kind, wrap) => {
    const bad = JSON.stringify(record(1)).replace('alice', 'al\u0001ice');
    const text = wrap([JSON.stringify(record(0)), bad, JSON.stringify(record(2)), JSON.stringify(record(3))]);
    writeFileSync(join(dir, 'trail.json'), text);
    writeFileSync(join(dir, 'trail.json.gz'), zlib.gzipSync(text));
    for (const name of ['trail.json', 'trail.json.gz']) {
      const all = await readAll(openSource(join(dir, name)));
      expect(all.records.map((r) => [r.origin.index, r.record.eventID])).toEqual([
        [0, 'id-0'],
        [2, 'id-2'],
        [3, 'id-3'],
      ]);
      expect(all.problems.map((p) => [p.code, p.origin.index])).toEqual([['invalid-json', 1]]);
      expect(all.problems[0]?.reason).toMatch(/control character/i);
    }
  });

  it('reads a file whose name is not valid UTF-8 and names it with the bad byte escaped', async () => {
    const name = Buffer.concat([Buffer.from(dir), Buffer.from('/caf'), Buffer.from([0xe9]), Buffer.from('.json')]);
    writeFileSync(name, JSON.stringify({ Records: [record(1)] }));
    writeFileSync(join(dir, 'plain.json'), JSON.stringify({ Records: [record(2)] }));
    const all = await readAll(openSource(dir));
    expect(all.files.map((f) => f.id)).toEqual([join(dir, 'caf\\xe9.json'), join(dir, 'plain.json')]);
    expect(all.records.map((r) => [r.origin.file, r.record.eventID])).toEqual([
      [join(dir, 'caf\\xe9.json'), 'id-1'],
      [join(dir, 'plain.json'), 'id-2'],
    ]);
    expect(all.problems).toEqual([]);
  });

  it('refuses a FIFO or a device named as the argument, before opening it', () => {
    execFileSync('mkfifo', [join(dir, 'pipe.json')]);
    expect(() => openSource(join(dir, 'pipe.json'))).toThrow(UsageError);
    expect(() => openSource(join(dir, 'pipe.json'))).toThrow(/FIFO.*not a regular file/);
    expect(() => openSource('/dev/zero')).toThrow(/character device, not a regular file/);
  });

  it('lists a FIFO met in a folder with a problem that refuses it, and reads the files around it', async () => {
    mkdirSync(join(dir, 'logs'));
    writeFileSync(join(dir, 'logs', 'a.json'), JSON.stringify({ Records: [record(1)] }));
    execFileSync('mkfifo', [join(dir, 'logs', 'b.json')]);
    writeFileSync(join(dir, 'logs', 'c.json'), JSON.stringify({ Records: [record(3)] }));
    const all = await readAll(openSource(join(dir, 'logs')));
    expect(all.records.map((r) => r.record.eventID)).toEqual(['id-1', 'id-3']);
    expect(all.problems.map((p) => [p.origin.file.slice(dir.length + 1), p.code])).toEqual([
      ['logs/b.json', 'not-a-file'],
    ]);
    expect(all.problems[0]?.reason).toMatch(/FIFO/);
  });

  it('skips a flood of blank lines without reading them one by one, with the line numbers right', async () => {
    // 8 MiB of newlines between two records: below the bomb threshold, so everything is read.
    const block = Buffer.alloc(1 << 20, 0x0a);
    const gz = await gzipFlood(`${JSON.stringify(record(1))}\n`, block, 8, `${JSON.stringify(record(2))}\n`);
    writeFileSync(join(dir, 'flood.jsonl.gz'), gz);
    const all = await readAll(openSource(join(dir, 'flood.jsonl.gz')));
    expect(all.records.map((r) => [r.record.eventID, r.origin.line])).toEqual([
      ['id-1', 1],
      ['id-2', 8 * (1 << 20) + 2],
    ]);
    expect(all.problems).toEqual([]);
  });

  it('stops a gzip of one record and a flood of newlines (a decompression bomb), keeping the record', async () => {
    const block = Buffer.alloc(1 << 20, 0x0a);
    const blocks = Math.ceil((BOMB_MIN_BYTES * 3) / block.length);
    const gz = await gzipFlood(`${JSON.stringify(record(1))}\n`, block, blocks, `${JSON.stringify(record(2))}\n`);
    expect(gz.length * 200).toBeLessThan(BOMB_MIN_BYTES);
    writeFileSync(join(dir, 'bomb.json.gz'), gz);
    const all = await readAll(openSource(join(dir, 'bomb.json.gz')));
    expect(all.records.map((r) => r.record.eventID)).toEqual(['id-1']);
    expect(all.problems.map((p) => p.code)).toEqual(['decompression-bomb']);
    expect(all.problems[0]?.reason).toMatch(/reading stopped; the lines before were kept/);
  });
});
