/**
 * Direction of risk: taking access away (a key deactivated or deleted, a user removed from a
 * group, a console password deleted, a policy detached, a share revoked) narrows exposure. It
 * must weigh far less than granting the same access, and never reach the critical path alone
 * (the model's default critical risk is 0.8).
 */
import { describe, expect, it } from 'vitest';
import { factsOf, narrowsAccess, riskOf } from './index.ts';
import { event, type RecordSpec } from './test-support.ts';

const CRITICAL = 0.8;
const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess';

const PAIRS: Array<[label: string, grant: RecordSpec, revoke: RecordSpec]> = [
  [
    'access key of another user',
    { source: 'iam', name: 'CreateAccessKey', params: { userName: 'bob' } },
    { source: 'iam', name: 'DeleteAccessKey', params: { userName: 'bob', accessKeyId: 'AKIAOLD' } },
  ],
  [
    'access key status',
    { source: 'iam', name: 'CreateAccessKey', params: { userName: 'bob' } },
    { source: 'iam', name: 'UpdateAccessKey', params: { userName: 'bob', accessKeyId: 'AKIAOLD', status: 'Inactive' } },
  ],
  [
    'admin group membership',
    { source: 'iam', name: 'AddUserToGroup', params: { userName: 'bob', groupName: 'admins' } },
    { source: 'iam', name: 'RemoveUserFromGroup', params: { userName: 'bob', groupName: 'admins' } },
  ],
  [
    'console password',
    { source: 'iam', name: 'CreateLoginProfile', params: { userName: 'bob' } },
    { source: 'iam', name: 'DeleteLoginProfile', params: { userName: 'bob' } },
  ],
  [
    'admin policy on a user',
    { source: 'iam', name: 'AttachUserPolicy', params: { userName: 'bob', policyArn: ADMIN } },
    { source: 'iam', name: 'DetachUserPolicy', params: { userName: 'bob', policyArn: ADMIN } },
  ],
  [
    'admin policy on a role',
    { source: 'iam', name: 'AttachRolePolicy', params: { roleName: 'app', policyArn: ADMIN } },
    { source: 'iam', name: 'DetachRolePolicy', params: { roleName: 'app', policyArn: ADMIN } },
  ],
  [
    'EBS snapshot share',
    {
      source: 'ec2',
      name: 'ModifySnapshotAttribute',
      params: {
        snapshotId: 'snap-1',
        attributeType: 'CREATE_VOLUME_PERMISSION',
        createVolumePermission: { add: { items: [{ userId: '999988887777' }] } },
      },
    },
    {
      source: 'ec2',
      name: 'ModifySnapshotAttribute',
      params: {
        snapshotId: 'snap-1',
        attributeType: 'CREATE_VOLUME_PERMISSION',
        createVolumePermission: { remove: { items: [{ userId: '999988887777' }] } },
      },
    },
  ],
  [
    'RDS snapshot share',
    {
      source: 'rds',
      name: 'ModifyDBSnapshotAttribute',
      params: { dBSnapshotIdentifier: 'db-snap', attributeName: 'restore', valuesToAdd: ['999988887777'] },
    },
    {
      source: 'rds',
      name: 'ModifyDBSnapshotAttribute',
      params: { dBSnapshotIdentifier: 'db-snap', attributeName: 'restore', valuesToRemove: ['999988887777'] },
    },
  ],
];

describe('direction of risk', () => {
  for (const [label, grant, revoke] of PAIRS) {
    it(`taking away ${label} weighs far less than granting it, and is never critical`, () => {
      const g = riskOf(event(grant));
      const r = riskOf(event(revoke));
      expect(g).toBeGreaterThanOrEqual(0.45);
      expect(r).toBeLessThanOrEqual(g / 3);
      expect(r).toBeLessThan(CRITICAL);
    });
  }

  it('still weighs weakening authentication (MFA removed) as critical: not every deletion reduces exposure', () => {
    expect(
      riskOf(event({ source: 'iam', name: 'DeactivateMFADevice', params: { userName: 'bob', serialNumber: 'x' } })),
    ).toBeGreaterThanOrEqual(CRITICAL);
  });

  it('knows a key set Inactive takes access away, and a key set Active does not', () => {
    const update = (status: string) =>
      event({ source: 'iam', name: 'UpdateAccessKey', params: { userName: 'bob', accessKeyId: 'AKIAOLD', status } });
    const off = factsOf(update('Inactive'));
    const on = factsOf(update('Active'));
    expect(off).toEqual(['accessKeyDeactivated']);
    expect(on).toEqual([]);
    expect(narrowsAccess('iam', 'UpdateAccessKey', off)).toBe(true);
    expect(narrowsAccess('iam', 'UpdateAccessKey', on)).toBe(false);
    // The fact moves no risk: a deactivation is no riskier than the call itself.
    expect(riskOf(update('Inactive'))).toBe(riskOf(update('Active')));
  });
});
