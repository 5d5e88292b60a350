/**
 * Normalize micro-benchmark (not a test): µs per record for `normalizeRecord` on
 * deterministic synthetic records and on the real fixture records, beside the cost of
 * JSON.parse of the same records (the floor ingest is measured against).
 *
 *   npx tsx scripts/bench-normalize.ts [--records 200000]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { prng, syntheticRecord } from '../src/ingest/synthetic.ts';
import { normalizeRecord } from '../src/normalize/index.ts';

const argv = process.argv.slice(2);
const at = argv.indexOf('--records');
const N = at >= 0 ? Number(argv[at + 1]) : 200_000;

function fixtureRecords(): Record<string, unknown>[] {
  const root = join(import.meta.dirname, '..', 'fixtures');
  const out: Record<string, unknown>[] = [];
  for (const file of ['panther_cloudtrail_rule_tests.jsonl', 'panther_test_scenarios.jsonl']) {
    for (const line of readFileSync(join(root, 'panther', file), 'utf8').split('\n'))
      if (line.trim()) out.push(JSON.parse(line));
  }
  for (const file of readdirSync(join(root, 'stratus-red-team')).filter((f) => f.endsWith('.json'))) {
    const parsed = JSON.parse(readFileSync(join(root, 'stratus-red-team', file), 'utf8')) as unknown;
    out.push(...((Array.isArray(parsed) ? parsed : [parsed]) as Record<string, unknown>[]));
  }
  return out;
}

function measure(label: string, records: Record<string, unknown>[], texts: string[]): void {
  let sink = 0;
  // Warm-up so the JIT has compiled both paths before timing.
  for (let i = 0; i < Math.min(records.length, 20_000); i++)
    sink += normalizeRecord(records[i] as Record<string, unknown>).ok ? 1 : 0;
  // CPU time, not wall time: the bench machine is shared, and CPU time is what a record costs.
  let t = process.cpuUsage();
  for (const text of texts) sink += (JSON.parse(text) as object) ? 1 : 0;
  let d = process.cpuUsage(t);
  const parseUs = (d.user + d.system) / texts.length;
  t = process.cpuUsage();
  for (const record of records) sink += normalizeRecord(record).ok ? 1 : 0;
  d = process.cpuUsage(t);
  const normUs = (d.user + d.system) / records.length;
  process.stdout.write(
    `${label}: ${records.length} records, JSON.parse ${parseUs.toFixed(2)} µs/record, normalize ${normUs.toFixed(2)} µs/record (${(normUs / parseUs).toFixed(2)}x parse) [${sink}]\n`,
  );
}

const rand = prng(42);
const base = Date.UTC(2026, 0, 5);
const synthetic = Array.from({ length: N }, (_, i) => syntheticRecord(rand, i, base));
measure(
  'synthetic',
  synthetic,
  synthetic.map((r) => JSON.stringify(r)),
);

const fixtures = fixtureRecords();
const repeated: Record<string, unknown>[] = [];
while (repeated.length < N) repeated.push(...fixtures);
measure(
  'fixtures (repeated)',
  repeated.slice(0, N),
  repeated.slice(0, N).map((r) => JSON.stringify(r)),
);
