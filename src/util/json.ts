/**
 * JSON as the CLI prints it (`--format json|jsonl`) and outputs write it. Two differences from a bare
 * `JSON.stringify`, both because record strings are written by whoever called AWS:
 * - characters that change how a terminal draws the rest of the line (DEL, C1 controls
 *   such as the one-byte CSI 0x9b, bidi overrides and isolates, zero-width characters,
 *   line separators) are written as \u escapes, always: the JSON means the same and a
 *   terminal shows the escape. JSON.stringify already escapes C0 controls;
 * - nesting is bounded: a record nested 100k deep would overflow the stack. Parts deeper
 *   than `MAX_JSON_DEPTH` are replaced by a marker string.
 */

export const MAX_JSON_DEPTH = 64;
export const TOO_DEEP = `[nested deeper than ${MAX_JSON_DEPTH} levels, not shown]`;

const UNSAFE_IN_JSON = /[\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

function asUnicodeEscape(ch: string): string {
  return `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** `value` as JSON text that is safe for a terminal and never throws for depth; `indent` as in JSON.stringify. */
export function jsonText(value: unknown, indent?: number): string {
  // Almost every value is shallow: the check allocates nothing, a bounded copy would.
  const safe = deeperThan(value, MAX_JSON_DEPTH) ? bounded(value, 0) : value;
  const text = JSON.stringify(safe, null, indent) ?? 'null';
  UNSAFE_IN_JSON.lastIndex = 0;
  return text.replace(UNSAFE_IN_JSON, asUnicodeEscape);
}

function bounded(value: unknown, depth: number): unknown {
  let v = value;
  if (v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function')
    v = (v as { toJSON: () => unknown }).toJSON();
  if (v === null || typeof v !== 'object') return v;
  if (depth >= MAX_JSON_DEPTH) return TOO_DEEP;
  if (Array.isArray(v)) return v.map((item) => bounded(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(v)) out[key] = bounded(item, depth + 1);
  return out;
}

/** Whether `value` has objects nested more than `limit` levels down (stops at the first such path). */
function deeperThan(value: unknown, limit: number): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (limit === 0) return true;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return true;
  if (Array.isArray(value)) {
    for (const item of value) if (deeperThan(item, limit - 1)) return true;
    return false;
  }
  for (const key in value) if (deeperThan((value as Record<string, unknown>)[key], limit - 1)) return true;
  return false;
}
