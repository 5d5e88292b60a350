/**
 * CloudTrail records shipped by Logstash, Fluentd or Fluent Bit as JSON lines. The record's
 * own fields usually sit at the top level beside `@timestamp` / `@version` (the Logstash
 * `cloudtrail` codec and `date` filter move `eventTime` into `@timestamp`); `fillEventTime`
 * restores it for any record. This shape covers the other common layouts: the record as a JSON
 * string in `message` or `log` (plain codec, Docker logs), or as one object under a target
 * field (`json { target => "cloudtrail" }`, Fluentd's `record`).
 */
import type { RecordShape, Unwrapped } from './types.ts';
import { isObject, isoTime, looksLikeCloudTrail } from './util.ts';

/** The fields log shippers stamp each line with, in order of preference, when `eventTime` is gone. */
const SHIPPER_TIME_FIELDS = ['@timestamp', 'timestamp', '_time', 'time', 'date'] as const;

const SHIPPER_FIELDS = ['@timestamp', '@version', 'tag', 'time', 'date', 'host', 'log', 'message', 'fluentd_tag'];

export const logstash: RecordShape = {
  name: 'Logstash/Fluentd lines (@timestamp or time; record in message, log, one nested field, or after time<TAB>tag<TAB>)',
  unwrap(o): Unwrapped {
    if (!SHIPPER_FIELDS.some((f) => f in o)) return null;
    for (const field of ['message', 'log']) {
      const text = o[field];
      if (typeof text !== 'string' || text.trimStart().charCodeAt(0) !== 0x7b) continue;
      try {
        const value: unknown = JSON.parse(text);
        if (isObject(value) && looksLikeCloudTrail(value)) return { record: fillEventTime(value, o) };
      } catch {
        // a log line that is not JSON: not this shape
      }
    }
    let nested: Record<string, unknown> | null = null;
    for (const key in o) {
      const v = o[key];
      if (!isObject(v) || !looksLikeCloudTrail(v)) continue;
      if (nested !== null) return null; // two candidates: do not guess
      nested = v;
    }
    return nested === null ? null : { record: fillEventTime(nested, o) };
  },
};

/**
 * A record without `eventTime` gets the time its shipper stamped (`@timestamp`, ...), taken from
 * the record itself or from the envelope it came in. Only for objects that name an API call, so
 * an unrelated object is not made to look like a record.
 */
export function fillEventTime(
  record: Record<string, unknown>,
  envelope?: Record<string, unknown>,
): Record<string, unknown> {
  const t = record.eventTime;
  if ((t !== undefined && t !== null && t !== '') || !('eventName' in record || 'eventSource' in record)) return record;
  for (const source of envelope && envelope !== record ? [record, envelope] : [record]) {
    for (const field of SHIPPER_TIME_FIELDS) {
      const iso = isoTime(source[field]);
      if (iso !== undefined) {
        record.eventTime = iso;
        return record;
      }
    }
  }
  return record;
}
