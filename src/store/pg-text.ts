import { withoutNul } from '../domain/text.ts';

/**
 * A string as PostgreSQL text can hold it: NUL, which no text value can contain (the server
 * refuses the whole statement, and with it the batch), becomes U+FFFD. Every value written or
 * looked up by a key that comes from a record goes through it on PostgreSQL, so a key holding
 * NUL is found again as it was stored. (SQLite keeps NUL; the original record, kept as bytes or
 * JSON, is unchanged on both.) No dependencies but the domain's, so SQLite-only code may import it.
 */
export const pgText: (v: string) => string = withoutNul;

/**
 * A bound value as PostgreSQL can take it: a string, or each string of an array parameter
 * (`= ANY($1)`, `unnest`), through `pgText`; anything else (numbers, bytes) as it is.
 */
export function pgValue(v: unknown): unknown {
  if (typeof v === 'string') return pgText(v);
  if (Array.isArray(v) && v.some((x) => typeof x === 'string' && x.includes('\0'))) return v.map(pgValue);
  return v;
}

/**
 * For a query that returns the keys it was asked about: each returned key as the asked strings
 * it stands for. PostgreSQL returns a key holding NUL as stored (with U+FFFD), which a map keyed
 * by what was asked would not find. Returned keys stand for themselves when no asked key held
 * NUL (and always on SQLite, which stores keys as they are).
 */
export function askedAs(asked: readonly string[]): (returned: string) => readonly string[] {
  if (!asked.some((v) => v.includes('\0'))) return (returned) => [returned];
  const byStored = new Map<string, string[]>();
  for (const v of asked) {
    const stored = pgText(v);
    const same = byStored.get(stored);
    if (same === undefined) byStored.set(stored, [v]);
    else if (!same.includes(v)) same.push(v);
  }
  return (returned) => byStored.get(returned) ?? [returned];
}

/**
 * A string as a store of `dialect` gives it back: through `pgText` on PostgreSQL, as it is on
 * SQLite. For comparing a value computed from a record with one read back from the store (a
 * credential's chain, an event's stored attribution), which on PostgreSQL never holds NUL.
 */
export function asStored(dialect: 'postgres' | 'sqlite'): (v: string) => string {
  return dialect === 'postgres' ? pgText : (v) => v;
}
