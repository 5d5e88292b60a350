import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { record } from '../catalog/test-support.ts';
import { runCli } from '../cli/testing.ts';
import { jsonText, MAX_JSON_DEPTH, TOO_DEEP } from './json.ts';

/** Everything a terminal may act on that JSON.stringify leaves raw. */
const RAW_UNSAFE = /[\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/;
const HOSTILE = 'al\u202eice\u009b31m\u007f\u2066x\u2069\u200b\u2028\ufeff\u061c';

function nested(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

describe(jsonText.name, () => {
  it('writes bidi, C1, DEL, zero-width and separator characters as \\u escapes, and means the same', () => {
    const value = { [HOSTILE]: [HOSTILE], n: 1, ok: 'plain ✓ ünïcode' };
    for (const indent of [undefined, 2]) {
      const text = jsonText(value, indent);
      expect(text).not.toMatch(RAW_UNSAFE);
      expect(text).toContain('al\\u202eice\\u009b31m\\u007f');
      expect(text).toContain('plain ✓ ünïcode');
      expect(JSON.parse(text)).toEqual(value);
    }
  });

  it('leaves C0 controls to JSON.stringify (escaped) and indentation newlines as they are', () => {
    const text = jsonText({ a: 'x\u001b[2Jy\n' }, 2);
    expect(text).toBe('{\n  "a": "x\\u001b[2Jy\\n"\n}');
  });

  it('replaces what is nested deeper than the bound by a marker, and keeps the rest', () => {
    const shallow = nested(MAX_JSON_DEPTH);
    expect(JSON.parse(jsonText(shallow))).toEqual(shallow);
    const deep = JSON.parse(jsonText({ keep: 1, deep: nested(100_000) })) as { keep: number; deep: unknown };
    expect(deep.keep).toBe(1);
    let level: unknown = deep.deep;
    let depth = 1;
    while (typeof level === 'object' && level !== null) {
      level = (level as { a: unknown }).a;
      depth++;
    }
    expect(level).toBe(TOO_DEEP);
    expect(depth).toBe(MAX_JSON_DEPTH);
  });

  it('honours toJSON (dates) and writes undefined as null at the top', () => {
    expect(jsonText({ at: new Date(0) })).toBe('{"at":"1970-01-01T00:00:00.000Z"}');
    expect(jsonText(undefined)).toBe('null');
  });
});

describe('--format json|jsonl on a hostile record', () => {
  let dir: string;
  let db: string;
  let file: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'th-json-'));
    // One ~600 KB record nested 100k deep, whose strings carry bidi overrides and C1 controls.
    const deep = `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`;
    const hostile = JSON.stringify(
      record({ source: 'iam', name: 'CreateUser', user: HOSTILE, params: { userName: HOSTILE, deep: 'DEEP' } }),
    ).replace('"DEEP"', deep);
    file = join(dir, 'hostile.json');
    writeFileSync(file, `${hostile}\n`);
    db = join(dir, 'th.db');
    const ingest = await runCli(['ingest', file, '--db', db]);
    expect(ingest.code).toBe(0);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(['jsonl', 'json'])('events --format %s prints it escaped and bounded, exit 0', async (format) => {
    const sut = await runCli(['events', '--db', db, '--format', format]);
    expect(sut.stderr).toBe('');
    expect(sut.code).toBe(0);
    expect(sut.stdout).not.toMatch(RAW_UNSAFE);
    expect(sut.stdout).toContain(TOO_DEEP);
    const parsed = JSON.parse(format === 'json' ? sut.stdout : (sut.stdout.split('\n')[0] ?? '')) as unknown;
    const event = (Array.isArray(parsed) ? parsed[0] : parsed) as { actor: { name: string } };
    expect(event.actor.name).toBe(HOSTILE);
  });

  it.each(['jsonl', 'json'])('describe --format %s prints it escaped, exit 0', async (format) => {
    const sut = await runCli(['describe', file, '--format', format]);
    expect(sut.code).toBe(0);
    expect(sut.stdout).not.toMatch(RAW_UNSAFE);
    expect(sut.stdout).toContain('\\u202e');
  });

  it('stats --format json is JSON', async () => {
    const sut = await runCli(['stats', '--db', db, '--format', 'json']);
    expect(sut.code).toBe(0);
    expect(JSON.parse(sut.stdout)).toMatchObject({ events: 1 });
  });
});

describe('describe with nothing to describe', () => {
  it.each([
    ['empty input', ''],
    ['only bad lines', 'not json\n{"eventID": 1}\n'],
  ])('exits non-zero for %s and says why', async (_, input) => {
    const sut = await runCli(['describe', '-'], input);
    expect(sut.code).toBe(3);
    expect(sut.stderr).toContain('could be described');
  });
});
