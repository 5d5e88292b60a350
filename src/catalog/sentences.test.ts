import { describe, expect, it } from 'vitest';
import { describeEvent } from './index.ts';
import { event, type RecordSpec } from './test-support.ts';

const say = (spec: RecordSpec) => describeEvent(event(spec)).sentence;

// Representative sentences, one per family of templates. A change here is a change analysts see.
describe('sentences', () => {
  it('IAM', () => {
    expect(
      say({
        source: 'iam',
        name: 'AttachUserPolicy',
        params: { userName: 'svc-backup', policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' },
      }),
    ).toMatchInlineSnapshot(
      `"alice attached AdministratorAccess (full admin rights) to IAM user svc-backup in 111122223333 (us-east-1) from 203.0.113.7 using the AWS CLI, succeeded"`,
    );
    expect(
      say({
        source: 'iam',
        name: 'AttachUserPolicy',
        params: { userName: 'svc-backup', policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' },
        errorCode: 'AccessDenied',
      }),
    ).toMatchInlineSnapshot(
      `"alice attached AdministratorAccess (full admin rights) to IAM user svc-backup in 111122223333 (us-east-1) from 203.0.113.7 using the AWS CLI, failed: AccessDenied"`,
    );
    expect(
      say({
        source: 'iam',
        name: 'PutRolePolicy',
        params: {
          roleName: 'ci',
          policyName: 'inline',
          policyDocument: encodeURIComponent(
            JSON.stringify({
              Statement: [
                { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: 'arn:aws:s3:::builds/*' },
              ],
            }),
          ),
        },
      }),
    ).toMatchInlineSnapshot(
      `"alice put inline policy inline on IAM role ci: a policy allowing s3:GetObject and s3:PutObject on arn:aws:s3:::builds/* in 111122223333 (us-east-1) from 203.0.113.7 using the AWS CLI, succeeded"`,
    );
    expect(
      say({
        source: 'iam',
        name: 'CreateAccessKey',
        params: { userName: 'bob' },
        response: { accessKey: { accessKeyId: 'AKIAEXAMPLEBOB', userName: 'bob', status: 'Active' } },
      }),
    ).toMatchInlineSnapshot(
      `"alice created access key AKIAEXAMPLEBOB for IAM user bob in 111122223333 (us-east-1) from 203.0.113.7 using the AWS CLI, succeeded"`,
    );
    expect(
      say({
        source: 'iam',
        name: 'DeactivateMFADevice',
        params: { userName: 'bob', serialNumber: 'arn:aws:iam::111122223333:mfa/bob' },
      }),
    ).toMatchInlineSnapshot(
      `"alice deactivated MFA device arn:aws:iam::111122223333:mfa/bob of IAM user bob, removing its MFA in 111122223333 (us-east-1) from 203.0.113.7 using the AWS CLI, succeeded"`,
    );
  });

  it('sign-in and STS', () => {
    const login = (mfa: string, outcome: string, extra: Record<string, unknown> = {}) =>
      say({
        source: 'signin',
        name: 'ConsoleLogin',
        response: { ConsoleLogin: outcome },
        userAgent: 'Mozilla/5.0 (Macintosh)',
        extra: {
          eventType: 'AwsConsoleSignIn',
          additionalEventData: { MFAUsed: mfa, LoginTo: 'https://console.aws.amazon.com' },
          ...extra,
        },
      });
    expect(login('Yes', 'Success')).toMatchInlineSnapshot(
      `"alice signed in to the AWS console with MFA in 111122223333 (us-east-1) from 203.0.113.7 using the AWS console, succeeded"`,
    );
    expect(login('No', 'Failure', { errorMessage: 'Failed authentication' })).toMatchInlineSnapshot(
      `"alice tried to sign in to the AWS console in 111122223333 (us-east-1) from 203.0.113.7 using the AWS console, failed: Failed authentication"`,
    );
    expect(
      say({
        source: 'sts',
        name: 'AssumeRole',
        params: { roleArn: 'arn:aws:iam::999988887777:role/OrganizationAccountAccessRole', roleSessionName: 'pivot' },
      }),
    ).toMatchInlineSnapshot(
      `"alice assumed role arn:aws:iam::999988887777:role/OrganizationAccountAccessRole (another account, 999988887777) as session pivot in 111122223333 (us-east-1) from 203.0.113.7 using the AWS CLI, succeeded"`,
    );
  });

  it('logging and detection', () => {
    expect(
      say({
        source: 'cloudtrail',
        name: 'StopLogging',
        params: { name: 'arn:aws:cloudtrail:us-east-1:111122223333:trail/org-trail' },
      }),
    ).toMatchInlineSnapshot(
      `"alice stopped logging on CloudTrail trail org-trail in 111122223333 (us-east-1) from 203.0.113.7 using the AWS CLI, succeeded"`,
    );
    expect(
      say({
        source: 'cloudtrail',
        name: 'UpdateTrail',
        params: { name: 'org-trail', isMultiRegionTrail: false, includeGlobalServiceEvents: false },
      }),
    ).toMatchInlineSnapshot(
      `"alice updated CloudTrail trail org-trail: now logs one region only and no longer logs global services (IAM, STS), narrowing logging in 111122223333 (us-east-1) from 203.0.113.7 using the AWS CLI, succeeded"`,
    );
    expect(
      say({ source: 'guardduty', name: 'DeleteDetector', params: { detectorId: '12abc34d567e8fa901bc2d34e56789f0' } }),
    ).toMatchInlineSnapshot(
      `"alice deleted GuardDuty detector 12abc34d567e8fa901bc2d34e56789f0, disabling threat detection in 111122223333 (us-east-1) from 203.0.113.7 using the AWS CLI, succeeded"`,
    );
  });

  it('network', () => {
    expect(
      say({
        source: 'ec2',
        name: 'AuthorizeSecurityGroupIngress',
        params: {
          groupId: 'sg-0123',
          ipPermissions: {
            items: [
              {
                ipProtocol: 'tcp',
                fromPort: 3389,
                toPort: 3389,
                ipRanges: { items: [{ cidrIp: '0.0.0.0/0' }] },
                ipv6Ranges: { items: [{ cidrIpv6: '::/0' }] },
              },
            ],
          },
        },
      }),
    ).toMatchInlineSnapshot(
      `"alice opened security group sg-0123 to inbound port 3389/TCP from 0.0.0.0/0 (the whole internet), ::/0 (the whole internet) in 111122223333 (us-east-1) from 203.0.113.7 using the AWS CLI, succeeded"`,
    );
    expect(
      say({
        source: 'elasticloadbalancing',
        name: 'CreateLoadBalancer',
        params: { name: 'public-web', scheme: 'internet-facing', type: 'application' },
      }),
    ).toMatchInlineSnapshot(
      `"alice created an internet-facing application load balancer public-web in 111122223333 (us-east-1) from 203.0.113.7 using the AWS CLI, succeeded"`,
    );
    expect(
      say({
        source: 'elasticloadbalancing',
        name: 'CreateTargetGroup',
        params: { name: 'web-tg', protocol: 'HTTP', port: 80 },
      }),
    ).toMatchInlineSnapshot(
      `"alice created target group web-tg on HTTP port 80 (HTTP without TLS) in 111122223333 (us-east-1) from 203.0.113.7 using the AWS CLI, succeeded"`,
    );
  });

  it('data exposure and impact', () => {
    expect(
      say({
        source: 'ec2',
        name: 'ModifyImageAttribute',
        params: { imageId: 'ami-0abc', launchPermission: { add: { items: [{ group: 'all' }] } } },
      }),
    ).toMatchInlineSnapshot(
      `"alice shared AMI ami-0abc with everyone (public) in 111122223333 (us-east-1) from 203.0.113.7 using the AWS CLI, succeeded"`,
    );
    expect(
      say({
        source: 's3',
        name: 'PutBucketPublicAccessBlock',
        params: {
          bucketName: 'payroll',
          PublicAccessBlockConfiguration: {
            BlockPublicAcls: false,
            IgnorePublicAcls: true,
            BlockPublicPolicy: false,
            RestrictPublicBuckets: true,
          },
        },
      }),
    ).toMatchInlineSnapshot(
      `"alice turned off public access protections BlockPublicAcls and BlockPublicPolicy on bucket payroll in 111122223333 (us-east-1) from 203.0.113.7 using the AWS CLI, succeeded"`,
    );
    expect(
      say({
        source: 'kms',
        name: 'ScheduleKeyDeletion',
        params: { keyId: 'arn:aws:kms:us-east-1:111122223333:key/1234abcd', pendingWindowInDays: 7 },
      }),
    ).toMatchInlineSnapshot(
      `"alice scheduled KMS key 1234abcd for deletion in 7 days in 111122223333 (us-east-1) from 203.0.113.7 using the AWS CLI, succeeded"`,
    );
    expect(
      say({
        source: 'rds',
        name: 'ModifyDBInstance',
        params: {
          dBInstanceIdentifier: 'prod-db',
          publiclyAccessible: true,
          masterUserPassword: '****',
          applyImmediately: true,
        },
      }),
    ).toMatchInlineSnapshot(
      `"alice modified DB instance prod-db: made it publicly accessible and reset the master password in 111122223333 (us-east-1) from 203.0.113.7 using the AWS CLI, succeeded"`,
    );
    expect(
      say({
        source: 'ec2',
        name: 'RunInstances',
        params: {
          instanceType: 'p4d.24xlarge',
          instancesSet: { items: [{ imageId: 'ami-0gpu', minCount: 1, maxCount: 20 }] },
        },
      }),
    ).toMatchInlineSnapshot(
      `"alice launched up to 20 p4d.24xlarge instances from image ami-0gpu in 111122223333 (us-east-1) from 203.0.113.7 using the AWS CLI, succeeded"`,
    );
  });

  it('catalog fallback for actions without a template, and a made-up action', () => {
    expect(
      say({ source: 'monitoring', name: 'PutMetricAlarm', params: { alarmName: 'cpu-high' } }),
    ).toMatchInlineSnapshot(
      `"alice put metric alarm cpu-high on Amazon CloudWatch in 111122223333 (us-east-1) from 203.0.113.7 using the AWS CLI, succeeded"`,
    );
    expect(say({ source: 'dynamodb', name: 'DescribeTable', params: { tableName: 'orders' } })).toMatchInlineSnapshot(
      `"alice described table orders on Amazon DynamoDB in 111122223333 (us-east-1) from 203.0.113.7 using the AWS CLI, succeeded"`,
    );
    expect(say({ source: 'madeup', name: 'CreateFooBar', params: { fooName: 'x' } })).toMatchInlineSnapshot(
      `"alice called CreateFooBar for x on service madeup in 111122223333 (us-east-1) from 203.0.113.7 using the AWS CLI, succeeded"`,
    );
  });
});

describe('sharing sentences', () => {
  it('says whether a snapshot was shared or unshared', () => {
    const perm = (add: unknown[], remove: unknown[]) => ({
      source: 'ec2',
      name: 'ModifySnapshotAttribute',
      params: { snapshotId: 'snap-9', createVolumePermission: { add: { items: add }, remove: { items: remove } } },
    });
    expect(say(perm([], [{ userId: '999988887777' }]))).toContain(
      'stopped sharing EBS snapshot snap-9 with account 999988887777',
    );
    expect(say(perm([{ group: 'all' }], [{ userId: '999988887777' }]))).toContain(
      'shared EBS snapshot snap-9 with everyone (public) and stopped sharing it with account 999988887777',
    );
    expect(
      say({ source: 'ec2', name: 'ModifyImageAttribute', params: { imageId: 'ami-1', attributeType: 'description' } }),
    ).toContain('changed description of AMI ami-1');
  });
});
