/** Helpers the record shapes share. */

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** CloudTrail's own keys; normalize checks which are there and valid. */
export function looksLikeCloudTrail(o: Record<string, unknown>): boolean {
  return 'eventName' in o || 'eventSource' in o || 'eventTime' in o || 'eventID' in o || 'userIdentity' in o;
}

/** `o[a][b][c]` for a path `a.b.c`, also when a pipeline flattened it to the key `"a.b.c"` or `"a.b": {c}`. */
export function pick(o: Record<string, unknown>, path: string): unknown {
  if (path in o) return o[path];
  const dot = path.indexOf('.');
  if (dot === -1) return undefined;
  for (let i = dot; i !== -1; i = path.indexOf('.', i + 1)) {
    const head = o[path.slice(0, i)];
    if (isObject(head)) {
      const v = pick(head, path.slice(i + 1));
      if (v !== undefined) return v;
    }
  }
  return undefined;
}

export function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  return undefined;
}

/** A time as CloudTrail writes it (ISO-8601 UTC, no milliseconds when there are none). */
export function isoTime(v: unknown): string | undefined {
  if (v instanceof Date) return Number.isFinite(v.getTime()) ? v.toISOString().replace('.000Z', 'Z') : undefined;
  if (typeof v === 'bigint') return isoTime(Number(v));
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return undefined;
    // OCSF times are epoch milliseconds; Fluent Bit and some shippers write epoch seconds.
    const ms = v < 1e11 ? v * 1000 : v;
    const d = new Date(ms);
    return Number.isFinite(d.getTime()) ? d.toISOString().replace('.000Z', 'Z') : undefined;
  }
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** A JSON text of an object or array as its value; anything else (plain text, broken JSON) unchanged. */
export function jsonValue(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const c = v.trimStart().charCodeAt(0);
  if (c !== 0x7b && c !== 0x5b) return v;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

/** Sets `o[key]` when `v` is defined; the rebuilt records carry only what the source had. */
export function put(o: Record<string, unknown>, key: string, v: unknown): void {
  if (v !== undefined && v !== null && v !== '') o[key] = v;
}

/** A JSON text that must hold a record: the record or why not. */
export function recordFromJson(
  text: string,
  field: string,
): { record: Record<string, unknown> } | { invalid: string; excerpt: string } {
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) ? { record: value } : { invalid: `${field} is not a JSON object`, excerpt: text };
  } catch (error) {
    return { invalid: `${field}: ${(error as Error).message}`, excerpt: text };
  }
}
