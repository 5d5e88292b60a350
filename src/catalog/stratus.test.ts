import { describe, expect, it } from 'vitest';
import { describeEvent } from './index.ts';
import { eventOf, stratusRecords } from './test-support.ts';

type Params = Record<string, unknown>;
const rp = (r: Params): Params => (r.requestParameters ?? {}) as Params;
const s = (v: unknown): string => String(v);

interface Expectation {
  /** The eventName of the technique's telling call. */
  event: string;
  /** Strings its sentence must contain, read from the record where they are parameters. */
  contains: (r: Params) => string[];
  /** Facts it must carry. */
  facts?: string[];
  /** Minimum risk. */
  risk?: number;
}

// One entry per Stratus technique in fixtures/stratus-red-team (37).
const EXPECT: Record<string, Expectation> = {
  'aws.credential-access.ec2-get-password-data': {
    event: 'GetPasswordData',
    contains: (r) => [s(rp(r).instanceId), 'Windows administrator password', 'failed: Client.UnauthorizedOperation'],
  },
  'aws.credential-access.ec2-steal-instance-credentials': {
    event: 'SendCommand',
    contains: (r) => ['AWS-RunShellScript', s((rp(r).instanceIds as string[])[0])],
  },
  'aws.credential-access.secretsmanager-batch-retrieve-secrets': {
    event: 'BatchGetSecretValue',
    contains: () => ['tag-key=StratusRedTeam', 'values of every secret'],
    facts: ['decryptedSecret'],
  },
  'aws.credential-access.secretsmanager-retrieve-secrets': {
    event: 'GetSecretValue',
    contains: (r) => [s(rp(r).secretId).split(':').pop() ?? '', 'read the value of secret'],
    facts: ['decryptedSecret'],
  },
  'aws.credential-access.ssm-retrieve-securestring-parameters': {
    event: 'GetParameters',
    contains: (r) => [s((rp(r).names as string[])[0]), 'with decryption'],
    facts: ['decryptedSecret'],
  },
  'aws.defense-evasion.bedrock-guardrail-delete': {
    event: 'DeleteGuardrail',
    contains: (r) => [s(rp(r).guardrailIdentifier), 'deleted Bedrock guardrail'],
    facts: ['detectionDisabled'],
    risk: 0.8,
  },
  'aws.defense-evasion.bedrock-model-invocation-logging-delete': {
    event: 'DeleteModelInvocationLoggingConfiguration',
    contains: () => ['model invocation logging', 'stopped logging'],
    facts: ['loggingStopped'],
    risk: 0.9,
  },
  'aws.defense-evasion.cloudtrail-delete': {
    event: 'DeleteTrail',
    contains: (r) => [s(rp(r).name), 'deleted CloudTrail trail', 'stopped logging'],
    facts: ['loggingStopped'],
    risk: 0.9,
  },
  'aws.defense-evasion.cloudtrail-event-selectors': {
    event: 'PutEventSelectors',
    contains: (r) => [s(rp(r).trailName), 'management events no longer logged'],
    facts: ['loggingNarrowed'],
    risk: 0.7,
  },
  'aws.defense-evasion.cloudtrail-stop': {
    event: 'StopLogging',
    contains: (r) => [s(rp(r).name), 'stopped logging'],
    facts: ['loggingStopped'],
    risk: 0.9,
  },
  'aws.defense-evasion.dns-delete-logs': {
    event: 'DeleteResolverQueryLogConfig',
    contains: (r) => [s(rp(r).resolverQueryLogConfigId), 'DNS query logging'],
    facts: ['loggingStopped'],
    risk: 0.9,
  },
  'aws.defense-evasion.organizations-leave': {
    event: 'LeaveOrganization',
    contains: () => ['out of its AWS Organization', 'failed: AccessDenied'],
    facts: ['leftOrganization', 'accessDenied'],
  },
  'aws.defense-evasion.vpc-remove-flow-logs': {
    event: 'DeleteFlowLogs',
    contains: () => ['fl-0e17aa62a21d4bbfe', 'flow log'],
    facts: ['loggingStopped'],
    risk: 0.9,
  },
  'aws.discovery.ec2-download-user-data': {
    event: 'DescribeInstanceAttribute',
    contains: (r) => ['userData', s(rp(r).instanceId)],
  },
  'aws.execution.ec2-launch-unusual-instances': {
    event: 'RunInstances',
    contains: () => ['p2.xlarge', 'up to 10'],
    facts: ['gpuInstances', 'manyInstances'],
  },
  'aws.execution.ec2-user-data': {
    event: 'ModifyInstanceAttribute',
    contains: (r) => [s(rp(r).instanceId), 'user data'],
    facts: ['userDataModified'],
    risk: 0.6,
  },
  'aws.execution.ssm-send-command': {
    event: 'SendCommand',
    contains: (r) => ['AWS-RunShellScript', s((rp(r).instanceIds as string[])[0])],
  },
  'aws.execution.ssm-start-session': { event: 'StartSession', contains: (r) => [s(rp(r).target), 'SSM shell session'] },
  'aws.exfiltration.ec2-security-group-open-port-22-ingress': {
    event: 'AuthorizeSecurityGroupIngress',
    contains: (r) => [s(rp(r).groupId), '0.0.0.0/0', 'port 22'],
    facts: ['openToWorld', 'openToWorldAdminPort'],
    risk: 0.9,
  },
  'aws.exfiltration.ec2-share-ami': {
    event: 'ModifyImageAttribute',
    contains: (r) => [s(rp(r).imageId), '846424999548'],
    facts: ['externalAccount', 'dataSharedOut'],
    risk: 0.9,
  },
  'aws.exfiltration.ec2-share-ebs-snapshot': {
    event: 'ModifySnapshotAttribute',
    contains: (r) => [s(rp(r).snapshotId), '098797384747'],
    facts: ['externalAccount', 'dataSharedOut'],
    risk: 0.9,
  },
  'aws.exfiltration.rds-share-snapshot': {
    event: 'ModifyDBSnapshotAttribute',
    contains: (r) => [s(rp(r).dBSnapshotIdentifier), '503161813013'],
    facts: ['externalAccount', 'dataSharedOut'],
    risk: 0.9,
  },
  'aws.impact.bedrock-invoke-model': {
    event: 'InvokeModel',
    contains: (r) => [s(rp(r).modelId), 'invoked Bedrock model'],
  },
  'aws.initial-access.console-login-without-mfa': {
    event: 'ConsoleLogin',
    contains: () => ['signed in to the AWS console without MFA'],
    facts: ['consoleLoginWithoutMfa'],
  },
  'aws.lateral-movement.ec2-instance-connect': {
    event: 'SendSSHPublicKey',
    contains: (r) => [s(rp(r).instanceId), 'ec2-user', 'SSH key'],
  },
  'aws.lateral-movement.ec2-serial-console-send-ssh-public-key': {
    event: 'SendSerialConsoleSSHPublicKey',
    contains: (r) => [s(rp(r).instanceId), 'serial console'],
  },
  'aws.persistence.iam-backdoor-role': {
    event: 'UpdateAssumeRolePolicy',
    contains: (r) => [s(rp(r).roleName), 'external account 193672423079'],
    facts: ['externalAccount'],
    risk: 0.8,
  },
  'aws.persistence.iam-backdoor-user': {
    event: 'CreateAccessKey',
    contains: (r) => [s(rp(r).userName), 'created access key'],
    facts: ['forOtherUser'],
  },
  'aws.persistence.iam-create-admin-user': {
    event: 'AttachUserPolicy',
    contains: (r) => [s(rp(r).userName), 'AdministratorAccess'],
    facts: ['adminPolicy'],
    risk: 0.9,
  },
  'aws.persistence.iam-create-backdoor-role': {
    event: 'CreateRole',
    contains: (r) => [s(rp(r).roleName), 'external account 193672423079'],
    facts: ['externalAccount'],
  },
  'aws.persistence.iam-create-user-login-profile': {
    event: 'CreateLoginProfile',
    contains: (r) => [s(rp(r).userName), 'console password'],
    facts: ['forOtherUser'],
  },
  'aws.persistence.lambda-backdoor-function': {
    event: 'AddPermission20150331v2',
    contains: (r) => [s(rp(r).functionName), 'anyone (*, public)', 'lambda:InvokeFunction'],
    facts: ['publicShare'],
    risk: 0.9,
  },
  'aws.persistence.lambda-layer-extension': {
    event: 'UpdateFunctionConfiguration20150331v2',
    contains: () => [
      'stratus-red-team-lambda-layer-simpleLambda',
      'stratus-red-team-lambda-layer-my-lambda-extension:1',
    ],
  },
  'aws.persistence.lambda-overwrite-code': {
    event: 'UpdateFunctionCode20150331v2',
    contains: () => ['stratus-red-team-olc-func-vayhjqkdav', 'replaced the code'],
  },
  'aws.persistence.rolesanywhere-create-trust-anchor': {
    event: 'CreateTrustAnchor',
    contains: (r) => [s(rp(r).name), 'trust anchor'],
  },
  'aws.persistence.sts-federation-token': {
    event: 'GetFederationToken',
    contains: (r) => [s(rp(r).name), 'federated session'],
  },
  'aws.privilege-escalation.iam-update-user-login-profile': {
    event: 'UpdateLoginProfile',
    contains: (r) => [s(rp(r).userName), 'changed the console password'],
    facts: ['forOtherUser'],
  },
};

const records = stratusRecords();

describe('Stratus Red Team detonations', () => {
  it('covers every technique in the fixtures with an expectation', () => {
    const techniques = [...new Set(records.map((r) => r.label))].sort();
    expect(techniques).toHaveLength(37);
    expect(techniques).toEqual(Object.keys(EXPECT).sort());
  });

  it('gives every one of the 312 records a templated sentence naming its actor and outcome', () => {
    expect(records).toHaveLength(312);
    for (const { record } of records) {
      const e = eventOf(record);
      const sut = describeEvent(e);
      expect(sut.sentence.startsWith(e.actor.name), sut.sentence).toBe(true);
      expect(sut.sentence).toMatch(e.success ? /, succeeded$/ : /, failed: .+$/);
      expect(sut.templated, `${record.eventName} has no template`).toBe(true);
    }
  });

  for (const [technique, expectation] of Object.entries(EXPECT)) {
    it(`${technique}: the ${expectation.event} sentence names its key parameter`, () => {
      const matching = records.filter((r) => r.label === technique && r.record.eventName === expectation.event);
      expect(matching.length).toBeGreaterThan(0);
      for (const { record } of matching) {
        const sut = describeEvent(eventOf(record));
        for (const needle of expectation.contains(record)) expect(sut.sentence).toContain(needle);
        for (const fact of expectation.facts ?? []) expect(sut.facts).toContain(fact);
        if (expectation.risk !== undefined) expect(sut.risk).toBeGreaterThanOrEqual(expectation.risk);
        expect(sut.techniques.length + sut.riskClasses.length).toBeGreaterThan(0);
      }
    });
  }
});
