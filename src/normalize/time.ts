/**
 * CloudTrail `eventTime` in every shape real exports use, to epoch milliseconds plus one
 * canonical ISO-8601 UTC string (`2024-07-30T21:31:10Z`, `.123` only when there are ms):
 * - ISO: `2024-07-30T21:31:10Z` (S3 delivery), fractional seconds, `+02:00` / `+0200` offsets;
 * - space-separated: `2025-03-26 17:22:33.000000000`, `2025-03-26 17:22:33` (Athena, Lake,
 *   some SIEM exports; no zone means UTC, as CloudTrail only writes UTC);
 * - epoch seconds or milliseconds, as numbers or digit strings.
 */

export type TimeResult = { ok: true; ms: number; iso: string } | { ok: false; code: 'bad-time' };

const BAD: TimeResult = Object.freeze({ ok: false, code: 'bad-time' }) as TimeResult;

/** Year 9999-12-31T23:59:59.999Z: beyond it `toISOString` changes shape. */
const MAX_MS = 253402300799999;
/** Below this an epoch number is seconds (1e11 s is the year 5138), at or above it milliseconds. */
const SECONDS_LIMIT = 1e11;

// Compiled once: the slow path for everything that is not the 20-character `...Z` form.
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,12}))?)?[ ]?(?:([Zz]|UTC|GMT)|([+-])(\d{2}):?(\d{2})?)?$/;
const EPOCH = /^\d{1,16}(?:\.\d{1,9})?$/;

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysIn(year: number, month: number): number {
  if (month === 2 && ((year % 4 === 0 && year % 100 !== 0) || year % 400 === 0)) return 29;
  return DAYS[month - 1] as number;
}

/**
 * Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil):
 * integer arithmetic, about 3x cheaper than `Date.UTC` in the fast path (measured in
 * scripts/bench-normalize.ts).
 */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function d2(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

function valid(year: number, month: number, day: number, hour: number, minute: number, second: number): boolean {
  return (
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysIn(year, month) &&
    hour >= 0 &&
    hour <= 23 &&
    minute >= 0 &&
    minute <= 59 &&
    second >= 0 &&
    second <= 60
  );
}

/** Canonical rendering: whole seconds without `.000`, like CloudTrail itself writes. */
export function isoOf(ms: number): string {
  const iso = new Date(ms).toISOString();
  return ms % 1000 === 0 ? `${iso.slice(0, 19)}Z` : iso;
}

function fromEpoch(n: number): TimeResult {
  if (!Number.isFinite(n) || n < 0) return BAD;
  const ms = Math.round(n < SECONDS_LIMIT ? n * 1000 : n);
  return ms <= MAX_MS ? { ok: true, ms, iso: isoOf(ms) } : BAD;
}

/** Parses one `eventTime` (or `creationDate`) value. Never throws. */
export function parseTime(v: unknown): TimeResult {
  if (typeof v === 'number') return fromEpoch(v);
  if (typeof v !== 'string' || v.length === 0 || v.length > 64) return BAD;

  // Fast path (>99% of S3-delivered records): exactly `YYYY-MM-DDTHH:MM:SSZ`, parsed by hand
  // and the input reused as the canonical string.
  if (
    v.length === 20 &&
    v.charCodeAt(19) === 0x5a /* Z */ &&
    v.charCodeAt(10) === 0x54 /* T */ &&
    v.charCodeAt(4) === 0x2d &&
    v.charCodeAt(7) === 0x2d &&
    v.charCodeAt(13) === 0x3a &&
    v.charCodeAt(16) === 0x3a
  ) {
    const hi = d2(v, 0);
    const lo = d2(v, 2);
    const month = d2(v, 5);
    const day = d2(v, 8);
    const hour = d2(v, 11);
    const minute = d2(v, 14);
    const second = d2(v, 17);
    if (hi < 0 || lo < 0) return BAD;
    const year = hi * 100 + lo;
    if (!valid(year, month, day, hour, minute, second) || year < 1970) return BAD;
    const ms = (daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second) * 1000;
    return { ok: true, ms, iso: second === 60 ? isoOf(ms) : v };
  }

  const m = DATE_TIME.exec(v);
  if (m === null) return EPOCH.test(v) ? fromEpoch(Number(v)) : BAD;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  if (!valid(year, month, day, hour, minute, second) || year < 1970) return BAD;
  // Fractions beyond milliseconds (nanosecond exports) are truncated, not rounded, so a
  // time never moves into the next second.
  const fraction = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  let offsetMinutes = 0;
  if (m[9] !== undefined) {
    const oh = Number(m[10]);
    const om = m[11] === undefined ? 0 : Number(m[11]);
    if (oh > 23 || om > 59) return BAD;
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const ms = Date.UTC(year, month - 1, day, hour, minute, second, fraction) - offsetMinutes * 60_000;
  return ms >= 0 && ms <= MAX_MS ? { ok: true, ms, iso: isoOf(ms) } : BAD;
}
