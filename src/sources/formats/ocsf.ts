/**
 * AWS Security Lake: CloudTrail management events as OCSF 1.x API Activity (class_uid 6003),
 * in JSON or (through `parquet.ts`) Parquet. Mapped back to a CloudTrail record after Security
 * Lake's own mapping: api.operation -> eventName, api.service.name -> eventSource,
 * actor.user.* -> userIdentity, actor.session.* -> sessionContext, src_endpoint -> sourceIPAddress,
 * http_request.user_agent -> userAgent, cloud.* -> awsRegion / recipientAccountId,
 * metadata.uid -> eventID, api.response.error/message -> errorCode/errorMessage,
 * api.request/response.data -> requestParameters/responseElements, and whatever CloudTrail
 * field Security Lake left in `unmapped` (a map of dotted keys, or of pairs in Parquet).
 */
import { nestFlattened } from './splunk.ts';
import type { RecordShape, Unwrapped } from './types.ts';
import { isObject, isoTime, jsonValue, pick, put, str } from './util.ts';

export const API_ACTIVITY = 6003;

export const ocsf: RecordShape = {
  name: 'Security Lake OCSF API Activity (class_uid 6003, JSON or Parquet)',
  unwrap(o): Unwrapped {
    if (Number(o.class_uid) !== API_ACTIVITY || !isObject(o.api)) return null;
    return { record: fromOcsf(o) };
  },
};

export function fromOcsf(o: Record<string, unknown>): Record<string, unknown> {
  const unmapped = unmappedOf(o.unmapped);
  const user = isObject(pick(o, 'actor.user')) ? (pick(o, 'actor.user') as Record<string, unknown>) : {};
  const session = isObject(pick(o, 'actor.session')) ? (pick(o, 'actor.session') as Record<string, unknown>) : {};
  const identity: Record<string, unknown> = isObject(unmapped.userIdentity) ? { ...unmapped.userIdentity } : {};
  const type = str(user.type);
  put(identity, 'type', type);
  // Security Lake writes the ARN as uid (principalId as uid_alt); older sources the other way round.
  const uids = [str(user.uid), str(user.uid_alt)].filter((u): u is string => u !== undefined);
  put(
    identity,
    'arn',
    uids.find((u) => u.startsWith('arn:')),
  );
  put(
    identity,
    'principalId',
    uids.find((u) => !u.startsWith('arn:')),
  );
  put(identity, 'accountId', str(pick(user, 'account.uid')));
  put(identity, 'accessKeyId', str(user.credential_uid));
  const name = str(user.name);
  if (type === 'IAMUser' || type === 'Root' || type === 'AWSAccount') put(identity, 'userName', name);
  put(identity, 'invokedBy', str(pick(o, 'actor.invoked_by')));
  const attributes: Record<string, unknown> = {};
  const mfa = session.mfa;
  if (typeof mfa === 'boolean' || typeof mfa === 'string') attributes.mfaAuthenticated = String(mfa);
  put(attributes, 'creationDate', isoTime(session.created_time_dt ?? session.created_time));
  const issuerArn = str(session.issuer);
  const context: Record<string, unknown> = isObject(identity.sessionContext) ? { ...identity.sessionContext } : {};
  if (Object.keys(attributes).length > 0) context.attributes = attributes;
  if (issuerArn !== undefined) {
    const issuer: Record<string, unknown> = { arn: issuerArn };
    const m = /^arn:aws[\w-]*:iam::(\d{12}):(role|user)\/(?:.*\/)?([^/]+)$/.exec(issuerArn);
    if (m) {
      issuer.type = m[2] === 'role' ? 'Role' : 'IAMUser';
      issuer.accountId = m[1];
      issuer.userName = m[3];
    } else if (type === 'AssumedRole') issuer.type = 'Role';
    context.sessionIssuer = issuer;
  }
  put(context, 'sourceIdentity', str(pick(o, 'actor.session.source_identity')));
  if (Object.keys(context).length > 0) identity.sessionContext = context;

  const record: Record<string, unknown> = {};
  put(record, 'eventVersion', str(pick(o, 'metadata.product.version')));
  if (Object.keys(identity).length > 0) record.userIdentity = identity;
  put(record, 'eventTime', isoTime(o.time_dt ?? o.time));
  put(record, 'eventSource', str(pick(o, 'api.service.name')));
  put(record, 'eventName', str(pick(o, 'api.operation')));
  put(record, 'awsRegion', str(pick(o, 'cloud.region')));
  put(record, 'sourceIPAddress', str(pick(o, 'src_endpoint.ip') ?? pick(o, 'src_endpoint.domain')));
  put(record, 'userAgent', str(pick(o, 'http_request.user_agent')));
  put(record, 'errorCode', str(pick(o, 'api.response.error')));
  put(record, 'errorMessage', str(pick(o, 'api.response.message')));
  if (record.errorCode === undefined && str(o.status) === 'Failure') put(record, 'errorCode', str(o.status_code));
  put(record, 'requestParameters', jsonValue(pick(o, 'api.request.data')));
  put(record, 'responseElements', jsonValue(pick(o, 'api.response.data')));
  put(record, 'requestID', str(pick(o, 'api.request.uid')));
  put(record, 'eventID', str(pick(o, 'metadata.uid')));
  put(record, 'apiVersion', str(pick(o, 'api.version')));
  put(record, 'recipientAccountId', str(pick(o, 'cloud.account.uid')));
  put(record, 'vpcEndpointId', str(pick(o, 'src_endpoint.uid')));
  put(record, 'eventCategory', str(pick(o, 'metadata.product.feature.name')));
  put(record, 'additionalEventData', jsonValue(pick(o, 'unmapped.additionalEventData')));
  if (Array.isArray(o.resources)) {
    const resources = o.resources.filter(isObject).map((r) => {
      const out: Record<string, unknown> = {};
      put(out, 'ARN', str(r.uid));
      put(out, 'type', str(r.type));
      put(out, 'accountId', str(pick(r, 'owner.account.uid') ?? r.account_uid));
      return out;
    });
    if (resources.length > 0) record.resources = resources;
  }
  // What Security Lake could not map keeps its CloudTrail name; mapped fields win.
  for (const key in unmapped) {
    if (key === 'userIdentity' || key === '__proto__') continue;
    if (!(key in record)) record[key] = jsonValue(unmapped[key]);
  }
  return record;
}

/** `unmapped` as an object with dotted keys nested: JSON gives an object, Parquet a map (list of pairs). */
function unmappedOf(v: unknown): Record<string, unknown> {
  let flat: Record<string, unknown> = {};
  if (typeof v === 'string') v = jsonValue(v);
  if (isObject(v)) flat = v;
  else if (Array.isArray(v)) {
    for (const pair of v) {
      if (Array.isArray(pair) && typeof pair[0] === 'string') flat[pair[0]] = pair[1];
      else if (isObject(pair) && typeof pair.key === 'string') flat[pair.key] = pair.value;
    }
  }
  return nestFlattened(flat);
}
