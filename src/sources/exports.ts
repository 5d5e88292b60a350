/**
 * CloudTrail records wrapped or reshaped by the tools people export them with. Each adapter
 * returns the CloudTrail record inside an object, so a folder of mixed exports reads like a trail:
 * - EventBridge events (`detail-type: "... via CloudTrail"`, record in `detail`);
 * - `aws cloudtrail lookup-events` output elements (record as a JSON string in `CloudTrailEvent`);
 * - Splunk JSON exports (`_raw`, or `result._raw`, a JSON string) and OpenSearch/Elasticsearch
 *   hits (`_source`) that indexed the raw record;
 * - Athena / Glue rows of the CloudTrail table (all column names lower-case, JSON columns such
 *   as `requestparameters` as strings), renamed back to CloudTrail's own keys.
 */

export type Unwrapped = { record: Record<string, unknown> } | { invalid: string; excerpt: string } | null;

const CLOUDTRAIL_DETAIL_TYPE = /via CloudTrail$/;

/** The record inside `o`, a JSON string that does not parse, or null when `o` is not a known wrapper. */
export function unwrapExport(o: Record<string, unknown>): Unwrapped {
  const detailType = o['detail-type'];
  if (typeof detailType === 'string' && isObject(o.detail)) {
    return CLOUDTRAIL_DETAIL_TYPE.test(detailType) || looksLikeCloudTrail(o.detail) ? { record: o.detail } : null;
  }
  if (typeof o.CloudTrailEvent === 'string') return fromJsonString(o.CloudTrailEvent, 'CloudTrailEvent');
  if (typeof o._raw === 'string') return fromJsonString(o._raw, '_raw');
  if (isObject(o.result) && typeof o.result._raw === 'string') return fromJsonString(o.result._raw, 'result._raw');
  if (isObject(o._source) && looksLikeCloudTrail(o._source)) return { record: o._source };
  if (!looksLikeCloudTrail(o) && ('eventname' in o || 'eventsource' in o || 'eventtime' in o))
    return { record: fromAthenaRow(o) };
  return null;
}

function fromJsonString(text: string, field: string): Unwrapped {
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) ? { record: value } : { invalid: `${field} is not a JSON object`, excerpt: text };
  } catch (error) {
    return { invalid: `${field}: ${(error as Error).message}`, excerpt: text };
  }
}

/** CloudTrail's own keys; normalize checks which are there and valid. */
export function looksLikeCloudTrail(o: Record<string, unknown>): boolean {
  return 'eventName' in o || 'eventSource' in o || 'eventTime' in o || 'eventID' in o || 'userIdentity' in o;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** CloudTrail keys by their lower-case spelling (the Athena CloudTrail table's column and struct field names). */
const CAMEL = new Map(
  [
    'eventVersion',
    'userIdentity',
    'type',
    'principalId',
    'arn',
    'accountId',
    'invokedBy',
    'accessKeyId',
    'userName',
    'sessionContext',
    'attributes',
    'mfaAuthenticated',
    'creationDate',
    'sessionIssuer',
    'ec2RoleDelivery',
    'webIdFederationData',
    'federatedProvider',
    'sourceIdentity',
    'onBehalfOf',
    'userId',
    'identityStoreArn',
    'credentialId',
    'identityProvider',
    'eventTime',
    'eventSource',
    'eventName',
    'awsRegion',
    'sourceIpAddress',
    'userAgent',
    'errorCode',
    'errorMessage',
    'requestParameters',
    'responseElements',
    'additionalEventData',
    'requestId',
    'eventId',
    'readOnly',
    'resources',
    'eventType',
    'apiVersion',
    'recipientAccountId',
    'serviceEventDetails',
    'sharedEventId',
    'vpcEndpointId',
    'vpcEndpointAccountId',
    'eventCategory',
    'tlsDetails',
    'tlsVersion',
    'cipherSuite',
    'clientProvidedHostHeader',
    'sessionCredentialFromConsole',
    'managementEvent',
    'annotation',
    'insightDetails',
    'edgeDeviceDetails',
    'addendum',
  ].map((k) => [k.toLowerCase(), k]),
);
// CloudTrail spells these with capitals that camel case from the column name cannot guess.
CAMEL.set('sourceipaddress', 'sourceIPAddress');
CAMEL.set('requestid', 'requestID');
CAMEL.set('eventid', 'eventID');
CAMEL.set('sharedeventid', 'sharedEventID');
/** Columns the Athena table stores as JSON text. */
const JSON_COLUMNS = new Set([
  'requestParameters',
  'responseElements',
  'additionalEventData',
  'serviceEventDetails',
  'insightDetails',
  'addendum',
]);

/** An Athena row renamed to CloudTrail keys; values inside JSON columns keep their own spelling. */
export function fromAthenaRow(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key in row) {
    const name = CAMEL.get(key) ?? key;
    const value = row[key];
    if (JSON_COLUMNS.has(name) && typeof value === 'string') {
      try {
        out[name] = JSON.parse(value);
      } catch {
        out[name] = value; // normalize decides what a non-JSON value means
      }
    } else out[name] = renameNested(value);
  }
  return out;
}

function renameNested(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(renameNested);
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const key in value) out[CAMEL.get(key) ?? key] = renameNested(value[key]);
  return out;
}
