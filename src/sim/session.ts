/**
 * Plays a list of steps as one credential session: places each call in time (human
 * pauses or the step's own gap), signs it with the session's principal, adds the odd
 * AccessDenied, and fills in the responses AWS returns for the calls that matter.
 */
import { accessKeyId, GLOBAL_SERVICES } from './org.ts';
import type { Rng } from './prng.ts';
import { accessDeniedCode, errorMessageFor, isReadOnly, principalArn, splitAction } from './record.ts';
import type { AccountRole, Call, Principal, Step } from './types.ts';

export interface SessionSpec {
  rng: Rng;
  principal: Principal;
  accountId: string;
  region: string;
  ip: string;
  agent: (action: string) => string;
  start: number;
  steps: readonly Step[];
  /** Probability a call fails with AccessDenied (humans ~1-3%; machines ~0). */
  deniedRate: number;
  /** Mean pause between human steps, seconds. */
  pause?: number;
  /** Principals for steps that go to another account (`Step.account`), e.g. the DR session. */
  principalFor?: (account: AccountRole) => { principal: Principal; accountId: string } | null;
}

export function regionFor(service: string, region: string): string {
  return GLOBAL_SERVICES.has(service) ? 'us-east-1' : region;
}

export function playSession(spec: SessionSpec, out: Call[]): number {
  const { rng } = spec;
  let t = spec.start;
  let first = true;
  for (const step of spec.steps) {
    const n = step.repeat ?? 1;
    for (let i = 0; i < n; i++) {
      if (!first)
        t +=
          step.gap !== undefined
            ? Math.max(1, step.gap * (0.6 + rng.next() * 0.8)) * 1000
            : (2 + rng.exp(spec.pause ?? 20)) * 1000;
      first = false;
      let principal = spec.principal;
      let accountId = spec.accountId;
      if (step.account) {
        const other = spec.principalFor?.(step.account);
        if (other) {
          principal = other.principal;
          accountId = other.accountId;
        }
      }
      out.push(
        makeCall(rng, {
          time: Math.round(t),
          principal,
          accountId,
          region: step.region ?? spec.region,
          action: step.action,
          params: step.params ?? null,
          response: step.response,
          error:
            step.error ??
            (spec.deniedRate > 0 && rng.chance(spec.deniedRate)
              ? accessDeniedCode(splitAction(step.action)[0])
              : undefined),
          ip: spec.ip,
          agent: spec.agent(step.action),
        }),
      );
    }
  }
  return t;
}

export interface CallInput {
  time: number;
  principal: Principal;
  accountId: string;
  region: string;
  action: string;
  params: Record<string, unknown> | null;
  response?: Record<string, unknown> | null | undefined;
  error?: string | undefined;
  ip: string;
  agent: string;
  eventType?: Call['eventType'];
}

export function makeCall(rng: Rng, c: CallInput): Call {
  const [service, name] = splitAction(c.action);
  const errorCode = c.error ?? null;
  const eventType = c.eventType ?? (service === 'signin' ? 'AwsConsoleSignIn' : 'AwsApiCall');
  return {
    time: c.time,
    principal: c.principal,
    accountId: c.accountId,
    region: regionFor(service, c.region),
    action: c.action,
    params: c.params,
    response: errorCode ? null : c.response !== undefined ? c.response : defaultResponse(rng, c),
    errorCode,
    errorMessage: errorCode ? errorMessageFor(errorCode, principalArn(c.principal), `${service}:${name}`) : null,
    sourceIp: c.ip,
    userAgent: c.agent,
    eventType,
    readOnly: isReadOnly(name),
    resources: resourcesFor(c),
    eventId: rng.uuid(),
  };
}

const isoAt = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const awsDate = (ms: number): string =>
  new Date(ms)
    .toUTCString()
    .replace('GMT', 'UTC')
    .replace(/^\w+, /, '')
    .replace(/(\d+) (\w+) (\d+)/, '$2 $1, $3');

function defaultResponse(rng: Rng, c: CallInput): Record<string, unknown> | null {
  const p = c.params ?? {};
  switch (c.action) {
    case 'iam:CreateAccessKey':
      return {
        accessKey: {
          userName: p.userName ?? 'unknown',
          accessKeyId: accessKeyId(rng, false),
          status: 'Active',
          createDate: awsDate(c.time),
        },
      };
    case 'iam:CreateUser':
      return {
        user: {
          path: '/',
          userName: p.userName,
          userId: `AIDA${rng.alnum(17)}`,
          arn: `arn:aws:iam::${c.accountId}:user/${String(p.userName)}`,
          createDate: awsDate(c.time),
        },
      };
    case 'iam:CreateRole':
      return {
        role: {
          path: '/',
          roleName: p.roleName,
          roleId: `AROA${rng.alnum(17)}`,
          arn: `arn:aws:iam::${c.accountId}:role/${String(p.roleName)}`,
          createDate: awsDate(c.time),
          assumeRolePolicyDocument: p.assumeRolePolicyDocument,
        },
      };
    case 'iam:CreateLoginProfile':
      return { loginProfile: { userName: p.userName, createDate: awsDate(c.time), passwordResetRequired: false } };
    case 'sts:AssumeRole':
    case 'sts:AssumeRoleWithWebIdentity': {
      const key = accessKeyId(rng, true);
      const roleArn = String(p.roleArn ?? '');
      const roleName = roleArn.split('/').pop() ?? '';
      const out: Record<string, unknown> = {
        credentials: { accessKeyId: key, sessionToken: '<redacted>', expiration: awsDate(c.time + 3600_000) },
        assumedRoleUser: {
          assumedRoleId: `AROA${rng.alnum(17)}:${String(p.roleSessionName ?? '')}`,
          arn: `arn:aws:sts::${roleArn.split(':')[4] ?? ''}:assumed-role/${roleName}/${String(p.roleSessionName ?? '')}`,
        },
      };
      if (c.action === 'sts:AssumeRoleWithWebIdentity') {
        out.subjectFromWebIdentityToken = c.principal.kind === 'web-identity' ? c.principal.subject : '';
        out.provider = `arn:aws:iam::${c.accountId}:oidc-provider/token.actions.githubusercontent.com`;
        out.audience = 'sts.amazonaws.com';
      }
      return out;
    }
    case 'signin:ConsoleLogin':
      return { ConsoleLogin: 'Success' };
    case 'ec2:AllocateAddress':
      return {
        publicIp: `54.${rng.int(80, 240)}.${rng.int(0, 255)}.${rng.int(1, 254)}`,
        allocationId: `eipalloc-${rng.hex(17)}`,
        domain: 'vpc',
        networkBorderGroup: c.region,
      };
    case 'ec2:CreateSnapshot':
      return { snapshotId: `snap-${rng.hex(17)}`, volumeId: p.volumeId, status: 'pending', startTime: c.time };
    case 'ssm:SendCommand':
      return {
        command: { commandId: rng.uuid(), documentName: p.documentName, instanceIds: p.instanceIds, status: 'Pending' },
      };
    case 'athena:StartQueryExecution':
      return { queryExecutionId: rng.uuid() };
    case 'logs:StartQuery':
      return { queryId: rng.uuid() };
    case 'rds:CreateDBSnapshot':
      return {
        dBSnapshotIdentifier: p.dBSnapshotIdentifier,
        dBInstanceIdentifier: p.dBInstanceIdentifier,
        status: 'creating',
        snapshotCreateTime: isoAt(c.time),
      };
    case 'identitystore:CreateUser':
      return { userId: rng.uuid(), identityStoreId: 'd-9067a1b2c3' };
    case 'secretsmanager:PutSecretValue':
      return {
        arn: `arn:aws:secretsmanager:${c.region}:${c.accountId}:secret:${String(p.secretId)}-${rng.alnum(6)}`,
        versionId: rng.uuid(),
      };
    case 'kms:ScheduleKeyDeletion':
      return {
        keyId: `arn:aws:kms:${c.region}:${c.accountId}:key/${String(p.keyId)}`,
        deletionDate: awsDate(c.time + Number(p.pendingWindowInDays ?? 7) * 86400_000),
        keyState: 'PendingDeletion',
        pendingWindowInDays: p.pendingWindowInDays ?? 7,
      };
    default:
      return null;
  }
}

function resourcesFor(c: CallInput): Call['resources'] {
  const p = c.params ?? {};
  if (c.action === 'sts:AssumeRole' && typeof p.roleArn === 'string')
    return [{ ARN: p.roleArn, accountId: p.roleArn.split(':')[4] ?? c.accountId, type: 'AWS::IAM::Role' }];
  if (c.action.startsWith('kms:') && typeof p.keyId === 'string')
    return [
      {
        ARN: p.keyId.startsWith('arn:') ? p.keyId : `arn:aws:kms:${c.region}:${c.accountId}:key/${p.keyId}`,
        accountId: c.accountId,
        type: 'AWS::KMS::Key',
      },
    ];
  return null;
}
