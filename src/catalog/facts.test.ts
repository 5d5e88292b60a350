import { describe, expect, it } from 'vitest';
import { describeEvent, factsOf, riskOf } from './index.ts';
import { event, type RecordSpec } from './test-support.ts';

const facts = (spec: RecordSpec) => factsOf(event(spec));
const risk = (spec: RecordSpec) => riskOf(event(spec));

const ADMIN_DOC = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

describe('policy facts', () => {
  it('adminPolicy for AdministratorAccess attached to a user, role or group, not for ReadOnlyAccess', () => {
    expect(
      facts({
        source: 'iam',
        name: 'AttachUserPolicy',
        params: { userName: 'bob', policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' },
      }),
    ).toContain('adminPolicy');
    expect(
      facts({
        source: 'iam',
        name: 'AttachRolePolicy',
        params: { roleName: 'r', policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' },
      }),
    ).toContain('adminPolicy');
    expect(
      facts({
        source: 'iam',
        name: 'AttachGroupPolicy',
        params: { groupName: 'g', policyArn: 'arn:aws:iam::aws:policy/IAMFullAccess' },
      }),
    ).toContain('adminPolicy');
    expect(
      facts({
        source: 'iam',
        name: 'AttachUserPolicy',
        params: { userName: 'bob', policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' },
      }),
    ).toEqual([]);
  });

  it('reads inline policy documents given as plain JSON, URL-encoded JSON or objects', () => {
    const plain = JSON.stringify(ADMIN_DOC);
    for (const doc of [plain, encodeURIComponent(plain), ADMIN_DOC]) {
      expect(
        facts({
          source: 'iam',
          name: 'PutUserPolicy',
          params: { userName: 'bob', policyName: 'p', policyDocument: doc },
        }),
      ).toEqual(['adminPolicy', 'wildcardPolicy']);
    }
  });

  it('wildcardPolicy alone for a service wildcard on *, nothing for a deny-all', () => {
    const s3All = JSON.stringify({ Statement: { Effect: 'Allow', Action: ['s3:*'], Resource: '*' } });
    expect(
      facts({
        source: 'iam',
        name: 'PutRolePolicy',
        params: { roleName: 'r', policyName: 'p', policyDocument: s3All },
      }),
    ).toEqual(['wildcardPolicy']);
    const denyAll = JSON.stringify({ Statement: [{ Effect: 'Deny', Action: '*', Resource: '*' }] });
    expect(
      facts({
        source: 'iam',
        name: 'PutUserPolicy',
        params: { userName: 'u', policyName: 'q', policyDocument: denyAll },
      }),
    ).toEqual([]);
  });

  it('a garbage policy document is no fact and no crash', () => {
    for (const doc of ['{not json', '%E0%A4%A', 42, ['x'], { Statement: 'nope' }]) {
      const e = event({ source: 'iam', name: 'PutUserPolicy', params: { userName: 'u', policyDocument: doc } });
      expect(factsOf(e)).toEqual([]);
      expect(describeEvent(e).sentence).toContain('IAM user u');
    }
  });

  it('externalAccount for a trust policy naming another account, publicShare for *, nothing for its own account', () => {
    const trust = (principal: unknown) =>
      JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole' }] });
    expect(
      facts({
        source: 'iam',
        name: 'UpdateAssumeRolePolicy',
        params: { roleName: 'r', policyDocument: trust({ AWS: 'arn:aws:iam::999988887777:root' }) },
      }),
    ).toEqual(['externalAccount']);
    expect(
      facts({
        source: 'iam',
        name: 'CreateRole',
        params: { roleName: 'r', assumeRolePolicyDocument: trust({ AWS: '*' }) },
      }),
    ).toEqual(['publicShare']);
    expect(
      facts({
        source: 'iam',
        name: 'CreateRole',
        params: { roleName: 'r', assumeRolePolicyDocument: trust({ AWS: 'arn:aws:iam::111122223333:root' }) },
      }),
    ).toEqual([]);
    expect(
      facts({
        source: 'iam',
        name: 'CreateRole',
        params: { roleName: 'r', assumeRolePolicyDocument: trust({ Service: 'lambda.amazonaws.com' }) },
      }),
    ).toEqual([]);
  });

  it('publicShare for * only when no condition limits the callers to fixed accounts, organizations, networks or ARNs', () => {
    const bucket = (condition?: unknown) =>
      facts({
        source: 's3',
        name: 'PutBucketPolicy',
        params: {
          bucketName: 'b',
          bucketPolicy: {
            Statement: [
              { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: '*', Condition: condition },
            ],
          },
        },
      });
    expect(bucket()).toEqual(['publicShare']);
    expect(bucket({ StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' } })).toEqual([]);
    expect(bucket({ StringEquals: { 'aws:SourceVpce': ['vpce-1'] } })).toEqual([]);
    expect(bucket({ IpAddress: { 'aws:SourceIp': ['10.0.0.0/8'] } })).toEqual([]);
    expect(bucket({ 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': ['o-a/r-b/ou-c/*'] } })).toEqual([]);
    // Conditions that leave everyone in: a negation, IfExists (passes without the key), a wildcard
    // or the whole Internet, or a key that says nothing of the caller.
    expect(bucket({ StringNotEquals: { 'aws:PrincipalOrgID': 'o-abc123' } })).toEqual(['publicShare']);
    expect(bucket({ StringEqualsIfExists: { 'aws:SourceVpce': 'vpce-1' } })).toEqual(['publicShare']);
    expect(bucket({ StringLike: { 'aws:PrincipalArn': '*' } })).toEqual(['publicShare']);
    expect(bucket({ IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } })).toEqual(['publicShare']);
    expect(bucket({ Bool: { 'aws:SecureTransport': 'true' } })).toEqual(['publicShare']);
    const invoke = (extra: Record<string, string>) =>
      facts({
        source: 'lambda',
        name: 'AddPermission20150331v2',
        params: { functionName: 'f', principal: '*', action: 'lambda:InvokeFunction', ...extra },
      });
    expect(invoke({})).toEqual(['publicShare']);
    expect(invoke({ sourceAccount: '111122223333' })).toEqual([]);
    expect(invoke({ principalOrgID: 'o-abc123' })).toEqual([]);
  });
});

describe('sharing facts', () => {
  it('snapshots and AMIs shared with another account or with all', () => {
    const snap = (items: unknown[]) => ({
      source: 'ec2',
      name: 'ModifySnapshotAttribute',
      params: {
        snapshotId: 'snap-1',
        attributeType: 'CREATE_VOLUME_PERMISSION',
        createVolumePermission: { add: { items } },
      },
    });
    expect(facts(snap([{ userId: '999988887777' }]))).toEqual(['dataSharedOut', 'externalAccount']);
    expect(facts(snap([{ group: 'all' }]))).toEqual(['dataSharedOut', 'publicShare']);
    expect(facts(snap([{ userId: '111122223333' }]))).toEqual([]);
    // `all` is the one group there is: any other value names nobody (Panther's negative tests).
    expect(facts(snap([{ group: 'none' }]))).toEqual([]);
    expect(facts(snap([{ group: 'not-all' }]))).toEqual([]);
    expect(
      facts({
        source: 'rds',
        name: 'ModifyDBClusterSnapshotAttribute',
        params: { dBClusterSnapshotIdentifier: 's', attributeName: 'restore', valuesToAdd: ['all'] },
      }),
    ).toEqual(['dataSharedOut', 'publicShare']);
  });

  it('public bucket ACLs, public Lambda permissions and function URLs without auth', () => {
    expect(
      facts({ source: 's3', name: 'PutBucketAcl', params: { bucketName: 'b', 'x-amz-acl': ['public-read'] } }),
    ).toEqual(['publicShare']);
    const acp = {
      AccessControlList: {
        Grant: [{ Grantee: { URI: 'http://acs.amazonaws.com/groups/global/AllUsers' }, Permission: 'READ' }],
      },
    };
    expect(
      facts({ source: 's3', name: 'PutBucketAcl', params: { bucketName: 'b', AccessControlPolicy: acp } }),
    ).toEqual(['publicShare']);
    expect(
      facts({ source: 's3', name: 'PutBucketAcl', params: { bucketName: 'b', 'x-amz-acl': ['private'] } }),
    ).toEqual([]);
    expect(
      facts({
        source: 'lambda',
        name: 'AddPermission20150331v2',
        params: { functionName: 'f', principal: '*', action: 'lambda:InvokeFunction' },
      }),
    ).toEqual(['publicShare']);
    expect(
      facts({
        source: 'lambda',
        name: 'AddPermission20150331v2',
        params: { functionName: 'f', principal: '999988887777' },
      }),
    ).toEqual(['externalAccount']);
    expect(
      facts({
        source: 'lambda',
        name: 'CreateFunctionUrlConfig20211031',
        params: { functionName: 'f', authType: 'NONE' },
      }),
    ).toEqual(['publicShare']);
  });

  it('publicAccessRemoved when the block is deleted or any protection is turned off', () => {
    expect(facts({ source: 's3', name: 'DeleteBucketPublicAccessBlock', params: { bucketName: 'b' } })).toEqual([
      'publicAccessRemoved',
    ]);
    const put = (cfg: Record<string, boolean>) =>
      facts({
        source: 's3',
        name: 'PutBucketPublicAccessBlock',
        params: { bucketName: 'b', PublicAccessBlockConfiguration: cfg },
      });
    expect(
      put({ BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: false, RestrictPublicBuckets: true }),
    ).toEqual(['publicAccessRemoved']);
    expect(
      put({ BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true }),
    ).toEqual([]);
  });
});

describe('network facts', () => {
  const ingress = (perm: Record<string, unknown>) => ({
    source: 'ec2',
    name: 'AuthorizeSecurityGroupIngress',
    params: { groupId: 'sg-1', ipPermissions: { items: [perm] } },
  });

  it('openToWorld for 0.0.0.0/0 or ::/0, with openToWorldAdminPort when an admin port is inside the range', () => {
    expect(
      facts(ingress({ ipProtocol: 'tcp', fromPort: 443, toPort: 443, ipv6Ranges: { items: [{ cidrIpv6: '::/0' }] } })),
    ).toEqual(['openToWorld']);
    expect(
      facts(
        ingress({ ipProtocol: 'tcp', fromPort: 3000, toPort: 3400, ipRanges: { items: [{ cidrIp: '0.0.0.0/0' }] } }),
      ),
    ).toEqual(['openToWorld', 'openToWorldAdminPort']);
    expect(facts(ingress({ ipProtocol: '-1', ipRanges: { items: [{ cidrIp: '0.0.0.0/0' }] } }))).toEqual([
      'openToWorld',
      'openToWorldAdminPort',
    ]);
    expect(
      facts(ingress({ ipProtocol: 'tcp', fromPort: 22, toPort: 22, ipRanges: { items: [{ cidrIp: '10.0.0.0/8' }] } })),
    ).toEqual([]);
  });

  it('internetFacing load balancers and HTTP listeners', () => {
    expect(
      facts({
        source: 'elasticloadbalancing',
        name: 'CreateLoadBalancer',
        params: { name: 'web', scheme: 'internet-facing', type: 'application' },
      }),
    ).toEqual(['internetFacing']);
    expect(
      facts({
        source: 'elasticloadbalancing',
        name: 'CreateLoadBalancer',
        params: { name: 'web', scheme: 'internal' },
      }),
    ).toEqual([]);
    expect(
      facts({
        source: 'elasticloadbalancing',
        name: 'CreateListener',
        params: { loadBalancerArn: 'arn:x', protocol: 'HTTP', port: 80 },
      }),
    ).toEqual(['unencryptedListener']);
    expect(
      facts({
        source: 'elasticloadbalancing',
        name: 'CreateListener',
        params: { loadBalancerArn: 'arn:x', protocol: 'HTTPS', port: 443 },
      }),
    ).toEqual([]);
  });

  it('publiclyAccessible and masterPasswordReset on RDS instances', () => {
    expect(
      facts({
        source: 'rds',
        name: 'ModifyDBInstance',
        params: { dBInstanceIdentifier: 'db', publiclyAccessible: true, masterUserPassword: '****' },
      }),
    ).toEqual(['masterPasswordReset', 'publiclyAccessible']);
  });
});

describe('identity, logging, key and credential facts', () => {
  it('forOtherUser only when the caller creates a credential for someone else', () => {
    expect(facts({ source: 'iam', name: 'CreateAccessKey', params: { userName: 'bob' } })).toEqual(['forOtherUser']);
    expect(facts({ source: 'iam', name: 'CreateAccessKey', params: { userName: 'alice' } })).toEqual([]);
    expect(facts({ source: 'iam', name: 'CreateAccessKey', params: null })).toEqual([]);
    expect(facts({ source: 'iam', name: 'CreateLoginProfile', params: { userName: 'bob' } })).toEqual(['forOtherUser']);
  });

  it('mfaRemoved, loggingStopped, loggingNarrowed, encryptionRemoved, keyDeletion', () => {
    expect(
      facts({
        source: 'iam',
        name: 'DeactivateMFADevice',
        params: { userName: 'bob', serialNumber: 'arn:aws:iam::111122223333:mfa/bob' },
      }),
    ).toEqual(['mfaRemoved']);
    expect(facts({ source: 'cloudtrail', name: 'StopLogging', params: { name: 'main' } })).toEqual(['loggingStopped']);
    expect(
      facts({ source: 'cloudtrail', name: 'UpdateTrail', params: { name: 'main', isMultiRegionTrail: false } }),
    ).toEqual(['loggingNarrowed']);
    expect(
      facts({ source: 'cloudtrail', name: 'UpdateTrail', params: { name: 'main', isMultiRegionTrail: true } }),
    ).toEqual([]);
    expect(facts({ source: 'ec2', name: 'DisableEbsEncryptionByDefault' })).toEqual(['encryptionRemoved']);
    expect(
      facts({ source: 'kms', name: 'ScheduleKeyDeletion', params: { keyId: 'k', pendingWindowInDays: 7 } }),
    ).toEqual(['keyDeletion']);
    expect(facts({ source: 'guardduty', name: 'DeleteDetector', params: { detectorId: 'd' } })).toEqual([
      'detectionDisabled',
    ]);
  });

  it('securityDelegationRemoved: an organization’s security delegated administrator removed, other services not', () => {
    expect(
      facts({
        source: 'organizations',
        name: 'DeregisterDelegatedAdministrator',
        params: { accountId: '111122223333', servicePrincipal: 'guardduty.amazonaws.com' },
      }),
    ).toEqual(['securityDelegationRemoved']);
    expect(
      facts({
        source: 'organizations',
        name: 'DeregisterDelegatedAdministrator',
        params: { accountId: '111122223333', servicePrincipal: 'ipam.amazonaws.com' },
      }),
    ).toEqual([]);
    expect(
      facts({
        source: 'cloudtrail',
        name: 'DeregisterOrganizationDelegatedAdmin',
        params: { DelegatedAdminAccountId: '1' },
      }),
    ).toEqual(['securityDelegationRemoved']);
  });

  it('passwordDataRetrieved and decryptedSecret only when the call succeeded', () => {
    expect(facts({ source: 'ec2', name: 'GetPasswordData', params: { instanceId: 'i-1' } })).toEqual([
      'passwordDataRetrieved',
    ]);
    expect(
      facts({
        source: 'ec2',
        name: 'GetPasswordData',
        params: { instanceId: 'i-1' },
        errorCode: 'Client.UnauthorizedOperation',
      }),
    ).toEqual(['accessDenied']);
    expect(facts({ source: 'ssm', name: 'GetParameter', params: { name: '/db/pw', withDecryption: true } })).toEqual([
      'decryptedSecret',
    ]);
    expect(facts({ source: 'ssm', name: 'GetParameter', params: { name: '/db/pw', withDecryption: false } })).toEqual(
      [],
    );
    expect(facts({ source: 'secretsmanager', name: 'GetSecretValue', params: { secretId: 's' } })).toEqual([
      'decryptedSecret',
    ]);
  });

  it('accessDenied on refusals and rootActivity for the root user', () => {
    expect(facts({ source: 'iam', name: 'ListUsers', errorCode: 'AccessDenied' })).toEqual(['accessDenied']);
    expect(facts({ source: 'iam', name: 'ListUsers', errorCode: 'Throttling' })).toEqual([]);
    expect(facts({ source: 'iam', name: 'ListUsers', user: 'root' })).toEqual(['rootActivity']);
  });
});

describe('risk', () => {
  it('reads are near zero, ordinary writes low, permission changes medium', () => {
    expect(risk({ source: 'iam', name: 'ListUsers' })).toBeLessThan(0.05);
    expect(risk({ source: 's3', name: 'GetBucketLocation', params: { bucketName: 'b' } })).toBeLessThan(0.05);
    expect(risk({ source: 'ec2', name: 'CreateTags', params: { resourcesSet: {} } })).toBeLessThan(0.2);
    expect(risk({ source: 'dynamodb', name: 'PutItem', params: { tableName: 't' } })).toBeLessThan(0.2);
    const perm = risk({
      source: 'iam',
      name: 'AttachUserPolicy',
      params: { userName: 'u', policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' },
    });
    expect(perm).toBeGreaterThanOrEqual(0.3);
    expect(perm).toBeLessThan(0.9);
  });

  it('is critical (>= 0.9) for the calls that hand over an account or blind it', () => {
    const critical: RecordSpec[] = [
      {
        source: 'iam',
        name: 'AttachUserPolicy',
        params: { userName: 'u', policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' },
      },
      { source: 'cloudtrail', name: 'StopLogging', params: { name: 't' } },
      { source: 'cloudtrail', name: 'DeleteTrail', params: { name: 't' } },
      {
        source: 'ec2',
        name: 'ModifySnapshotAttribute',
        params: { snapshotId: 's', createVolumePermission: { add: { items: [{ group: 'all' }] } } },
      },
      {
        source: 'ec2',
        name: 'ModifyImageAttribute',
        params: { imageId: 'ami-1', launchPermission: { add: { items: [{ userId: '999988887777' }] } } },
      },
      {
        source: 'rds',
        name: 'ModifyDBSnapshotAttribute',
        params: { dBSnapshotIdentifier: 'db', attributeName: 'restore', valuesToAdd: ['999988887777'] },
      },
      {
        source: 'ec2',
        name: 'AuthorizeSecurityGroupIngress',
        params: { groupId: 'sg', ipProtocol: 'tcp', fromPort: 3389, toPort: 3389, cidrIp: '0.0.0.0/0' },
      },
      { source: 'iam', name: 'DeactivateMFADevice', params: { userName: 'alice', serialNumber: 'm' } },
      { source: 'guardduty', name: 'DeleteDetector', params: { detectorId: 'd' } },
      { source: 'kms', name: 'ScheduleKeyDeletion', params: { keyId: 'k' } },
      { source: 's3', name: 'DeleteBucketPublicAccessBlock', params: { bucketName: 'b' } },
      { source: 'organizations', name: 'LeaveOrganization' },
    ];
    for (const spec of critical) expect(risk(spec), spec.name).toBeGreaterThanOrEqual(0.9);
  });

  it('halves for a refused call, and describeEvent agrees with factsOf and riskOf', () => {
    const ok = event({ source: 'cloudtrail', name: 'StopLogging', params: { name: 't' } });
    const denied = event({
      source: 'cloudtrail',
      name: 'StopLogging',
      params: { name: 't' },
      errorCode: 'AccessDenied',
    });
    expect(riskOf(denied)).toBeCloseTo(riskOf(ok) / 2, 3);
    const sut = describeEvent(denied);
    expect(sut.facts).toEqual(factsOf(denied));
    expect(sut.risk).toBe(riskOf(denied));
    expect(sut.riskClasses).toEqual(['defense-evasion', 'logging-tamper']);
    expect(sut.techniques).toEqual(['T1562.008']);
  });
});

describe('fact vocabulary', () => {
  it('KNOWN_FACTS lists every fact an extractor can emit', async () => {
    const { KNOWN_FACTS } = await import('./index.ts');
    const source = (await import('node:fs')).readFileSync(new URL('./facts.ts', import.meta.url), 'utf8');
    const emitted = new Set([...source.matchAll(/(?:add|TRUE)\('([a-zA-Z]+)'\)/g)].map((m) => m[1]));
    for (const fact of emitted) expect(KNOWN_FACTS, fact).toContain(fact);
  });
});

describe('per-event cache', () => {
  it('sees an Event object reused with new content', () => {
    const e = event({
      source: 'iam',
      name: 'AttachUserPolicy',
      params: { userName: 'u', policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' },
    });
    expect(factsOf(e)).toEqual([]);
    e.requestParameters = { userName: 'u', policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' };
    expect(factsOf(e)).toEqual(['adminPolicy']);
    e.success = false;
    e.errorCode = 'AccessDenied';
    expect(factsOf(e)).toEqual(['accessDenied', 'adminPolicy']);
  });
});
