/**
 * Sources benchmark: records/s of `openSource(folder)` read to the end (nothing stored) beside
 * the floor on the same files (gunzip + decode + one JSON.parse), and the cost of the
 * record-size scan that runs on files longer than the record limit.
 *
 *   npx tsx scripts/bench-sources.ts [files=100] [perFile=1000]
 */
import { isAscii } from 'node:buffer';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { prng, syntheticRecord, writeSyntheticTrail } from '../src/ingest/synthetic.ts';
import { openSource } from '../src/sources/index.ts';
import type { ParseLimits } from '../src/sources/parse.ts';

const files = Number(process.argv[2] ?? 100);
const perFile = Number(process.argv[3] ?? 1000);
const dir = mkdtempSync(join(tmpdir(), 'th-bench-sources-'));

async function readSource(path: string, limits: Partial<ParseLimits> = {}): Promise<number> {
  let n = 0;
  for await (const file of openSource(path, { limits }).files()) {
    if (file.skip) continue;
    for await (const item of file.read()) if (item.kind !== 'problem') n++;
  }
  return n;
}

function floor(paths: string[]): number {
  let n = 0;
  for (const p of paths) {
    const buf = gunzipSync(readFileSync(p), { chunkSize: 1 << 20 });
    const text = isAscii(buf) ? buf.toString('latin1') : buf.toString('utf8');
    n += (JSON.parse(text) as { Records: unknown[] }).Records.length;
  }
  return n;
}

async function best(name: string, run: () => Promise<number> | number, bytes: number): Promise<void> {
  let bestMs = Number.POSITIVE_INFINITY;
  let n = 0;
  for (let i = 0; i < 4; i++) {
    const t = performance.now();
    n = await run();
    bestMs = Math.min(bestMs, performance.now() - t);
  }
  const perSec = (n / bestMs) * 1000;
  console.log(
    `${name.padEnd(44)} ${String(n).padStart(8)} rec  ${bestMs.toFixed(0).padStart(6)} ms  ${Math.round(perSec / 1000)}k rec/s  ${(((bytes / bestMs) * 1000) / 2 ** 20).toFixed(0)} MB/s`,
  );
}

try {
  const paths = writeSyntheticTrail(join(dir, 'trail'), files, perFile);
  const bytes = paths.reduce((s, p) => s + gunzipSync(readFileSync(p)).length, 0);
  console.log(
    `${files} files x ${perFile} records, ${(bytes / 2 ** 20).toFixed(1)} MiB decompressed (${(bytes / files / 2 ** 20).toFixed(2)} MiB/file)`,
  );
  await best('floor: gunzip + decode + JSON.parse', () => floor(paths), bytes);
  await best('openSource folder (default limits)', () => readSource(join(dir, 'trail')), bytes);
  await best(
    'openSource folder (no record-size check)',
    () => readSource(join(dir, 'trail'), { maxRecordBytes: 2 ** 30 }),
    bytes,
  );
  const rand = prng(3);
  const lines = Array.from({ length: files * perFile }, (_, i) =>
    JSON.stringify(syntheticRecord(rand, i, Date.UTC(2026, 0, 5))),
  ).join('\n');
  writeFileSync(join(dir, 'export.jsonl.gz'), gzipSync(lines));
  await best('one gzipped JSON Lines file', () => readSource(join(dir, 'export.jsonl.gz')), lines.length);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
