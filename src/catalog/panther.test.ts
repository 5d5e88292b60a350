import { describe, expect, it } from 'vitest';
import { normalizeRecord } from '../normalize/index.ts';
import { describeEvent } from './index.ts';
import { pantherRecords } from './test-support.ts';

// Request parameters that name what a call acted on. When a record carries any of them, its
// sentence must name at least one (by value, or an ARN by its last segment).
const KEY_PARAMS = [
  'userName',
  'roleName',
  'groupName',
  'policyName',
  'policyArn',
  'bucketName',
  'instanceId',
  'snapshotId',
  'imageId',
  'groupId',
  'trailName',
  'functionName',
  'keyId',
  'dBInstanceIdentifier',
  'dBClusterIdentifier',
  'dBSnapshotIdentifier',
  'dBClusterSnapshotIdentifier',
  'sourceDBSnapshotIdentifier',
  'secretId',
  'repositoryName',
  'detectorId',
  'resourceArn',
  'queueUrl',
  'projectArn',
  'logGroupName',
  'networkAclId',
  'routeTableId',
  'vpcId',
  'internetGatewayId',
  'modelId',
  'guardrailIdentifier',
  'resolverQueryLogConfigId',
  'dbiResourceId',
  'dbClusterResourceId',
  'roleArn',
  'domainName',
  'configurationRecorderName',
  'globalClusterIdentifier',
  'dBSecurityGroupName',
  'sourceArn',
  'name',
  'Name',
];

function candidates(record: Record<string, unknown>): string[] {
  const p = (record.requestParameters ?? {}) as Record<string, unknown>;
  if (typeof p !== 'object' || p === null) return [];
  const out: string[] = [];
  for (const k of KEY_PARAMS) {
    const v = p[k];
    if (typeof v === 'string' && v !== '') out.push(v, v.split(/[:/]/).pop() ?? v);
  }
  const set = p.instancesSet as { items?: { instanceId?: string }[] } | undefined;
  for (const item of set?.items ?? []) if (item.instanceId) out.push(item.instanceId);
  return out;
}

// Hand-edited samples whose parameters belong to another call (copy-paste in the rule tests):
// no sentence of the named action can name them.
const MISFILED = new Set(['Root Activity - CreateServiceLinkedRole', 'UpdateFindings']);

const records = pantherRecords();

describe('Panther CloudTrail samples', () => {
  it('describes every sample the normalizer accepts, without throwing', () => {
    let described = 0;
    for (const { record } of records) {
      const n = normalizeRecord(record);
      if (!n.ok) continue;
      const sut = describeEvent(n.event);
      expect(sut.sentence.length).toBeGreaterThan(10);
      expect(sut.risk).toBeGreaterThanOrEqual(0);
      expect(sut.risk).toBeLessThanOrEqual(1);
      described++;
    }
    // 489 samples; 434 normalize today: the rest lack eventID or eventTime (Panther tests use minimal logs).
    expect(described).toBeGreaterThanOrEqual(430);
  });

  it('names a key parameter in the sentence of every sample that has one', () => {
    const missing: string[] = [];
    let checked = 0;
    for (const { label, record } of records) {
      const n = normalizeRecord(record);
      if (!n.ok) continue;
      const names = candidates(record);
      if (names.length === 0 || MISFILED.has(String(record._test_name))) continue;
      checked++;
      const sentence = describeEvent(n.event).sentence;
      if (!names.some((name) => sentence.includes(name))) missing.push(`${label}: ${sentence}`);
    }
    expect(checked).toBeGreaterThanOrEqual(280);
    expect(missing).toEqual([]);
  });

  it('calls out the dangerous parameter of the attack samples', () => {
    // The first sample Panther expects to alert for an eventName, described.
    const attack = (eventName: string, where: (p: Record<string, unknown>) => boolean = () => true) => {
      const found = records.find(
        (r) =>
          r.record._expected_result === true &&
          r.record.eventName === eventName &&
          where((r.record.requestParameters ?? {}) as Record<string, unknown>),
      );
      if (!found) throw new Error(`no Panther attack sample for ${eventName}`);
      const n = normalizeRecord(found.record);
      if (!n.ok) throw new Error(n.reason);
      return describeEvent(n.event);
    };
    const pab = attack('DeleteBucketPublicAccessBlock');
    expect(pab.sentence).toContain('corporate-documents');
    expect(pab.sentence).toContain('BlockPublicPolicy');
    expect(pab.facts).toContain('publicAccessRemoved');
    expect(pab.risk).toBeGreaterThanOrEqual(0.9);

    const ami = attack('ModifyImageAttribute', (p) => JSON.stringify(p).includes('"all"'));
    expect(ami.sentence).toContain('everyone (public)');
    expect(ami.facts).toContain('publicShare');

    const ssh = attack('AuthorizeSecurityGroupIngress', (p) => JSON.stringify(p).includes('0.0.0.0/0'));
    expect(ssh.sentence).toMatch(/port 22\/TCP from 0\.0\.0\.0\/0/);
    expect(ssh.facts).toEqual(expect.arrayContaining(['openToWorld', 'openToWorldAdminPort']));

    const kms = attack('ScheduleKeyDeletion');
    expect(kms.sentence).toMatch(/scheduled KMS key \S+ for deletion in 30 days/);
    expect(kms.facts).toContain('keyDeletion');
    expect(kms.risk).toBeGreaterThanOrEqual(0.9);

    const admin = attack('AttachUserPolicy', (p) => String(p.policyArn).endsWith('/AdministratorAccess'));
    expect(admin.sentence).toContain('AdministratorAccess (full admin rights)');
    expect(admin.facts).toContain('adminPolicy');
  });
});
