/**
 * Test helpers: simulate a short organization once into a temp folder and read every
 * delivered record back with the file it came from.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { type SimulateOptions, type SimulateResult, simulate } from './index.ts';

export interface SimRecordFile {
  path: string;
  records: Array<Record<string, unknown>>;
}

export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

export function readTrail(dir: string): SimRecordFile[] {
  return listFiles(join(dir, 'AWSLogs')).map((p) => ({
    path: relative(dir, p),
    records: (JSON.parse(gunzipSync(readFileSync(p)).toString('utf8')) as { Records: Array<Record<string, unknown>> })
      .Records,
  }));
}

/** Four days from a Friday: two working days, a weekend with the scanner, a root sign-in on day 3. */
export const SHORT_SIM: Omit<SimulateOptions, 'out'> = {
  weeks: 4 / 7,
  seed: 11,
  scale: 0.3,
  start: '2026-01-09T00:00:00Z',
  learningDays: 1,
};

export function simulateTo(options: Omit<SimulateOptions, 'out'>): { dir: string; result: SimulateResult } {
  const dir = mkdtempSync(join(tmpdir(), 'trailhound-sim-'));
  return { dir, result: simulate({ ...options, out: dir }) };
}
