/**
 * One raw CloudTrail record to one typed `Event`, or the reason it cannot be one.
 * Only eventID, eventTime, eventName and eventSource are required; every other field is
 * read defensively (missing, wrong type, JSON-in-a-string, oversized) and never throws.
 */
import { actionKeyOf, errorCodeOf, errorMessageOf, readOnlyOf, serviceOf } from './action.ts';
import { clientOf } from './client.ts';
import type { Event } from './event.ts';
import { bound, isObj, MAX_ID, MAX_TEXT, type Obj, obj, str, strOrNumber } from './fields.ts';
import { actorOf, sessionOf } from './identity.ts';
import type { NormalizeResult } from './index.ts';
import { resourcesOf } from './resources.ts';
import { parseTime } from './time.ts';

function refuse(code: 'missing-field' | 'wrong-type' | 'bad-time', reason: string): NormalizeResult {
  return { ok: false, code, reason };
}

/** A required string field: present, a string, not empty. Returns the refusal otherwise. */
function required(record: Obj, field: string): string | NormalizeResult {
  const v = record[field];
  if (v === undefined || v === null || v === '') return refuse('missing-field', `missing ${field}`);
  if (typeof v !== 'string')
    return refuse('wrong-type', `${field} is ${Array.isArray(v) ? 'an array' : `a ${typeof v}`}, expected a string`);
  return bound(v, MAX_ID);
}

export function normalizeRecord(record: Record<string, unknown>): NormalizeResult {
  if (!isObj(record)) return refuse('wrong-type', 'record is not a JSON object');
  const eventId = required(record, 'eventID');
  if (typeof eventId !== 'string') return eventId;

  const rawTime = record.eventTime;
  if (rawTime === undefined || rawTime === null || rawTime === '') return refuse('missing-field', 'missing eventTime');
  if (typeof rawTime !== 'string' && typeof rawTime !== 'number') {
    return refuse(
      'wrong-type',
      `eventTime is ${Array.isArray(rawTime) ? 'an array' : `a ${typeof rawTime}`}, expected a string`,
    );
  }
  const time = parseTime(rawTime);
  if (!time.ok)
    return refuse(
      'bad-time',
      'eventTime is not a time (expected ISO-8601 like 2024-07-30T21:31:10Z, or epoch seconds/ms)',
    );

  const action = required(record, 'eventName');
  if (typeof action !== 'string') return action;
  const eventSource = required(record, 'eventSource');
  if (typeof eventSource !== 'string') return eventSource;

  const recipient = strOrNumber(record.recipientAccountId, 64);
  const identity = obj(record.userIdentity);
  const actor = actorOf(record, recipient, identity);
  const eventType = str(record.eventType, 64) ?? 'unknown';
  const session = sessionOf(record, action, identity);
  const console =
    eventType === 'AwsConsoleSignIn' ||
    eventType === 'AwsConsoleAction' ||
    readConsoleFlag(record.sessionCredentialFromConsole);
  const userAgent = str(record.userAgent, MAX_TEXT);
  const client = clientOf(userAgent, console);
  const requestParameters = obj(record.requestParameters);
  const responseElements = obj(record.responseElements);
  const service = serviceOf(eventSource);
  const errorCode = errorCodeOf(record, action, responseElements);

  const event: Event = {
    eventId,
    time: time.ms,
    eventTime: time.iso,
    accountId: recipient ?? actor.accountId ?? 'unknown',
    region: str(record.awsRegion, 64) ?? 'unknown',
    eventSource,
    service,
    action,
    actionKey: actionKeyOf(action),
    eventType,
    readOnly: readOnlyOf(record.readOnly),
    success: errorCode === null,
    errorCode,
    errorMessage: errorMessageOf(record),
    sourceIp: str(record.sourceIPAddress, 256),
    userAgent,
    client,
    mfa: session.mfa,
    console: console || client.class === 'console',
    actor,
    session: session.session,
    sessionStart: session.start,
    requestParameters,
    responseElements,
    resources: resourcesOf(record, service, requestParameters),
  };
  return { ok: true, event };
}

/** `sessionCredentialFromConsole` is the string "true" in CloudTrail; a boolean in some exports. */
function readConsoleFlag(v: unknown): boolean {
  return v === true || v === 'true';
}
