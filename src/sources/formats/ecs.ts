/**
 * Elastic Agent / Filebeat documents (ECS) of the Elastic AWS integration's `aws.cloudtrail`
 * data stream. The original record is used when it was kept (`event.original`, or `message`);
 * otherwise the record is rebuilt from the integration's fields (`aws.cloudtrail.*`,
 * `event.action`, `event.provider`, `source.*`, `user_agent.original`, `cloud.*`, `user.*`,
 * `@timestamp`). Keys may arrive nested (`{"aws":{"cloudtrail":{...}}}`) or flattened
 * (`"aws.cloudtrail.user_identity.arn"`), as Elasticsearch returns either.
 */
import { fillEventTime } from './logstash.ts';
import type { RecordShape, Unwrapped } from './types.ts';
import { isObject, isoTime, jsonValue, looksLikeCloudTrail, pick, put, recordFromJson, str } from './util.ts';

export const ecs: RecordShape = {
  name: 'Elastic Agent/ECS (event.original, message, aws.cloudtrail.*)',
  unwrap(o): Unwrapped {
    const original = pick(o, 'event.original');
    const cloudtrail = pick(o, 'aws.cloudtrail');
    const flattened = Object.keys(o).some((k) => k.startsWith('aws.cloudtrail.'));
    if (original === undefined && cloudtrail === undefined && !flattened) return null;
    if (typeof original === 'string') {
      const parsed = recordFromJson(original, 'event.original');
      if ('record' in parsed) return { record: fillEventTime(parsed.record, o) };
      if (cloudtrail === undefined && !flattened) return parsed;
    }
    const message = o.message;
    if (typeof message === 'string' && message.trimStart().startsWith('{')) {
      const parsed = recordFromJson(message, 'message');
      if ('record' in parsed && looksLikeCloudTrail(parsed.record)) return { record: fillEventTime(parsed.record, o) };
    }
    return { record: fromEcsFields(o) };
  },
};

/** A CloudTrail record from the Elastic integration's field names. */
export function fromEcsFields(o: Record<string, unknown>): Record<string, unknown> {
  const ct = (path: string) => pick(o, `aws.cloudtrail.${path}`);
  const identity: Record<string, unknown> = {};
  const type = str(ct('user_identity.type'));
  put(identity, 'type', type);
  put(identity, 'principalId', str(pick(o, 'user.id') ?? ct('user_identity.principal_id')));
  put(identity, 'arn', str(ct('user_identity.arn')));
  put(identity, 'accountId', str(ct('user_identity.account_id') ?? pick(o, 'cloud.account.id')));
  put(identity, 'accessKeyId', str(ct('user_identity.access_key_id')));
  const userName = str(ct('user_identity.user_name') ?? pick(o, 'user.name'));
  if (type === 'IAMUser' || type === 'Root') put(identity, 'userName', userName);
  put(identity, 'invokedBy', str(ct('user_identity.invoked_by')));
  const attributes: Record<string, unknown> = {};
  put(attributes, 'mfaAuthenticated', str(ct('user_identity.session_context.mfa_authenticated')));
  put(attributes, 'creationDate', isoTime(ct('user_identity.session_context.creation_date')));
  const issuer: Record<string, unknown> = {};
  put(issuer, 'type', str(ct('user_identity.session_context.session_issuer.type')));
  put(issuer, 'principalId', str(ct('user_identity.session_context.session_issuer.principal_id')));
  put(issuer, 'arn', str(ct('user_identity.session_context.session_issuer.arn')));
  put(issuer, 'accountId', str(ct('user_identity.session_context.session_issuer.account_id')));
  put(
    issuer,
    'userName',
    str(ct('user_identity.session_context.session_issuer.user_name')) ??
      (type === 'AssumedRole' ? userName : undefined),
  );
  const session: Record<string, unknown> = {};
  if (Object.keys(attributes).length > 0) session.attributes = attributes;
  if (Object.keys(issuer).length > 0) session.sessionIssuer = issuer;
  put(session, 'sourceIdentity', str(ct('user_identity.session_context.source_identity')));
  if (Object.keys(session).length > 0) identity.sessionContext = session;

  const record: Record<string, unknown> = {};
  put(record, 'eventVersion', str(ct('event_version')));
  if (Object.keys(identity).length > 0) record.userIdentity = identity;
  put(record, 'eventTime', isoTime(o['@timestamp'] ?? pick(o, 'event.created')));
  put(record, 'eventSource', str(pick(o, 'event.provider')));
  put(record, 'eventName', str(pick(o, 'event.action')));
  put(record, 'awsRegion', str(pick(o, 'cloud.region')));
  put(record, 'sourceIPAddress', str(pick(o, 'source.address') ?? pick(o, 'source.ip')));
  put(record, 'userAgent', str(pick(o, 'user_agent.original')));
  put(record, 'errorCode', str(ct('error_code')));
  put(record, 'errorMessage', str(ct('error_message')));
  put(record, 'requestParameters', ct('flattened.request_parameters') ?? jsonValue(ct('request_parameters')));
  put(record, 'responseElements', ct('flattened.response_elements') ?? jsonValue(ct('response_elements')));
  put(record, 'additionalEventData', ct('flattened.additional_eventdata') ?? jsonValue(ct('additional_eventdata')));
  put(record, 'serviceEventDetails', ct('flattened.service_event_details') ?? jsonValue(ct('service_event_details')));
  put(record, 'requestID', str(ct('request_id')));
  put(record, 'eventID', str(pick(o, 'event.id') ?? ct('event_id')));
  put(record, 'eventType', str(ct('event_type')));
  put(record, 'apiVersion', str(ct('api_version')));
  put(record, 'readOnly', ct('read_only'));
  put(record, 'recipientAccountId', str(ct('recipient_account_id')));
  put(record, 'sharedEventID', str(ct('shared_event_id')));
  put(record, 'vpcEndpointId', str(ct('vpc_endpoint_id')));
  put(record, 'managementEvent', ct('management_event'));
  put(record, 'eventCategory', str(ct('event_category')));
  put(record, 'sessionCredentialFromConsole', ct('session_credential_from_console'));
  const resources = resourcesOf(ct('resources'));
  if (resources.length > 0) record.resources = resources;
  const tls: Record<string, unknown> = {};
  put(tls, 'tlsVersion', str(ct('tls_details.tls_version')));
  put(tls, 'cipherSuite', str(ct('tls_details.cipher_suite')));
  put(tls, 'clientProvidedHostHeader', str(ct('tls_details.client_provided_host_header')));
  if (Object.keys(tls).length > 0) record.tlsDetails = tls;
  return record;
}

/** `aws.cloudtrail.resources`: a list of `{arn, type, account_id}` or one object of parallel lists. */
function resourcesOf(v: unknown): Array<Record<string, unknown>> {
  const one = (r: Record<string, unknown>, i: number | null): Record<string, unknown> => {
    const at = (x: unknown) => str(i === null ? x : Array.isArray(x) ? x[i] : undefined);
    const out: Record<string, unknown> = {};
    put(out, 'ARN', at(r.arn));
    put(out, 'type', at(r.type));
    put(out, 'accountId', at(r.account_id));
    return out;
  };
  if (Array.isArray(v)) return v.filter(isObject).map((r) => one(r, null));
  if (!isObject(v)) return [];
  if (Array.isArray(v.arn)) return v.arn.map((_, i) => one(v, i));
  return [one(v, null)];
}
