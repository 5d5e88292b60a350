/**
 * Splunk JSON exports: one object per line, each the raw record as a JSON string in `_raw`
 * (`| table _raw`) or inside `result` (the REST export and the UI's JSON download). When only
 * extracted fields were exported, `result` holds CloudTrail's fields with Splunk's flattened
 * names (`userIdentity.arn`, `resources{}.ARN`), which are nested again here. The whole-file
 * shape `{"results":[...]}` is unpacked by the parser into these elements.
 */
import type { RecordShape, Unwrapped } from './types.ts';
import { isObject, looksLikeCloudTrail, recordFromJson } from './util.ts';

export const splunk: RecordShape = {
  name: 'Splunk JSON export (_raw, result, results)',
  unwrap(o): Unwrapped {
    if (typeof o._raw === 'string') return recordFromJson(o._raw, '_raw');
    const result = o.result;
    if (!isObject(result)) return null;
    if (typeof result._raw === 'string') return recordFromJson(result._raw, 'result._raw');
    const nested = nestFlattened(result);
    return looksLikeCloudTrail(nested) ? { record: nested } : null;
  },
};

/** `{"a.b": 1, "c{}.d": [2, 3]}` -> `{a: {b: 1}, c: [{d: 2}, {d: 3}]}`; Splunk's own fields (`_time`, `host`) kept as they are. */
export function nestFlattened(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key in o) {
    const value = o[key];
    if (!key.includes('.') && !key.endsWith('{}')) {
      if (!(key in out)) out[key] = value;
      continue;
    }
    const parts = key.split('.');
    const arrayAt = parts.findIndex((p) => p.endsWith('{}'));
    if (arrayAt === -1 || arrayAt === parts.length - 1) {
      setPath(
        out,
        parts.map((p) => p.replace(/\{\}$/, '')),
        value,
      );
      continue;
    }
    // `resources{}.ARN`: one value per element of the array.
    const head = parts.slice(0, arrayAt + 1).map((p) => p.replace(/\{\}$/, ''));
    const rest = parts.slice(arrayAt + 1).map((p) => p.replace(/\{\}$/, ''));
    const values = Array.isArray(value) ? value : [value];
    let list = getPath(out, head);
    if (!Array.isArray(list)) {
      list = [];
      setPath(out, head, list);
    }
    const elements = list as unknown[];
    values.forEach((v, i) => {
      if (!isObject(elements[i])) elements[i] = {};
      setPath(elements[i] as Record<string, unknown>, rest, v);
    });
  }
  return out;
}

function getPath(o: Record<string, unknown>, path: string[]): unknown {
  let at: unknown = o;
  for (const p of path) at = isObject(at) ? at[p] : undefined;
  return at;
}

function setPath(o: Record<string, unknown>, path: string[], value: unknown): void {
  let at = o;
  for (let i = 0; i < path.length - 1; i++) {
    const p = path[i] as string;
    if (p === '__proto__') return;
    if (!isObject(at[p])) at[p] = {};
    at = at[p] as Record<string, unknown>;
  }
  const last = path[path.length - 1] as string;
  if (last !== '__proto__') at[last] = value;
}
