import { describe, expect, it } from 'vitest';
import { stripVersion } from './context.ts';
import { actionInfo, prefixOfSource } from './iam-data.ts';
import { describeEvent } from './index.ts';
import { event } from './test-support.ts';

describe('eventSource to IAM service prefix', () => {
  it('maps the prefixes that differ from IAM', () => {
    expect(prefixOfSource('monitoring.amazonaws.com')).toBe('cloudwatch');
    expect(prefixOfSource('api.ecr.amazonaws.com')).toBe('ecr');
    expect(prefixOfSource('portal.sso.amazonaws.com')).toBe('sso');
    expect(prefixOfSource('email.amazonaws.com')).toBe('ses');
    expect(prefixOfSource('sso-directory.amazonaws.com')).toBe('sso-directory');
    expect(prefixOfSource('identitystore.amazonaws.com')).toBe('identitystore');
    expect(prefixOfSource('signin.amazonaws.com')).toBe('signin');
    expect(prefixOfSource('iam.amazonaws.com')).toBe('iam');
  });

  it('strips API versions from Lambda and CloudFront event names', () => {
    expect(stripVersion('UpdateFunctionCode20150331v2')).toBe('UpdateFunctionCode');
    expect(stripVersion('AddPermission20150331')).toBe('AddPermission');
    expect(stripVersion('CreateDistribution2020_05_31')).toBe('CreateDistribution');
    expect(stripVersion('GetObject')).toBe('GetObject');
  });
});

describe('action catalog', () => {
  it('gives service names, descriptions and access levels from iam-data', () => {
    const info = actionInfo('iam', 'CreateUser');
    expect(info.serviceName).toBe('IAM');
    expect(info.iamAction).toBe('CreateUser');
    expect(info.description).toMatch(/create a new IAM user/i);
    expect(info.accessLevel).toBe('Write');
    expect(actionInfo('iam', 'AttachUserPolicy').accessLevel).toBe('Permissions management');
    expect(actionInfo('ec2', 'CreateTags').accessLevel).toBe('Tagging');
    expect(actionInfo('ec2', 'DescribeInstances').accessLevel).toBe('List');
    expect(actionInfo('cloudwatch', 'PutMetricAlarm').serviceName).toBe('Amazon CloudWatch');
  });

  it('resolves event names that are not IAM action names', () => {
    expect(actionInfo('s3', 'ListObjectsV2').iamAction).toBe('ListBucket');
    expect(actionInfo('s3', 'ListObjects').iamAction).toBe('ListBucket');
    expect(actionInfo('s3', 'ListBuckets').iamAction).toBe('ListAllMyBuckets');
    expect(actionInfo('lambda', 'Invoke').iamAction).toBe('InvokeFunction');
  });

  it('never crashes on an unknown service or action, and guesses the access level from the verb', () => {
    const info = actionInfo('no-such-service', 'ListFooBars');
    expect(info.iamAction).toBeNull();
    expect(info.accessLevel).toBe('List');
    expect(actionInfo('iam', 'FrobnicateUser').accessLevel).toBe('Write');
    expect(actionInfo('../../etc', 'passwd').iamAction).toBeNull();
  });
});

describe('describeEvent across the mapping quirks', () => {
  it('uses templates for services whose eventSource differs from the IAM prefix', () => {
    const ecr = describeEvent(event({ source: 'api.ecr.amazonaws.com', name: 'GetAuthorizationToken' }));
    expect(ecr.templated).toBe(true);
    expect(ecr.serviceName).toBe('Amazon Elastic Container Registry');
    const sso = describeEvent(
      event({
        source: 'portal.sso.amazonaws.com',
        name: 'GetRoleCredentials',
        params: { roleName: 'AdministratorAccess', accountId: '111122223333' },
      }),
    );
    expect(sso.sentence).toContain(
      'obtained credentials for role AdministratorAccess in account 111122223333 through IAM Identity Center',
    );
  });

  it('hand-writes sign-in events that iam-data does not list', () => {
    const sut = describeEvent(
      event({
        source: 'signin',
        name: 'SwitchRole',
        response: { SwitchRole: 'Success' },
        extra: { eventType: 'AwsConsoleSignIn' },
      }),
    );
    expect(sut.templated).toBe(true);
    expect(sut.sentence).toContain('switched role in the console');
  });

  it('a versioned Lambda event name uses the Lambda template', () => {
    const sut = describeEvent(
      event({ source: 'lambda', name: 'UpdateFunctionCode20150331v2', params: { functionName: 'billing' } }),
    );
    expect(sut.sentence).toContain('replaced the code of Lambda function billing');
    expect(sut.actionDescription).toMatch(/code/i);
  });

  it('falls back to the catalog for untemplated actions and to the raw name for unknown ones', () => {
    const known = describeEvent(event({ source: 'dynamodb', name: 'DescribeTable', params: { tableName: 'orders' } }));
    expect(known.templated).toBe(false);
    expect(known.sentence).toContain('described table orders on Amazon DynamoDB');
    expect(known.riskClasses).toEqual(['discovery']);
    const unknown = describeEvent(event({ source: 'madeup.amazonaws.com', name: 'CreateFooBar' }));
    expect(unknown.sentence).toContain('called CreateFooBar on service madeup');
    expect(unknown.actionDescription).toBe('CreateFooBar (not in the catalog)');
  });
});

describe('hand-written sign-in catalog entries', () => {
  it('describes ConsoleLogin and SwitchRole although iam-data does not list them', () => {
    expect(actionInfo('signin', 'ConsoleLogin').description).toBe('sign in to the AWS Management Console');
    expect(actionInfo('signin', 'SwitchRole').accessLevel).toBe('Unknown');
    expect(actionInfo('signin', 'ConsoleLogin').serviceName).toBe('AWS Sign-In');
  });
});
