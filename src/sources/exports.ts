/**
 * CloudTrail records wrapped or reshaped by the tools people export them with. Each adapter
 * returns the CloudTrail record inside an object, so a folder of mixed exports reads like a trail:
 * - EventBridge events (`detail-type: "... via CloudTrail"`, record in `detail`);
 * - `aws cloudtrail lookup-events` output elements (record as a JSON string in `CloudTrailEvent`);
 * - the shapes of `formats/` (Splunk, Security Lake OCSF, Elastic/ECS, CloudTrail Lake, Logstash/Fluentd);
 * - OpenSearch/Elasticsearch hits (`_source`) that indexed the raw record;
 * - Athena / Glue rows of the CloudTrail table (all column names lower-case, JSON columns such
 *   as `requestparameters` as strings), renamed back to CloudTrail's own keys.
 */
import { RECORD_SHAPES, type Unwrapped } from './formats/index.ts';
import { isObject, looksLikeCloudTrail, recordFromJson } from './formats/util.ts';

export type { Unwrapped } from './formats/index.ts';
export { isObject, looksLikeCloudTrail } from './formats/util.ts';

/** The shapes a file's records may come in, for the message about a file in none of them. */
export const ACCEPTED_SHAPES: readonly string[] = [
  'CloudTrail records ({"Records":[...]}, JSON array, JSON Lines)',
  'EventBridge via CloudTrail',
  'lookup-events (CloudTrailEvent)',
  'CloudWatch Logs subscription',
  ...RECORD_SHAPES.map((s) => s.name),
  'OpenSearch hits (_source)',
  'Athena rows',
];

const CLOUDTRAIL_DETAIL_TYPE = /via CloudTrail$/;

/** The record inside `o`, a JSON string that does not parse, or null when `o` is not a known wrapper. */
export function unwrapExport(o: Record<string, unknown>): Unwrapped {
  const detailType = o['detail-type'];
  if (typeof detailType === 'string' && isObject(o.detail)) {
    return CLOUDTRAIL_DETAIL_TYPE.test(detailType) || looksLikeCloudTrail(o.detail) ? { record: o.detail } : null;
  }
  if (typeof o.CloudTrailEvent === 'string') return recordFromJson(o.CloudTrailEvent, 'CloudTrailEvent');
  if (typeof o._raw === 'string') return recordFromJson(o._raw, '_raw');
  if (isObject(o._source)) return looksLikeCloudTrail(o._source) ? { record: o._source } : unwrapExport(o._source);
  if (!looksLikeCloudTrail(o)) {
    for (const shape of RECORD_SHAPES) {
      const found = shape.unwrap(o);
      if (found !== null) return found;
    }
  }
  if (!looksLikeCloudTrail(o) && ('eventname' in o || 'eventsource' in o || 'eventtime' in o))
    return { record: fromAthenaRow(o) };
  return null;
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
export const renameColumns = (row: Record<string, unknown>): Record<string, unknown> => fromAthenaRow(row);

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
