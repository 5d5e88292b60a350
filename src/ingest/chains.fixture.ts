/**
 * CloudTrail records of credential chains, shaped like real STS records (Stratus Red Team and
 * AWS documentation examples), for the chain tests: an IAM user assuming a role that assumes
 * another, a cross-account AssumeRole seen from the role's account only, an instance profile,
 * Identity Center, GetSessionToken and GetFederationToken.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const A = '111122223333';
export const B = '444455556666';
export const ALICE = `arn:aws:iam::${A}:user/alice`;
export const DEPLOY = `arn:aws:iam::${A}:role/deploy`;
export const ADMIN = `arn:aws:iam::${A}:role/admin`;

type Rec = Record<string, unknown>;

const T0 = Date.UTC(2026, 2, 2, 9, 0, 0);
export const at = (minutes: number): string => new Date(T0 + minutes * 60_000).toISOString().replace('.000Z', 'Z');

function base(id: string, minutes: number, source: string, name: string, ui: Rec, extra: Rec = {}): Rec {
  return {
    eventVersion: '1.08',
    userIdentity: ui,
    eventTime: at(minutes),
    eventSource: source,
    eventName: name,
    awsRegion: 'us-east-1',
    sourceIPAddress: '203.0.113.7',
    userAgent: 'aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64',
    requestParameters: null,
    responseElements: null,
    eventID: id,
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: A,
    ...extra,
  };
}

export function iamUser(name: string, key: string, account = A): Rec {
  return {
    type: 'IAMUser',
    principalId: `AIDA${name.toUpperCase()}`,
    arn: `arn:aws:iam::${account}:user/${name}`,
    accountId: account,
    accessKeyId: key,
    userName: name,
  };
}

export function roleSession(role: string, session: string, key: string, account = A, sourceIdentity?: string): Rec {
  return {
    type: 'AssumedRole',
    principalId: `AROA${role.toUpperCase()}:${session}`,
    arn: `arn:aws:sts::${account}:assumed-role/${role}/${session}`,
    accountId: account,
    accessKeyId: key,
    sessionContext: {
      sessionIssuer: {
        type: 'Role',
        principalId: `AROA${role.toUpperCase()}`,
        arn: `arn:aws:iam::${account}:role/${role}`,
        accountId: account,
        userName: role,
      },
      attributes: { creationDate: at(0), mfaAuthenticated: 'false' },
      ...(sourceIdentity === undefined ? {} : { sourceIdentity }),
    },
  };
}

/** An STS call by `ui` that handed out `newKey` for `role` (`AssumeRole` unless said otherwise). */
export function assumeRole(
  id: string,
  minutes: number,
  ui: Rec,
  role: string,
  session: string,
  newKey: string,
  extra: { account?: string; sourceIdentity?: string; recipient?: string; ip?: string } = {},
): Rec {
  const account = extra.account ?? A;
  return base(id, minutes, 'sts.amazonaws.com', 'AssumeRole', ui, {
    readOnly: true,
    recipientAccountId: extra.recipient ?? account,
    sourceIPAddress: extra.ip ?? '203.0.113.7',
    requestParameters: {
      roleArn: `arn:aws:iam::${account}:role/${role}`,
      roleSessionName: session,
      ...(extra.sourceIdentity === undefined ? {} : { sourceIdentity: extra.sourceIdentity }),
    },
    responseElements: {
      credentials: {
        accessKeyId: newKey,
        sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE',
        expiration: 'Mar 2, 2026, 10:00:00 AM',
      },
      assumedRoleUser: {
        assumedRoleId: `AROA${role.toUpperCase()}:${session}`,
        arn: `arn:aws:sts::${account}:assumed-role/${role}/${session}`,
      },
      ...(extra.sourceIdentity === undefined ? {} : { sourceIdentity: extra.sourceIdentity }),
    },
  });
}

export function call(id: string, minutes: number, ui: Rec, name = 'GetObject', extra: Rec = {}): Rec {
  const source = name === 'GetObject' || name === 'ListBuckets' ? 's3.amazonaws.com' : 'iam.amazonaws.com';
  return base(id, minutes, source, name, ui, {
    readOnly: true,
    requestParameters: name === 'GetObject' ? { bucketName: 'confidential', key: 'plans.pdf' } : null,
    ...extra,
  });
}

/** An AWS service assuming a compute's role (EC2 instance profile, Lambda, ECS task). */
export function serviceAssume(
  id: string,
  minutes: number,
  service: string,
  role: string,
  session: string,
  newKey: string,
): Rec {
  return base(
    id,
    minutes,
    'sts.amazonaws.com',
    'AssumeRole',
    { type: 'AWSService', invokedBy: service },
    {
      sourceIPAddress: service,
      userAgent: service,
      readOnly: true,
      requestParameters: { roleArn: `arn:aws:iam::${A}:role/${role}`, roleSessionName: session },
      responseElements: {
        credentials: { accessKeyId: newKey, sessionToken: 'x', expiration: 'Mar 2, 2026, 3:00:00 PM' },
        assumedRoleUser: {
          assumedRoleId: `AROA${role.toUpperCase()}:${session}`,
          arn: `arn:aws:sts::${A}:assumed-role/${role}/${session}`,
        },
      },
    },
  );
}

/** alice -> role/deploy -> role/admin, then a download with the admin session. */
export function twoHopChain(): { hops: Rec[]; calls: Rec[] } {
  return {
    hops: [
      assumeRole('hop-1', 0, iamUser('alice', 'AKIAALICE'), 'deploy', 'botocore-session-1772442000', 'ASIADEPLOY'),
      assumeRole(
        'hop-2',
        1,
        roleSession('deploy', 'botocore-session-1772442000', 'ASIADEPLOY'),
        'admin',
        'alice',
        'ASIAADMIN',
      ),
    ],
    calls: [
      call('call-1', 2, roleSession('admin', 'alice', 'ASIAADMIN'), 'ListBuckets'),
      call('call-2', 3, roleSession('admin', 'alice', 'ASIAADMIN')),
      call('call-3', 2, roleSession('deploy', 'botocore-session-1772442000', 'ASIADEPLOY'), 'ListBuckets'),
    ],
  };
}

export function writeTrail(dir: string, name: string, records: Rec[]): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify({ Records: records }));
  return path;
}
