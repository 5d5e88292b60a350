import { describe, expect, it } from 'vitest';
import { factsOf, riskOf, targetsOf } from './index.ts';
import { event, eventOf, stratusRecords } from './test-support.ts';

describe('targetsOf', () => {
  it('names the account a snapshot, an image or a role trust hands access to, the secret read and the other user acted on, in the real Stratus detonations', () => {
    const found = new Map<string, string[]>();
    for (const { label, record } of stratusRecords()) {
      const targets = targetsOf(eventOf(record));
      if (targets.length > 0) found.set(`${label} ${String(record.eventName)}`, targets);
    }
    expect(Object.fromEntries(found)).toEqual({
      'aws.credential-access.ec2-steal-instance-credentials SendCommand': ['document:AWS-RunShellScript'],
      'aws.credential-access.secretsmanager-retrieve-secrets GetSecretValue': [
        'secret:arn:aws:secretsmanager:cn-centraleast-1r:903144391865:secret:stratus-red-team-retrieve-secret-11-OyGWSO',
      ],
      'aws.credential-access.ssm-retrieve-securestring-parameters GetParameters': [
        'parameter:/credentials/stratus-red-team/credentials-12',
        'parameter:/credentials/stratus-red-team/credentials-40',
      ],
      'aws.execution.ssm-send-command SendCommand': ['document:AWS-RunShellScript'],
      'aws.exfiltration.ec2-share-ami ModifyImageAttribute': ['account:846424999548'],
      'aws.exfiltration.ec2-share-ebs-snapshot ModifySnapshotAttribute': ['account:098797384747'],
      'aws.exfiltration.rds-share-snapshot ModifyDBSnapshotAttribute': ['account:503161813013'],
      'aws.persistence.iam-backdoor-role UpdateAssumeRolePolicy': ['account:193672423079'],
      'aws.persistence.iam-backdoor-user CreateAccessKey': ['principal:stratus-red-team-backdoor-u-user'],
      'aws.persistence.iam-create-admin-user AttachUserPolicy': ['principal:malicious-iam-user'],
      'aws.persistence.iam-create-admin-user CreateAccessKey': ['principal:malicious-iam-user'],
      'aws.persistence.iam-create-admin-user CreateUser': ['principal:malicious-iam-user'],
      'aws.persistence.iam-create-backdoor-role CreateRole': ['account:193672423079'],
      'aws.persistence.iam-create-user-login-profile CreateLoginProfile': [
        'principal:stratus-red-team-login-profile-user',
      ],
      'aws.privilege-escalation.iam-update-user-login-profile UpdateLoginProfile': [
        'principal:stratus-red-team-update-login-profile-user',
      ],
    });
  });

  it('leaves out the own account, `all` (a public share is a fact, not a target) and non-account values', () => {
    const sut = event({
      source: 'rds',
      name: 'ModifyDBSnapshotAttribute',
      params: {
        dBSnapshotIdentifier: 's',
        attributeName: 'restore',
        valuesToAdd: ['111122223333', 'all', 'x', '444455556666'],
      },
    });
    expect(targetsOf(sut)).toEqual(['account:444455556666']);
  });

  it('names the account of a cross-account role hop, not of a hop inside the account', () => {
    const hop = (roleArn: string) =>
      targetsOf(event({ source: 'sts', name: 'AssumeRole', params: { roleArn, roleSessionName: 's' } }));
    expect(hop('arn:aws:iam::999988887777:role/Deploy')).toEqual(['account:999988887777']);
    expect(hop('arn:aws:iam::111122223333:role/Deploy')).toEqual([]);
  });

  it('clips hostile values and strips whitespace, so a target is one token however it was written', () => {
    const sut = event({
      source: 'ssm',
      name: 'SendCommand',
      params: { documentName: `evil doc\n\u001b[31m${'x'.repeat(500)}` },
    });
    const [target] = targetsOf(sut);
    expect(target?.startsWith('document:evildoc\u001b[31mxxx')).toBe(true);
    expect(target?.length).toBe('document:'.length + 128);
  });

  it('gives [] for calls without targets and for unreadable parameters', () => {
    expect(targetsOf(event({ source: 's3', name: 'ListBuckets' }))).toEqual([]);
    expect(targetsOf(event({ source: 's3', name: 'PutBucketPolicy', params: { bucketPolicy: '{not json' } }))).toEqual(
      [],
    );
  });
});

describe('fleetCommand', () => {
  const send = (params: Record<string, unknown>) =>
    event({ source: 'ssm', name: 'SendCommand', params: { documentName: 'AWS-RunShellScript', ...params } });

  it('marks a command sent to five or more instances, to every instance or by tag', () => {
    expect(factsOf(send({ instanceIds: ['i-1', 'i-2', 'i-3', 'i-4', 'i-5'] }))).toContain('fleetCommand');
    expect(factsOf(send({ targets: [{ key: 'InstanceIds', values: ['*'] }] }))).toContain('fleetCommand');
    expect(factsOf(send({ targets: [{ key: 'tag:Env', values: ['prod'] }] }))).toContain('fleetCommand');
    expect(riskOf(send({ instanceIds: ['i-1', 'i-2', 'i-3', 'i-4', 'i-5'] }))).toBeGreaterThanOrEqual(0.75);
  });

  it('does not mark a command to one or a few named instances', () => {
    expect(factsOf(send({ instanceIds: ['i-1'] }))).toEqual([]);
    expect(factsOf(send({ targets: [{ key: 'InstanceIds', values: ['i-1', 'i-2'] }] }))).toEqual([]);
  });
});
