import { describe, expect, it } from 'vitest';
import { actionKeyOf, errorCodeOf, readOnlyOf, serviceOf } from './action.ts';

describe('serviceOf', () => {
  it.each([
    ['iam.amazonaws.com', 'iam'],
    ['s3.amazonaws.com', 's3'],
    ['monitoring.amazonaws.com', 'monitoring'],
    ['api.ecr.amazonaws.com', 'api.ecr'],
    ['portal.sso.amazonaws.com', 'portal.sso'],
    ['signin.amazonaws.com', 'signin'],
    ['sso.amazonaws.com', 'sso'],
    ['identitystore.amazonaws.com', 'identitystore'],
    ['ec2.amazonaws.com.cn', 'ec2'],
    ['IAM.amazonaws.com', 'iam'],
    ['custom-source', 'custom-source'],
  ])('%s -> %s', (source, service) => {
    expect(serviceOf(source)).toBe(service);
  });
});

describe('actionKeyOf', () => {
  it.each([
    ['CreateFunction20150331', 'CreateFunction'],
    ['UpdateFunctionCode20150331v2', 'UpdateFunctionCode'],
    ['UpdateFunctionConfiguration20150331v2', 'UpdateFunctionConfiguration'],
    ['AddPermission20150331v2', 'AddPermission'],
    ['UpdateDistribution2020_05_31', 'UpdateDistribution'],
    ['GetObject', 'GetObject'],
    ['CreateVolumeV2', 'CreateVolumeV2'],
    ['Ec2Thing123', 'Ec2Thing123'],
    ['20150331', '20150331'],
  ])('%s -> %s', (name, key) => {
    expect(actionKeyOf(name)).toBe(key);
  });
});

describe('readOnlyOf', () => {
  it.each([
    [true, true],
    [false, false],
    ['true', true],
    ['false', false],
    ['TRUE', true],
    ['yes', null],
    [1, null],
    [null, null],
    [undefined, null],
    [{}, null],
  ])('%j -> %j', (input, expected) => {
    expect(readOnlyOf(input)).toBe(expected);
  });
});

describe('errorCodeOf', () => {
  it('is null on success', () => {
    expect(errorCodeOf({}, 'GetObject', null)).toBeNull();
  });

  it('returns errorCode when present, numbers as text', () => {
    expect(errorCodeOf({ errorCode: 'AccessDenied' }, 'GetObject', null)).toBe('AccessDenied');
    expect(errorCodeOf({ errorCode: 403 }, 'GetObject', null)).toBe('403');
  });

  it('reads a console sign-in Failure from responseElements', () => {
    expect(errorCodeOf({}, 'ConsoleLogin', { ConsoleLogin: 'Failure' })).toBe('Failure');
    expect(errorCodeOf({}, 'CheckMfa', { CheckMfa: 'Failure' })).toBe('Failure');
    expect(errorCodeOf({}, 'ConsoleLogin', { ConsoleLogin: 'Success' })).toBeNull();
  });

  it('prefers an explicit errorCode over the sign-in flag', () => {
    expect(errorCodeOf({ errorCode: 'Throttling' }, 'ConsoleLogin', { ConsoleLogin: 'Failure' })).toBe('Throttling');
  });
});
