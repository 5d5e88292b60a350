/**
 * Corruption suite: each bad input gives one problem with a stable code and its place, and
 * every good record around the bad part is still read.
 */
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import zlib from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSource, readAll } from './index.ts';

const CORRUPT = join(import.meta.dirname, '../../fixtures/corrupt');

type Expected = {
  records: Array<number | string>;
  problems: Array<[code: string, line?: number | undefined, index?: number]>;
};

/** File -> the records kept (by line or index) and the problems reported. */
const CORRUPT_FIXTURES: Record<string, Expected> = {
  'app-log.jsonl': { records: [], problems: [['not-cloudtrail']] },
  // Cut inside the 4th record: the 3 complete ones before it are kept.
  // A raw BEL inside record 1's userAgent: only that record is lost.
  'control-char-in-records.json': { records: [0, 2, 3], problems: [['invalid-json', undefined, 1]] },
  'cut-records.json': { records: [0, 1, 2], problems: [['invalid-json', undefined, 3]] },
  'empty.json': { records: [], problems: [['empty-file']] },
  'empty.json.gz': { records: [], problems: [['empty-file']] },
  'garbage-gzip-header.gz': { records: [], problems: [['gzip-invalid']] },
  'garbage.bin': { records: [], problems: [['invalid-json']] },
  'gzipped-garbage.json.gz': { records: [], problems: [['invalid-json']] },
  'lowercase-records.json': { records: [], problems: [['not-cloudtrail']] },
  'one-bad-line.jsonl': { records: [1, 2, 4, 5], problems: [['invalid-json', 3]] },
  'package.json': { records: [], problems: [['not-cloudtrail']] },
  'records-not-array.json': { records: [], problems: [['wrong-type']] },
  // 6 lines gzipped, the last 40 compressed bytes cut: the 5 complete lines are kept.
  'truncated-lines.jsonl.gz': { records: [1, 2, 3, 4, 5], problems: [['gzip-truncated']] },
  'truncated-records.json.gz': { records: [0, 1], problems: [['gzip-truncated']] },
  'whitespace.json': { records: [], problems: [['empty-file']] },
  'wrong-type-element.json': {
    records: [0, 4],
    problems: [
      ['wrong-type', undefined, 1],
      ['wrong-type', undefined, 2],
      ['wrong-type', undefined, 3],
    ],
  },
};

describe('corrupt inputs (fixtures/corrupt)', () => {
  it.each(Object.entries(CORRUPT_FIXTURES))('%s', async (name, expected) => {
    const sut = openSource(join(CORRUPT, name));
    const all = await readAll(sut);
    expect(all.records.map((r) => r.origin.line ?? r.origin.index ?? 0)).toEqual(expected.records);
    // Records in an unknown shape after the first are quarantined quietly (one message per file).
    expect(all.problems.filter((p) => !p.quiet).map((p) => [p.code, p.origin.line, p.origin.index])).toEqual(
      expected.problems.map(([c, l, i]) => [c, l, i]),
    );
    for (const p of all.problems) {
      expect(p.origin.file).toBe(join(CORRUPT, name));
      expect((p.excerpt ?? '').length).toBeLessThanOrEqual(201);
      expect([...(p.excerpt ?? '')].some((c) => c.charCodeAt(0) < 0x20)).toBe(false);
    }
  });

  it('reads the whole folder: every fixture listed once, the SOURCE.md skipped as not JSON', async () => {
    const all = await readAll(openSource(CORRUPT));
    const read = all.files.filter((f) => !f.skip).map((f) => f.id.slice(CORRUPT.length + 1));
    expect(read).toEqual(Object.keys(CORRUPT_FIXTURES).sort());
    expect(all.files.filter((f) => f.skip === 'not-json').map((f) => f.id)).toEqual([join(CORRUPT, 'SOURCE.md')]);
    expect(all.records).toHaveLength(3 + 3 + 4 + 5 + 2 + 2);
  });
});

describe('corrupt inputs (generated)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'th-corrupt-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const record = (i: number, pad = 0) => ({
    eventID: `id-${i}`,
    eventName: 'GetCallerIdentity',
    eventTime: '2024-07-30T21:31:10Z',
    pad: 'x'.repeat(pad),
  });
  const limits = { maxRecordBytes: 4096 };

  it('keeps exactly the lines before the cut of a gzip truncated right after a flush point', async () => {
    const head = `${[1, 2, 3].map((i) => JSON.stringify(record(i))).join('\n')}\n`;
    const tail = `${[4, 5].map((i) => JSON.stringify(record(i))).join('\n')}\n`;
    const gzip = zlib.createGzip();
    const chunks: Buffer[] = [];
    gzip.on('data', (c: Buffer) => chunks.push(c));
    gzip.write(head);
    await new Promise<void>((resolve) => gzip.flush(zlib.constants.Z_FULL_FLUSH, () => resolve()));
    const flushed = Buffer.concat(chunks).length;
    gzip.end(tail);
    await new Promise((resolve) => gzip.on('end', resolve));
    const whole = Buffer.concat(chunks);
    writeFileSync(join(dir, 'cut.jsonl.gz'), whole.subarray(0, flushed + 3));

    const all = await readAll(openSource(join(dir, 'cut.jsonl.gz')));
    expect(all.records.map((r) => [r.record.eventID, r.origin.line])).toEqual([
      ['id-1', 1],
      ['id-2', 2],
      ['id-3', 3],
    ]);
    expect(all.problems.map((p) => p.code)).toEqual(['gzip-truncated']);
  });

  it('keeps every record of a gzip whose trailer alone is missing, and still reports the truncation', async () => {
    const gz = zlib.gzipSync(JSON.stringify({ Records: [record(1), record(2)] }));
    writeFileSync(join(dir, 'no-trailer.json.gz'), gz.subarray(0, gz.length - 8));
    const all = await readAll(openSource(join(dir, 'no-trailer.json.gz')));
    expect(all.records.map((r) => r.record.eventID)).toEqual(['id-1', 'id-2']);
    expect(all.problems.map((p) => p.code)).toEqual(['gzip-truncated']);
  });

  it('reports a huge JSON Lines line and keeps the lines around it', async () => {
    const lines = [record(1), record(2, 10_000), record(3)].map((r) => JSON.stringify(r));
    writeFileSync(join(dir, 'big.jsonl'), lines.join('\n'));
    const all = await readAll(openSource(join(dir, 'big.jsonl'), { limits }));
    expect(all.records.map((r) => r.origin.line)).toEqual([1, 3]);
    expect(all.problems.map((p) => [p.code, p.origin.line])).toEqual([['record-too-large', 2]]);
    expect(all.problems[0]?.excerpt?.length).toBeLessThanOrEqual(201);
  });

  it.each([
    ['a Records file', (rs: unknown[]) => ({ Records: rs })],
    ['a JSON array', (rs: unknown[]) => rs],
  ])('reports a huge record inside %s by index and keeps the others', async (_kind, wrap) => {
    const text = JSON.stringify(
      wrap([record(0), record(1, 10_000), { ...record(2), nested: [{ a: '[{"quoted]}' }] }, record(3, 5000)]),
      null,
      1,
    );
    writeFileSync(join(dir, 'big.json'), text);
    const all = await readAll(openSource(join(dir, 'big.json'), { limits }));
    expect(all.records.map((r) => r.origin.index)).toEqual([0, 2]);
    expect(all.problems.map((p) => [p.code, p.origin.index])).toEqual([
      ['record-too-large', 1],
      ['record-too-large', 3],
    ]);
    expect(all.problems[0]?.excerpt).toMatch(/^\{/);
  });

  it('reports a single huge record file', async () => {
    writeFileSync(join(dir, 'one.json'), JSON.stringify(record(1, 10_000)));
    const all = await readAll(openSource(join(dir, 'one.json'), { limits }));
    expect(all.problems.map((p) => p.code)).toEqual(['record-too-large']);
    expect(all.records).toEqual([]);
  });

  it('reports a file above the file limit without loading it, plain or gzipped', async () => {
    const text = JSON.stringify({ Records: Array.from({ length: 50 }, (_, i) => record(i)) });
    writeFileSync(join(dir, 'a.json'), text);
    writeFileSync(join(dir, 'b.json.gz'), zlib.gzipSync(text));
    const all = await readAll(openSource(dir, { limits: { maxFileBytes: 1000, maxRecordBytes: 500 } }));
    expect(all.problems.map((p) => [p.origin.file.slice(dir.length + 1), p.code])).toEqual([
      ['a.json', 'file-too-large'],
      ['b.json.gz', 'file-too-large'],
    ]);
  });

  it('streams JSON Lines above the file limit line by line, plain or gzipped, with every problem in place', async () => {
    const lines = Array.from({ length: 60 }, (_, i) => JSON.stringify(record(i)));
    lines[10] = '{"eventID": "broken';
    lines[20] = JSON.stringify(record(20, 600));
    const text = `${lines.join('\n')}\n`;
    writeFileSync(join(dir, 'big.jsonl'), text);
    writeFileSync(join(dir, 'big.jsonl.gz'), zlib.gzipSync(text));
    const small = { maxFileBytes: 1000, maxRecordBytes: 500 };
    expect(text.length).toBeGreaterThan(small.maxFileBytes * 4);
    for (const name of ['big.jsonl', 'big.jsonl.gz']) {
      const all = await readAll(openSource(join(dir, name), { limits: small }));
      expect(all.records.map((r) => r.origin.line)).toEqual(
        Array.from({ length: 60 }, (_, i) => i + 1).filter((n) => n !== 11 && n !== 21),
      );
      expect(all.problems.map((p) => [p.code, p.origin.line])).toEqual([
        ['invalid-json', 11],
        ['record-too-large', 21],
      ]);
    }
  });

  it('streams a gzip in memory whose decompressed JSON Lines are above the file limit', async () => {
    const lines = Array.from({ length: 200 }, (_, i) => JSON.stringify(record(i)));
    const gz = zlib.gzipSync(lines.join('\n'));
    const limits = { maxFileBytes: gz.length + 10, maxRecordBytes: 1000 };
    const { parseBuffer } = await import('./parse.ts');
    const items = [];
    for await (const item of parseBuffer(gz, { file: 'mem', limits, insightFile: false })) items.push(item);
    expect(items.filter((i) => i.kind === 'record').map((i) => i.origin.line)).toEqual(
      Array.from({ length: 200 }, (_, i) => i + 1),
    );
    expect(items.filter((i) => i.kind === 'problem')).toEqual([]);
  });

  it('keeps the lines before the cut of a truncated gzip too large to load', async () => {
    const text = `${Array.from({ length: 300 }, (_, i) => JSON.stringify(record(i, 50))).join('\n')}\n`;
    const gz = zlib.gzipSync(text);
    writeFileSync(join(dir, 'cut.jsonl.gz'), gz.subarray(0, Math.floor(gz.length / 2)));
    const all = await readAll(openSource(join(dir, 'cut.jsonl.gz'), { limits: { maxFileBytes: 1000 } }));
    const kept = all.records.map((r) => r.origin.line);
    expect(kept.length).toBeGreaterThan(0);
    expect(kept).toEqual(Array.from({ length: kept.length }, (_, i) => i + 1));
    expect(all.problems.map((p) => p.code)).toEqual(['gzip-truncated']);
  });

  it('reports a file removed between listing and reading', async () => {
    writeFileSync(join(dir, 'gone.json'), JSON.stringify(record(1)));
    const files = [];
    for await (const f of openSource(dir).files()) files.push(f);
    const [file] = files;
    unlinkSync(join(dir, 'gone.json'));
    const items = [];
    for await (const item of file?.read() ?? []) items.push(item);
    expect(items.map((i) => (i.kind === 'problem' ? i.code : i.kind))).toEqual(['read-error']);
  });

  it('in JSON Lines with CloudTrail, reports each non-CloudTrail line where it is', async () => {
    const lines = [
      '{"hello":"world"}',
      JSON.stringify(record(1)),
      '[1,{"x":1}]',
      '"just a string"',
      JSON.stringify(record(2)),
    ];
    writeFileSync(join(dir, 'mixed.jsonl'), lines.join('\n'));
    const all = await readAll(openSource(join(dir, 'mixed.jsonl')));
    expect(all.records.map((r) => r.origin.line)).toEqual([2, 5]);
    // One message for the file's unknown shape (the first), the others quarantined quietly.
    expect(all.problems.map((p) => [p.code, p.origin.line, p.origin.index, p.quiet === true])).toEqual([
      ['not-cloudtrail', 1, undefined, false],
      ['wrong-type', 3, 0, false],
      ['not-cloudtrail', 3, 1, true],
      ['not-cloudtrail', 4, undefined, true],
    ]);
    expect(all.problems[0]?.reason).toMatch(/top-level fields: hello\).*accepted shapes: .*Splunk/);
  });

  it('keeps the good lines of JSON Lines whose first line is broken', async () => {
    const lines = ['{"eventID": "broken', JSON.stringify(record(1)), JSON.stringify(record(2))];
    writeFileSync(join(dir, 'first-bad.jsonl'), lines.join('\n'));
    const all = await readAll(openSource(join(dir, 'first-bad.jsonl')));
    expect(all.records.map((r) => r.origin.line)).toEqual([2, 3]);
    expect(all.problems.map((p) => [p.code, p.origin.line])).toEqual([['invalid-json', 1]]);
  });

  it('escapes control characters in excerpts and keeps them short', async () => {
    writeFileSync(
      join(dir, 'ctl.jsonl'),
      `${JSON.stringify(record(1))}\n{"eventID":"\u001b[31mred\u0007 ${'y'.repeat(500)}\n`,
    );
    const all = await readAll(openSource(join(dir, 'ctl.jsonl')));
    const [p] = all.problems;
    expect(p?.code).toBe('invalid-json');
    expect(p?.excerpt).toContain('\\u001b[31mred\\u0007');
    expect(p?.excerpt?.length).toBeLessThanOrEqual(201);
  });
});
