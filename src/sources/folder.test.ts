import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SourceNotFoundError } from '../errors.ts';
import { openSource, readAll } from './index.ts';

const FIXTURES = join(import.meta.dirname, '../../fixtures');
const rec = (id: string) => ({ eventID: id, eventName: 'GetUser', eventTime: '2024-07-30T21:31:10Z' });

describe('folder and file sources', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'th-folder-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (rel: string, content: string | Buffer) => {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), content);
  };
  const names = (ids: string[]) => ids.map((id) => id.slice(dir.length + 1));

  it('reads the real Stratus Red Team detonations: 37 files, 312 records, no problem', async () => {
    const sut = openSource(join(FIXTURES, 'stratus-red-team'));
    const all = await readAll(sut);
    expect(all.files.filter((f) => !f.skip)).toHaveLength(37);
    expect(all.records).toHaveLength(312);
    expect(all.problems).toEqual([]);
    // The two bedrock files are a single object, not an array.
    expect(all.records.filter((r) => r.origin.index === undefined).map((r) => r.origin.file.split('/').pop())).toEqual([
      'aws.defense-evasion.bedrock-guardrail-delete.json',
      'aws.defense-evasion.bedrock-model-invocation-logging-delete.json',
    ]);
  });

  it('reads the Panther JSON Lines: 462 + 27 records, each with its line', async () => {
    const all = await readAll(openSource(join(FIXTURES, 'panther')));
    expect(all.records).toHaveLength(489);
    expect(all.problems).toEqual([]);
    expect(
      all.records.filter((r) => r.origin.file.endsWith('panther_test_scenarios.jsonl')).map((r) => r.origin.line),
    ).toEqual(Array.from({ length: 27 }, (_, i) => i + 1));
  });

  it('walks the S3 delivery layout: logs read, digest listed and skipped, Insights kept apart', async () => {
    const root = join(FIXTURES, 's3-layout');
    const all = await readAll(openSource(root));
    const prefix = 'AWSLogs/o-abc123/111122223333';
    expect(all.files.map((f) => [f.id.slice(root.length + 1).replace(/\/\d{4}\/07\/30\/.*$/, ''), f.skip])).toEqual([
      [`${prefix}/CloudTrail/us-east-1`, undefined],
      [`${prefix}/CloudTrail/us-east-1`, undefined],
      [`${prefix}/CloudTrail/us-east-1`, undefined],
      [`${prefix}/CloudTrail-Digest/us-east-1`, 'digest'],
      [`${prefix}/CloudTrail-Insight/us-east-1`, undefined],
      ['SOURCE.md', 'not-json'],
    ]);
    expect(all.files.slice(0, 3).map((f) => f.id.match(/_(\d{8}T\d{4})Z_/)?.[1])).toEqual([
      '20240730T2135',
      '20240730T2140',
      '20240730T2200',
    ]);
    expect(all.records).toHaveLength(36);
    expect(all.insights.map((i) => i.record.eventType)).toEqual(['AwsCloudTrailInsight']);
    expect(all.problems).toEqual([]);
  });

  it('lists a folder recursively in sorted order and skips what is clearly not JSON', async () => {
    write('b/2.json', JSON.stringify(rec('b2')));
    write('b/10.json', JSON.stringify(rec('b10')));
    write('a.jsonl', JSON.stringify(rec('a')));
    write('c/d/e.json.gz', gzipSync(JSON.stringify({ Records: [rec('e')] })));
    write('no-extension', JSON.stringify(rec('n')));
    write('export.log', JSON.stringify(rec('l')));
    write('README.md', '# notes');
    write('table.csv', 'a,b');
    write('pic.PNG', 'png');
    write('.DS_Store', 'x');
    write('.git/objects/x.json', JSON.stringify(rec('git')));
    write('x/111122223333_CloudTrail-Digest_us-east-1_t_us-east-1_20240730T220000Z.json.gz', gzipSync('{}'));
    const all = await readAll(openSource(dir));
    expect(all.files.map((f) => [names([f.id])[0], f.skip ?? 'read'])).toEqual([
      ['.DS_Store', 'not-json'],
      ['README.md', 'not-json'],
      ['a.jsonl', 'read'],
      ['b/10.json', 'read'],
      ['b/2.json', 'read'],
      ['c/d/e.json.gz', 'read'],
      ['export.log', 'read'],
      ['no-extension', 'read'],
      ['pic.PNG', 'not-json'],
      ['table.csv', 'not-json'],
      ['x/111122223333_CloudTrail-Digest_us-east-1_t_us-east-1_20240730T220000Z.json.gz', 'digest'],
    ]);
    expect(all.records.map((r) => r.record.eventID)).toEqual(['a', 'b10', 'b2', 'e', 'l', 'n']);
  });

  it('reads a file named on its own whatever its extension', async () => {
    write('export.txt', `${JSON.stringify(rec('t'))}\n`);
    const all = await readAll(openSource(join(dir, 'export.txt')));
    expect(all.files.map((f) => f.skip)).toEqual([undefined]);
    expect(all.records.map((r) => r.record.eventID)).toEqual(['t']);
  });

  it('changes the fingerprint when the size or the mtime changes, not otherwise', async () => {
    write('a.json', JSON.stringify(rec('a')));
    const fingerprint = async () => {
      for await (const f of openSource(join(dir, 'a.json')).files()) return f.fingerprint;
      return '';
    };
    const first = await fingerprint();
    expect(await fingerprint()).toBe(first);
    utimesSync(join(dir, 'a.json'), new Date(2030, 0, 1), new Date(2030, 0, 1));
    const touched = await fingerprint();
    expect(touched).not.toBe(first);
    write('a.json', JSON.stringify(rec('abc')));
    expect(await fingerprint()).not.toBe(touched);
  });

  it('follows a symlink loop once instead of forever', async () => {
    write('real/a.json', JSON.stringify(rec('a')));
    symlinkSync(join(dir, 'real'), join(dir, 'real', 'loop'));
    const all = await readAll(openSource(dir));
    expect(all.records.map((r) => r.record.eventID)).toEqual(['a']);
  });

  it('throws SourceNotFoundError for a path that does not exist', () => {
    expect(() => openSource(join(dir, 'missing'))).toThrow(SourceNotFoundError);
  });
});

describe('stdin source', () => {
  it('reads the whole stream with the same format detection, as file `-`', async () => {
    const content = gzipSync(`${JSON.stringify(rec('a'))}\nnot json\n${JSON.stringify(rec('b'))}\n`);
    const sut = openSource('-', { stdin: Readable.from([content.subarray(0, 10), content.subarray(10)]) });
    const all = await readAll(sut);
    expect(all.files.map((f) => [f.id, f.size])).toEqual([['-', content.length]]);
    expect(all.files[0]?.fingerprint).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(all.records.map((r) => [r.record.eventID, r.origin.file, r.origin.line])).toEqual([
      ['a', '-', 1],
      ['b', '-', 3],
    ]);
    expect(all.problems.map((p) => [p.code, p.origin.line])).toEqual([['invalid-json', 2]]);
  });

  it('gives the same content the same fingerprint', async () => {
    const fp = async (text: string) =>
      (await readAll(openSource('-', { stdin: Readable.from([Buffer.from(text)]) }))).files[0]?.fingerprint;
    expect(await fp('{"Records":[]}')).toBe(await fp('{"Records":[]}'));
    expect(await fp('{"Records":[]}')).not.toBe(await fp('{"Records": []}'));
  });

  it('reports empty stdin', async () => {
    const all = await readAll(openSource('-', { stdin: Readable.from([]) }));
    expect(all.problems.map((p) => [p.code, p.origin.file])).toEqual([['empty-file', '-']]);
  });
});
