/**
 * Small readers for untrusted record fields: every value may be missing, of the wrong
 * type or absurdly large, and none of them may throw. Strings are kept verbatim (escaping
 * is the display layer's job) but bounded, so one hostile record cannot bloat the store.
 */

/** Ids, names, ARNs, regions: CloudTrail never writes one longer than ~2 KB. */
export const MAX_ID = 2048;
/** Free text (user agents, error messages): a 1 MB user agent is cut to this. */
export const MAX_TEXT = 4096;
/** JSON carried as a string (Athena/Lake exports) is parsed only below this size. */
const MAX_JSON_STRING = 1 << 20;

export type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Cuts `s` to at most `max` UTF-16 units without splitting a surrogate pair. */
export function bound(s: string, max: number): string {
  if (s.length <= max) return s;
  const code = s.charCodeAt(max - 1);
  return s.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}

/** A non-empty string (bounded), else null. Numbers and booleans are not strings here. */
export function str(v: unknown, max: number = MAX_ID): string | null {
  return typeof v === 'string' && v.length > 0 ? bound(v, max) : null;
}

/** Like `str`, but a finite number becomes its decimal text (account ids written as numbers). */
export function strOrNumber(v: unknown, max: number = MAX_ID): string | null {
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : null;
  return str(v, max);
}

/**
 * An object field, or the object inside a JSON string (CloudTrail Lake and Athena exports
 * write `requestParameters`, `userIdentity`... as JSON text). Anything else is null.
 */
export function obj(v: unknown): Obj | null {
  if (isObj(v)) return v;
  if (typeof v !== 'string' || v.length < 2 || v.length > MAX_JSON_STRING || v.charCodeAt(0) !== 0x7b /* { */)
    return null;
  try {
    const parsed: unknown = JSON.parse(v);
    return isObj(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

/** `true`/`false` or the strings CloudTrail writes for them ("true", "false", any case); else null. */
export function bool(v: unknown): boolean | null {
  if (typeof v === 'boolean') return v;
  if (typeof v !== 'string') return null;
  if (v === 'true' || v === 'True' || v === 'TRUE') return true;
  if (v === 'false' || v === 'False' || v === 'FALSE') return false;
  return null;
}
