import { describe, expect, it } from 'vitest';
import type { Actor } from './event.ts';
import { actorOf, isGeneratedSessionName, issuanceOf, roleArnOf, sessionOf } from './identity.ts';
import { normalizeRecord } from './record.ts';
import { handWritten, pick, realRecords } from './test-fixtures.ts';

const real = realRecords();
const hand = handWritten();

function sut(record: Record<string, unknown>): Actor {
  const recipient = typeof record.recipientAccountId === 'string' ? record.recipientAccountId : null;
  return actorOf(record, recipient);
}

type Expected = Pick<Actor, 'key' | 'type' | 'name' | 'accountId' | 'person'> & Partial<Actor>;

// One row per userIdentity type (and per case inside AssumedRole), real records first.
const CASES: ReadonlyArray<[label: string, record: Record<string, unknown>, expected: Expected]> = [
  [
    'IAMUser (Stratus)',
    pick(real, 'iam-user-create-admin'),
    {
      key: 'arn:aws:iam::229654561268:user/christophe',
      type: 'iam-user',
      name: 'christophe',
      accountId: '229654561268',
      person: null,
      crossAccount: false,
    },
  ],
  [
    'IAMUser with a path: the path is not part of the key',
    pick(hand, 'iam-user-with-path'),
    {
      key: 'arn:aws:iam::111122223333:user/bob',
      type: 'iam-user',
      name: 'bob',
      accountId: '111122223333',
      person: null,
    },
  ],
  [
    'IAMUser without arn (Panther console sign-in)',
    pick(real, 'iam-user-console-login-mfa-failure'),
    {
      key: 'arn:aws:iam::111122223333:user/anaya',
      type: 'iam-user',
      name: 'anaya',
      accountId: '111122223333',
      person: null,
    },
  ],
  [
    'AssumedRole, SSO permission set (Stratus): person = SSO user',
    pick(real, 'sso-role-bedrock-nanosecond-time-1'),
    {
      key: 'arn:aws:iam::847129010505:role/AWSReservedSSO_DevAdmin_635426549a280cc6/ariel.ropek',
      type: 'assumed-role',
      name: 'DevAdmin (ariel.ropek)',
      accountId: '847129010505',
      person: 'ariel.ropek',
      roleArn:
        'arn:aws:iam::847129010505:role/aws-reserved/sso.amazonaws.com/us-west-2/AWSReservedSSO_DevAdmin_635426549a280cc6',
    },
  ],
  [
    'AssumedRole, SSO permission set (hand-written, email)',
    pick(hand, 'sso-alice-monday'),
    {
      key: 'arn:aws:iam::111122223333:role/AWSReservedSSO_AdministratorAccess_0123456789abcdef/alice@example.com',
      type: 'assumed-role',
      name: 'AdministratorAccess (alice@example.com)',
      accountId: '111122223333',
      person: 'alice@example.com',
    },
  ],
  [
    'AssumedRole, generated session aws-go-sdk-<digits>: role alone',
    pick(real, 'assumed-role-generated-session-go-sdk'),
    {
      key: 'arn:aws:iam::900138736586:role/stratus-red-team-ec2lui-role-idtzskbvtd',
      type: 'assumed-role',
      name: 'stratus-red-team-ec2lui-role-idtzskbvtd',
      accountId: '900138736586',
      person: null,
    },
  ],
  [
    'AssumedRole, EC2 instance-id session: role alone',
    pick(real, 'assumed-role-instance-id-session'),
    {
      key: 'arn:aws:iam::017622104382:role/stratus-red-team-ec2-steal-credentials-role',
      type: 'assumed-role',
      name: 'stratus-red-team-ec2-steal-credentials-role',
      accountId: '017622104382',
      person: null,
    },
  ],
  [
    'AssumedRole, stable session name',
    pick(real, 'assumed-role-stable-session-cli'),
    {
      key: 'arn:aws:iam::494659789341:role/test-role/cli',
      type: 'assumed-role',
      name: 'test-role (cli)',
      accountId: '494659789341',
      person: 'cli',
    },
  ],
  [
    'AssumedRole, sourceIdentity wins over a generated session',
    pick(hand, 'role-source-identity'),
    {
      key: 'arn:aws:iam::111122223333:role/Deployer/alice',
      type: 'assumed-role',
      name: 'Deployer (alice)',
      accountId: '111122223333',
      person: 'alice',
      roleArn: 'arn:aws:iam::111122223333:role/ci/Deployer',
    },
  ],
  [
    'AssumedRole from another account',
    pick(hand, 'role-cross-account'),
    {
      key: 'arn:aws:iam::444455556666:role/Deployer/GitHubActions',
      type: 'assumed-role',
      name: 'Deployer (GitHubActions)',
      accountId: '444455556666',
      person: 'GitHubActions',
      crossAccount: true,
    },
  ],
  [
    'Root',
    pick(real, 'root-console-login-failure'),
    {
      key: 'root:493859302102',
      type: 'root',
      name: 'root',
      accountId: '493859302102',
      person: null,
    },
  ],
  [
    'FederatedUser',
    pick(real, 'federated-user'),
    {
      key: 'arn:aws:sts::742491224508:federated-user/stratus_red_team',
      type: 'federated-user',
      name: 'stratus_red_team',
      accountId: '742491224508',
      person: 'stratus_red_team',
    },
  ],
  [
    'WebIdentityUser (EKS IRSA)',
    pick(hand, 'web-identity-eks-irsa'),
    {
      key: 'web-identity:arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:system:serviceaccount:payments:api',
      type: 'web-identity',
      name: 'system:serviceaccount:payments:api',
      accountId: null,
      person: 'system:serviceaccount:payments:api',
    },
  ],
  [
    'SAMLUser',
    pick(hand, 'saml-user'),
    {
      key: 'saml:bdGOnTesti4+ReIMkoWvVsJmtzE=:SamlExample',
      type: 'saml-user',
      name: 'SamlExample',
      accountId: null,
      person: 'SamlExample',
    },
  ],
  [
    'IdentityCenterUser',
    pick(hand, 'identity-center-user-1'),
    {
      key: 'identity-center:arn:aws:identitystore::111122223333:identitystore/d-9067642ac7:544894e8-80c1-707f-60e3-3ba6510dfac1',
      type: 'identity-center-user',
      name: '544894e8-80c1-707f-60e3-3ba6510dfac1',
      accountId: '111122223333',
      person: '544894e8-80c1-707f-60e3-3ba6510dfac1',
    },
  ],
  [
    'AWSService',
    pick(real, 'aws-service-lambda'),
    {
      key: 'service:lambda.amazonaws.com',
      type: 'aws-service',
      name: 'lambda.amazonaws.com',
      accountId: null,
      person: null,
      invokedBy: 'lambda.amazonaws.com',
    },
  ],
  [
    'AWSAccount (cross-account caller)',
    pick(real, 'aws-account-cross-account'),
    {
      key: 'account:111111111111:AROAEXAMPLE',
      type: 'aws-account',
      name: 'AROAEXAMPLE',
      accountId: '111111111111',
      person: null,
      crossAccount: true,
    },
  ],
  [
    'Unknown (SSO CreateToken)',
    pick(real, 'unknown-sso-create-token'),
    {
      key: 'unknown:<organization master account ID>:<internal victim user id>',
      type: 'unknown',
      name: '<victim display name>',
      accountId: '<organization master account ID>',
      person: '<victim display name>',
    },
  ],
  [
    'no userIdentity at all',
    pick(real, 'no-user-identity'),
    {
      key: 'unknown',
      type: 'unknown',
      name: 'unknown',
      accountId: null,
      person: null,
    },
  ],
  [
    'no userIdentity, AWS service as source address',
    pick(hand, 'no-identity-service-source'),
    {
      key: 'service:secretsmanager.amazonaws.com',
      type: 'aws-service',
      name: 'secretsmanager.amazonaws.com',
      accountId: null,
      person: null,
    },
  ],
  [
    'empty userIdentity {} (Panther S3 console)',
    pick(real, 's3-console-user-agent'),
    {
      key: 'unknown',
      type: 'unknown',
      name: 'unknown',
      accountId: null,
      person: null,
    },
  ],
];

describe('actorOf', () => {
  it.each(CASES)('%s', (_label, record, expected) => {
    expect(sut(record)).toMatchObject(expected);
  });

  it('covers every ActorType', () => {
    const types = new Set(CASES.map(([, record]) => sut(record).type));
    expect([...types].sort()).toEqual([
      'assumed-role',
      'aws-account',
      'aws-service',
      'federated-user',
      'iam-user',
      'identity-center-user',
      'root',
      'saml-user',
      'unknown',
      'web-identity',
    ]);
  });

  it('gives the same key to the same SSO user across sessions (different keys, creation dates, console or not)', () => {
    const monday = normalizeRecord(pick(hand, 'sso-alice-monday'));
    const tuesday = normalizeRecord(pick(hand, 'sso-alice-tuesday-console'));
    if (!monday.ok || !tuesday.ok) throw new Error('fixtures must normalize');
    expect(monday.event.session).not.toBe(tuesday.event.session);
    expect(monday.event.sessionStart).not.toBe(tuesday.event.sessionStart);
    expect(tuesday.event.console).toBe(true);
    expect(monday.event.actor.key).toBe(tuesday.event.actor.key);
  });

  it('gives the same key to a role across sessions with generated names', () => {
    const a = sut(pick(hand, 'role-botocore-session-1'));
    const b = sut(pick(hand, 'role-botocore-session-2'));
    expect(a.key).toBe('arn:aws:iam::111122223333:role/Deployer');
    expect(b.key).toBe(a.key);
  });

  it('gives the same key to an Identity Center user across credentials', () => {
    expect(sut(pick(hand, 'identity-center-user-2')).key).toBe(sut(pick(hand, 'identity-center-user-1')).key);
  });

  it('gives the same role key with or without sessionContext (failed calls often lack it)', () => {
    const full = pick(real, 'assumed-role-stable-session-cli');
    const bare = pick(real, 'assumed-role-stable-session-cli');
    (bare.userIdentity as Record<string, unknown>).sessionContext = undefined;
    expect(sut(bare).key).toBe(sut(full).key);
  });

  it('takes the Identity Center user of an identity-enhanced role session as the person', () => {
    const record = pick(hand, 'role-botocore-session-1');
    (record.userIdentity as Record<string, unknown>).onBehalfOf = {
      userId: '544894e8-80c1-707f-60e3-3ba6510dfac1',
      identityStoreArn: 'arn:aws:identitystore::111122223333:identitystore/d-9067642ac7',
    };
    expect(sut(record)).toMatchObject({
      key: 'arn:aws:iam::111122223333:role/Deployer/544894e8-80c1-707f-60e3-3ba6510dfac1',
      person: '544894e8-80c1-707f-60e3-3ba6510dfac1',
    });
  });

  it('infers the type from the ARN when userIdentity.type is missing', () => {
    expect(
      actorOf({ userIdentity: { arn: 'arn:aws:sts::111122223333:assumed-role/Admin/bob@example.com' } }, null),
    ).toMatchObject({
      type: 'assumed-role',
      key: 'arn:aws:iam::111122223333:role/Admin/bob@example.com',
    });
    expect(actorOf({ userIdentity: { arn: 'arn:aws:iam::111122223333:root' } }, null).key).toBe('root:111122223333');
  });

  it('names a cross-account caller by its account when it shows no principal id', () => {
    expect(actorOf({ userIdentity: { type: 'AWSAccount', accountId: '444455556666' } }, '111122223333')).toMatchObject({
      key: 'account:444455556666',
      name: 'account 444455556666',
      crossAccount: true,
    });
  });

  it('parses userIdentity given as JSON text (Athena/Lake exports)', () => {
    const record = pick(real, 'iam-user-create-admin');
    record.userIdentity = JSON.stringify(record.userIdentity);
    expect(sut(record).key).toBe('arn:aws:iam::229654561268:user/christophe');
  });

  it.each([
    ['a string that is not JSON', 'alice'],
    ['a number', 42],
    ['an array', [{ type: 'IAMUser' }]],
    ['type of the wrong type', { type: 7, userName: 3 }],
  ])('tolerates userIdentity as %s', (_label, value) => {
    expect(actorOf({ userIdentity: value }, '111122223333').type).toBe('unknown');
  });
});

describe('isGeneratedSessionName', () => {
  it.each([
    'botocore-session-1700000000',
    'aws-go-sdk-1722511821294449000',
    'i-786a3A8B5C0d92eF4',
    'i-0abcdef1234567890',
    '1700000000000',
    'terraform-20240101120000',
    'TrustedAdvisor_187901811700_7472a099-2df6-4080-b339-9681aa0a066a',
    '7472a099-2df6-4080-b339-9681aa0a066a',
    'a3f9c1e07b2d4e68a1c9f0b3d5e7a2c4',
    'astronomer-managed-1665678811',
    '153151351351351',
  ])('%s is generated', (name) => {
    expect(isGeneratedSessionName(name)).toBe(true);
  });

  it.each([
    'alice@example.com',
    'bob.ross',
    'cli',
    'GitHubActions',
    'AutoScaling',
    'panther-datacatalog-compactor',
    'user_name',
    'deploy-2',
  ])('%s is a stable name', (name) => {
    expect(isGeneratedSessionName(name)).toBe(false);
  });
});

describe('sessionOf', () => {
  it('uses the access key, the session creation date and mfaAuthenticated', () => {
    expect(sessionOf(pick(real, 'assumed-role-stable-session-cli'), 'InvokeModel')).toEqual({
      session: 'ASIA6FTSFH98XNF7DFZB',
      start: Date.UTC(2024, 9, 17, 20, 7, 50),
      mfa: false,
    });
    expect(sessionOf(pick(hand, 'role-botocore-session-1'), 'DescribeInstances').mfa).toBe(true);
  });

  it('uses the Identity Center credential id', () => {
    expect(sessionOf(pick(hand, 'identity-center-user-1'), 'ListAccountRoles').session).toBe(
      'EXAMPLEVHULjJdTUdPJfofVa1sufHDoj7aYcOYcxFVllWR_Whr1fEXAMPLE',
    );
  });

  it('falls back to principalId@creationDate without a key', () => {
    const record = pick(real, 'assumed-role-stable-session-cli');
    (record.userIdentity as Record<string, unknown>).accessKeyId = '';
    expect(sessionOf(record, 'InvokeModel').session).toBe('AROA2N7TQQRGKJYPCLOG0:cli@2024-10-17T20:07:50Z');
  });

  it('reads MFA of a console sign-in from additionalEventData', () => {
    expect(sessionOf(pick(real, 'iam-user-console-login-no-mfa'), 'ConsoleLogin')).toEqual({
      session: null,
      start: null,
      mfa: false,
    });
    expect(sessionOf(pick(real, 'iam-user-console-login-mfa-failure'), 'ConsoleLogin').mfa).toBe(true);
  });
});

describe('issuanceOf', () => {
  const issued = (record: Record<string, unknown>) => {
    const n = normalizeRecord(record);
    if (!n.ok) throw new Error(n.reason);
    return issuanceOf(n.event);
  };
  const assume = {
    eventID: 'iss-1',
    eventTime: '2026-03-02T09:00:00Z',
    eventSource: 'sts.amazonaws.com',
    eventName: 'AssumeRole',
    recipientAccountId: '111122223333',
    userIdentity: {
      type: 'IAMUser',
      arn: 'arn:aws:iam::111122223333:user/alice',
      accountId: '111122223333',
      userName: 'alice',
      accessKeyId: 'AKIAALICE',
    },
    requestParameters: { roleArn: 'arn:aws:iam::111122223333:role/ops/deploy', roleSessionName: 'alice' },
    responseElements: {
      credentials: { accessKeyId: 'ASIANEW', expiration: 'Mar 2, 2026, 10:00:00 AM' },
      assumedRoleUser: { arn: 'arn:aws:sts::111122223333:assumed-role/deploy/alice' },
    },
  };

  it('reads the issued key, the role without its path, the issuer and its own key, and the UTC expiration', () => {
    expect(issued(assume)).toEqual({
      accessKey: 'ASIANEW',
      eventId: 'iss-1',
      time: Date.UTC(2026, 2, 2, 9),
      expiration: Date.UTC(2026, 2, 2, 10),
      accountId: '111122223333',
      issuerKey: 'arn:aws:iam::111122223333:user/alice',
      issuerSession: 'AKIAALICE',
      identity: 'arn:aws:iam::111122223333:role/deploy',
      sessionName: 'alice',
      sourceIdentity: null,
      originHops: ['arn:aws:iam::111122223333:user/alice'],
      originPerson: 'arn:aws:iam::111122223333:user/alice',
      compute: null,
    });
  });

  it('is null for a refused call, another action, or a response without credentials', () => {
    expect(issued({ ...assume, errorCode: 'AccessDenied', responseElements: null })).toBeNull();
    expect(issued({ ...assume, eventName: 'GetCallerIdentity' })).toBeNull();
    expect(issued({ ...assume, responseElements: { credentials: {} } })).toBeNull();
    // A hostile non-STS source claiming an AssumeRole is not an issuance.
    expect(issued({ ...assume, eventSource: 'evil.example.com' })).toBeNull();
  });

  it('maps assumed-role and role ARNs to the role', () => {
    expect(roleArnOf('arn:aws:sts::111122223333:assumed-role/deploy/s')).toBe('arn:aws:iam::111122223333:role/deploy');
    expect(roleArnOf('arn:aws-cn:iam::111122223333:role/a/b/deploy')).toBe('arn:aws-cn:iam::111122223333:role/deploy');
    expect(roleArnOf('arn:aws:iam::111122223333:user/alice')).toBeNull();
    expect(roleArnOf('not an arn')).toBeNull();
  });
});
