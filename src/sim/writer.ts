/**
 * Writes calls as CloudTrail delivers them to S3:
 * `AWSLogs/<org>/<account>/CloudTrail/<region>/YYYY/MM/DD/<account>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<16 chars>.json.gz`,
 * one gzipped `{"Records":[...]}` per account, region and five-minute window, records
 * in no particular order inside a file (AWS gives no order either).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Rng } from './prng.ts';
import { renderRecord } from './record.ts';
import type { Call } from './types.ts';

export const WINDOW_MS = 5 * 60_000;

export interface WriteStats {
  files: number;
  events: number;
}

const pad = (n: number): string => String(n).padStart(2, '0');

/**
 * Where CloudTrail delivers the file of one account, region and time window: the folder
 * (`AWSLogs/o-.../ACCOUNT/CloudTrail/REGION/YYYY/MM/DD`) and the file name (its random suffix
 * drawn from `rng` when asked, so the caller's draw order decides).
 */
export function deliveryPath(
  root: string,
  orgId: string,
  acct: string,
  region: string,
  windowStart: number,
  windowMs: number,
): { dir: string; file: (rng: Rng) => string } {
  const d = new Date(windowStart);
  const dir = join(
    root,
    'AWSLogs',
    orgId,
    acct,
    'CloudTrail',
    region,
    String(d.getUTCFullYear()),
    pad(d.getUTCMonth() + 1),
    pad(d.getUTCDate()),
  );
  const file = (rng: Rng) =>
    `${acct}_CloudTrail_${region}_${fileStamp(windowStart + windowMs)}_${rng.alnum(16)}.json.gz`;
  return { dir, file };
}

export function fileStamp(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}Z`;
}

/** Groups calls into delivery files and writes them; `rng` shuffles records and names files. */
export function writeCalls(
  root: string,
  orgId: string,
  calls: readonly Call[],
  rng: Rng,
  windowMs = WINDOW_MS,
): WriteStats {
  const groups = new Map<string, Call[]>();
  for (const c of calls) {
    const w = Math.floor(c.time / windowMs);
    const k = `${c.accountId}|${c.region}|${w}`;
    let g = groups.get(k);
    if (!g) {
      g = [];
      groups.set(k, g);
    }
    g.push(c);
  }
  // Sorted keys: the same calls always give the same files in the same order.
  const keys = [...groups.keys()].sort();
  const made = new Set<string>();
  let events = 0;
  for (const k of keys) {
    const [acct = '', region = '', w = '0'] = k.split('|');
    const group = groups.get(k) ?? [];
    const { dir, file } = deliveryPath(root, orgId, acct, region, Number(w) * windowMs, windowMs);
    if (!made.has(dir)) {
      mkdirSync(dir, { recursive: true });
      made.add(dir);
    }
    const records = rng.shuffle(group.map((c) => renderRecord(c, rng)));
    writeFileSync(join(dir, file(rng)), gzipSync(JSON.stringify({ Records: records }), { level: 4 }));
    events += group.length;
  }
  return { files: keys.length, events };
}
