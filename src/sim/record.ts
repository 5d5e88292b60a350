/**
 * Renders a simulated `Call` as the CloudTrail record AWS would deliver: userIdentity in
 * the variant of its principal (IAMUser, SSO AssumedRole, web identity, AWSService, Root,
 * cross-account), sessionContext, tlsDetails, console flag, error fields, readOnly.
 */
import type { Rng } from './prng.ts';
import type { Call, Principal } from './types.ts';

const EVENT_SOURCE: Record<string, string> = {
  monitoring: 'monitoring.amazonaws.com',
  'sts-global': 'sts.amazonaws.com',
};

export function eventSourceOf(service: string): string {
  return EVENT_SOURCE[service] ?? `${service}.amazonaws.com`;
}

/** `service:Action` → [service, eventName]. */
export function splitAction(action: string): [string, string] {
  const i = action.indexOf(':');
  return [action.slice(0, i), action.slice(i + 1)];
}

const READ_PREFIXES = [
  'Describe',
  'List',
  'Get',
  'Lookup',
  'Head',
  'BatchGet',
  'Search',
  'Query',
  'Scan',
  'Check',
  'Validate',
  'Generate',
  'Decrypt',
  'Filter',
  'Test',
  'Select',
  'View',
  'Preview',
  'Simulate',
  'Estimate',
  'Verify',
  'Assume',
];
/** Actions whose name reads like a read but which CloudTrail marks as writes. */
const WRITES = new Set([
  'ConsoleLogin',
  'StartQuery',
  'GenerateCredentialReport',
  'GetFederationToken',
  'GenerateServiceLastAccessedDetails',
]);

/** CloudTrail's readOnly flag as AWS sets it (by action name; close to AWS for the actions simulated). */
export function isReadOnly(eventName: string): boolean {
  if (WRITES.has(eventName)) return false;
  return READ_PREFIXES.some((p) => eventName.startsWith(p));
}

export function errorMessageFor(code: string, principalArn: string, action: string): string {
  switch (code) {
    case 'AccessDenied':
    case 'AccessDeniedException':
    case 'Client.UnauthorizedOperation':
    case 'UnauthorizedOperation':
      return `User: ${principalArn} is not authorized to perform: ${action} because no identity-based policy allows the ${action} action`;
    case 'NoSuchEntity':
    case 'NoSuchEntityException':
      return 'The user with name could not be found.';
    case 'ResourceNotFoundException':
      return 'Requested resource not found';
    case 'ThrottlingException':
    case 'Client.RequestLimitExceeded':
      return 'Rate exceeded';
    case 'Client.InsufficientInstanceCapacity':
      return 'We currently do not have sufficient capacity in the Availability Zone you requested.';
    case 'Client.VcpuLimitExceeded':
      return 'You have requested more vCPU capacity than your current vCPU limit of 32 allows for the instance bucket that the specified instance type belongs to.';
    case 'InvalidParameterValue':
    case 'Client.InvalidParameterValue':
      return 'Value for parameter is invalid.';
    default:
      return `${code}`;
  }
}

/** The AccessDenied code each service actually returns. */
export function accessDeniedCode(service: string): string {
  if (service === 'ec2') return 'Client.UnauthorizedOperation';
  if (
    [
      'iam',
      's3',
      'sts',
      'cloudtrail',
      'rds',
      'autoscaling',
      'elasticloadbalancing',
      'monitoring',
      'sns',
      'sqs',
    ].includes(service)
  )
    return 'AccessDenied';
  return 'AccessDeniedException';
}

export function principalArn(p: Principal): string {
  switch (p.kind) {
    case 'iam-user':
      return `arn:aws:iam::${p.accountId}:user/${p.userName}`;
    case 'role':
      return `arn:aws:sts::${p.accountId}:assumed-role/${p.roleName}/${p.sessionName}`;
    case 'root':
      return `arn:aws:iam::${p.accountId}:root`;
    case 'web-identity':
      return p.subject;
    case 'service':
      return p.service;
    case 'identity-center':
      return p.userName;
    case 'aws-account':
      return `arn:aws:iam::${p.accountId}:root`;
  }
}

export function roleArn(p: Extract<Principal, { kind: 'role' }>): string {
  return `arn:aws:iam::${p.accountId}:role${p.rolePath}${p.roleName}`;
}

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function userIdentity(p: Principal): Record<string, unknown> {
  switch (p.kind) {
    case 'iam-user': {
      const id: Record<string, unknown> = {
        type: 'IAMUser',
        principalId: p.principalId,
        arn: principalArn(p),
        accountId: p.accountId,
        accessKeyId: p.accessKeyId,
        userName: p.userName,
      };
      if (p.console)
        id.sessionContext = {
          sessionIssuer: {},
          webIdFederationData: {},
          attributes: { creationDate: iso(p.sessionStart), mfaAuthenticated: String(p.mfa) },
        };
      return id;
    }
    case 'role': {
      const sessionContext: Record<string, unknown> = {
        sessionIssuer: {
          type: 'Role',
          principalId: p.roleId,
          arn: roleArn(p),
          accountId: p.accountId,
          userName: p.roleName,
        },
        attributes: { creationDate: iso(p.sessionStart), mfaAuthenticated: String(p.mfa) },
      };
      if (p.webIdProvider) sessionContext.webIdFederationData = { federatedProvider: p.webIdProvider, attributes: {} };
      if (p.sourceIdentity) sessionContext.sourceIdentity = p.sourceIdentity;
      const id: Record<string, unknown> = {
        type: 'AssumedRole',
        principalId: `${p.roleId}:${p.sessionName}`,
        arn: principalArn(p),
        accountId: p.accountId,
        accessKeyId: p.accessKeyId,
        sessionContext,
      };
      if (p.invokedBy) id.invokedBy = p.invokedBy;
      return id;
    }
    case 'web-identity':
      return {
        type: 'WebIdentityUser',
        principalId: `${p.provider}:sts.amazonaws.com:${p.subject}`,
        userName: p.subject,
        identityProvider: p.provider,
      };
    case 'service':
      return { type: 'AWSService', invokedBy: p.service };
    case 'root': {
      const id: Record<string, unknown> = {
        type: 'Root',
        principalId: p.accountId,
        arn: principalArn(p),
        accountId: p.accountId,
        accessKeyId: p.console ? '' : undefined,
      };
      if (p.console)
        id.sessionContext = {
          sessionIssuer: {},
          webIdFederationData: {},
          attributes: { creationDate: iso(p.sessionStart), mfaAuthenticated: 'true' },
        };
      if (id.accessKeyId === undefined) delete id.accessKeyId;
      return id;
    }
    case 'identity-center':
      return { type: 'Unknown', principalId: p.principalId, accountId: p.accountId, userName: p.userName };
    case 'aws-account':
      return { type: 'AWSAccount', principalId: p.principalId, accountId: p.accountId };
  }
}

function isConsole(p: Principal): boolean {
  return (p.kind === 'iam-user' || p.kind === 'role' || p.kind === 'root') && p.console;
}

/** One record, with the key order CloudTrail uses. */
/** Object-level S3 calls: CloudTrail data events (only the company organization logs them). */
const S3_DATA_EVENTS = new Set(['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:HeadObject', 's3:CopyObject']);

export function renderRecord(call: Call, rng: Rng): Record<string, unknown> {
  const [service, eventName] = splitAction(call.action);
  const source = eventSourceOf(service);
  const serviceCall =
    call.principal.kind === 'service' || (call.principal.kind === 'role' && call.principal.invokedBy !== undefined);
  const r: Record<string, unknown> = {
    eventVersion: service === 'signin' || service === 'sso' ? '1.08' : '1.09',
    userIdentity: userIdentity(call.principal),
    eventTime: iso(call.time),
    eventSource: source,
    eventName,
    awsRegion: call.region,
    sourceIPAddress: call.sourceIp,
    userAgent: call.userAgent,
  };
  if (call.errorCode) {
    r.errorCode = call.errorCode;
    r.errorMessage = call.errorMessage;
  }
  r.requestParameters = call.params;
  r.responseElements = call.errorCode ? null : call.response;
  if (call.eventType === 'AwsConsoleSignIn')
    r.additionalEventData = {
      LoginTo: 'https://console.aws.amazon.com/console/home',
      MobileVersion: 'No',
      MFAUsed:
        call.principal.kind === 'root' || (call.principal.kind === 'iam-user' && call.principal.mfa) ? 'Yes' : 'No',
    };
  r.requestID = rng.uuid();
  r.eventID = call.eventId;
  r.readOnly = call.readOnly;
  if (call.resources) r.resources = call.resources;
  r.eventType = call.eventType;
  const data = S3_DATA_EVENTS.has(call.action);
  r.managementEvent = !data;
  r.recipientAccountId = call.accountId;
  if (call.principal.kind === 'role' && call.principal.accountId !== call.accountId) r.sharedEventID = rng.uuid();
  r.eventCategory = data ? 'Data' : 'Management';
  if (!serviceCall && call.eventType !== 'AwsConsoleSignIn') {
    const host =
      service === 'iam' || service === 'sts-global' || service === 'organizations'
        ? `${source}`
        : `${source.replace('.amazonaws.com', '')}.${call.region}.amazonaws.com`;
    r.tlsDetails = { tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256', clientProvidedHostHeader: host };
  }
  if (isConsole(call.principal) && call.eventType === 'AwsApiCall') r.sessionCredentialFromConsole = 'true';
  return r;
}
