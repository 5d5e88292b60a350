/**
 * `npm run catalog:coverage`: how many distinct eventNames in the CloudTrail fixtures have a
 * hand-written sentence template and how many fall back to the catalog description, plus
 * the catalog's speed on those records (describeEvent and factsOf+riskOf, µs per event).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { describeEvent, factsOf, riskOf } from '../src/catalog/index.ts';
import { TEMPLATES } from '../src/catalog/templates.ts';
import type { Event } from '../src/normalize/event.ts';
import { normalizeRecord } from '../src/normalize/index.ts';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');

/** Records from every .json / .jsonl file under fixtures/ that holds CloudTrail records. */
function* records(dir: string): Generator<Record<string, unknown>> {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      yield* records(path);
      continue;
    }
    if (!/\.(json|jsonl)$/.test(name)) continue;
    const text = readFileSync(path, 'utf8');
    const values: unknown[] = [];
    try {
      const parsed: unknown = JSON.parse(text);
      if (Array.isArray(parsed)) values.push(...parsed);
      else if (parsed && typeof parsed === 'object' && Array.isArray((parsed as { Records?: unknown }).Records))
        values.push(...(parsed as { Records: unknown[] }).Records);
      else values.push(parsed);
    } catch {
      for (const line of text.split('\n')) {
        try {
          if (line.trim() !== '') values.push(JSON.parse(line));
        } catch {
          // not JSON Lines either (corrupt fixtures): skip the line
        }
      }
    }
    for (const v of values)
      if (v && typeof v === 'object' && 'eventName' in v && 'eventSource' in v) yield v as Record<string, unknown>;
  }
}

const events: Event[] = [];
let refused = 0;
for (const r of records(FIXTURES)) {
  const n = normalizeRecord(r);
  if (n.ok) events.push(n.event);
  else refused++;
}

const templated = new Map<string, number>();
const fallback = new Map<string, number>();
for (const e of events) {
  const d = describeEvent(e);
  const key = `${e.service}:${e.actionKey}`;
  const map = d.templated ? templated : fallback;
  map.set(key, (map.get(key) ?? 0) + 1);
}

// Timing: warm, then N passes over every event. Not a test: numbers for the report.
const passes = 20;
for (const e of events) describeEvent(e);
let t = process.hrtime.bigint();
for (let i = 0; i < passes; i++) for (const e of events) describeEvent(e);
const describeUs = Number(process.hrtime.bigint() - t) / 1000 / (passes * events.length);
t = process.hrtime.bigint();
for (let i = 0; i < passes; i++) for (const e of events) riskOf(e) + factsOf(e).length;
const factsUs = Number(process.hrtime.bigint() - t) / 1000 / (passes * events.length);

// Calibration: a string-keyed Map lookup costs ~30-50 ns on an idle laptop; on a shared,
// overloaded machine everything above scales with it.
const probe = new Map<string, number>();
for (let i = 0; i < 300; i++) probe.set(`ec2:Action${i}`, i);
t = process.hrtime.bigint();
let hits = 0;
for (let i = 0; i < 1_000_000; i++) if (probe.get(`ec2:Action${i % 300}`) !== undefined) hits++;
const lookupNs = Number(process.hrtime.bigint() - t) / Math.max(hits, 1);

const total = templated.size + fallback.size;
console.log(`catalog coverage over fixtures/: ${events.length} events (${refused} records refused by normalize)`);
console.log(`  hand-written templates in the catalog: ${Object.keys(TEMPLATES).length}`);
console.log(`  distinct service:eventName pairs: ${total}`);
console.log(
  `    with a hand-written template: ${templated.size} (${Math.round((100 * templated.size) / Math.max(total, 1))}%)`,
);
console.log(`    falling back to the catalog description: ${fallback.size}`);
console.log(`  speed: describeEvent ${describeUs.toFixed(2)} µs/event, factsOf+riskOf ${factsUs.toFixed(2)} µs/event`);
console.log(`         (machine: load average ${loadavg()[0]?.toFixed(1)}, one Map lookup ${lookupNs.toFixed(0)} ns;`);
console.log(
  `          in Map lookups: describeEvent ${Math.round((describeUs * 1000) / lookupNs)}, factsOf+riskOf ${Math.round((factsUs * 1000) / lookupNs)})`,
);
if (fallback.size > 0) {
  console.log('  fallbacks (count):');
  for (const [k, n] of [...fallback].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])))
    console.log(`    ${k} (${n})`);
}
