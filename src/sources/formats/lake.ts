/**
 * CloudTrail Lake query results. `aws cloudtrail get-query-results` returns
 * `{"QueryResultRows": [[{"eventID": "..."}, {"eventTime": "..."}, ...], ...]}`: each row a list
 * of one-column objects whose values are all strings; struct columns such as `userIdentity` are
 * written in Trino's `{type=IAMUser, arn=arn:aws:..., sessioncontext={...}}` notation, JSON columns
 * as JSON text. The parser turns each row into an object with `rowOfColumns` and this shape
 * reads it, as it reads a row holding the whole record as JSON (`eventData`, `eventJson`).
 */
import { renameColumns } from '../exports.ts';
import type { RecordShape, Unwrapped } from './types.ts';
import { isObject, jsonValue, looksLikeCloudTrail, recordFromJson } from './util.ts';

const WHOLE_RECORD_COLUMNS = ['eventData', 'eventdata', 'eventJson', 'eventjson'];

export const lake: RecordShape = {
  name: 'CloudTrail Lake results (QueryResultRows, eventData, eventJson)',
  unwrap(o): Unwrapped {
    for (const column of WHOLE_RECORD_COLUMNS) {
      const text = o[column];
      if (typeof text === 'string') return recordFromJson(text, column);
      if (isObject(text) && looksLikeCloudTrail(text)) return { record: text };
    }
    return null;
  },
};

/** One `QueryResultRows` row (a list of one-column objects) as one object; null when it is not that shape. */
export function rowOfColumns(row: unknown[]): Record<string, unknown> | null {
  const out: Record<string, unknown> = {};
  for (const cell of row) {
    if (!isObject(cell)) return null;
    for (const column in cell) out[column] = cellValue(cell[column]);
  }
  return renameColumns(out);
}

function cellValue(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const parsed = jsonValue(v);
  if (parsed !== v) return parsed;
  if (v.startsWith('{') && v.endsWith('}')) {
    const struct = parseStruct(v);
    if (struct !== null) return struct;
  }
  return v === 'null' ? null : v;
}

/**
 * Trino's text form of a row or map: `{a=1, b={c=x}, d=[p, q]}`. Values are text up to the
 * next `, ` or closing bracket at the same depth (CloudTrail values hold neither in practice);
 * `null` is null. Returns null when the text is not well formed.
 */
export function parseStruct(text: string): Record<string, unknown> | null {
  let i = 0;
  const fail = Symbol('fail');
  const value = (): unknown => {
    if (text[i] === '{') return object();
    if (text[i] === '[') {
      i++;
      const list: unknown[] = [];
      if (text[i] === ']') {
        i++;
        return list;
      }
      for (;;) {
        const v = value();
        if (v === fail) return fail;
        list.push(v);
        if (text[i] === ']') {
          i++;
          return list;
        }
        if (text.startsWith(', ', i)) i += 2;
        else return fail;
      }
    }
    let depth = 0;
    const start = i;
    for (; i < text.length; i++) {
      const c = text[i];
      if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') {
        if (depth === 0) break;
        depth--;
      } else if (depth === 0 && c === ',' && text[i + 1] === ' ') break;
    }
    const raw = text.slice(start, i);
    return raw === 'null' ? null : raw;
  };
  const object = (): Record<string, unknown> | typeof fail => {
    i++; // {
    const out: Record<string, unknown> = {};
    if (text[i] === '}') {
      i++;
      return out;
    }
    for (;;) {
      const eq = text.indexOf('=', i);
      if (eq === -1) return fail;
      const key = text.slice(i, eq);
      if (/[{}[\],]/.test(key)) return fail;
      i = eq + 1;
      const v = value();
      if (v === fail) return fail;
      if (key !== '__proto__') out[key] = v;
      if (text[i] === '}') {
        i++;
        return out;
      }
      if (text.startsWith(', ', i)) i += 2;
      else return fail;
    }
  };
  const result = object();
  return result === fail || i !== text.length ? null : result;
}
