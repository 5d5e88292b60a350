/**
 * Which autonomous system (number and organization name) an event's source address belongs
 * to, from the bundled offline table of `@ip-location-db/asn` (CC BY 4.0: RouteViews, the five
 * RIRs via NRO, DB-IP; pinned in package.json, see README "Data and licences"). Nothing is
 * fetched: the table is read from node_modules once, on the first lookup.
 *
 * Loading parses the package's CSVs (IPv4 in numeric form, IPv6 as text, straight from the
 * bytes) into sorted typed arrays that lookups binary-search: 412k IPv4 and 103k IPv6 ranges,
 * 91k autonomous systems. Measured here (Node 20): ~250 ms of CPU once per process (270-670 ms
 * wall while the 2 cores were shared), 8.6 MB of typed arrays plus ~6 MB of heap for the names.
 * Fast enough that no binary cache is kept (the first, string-splitting version took 0.7-1.0 s
 * and held 34 MB). Lookups are cached per distinct address (~2 us uncached), so the detector's
 * per-event path only hits a Map.
 *
 * The IPv4 data has one overlap (two DoD ranges): there the range that starts later answers.
 *
 * `sourceIPAddress` is not always an address (`ec2.amazonaws.com`, `AWS Internal`) and is
 * attacker-influenced: anything that does not parse strictly as IPv4 or IPv6 gives null, as do
 * private, reserved and documentation addresses (the table has no ranges for them).
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface AsnInfo {
  asn: number;
  /** Registered organization name, e.g. `DigitalOcean, LLC`; from our bundled data, still render it escaped. */
  org: string;
}

export interface AsnTable {
  /** IPv4 ranges: inclusive start and end as unsigned 32-bit numbers, sorted by start. */
  v4Start: Uint32Array;
  v4End: Uint32Array;
  v4Asn: Uint32Array;
  /** IPv6 ranges: four big-endian 32-bit words per address, sorted by start. */
  v6Start: Uint32Array;
  v6End: Uint32Array;
  v6Asn: Uint32Array;
  orgs: Map<number, string>;
}

/** The package's folder, or null when it is not installed (then every lookup is null). */
function dataDir(): string | null {
  try {
    return dirname(createRequire(import.meta.url).resolve('@ip-location-db/asn/package.json'));
  } catch {
    return null;
  }
}

const COMMA = 0x2c;
const NEWLINE = 0x0a;
const QUOTE = 0x22;

/** End (exclusive) of the unsigned decimal at `at`, its value in `out.value`. */
function decimal(buf: Buffer, at: number, out: { value: number }): number {
  let v = 0;
  let i = at;
  for (let c = buf[i] as number; c >= 0x30 && c <= 0x39; c = buf[++i] as number) v = v * 10 + (c - 0x30);
  out.value = v;
  return i;
}

/**
 * Reads the org field starting at `at` (plain, or quoted with `""` escapes) when `want`, and
 * returns the index just past its line. Decoded from the buffer so the name is a fresh string
 * (slices of one big string would keep the whole 20 MB file alive).
 */
function orgField(buf: Buffer, at: number, want: boolean, out: { org: string }): number {
  if (buf[at] === QUOTE) {
    let i = at + 1;
    for (;;) {
      if (i >= buf.length) break;
      if (buf[i] === QUOTE) {
        if (buf[i + 1] === QUOTE) {
          i += 2;
          continue;
        }
        break;
      }
      i++;
    }
    if (want) out.org = buf.toString('utf8', at + 1, i).replaceAll('""', '"');
    const nl = buf.indexOf(NEWLINE, i);
    return nl < 0 ? buf.length : nl + 1;
  }
  let nl = buf.indexOf(NEWLINE, at);
  if (nl < 0) nl = buf.length;
  if (want) out.org = buf.toString('utf8', at, buf[nl - 1] === 0x0d ? nl - 1 : nl);
  return nl + 1;
}

/** A Uint32Array that grows as rows are read (the row count is not known before reading). */
class Words {
  #a = new Uint32Array(1 << 16);
  length = 0;
  push(v: number): void {
    if (this.length === this.#a.length) {
      const bigger = new Uint32Array(this.#a.length * 2);
      bigger.set(this.#a);
      this.#a = bigger;
    }
    this.#a[this.length++] = v;
  }
  done(): Uint32Array {
    return this.#a.slice(0, this.length);
  }
}

const CHUNK = 1 << 20;

/**
 * Feeds a file to `parse` in chunks of whole lines, so loading holds 1 MB of file at a time
 * instead of both files (30 MB: reading them whole added ~60 MB to the detector's peak RSS).
 */
function eachChunk(path: string, parse: (lines: Buffer) => void): void {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(CHUNK);
    let have = 0;
    for (;;) {
      const n = readSync(fd, buf, have, buf.length - have, null);
      if (n === 0) {
        if (have > 0) parse(buf.subarray(0, have));
        return;
      }
      const end = have + n;
      const cut = buf.lastIndexOf(NEWLINE, end - 1) + 1;
      if (cut === 0) {
        // No line end yet: read on, unless the chunk is full (a line this long is not data).
        if (end === buf.length) throw new Error(`${path}: line longer than ${CHUNK} bytes`);
        have = end;
        continue;
      }
      parse(buf.subarray(0, cut));
      buf.copy(buf, 0, cut, end);
      have = end - cut;
    }
  } finally {
    closeSync(fd);
  }
}

/** Index just past the line that `at` is in. */
function nextLine(buf: Buffer, at: number): number {
  const nl = buf.indexOf(NEWLINE, at);
  return nl < 0 ? buf.length : nl + 1;
}

interface Ranges {
  start: Words;
  end: Words;
  asns: Words;
}

/** Lines of `asn-ipv4-num.csv`: `start,end,asn,org` with decimal addresses. A malformed line is skipped. */
function parseV4(buf: Buffer, into: Ranges, orgs: Map<number, string>, num: { value: number }, name: { org: string }) {
  let i = 0;
  while (i < buf.length) {
    const a = decimal(buf, i, num);
    const s = num.value;
    const b = buf[a] === COMMA ? decimal(buf, a + 1, num) : a;
    const e = num.value;
    const c = buf[b] === COMMA ? decimal(buf, b + 1, num) : b;
    const asn = num.value;
    // Each of the three numbers has at least one digit and ends at a comma.
    if (a === i || b <= a + 1 || c <= b + 1 || buf[c] !== COMMA) {
      i = nextLine(buf, i);
      continue;
    }
    const want = !orgs.has(asn);
    i = orgField(buf, c + 1, want, name);
    if (want) orgs.set(asn, name.org);
    into.start.push(s);
    into.end.push(e);
    into.asns.push(asn);
  }
}

const COLON = 0x3a;

function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

/**
 * The table's IPv6 addresses (hex groups and one `::`, as the package writes them) parsed from
 * the buffer into `out[at..at+4]` without building strings: the string parser made IPv6 two
 * thirds of the load time. Anything else returns false and the caller falls back to `parseIPv6`.
 */
function ipv6Bytes(buf: Buffer, from: number, to: number, out: Uint32Array, at: number): boolean {
  const groups = new Array<number>(8).fill(0);
  let n = 0;
  let gap = -1;
  let i = from;
  if (buf[i] === COLON && buf[i + 1] === COLON) {
    gap = 0;
    i += 2;
  }
  while (i < to) {
    let v = 0;
    let digits = 0;
    for (let d = hexDigit(buf[i] as number); d >= 0 && i < to; d = hexDigit(buf[++i] as number)) {
      v = v * 16 + d;
      digits++;
    }
    if (digits === 0 || digits > 4 || n >= 8) return false;
    groups[n++] = v;
    if (i >= to) break;
    if (buf[i] !== COLON) return false;
    i++;
    if (buf[i] === COLON) {
      if (gap >= 0) return false;
      gap = n;
      i++;
    }
  }
  if (gap >= 0) {
    if (n >= 8) return false;
    const tail = groups.splice(gap, n - gap);
    groups.length = gap;
    while (groups.length + tail.length < 8) groups.push(0);
    groups.push(...tail);
  } else if (n !== 8) {
    return false;
  }
  for (let k = 0; k < 4; k++) out[at + k] = (groups[2 * k] as number) * 0x10000 + (groups[2 * k + 1] as number);
  return true;
}

function ipv6Field(buf: Buffer, from: number, to: number, out: Uint32Array, at: number): boolean {
  if (ipv6Bytes(buf, from, to, out, at)) return true;
  const words = parseIPv6(buf.toString('latin1', from, to));
  if (words) out.set(words, at);
  return words !== null;
}

/** Lines of `asn-ipv6.csv`: `start,end,asn,org` with textual addresses. A malformed line is skipped. */
function parseV6(buf: Buffer, into: Ranges, orgs: Map<number, string>, num: { value: number }, name: { org: string }) {
  const s = new Uint32Array(4);
  const e = new Uint32Array(4);
  let i = 0;
  while (i < buf.length) {
    const line = nextLine(buf, i);
    const a = buf.indexOf(COMMA, i);
    const b = a < 0 || a >= line ? -1 : buf.indexOf(COMMA, a + 1);
    const c = b < 0 || b >= line ? -1 : decimal(buf, b + 1, num);
    const asn = num.value;
    if (c <= b + 1 || buf[c] !== COMMA || !ipv6Field(buf, i, a, s, 0) || !ipv6Field(buf, a + 1, b, e, 0)) {
      i = line;
      continue;
    }
    const want = !orgs.has(asn);
    i = orgField(buf, c + 1, want, name);
    if (want) orgs.set(asn, name.org);
    for (let k = 0; k < 4; k++) {
      into.start.push(s[k] as number);
      into.end.push(e[k] as number);
    }
    into.asns.push(asn);
  }
}

function loadRanges(path: string, parse: typeof parseV4, orgs: Map<number, string>) {
  const into: Ranges = { start: new Words(), end: new Words(), asns: new Words() };
  const num = { value: 0 };
  const name = { org: '' };
  eachChunk(path, (lines) => parse(lines, into, orgs, num, name));
  return { start: into.start.done(), end: into.end.done(), asns: into.asns.done() };
}

/** Reads a folder laid out as the package is (`asn-ipv4-num.csv`, `asn-ipv6.csv`). */
export function loadAsnTable(dir: string): AsnTable {
  const orgs = new Map<number, string>();
  const v4 = loadRanges(join(dir, 'asn-ipv4-num.csv'), parseV4, orgs);
  const v6 = loadRanges(join(dir, 'asn-ipv6.csv'), parseV6, orgs);
  return {
    v4Start: v4.start,
    v4End: v4.end,
    v4Asn: v4.asns,
    v6Start: v6.start,
    v6End: v6.end,
    v6Asn: v6.asns,
    orgs,
  };
}

let table: AsnTable | null | undefined;

/** The table, loaded on first use; null when the data package is missing or unreadable. */
function getTable(): AsnTable | null {
  if (table === undefined) {
    const dir = dataDir();
    try {
      table = dir === null ? null : loadAsnTable(dir);
    } catch {
      table = null;
    }
  }
  return table;
}

/** Strict dotted-quad IPv4 (no leading zeros beyond a single `0`, no junk) as an unsigned 32-bit number. */
export function parseIPv4(s: string): number | null {
  const parts = s.split('.');
  if (parts.length !== 4) return null;
  let n = 0;
  for (const p of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(p)) return null;
    const v = Number(p);
    if (v > 255) return null;
    n = n * 256 + v;
  }
  return n;
}

/** Strict IPv6 (`::` compression, a trailing dotted IPv4, no zone id) as four big-endian words. */
export function parseIPv6(s: string): Uint32Array | null {
  if (s.length > 45 || !/^[0-9a-fA-F:.]+$/.test(s)) return null;
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const groups = (h: string | undefined): number[] | null => {
    if (h === undefined || h === '') return [];
    const out: number[] = [];
    const parts = h.split(':');
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i] as string;
      if (i === parts.length - 1 && p.includes('.')) {
        const v4 = parseIPv4(p);
        if (v4 === null) return null;
        out.push(v4 >>> 16, v4 & 0xffff);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(p)) {
        out.push(Number.parseInt(p, 16));
      } else {
        return null;
      }
    }
    return out;
  };
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  if (!head || !tail) return null;
  // A dotted IPv4 may only end the address.
  if (halves.length === 2 && halves[0]?.includes('.')) return null;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const all = [...head, ...new Array<number>(missing).fill(0), ...tail];
  const words = new Uint32Array(4);
  for (let i = 0; i < 4; i++) words[i] = (all[2 * i] as number) * 0x10000 + (all[2 * i + 1] as number);
  return words;
}

/** Index of the last range whose start is <= ip, or -1. */
function lastStartAtOrBelow4(starts: Uint32Array, ip: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if ((starts[mid] as number) <= ip) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

/** Compares the 128-bit address at `words[at*4..]` with `ip`. */
function compare6(words: Uint32Array, at: number, ip: Uint32Array): number {
  for (let k = 0; k < 4; k++) {
    const a = words[at * 4 + k] as number;
    const b = ip[k] as number;
    if (a !== b) return a < b ? -1 : 1;
  }
  return 0;
}

function lookup4(t: AsnTable, ip: number): number | null {
  const i = lastStartAtOrBelow4(t.v4Start, ip);
  return i >= 0 && ip <= (t.v4End[i] as number) ? (t.v4Asn[i] as number) : null;
}

function lookup6(t: AsnTable, ip: Uint32Array): number | null {
  let lo = 0;
  let hi = t.v6Asn.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (compare6(t.v6Start, mid, ip) <= 0) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found >= 0 && compare6(t.v6End, found, ip) >= 0 ? (t.v6Asn[found] as number) : null;
}

/** Uncached lookup of one address string in a table. */
export function lookupAsn(t: AsnTable, ip: string): AsnInfo | null {
  let asn: number | null = null;
  const v4 = parseIPv4(ip);
  if (v4 !== null) {
    asn = lookup4(t, v4);
  } else {
    const v6 = parseIPv6(ip);
    if (!v6) return null;
    // IPv4-mapped (::ffff:a.b.c.d): the IPv4 table answers.
    asn = v6[0] === 0 && v6[1] === 0 && v6[2] === 0xffff ? lookup4(t, v6[3] as number) : lookup6(t, v6);
  }
  // AS0 marks unrouted space in some sources: no network to speak of.
  if (asn === null || asn === 0) return null;
  return { asn, org: t.orgs.get(asn) ?? '' };
}

// A few thousand distinct addresses cover an organization; cleared when large so a scan of
// random addresses cannot grow it without bound.
const cache = new Map<string, AsnInfo | null>();

/** The autonomous system of a source address, or null (not an address, private, unknown, no data). */
export function asnOf(ip: string | null): AsnInfo | null {
  if (ip === null) return null;
  let hit = cache.get(ip);
  if (hit === undefined) {
    if (cache.size > 100_000) cache.clear();
    const t = getTable();
    hit = t === null ? null : lookupAsn(t, ip);
    cache.set(ip, hit);
  }
  return hit;
}

/** `AS14061 DigitalOcean, LLC`, or `AS14061` when the name is unknown. */
export function asnLabel(info: AsnInfo): string {
  return info.org ? `AS${info.asn} ${info.org}` : `AS${info.asn}`;
}

/** Whether the bundled table is installed and readable (loads it). */
export function asnDataAvailable(): boolean {
  return getTable() !== null;
}

/** How many IPv4 and IPv6 ranges and autonomous systems the table holds (loads it); null without data. */
export function asnTableSize(): { v4: number; v6: number; systems: number } | null {
  const t = getTable();
  return t ? { v4: t.v4Asn.length, v6: t.v6Asn.length, systems: t.orgs.size } : null;
}
