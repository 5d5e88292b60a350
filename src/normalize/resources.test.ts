import { describe, expect, it } from 'vitest';
import { MAX_RESOURCES, resourcesOf as sut } from './resources.ts';
import { pick, realRecords } from './test-fixtures.ts';

const real = realRecords();

describe('resourcesOf', () => {
  it('reads resources[] and does not repeat the same ARN from requestParameters (real AssumeRole)', () => {
    const record = pick(real, 'aws-service-lambda');
    expect(sut(record, 'sts', record.requestParameters as Record<string, unknown>)).toEqual([
      {
        type: 'AWS::IAM::Role',
        arn: 'arn:aws:iam::123456789123:role/my_role_arn',
        name: 'my_role_arn',
        accountId: '123456789123',
      },
    ]);
  });

  it.each([
    [
      'iam',
      { userName: 'bob', policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' },
      [
        { type: 'AWS::IAM::User', arn: null, name: 'bob', accountId: null },
        {
          type: 'AWS::IAM::ManagedPolicy',
          arn: 'arn:aws:iam::aws:policy/AdministratorAccess',
          name: 'AdministratorAccess',
          accountId: null,
        },
      ],
    ],
    ['iam', { groupName: 'admins' }, [{ type: 'AWS::IAM::Group', arn: null, name: 'admins', accountId: null }]],
    [
      'ec2',
      { groupName: 'web', groupId: 'sg-0917d39b0f1a143b5' },
      [
        { type: 'AWS::EC2::SecurityGroup', arn: null, name: 'web', accountId: null },
        { type: 'AWS::EC2::SecurityGroup', arn: null, name: 'sg-0917d39b0f1a143b5', accountId: null },
      ],
    ],
    [
      'cloudtrail',
      { name: 'org-trail' },
      [{ type: 'AWS::CloudTrail::Trail', arn: null, name: 'org-trail', accountId: null }],
    ],
    [
      's3',
      { bucketName: 'artifacts', key: 'a/b.zip' },
      [{ type: 'AWS::S3::Bucket', arn: null, name: 'artifacts', accountId: null }],
    ],
    [
      'rds',
      { dBSnapshotIdentifier: 'prod-snap' },
      [{ type: 'AWS::RDS::DBSnapshot', arn: null, name: 'prod-snap', accountId: null }],
    ],
    [
      'ec2',
      { snapshotId: 'snap-1', imageId: 'ami-2' },
      [
        { type: 'AWS::EC2::Snapshot', arn: null, name: 'snap-1', accountId: null },
        { type: 'AWS::EC2::Image', arn: null, name: 'ami-2', accountId: null },
      ],
    ],
    [
      'secretsmanager',
      { secretId: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:db-AbCdEf' },
      [
        {
          type: 'AWS::SecretsManager::Secret',
          arn: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:db-AbCdEf',
          name: 'db-AbCdEf',
          accountId: '111122223333',
        },
      ],
    ],
    [
      'ssm',
      { names: ['/prod/db/password', '/prod/api/key'], withDecryption: true },
      [
        { type: 'AWS::SSM::Parameter', arn: null, name: '/prod/db/password', accountId: null },
        { type: 'AWS::SSM::Parameter', arn: null, name: '/prod/api/key', accountId: null },
      ],
    ],
    [
      'ec2',
      { instancesSet: { items: [{ instanceId: 'i-1' }, { instanceId: 'i-2' }, 'junk'] } },
      [
        { type: 'AWS::EC2::Instance', arn: null, name: 'i-1', accountId: null },
        { type: 'AWS::EC2::Instance', arn: null, name: 'i-2', accountId: null },
      ],
    ],
    // A parameter name that means something else in another service is not a resource there.
    ['cognito-idp', { userName: 'x', name: 'y' }, []],
  ])('%s %j', (service, params, expected) => {
    expect(sut({}, service, params)).toEqual(expected);
  });

  it(`keeps at most ${MAX_RESOURCES}, however many are listed`, () => {
    const resources = Array.from({ length: 500 }, (_, i) => ({ ARN: `arn:aws:s3:::bucket-${i}` }));
    const names = Array.from({ length: 500 }, (_, i) => `/p/${i}`);
    expect(sut({ resources }, 'ssm', { names })).toHaveLength(MAX_RESOURCES);
    expect(sut({}, 'ssm', { names })).toHaveLength(MAX_RESOURCES);
  });
});
