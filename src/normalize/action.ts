/**
 * What was called: the service prefix of `eventSource`, the API name without the version
 * suffixes some services append, the read-only flag, and the outcome (success or error).
 */
import { bool, MAX_TEXT, type Obj, str, strOrNumber } from './fields.ts';

/**
 * `iam.amazonaws.com` -> `iam`. Quirky sources keep their full prefix (`api.ecr`,
 * `portal.sso`, `monitoring`, `signin`, `identitystore`): they are the names CloudTrail
 * users know and the IAM service prefixes differ anyway.
 */
export function serviceOf(eventSource: string): string {
  const lower = eventSource.toLowerCase();
  if (lower.endsWith('.amazonaws.com')) return lower.slice(0, -'.amazonaws.com'.length) || lower;
  if (lower.endsWith('.amazonaws.com.cn')) return lower.slice(0, -'.amazonaws.com.cn'.length) || lower;
  return lower;
}

// Lambda `CreateFunction20150331`, `UpdateFunctionCode20150331v2`, CloudFront
// `UpdateDistribution2020_05_31`: the API version is not part of the action.
const VERSION_SUFFIX = /(\d{8}(v\d+)?|\d{4}_\d{2}_\d{2})$/;

/** `eventName` without an API-version suffix; unchanged when there is none. */
export function actionKeyOf(eventName: string): string {
  const last = eventName.charCodeAt(eventName.length - 1);
  // Only names ending in a digit can carry a suffix: skips the regex for ~all records.
  if (last < 48 || last > 57) return eventName;
  const stripped = eventName.replace(VERSION_SUFFIX, '');
  return stripped.length > 0 ? stripped : eventName;
}

/** `readOnly` as CloudTrail writes it (boolean, or "true"/"false" in some exports); else null. */
export function readOnlyOf(v: unknown): boolean | null {
  return bool(v);
}

/**
 * The error code of a failed call, or null on success. Console sign-in events report
 * failure in `responseElements` (`{"ConsoleLogin": "Failure"}`, also `CheckMfa`,
 * `SwitchRole`...) without an errorCode: that becomes the code `Failure`.
 */
export function errorCodeOf(record: Obj, eventName: string, responseElements: Obj | null): string | null {
  const code = strOrNumber(record.errorCode);
  if (code !== null) return code;
  if (responseElements !== null && responseElements[eventName] === 'Failure') return 'Failure';
  return null;
}

export function errorMessageOf(record: Obj): string | null {
  return str(record.errorMessage, MAX_TEXT);
}
