/**
 * The attack library: 36 scenarios over the ten categories, each mapped to MITRE ATT&CK.
 * Calls of the `stratus` scenarios follow the real Stratus Red Team detonations
 * (fixtures/stratus-red-team, Apache-2.0): same eventSources and eventNames, same order,
 * same failures (e.g. GetPasswordData on instances without a password fails).
 */
import type { Step } from '../types.ts';
import type { AttackContext, AttackScenario } from './types.ts';

const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess';
const rep = (action: string, n: number, extra: Omit<Step, 'action' | 'repeat'> = {}): Step => ({
  action,
  repeat: n,
  ...extra,
});
const name = (ctx: AttackContext, base: string): string => `${base}-${ctx.rng.hex(4)}`;
const trustForeign = (ctx: AttackContext) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ctx.foreignAccount}:root` }, Action: 'sts:AssumeRole' },
    ],
  });
/** What the Stratus detonations open with: two denied role hops, then two that work. */
const roleHopAttempts = (ctx: AttackContext): Step[] => [
  rep('sts:AssumeRole', 2, {
    params: { roleArn: `arn:aws:iam::${ctx.accountId}:role/ops-admin`, roleSessionName: 'x' },
    error: 'AccessDenied',
  }),
  rep('sts:AssumeRole', 2, {
    params: { roleArn: `arn:aws:iam::${ctx.accountId}:role/OrganizationAccountAccessRole`, roleSessionName: 'x' },
  }),
];
const STAR = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });

export const SCENARIOS: AttackScenario[] = [
  // ---- IAM creation -------------------------------------------------------------
  {
    id: 'iam-create-admin-user',
    title: 'Create an IAM user with AdministratorAccess and an access key',
    category: 'iam-creation',
    techniques: ['T1136.003', 'T1098.001'],
    stratus: 'aws.persistence.iam-create-admin-user',
    actors: ['iam-admin', 'sre'],
    account: 'prod',
    routine: false,
    modes: ['stolen', 'insider'],
    steps: (ctx) => {
      const u = name(ctx, 'svc-sync');
      return [
        { action: 'iam:CreateUser', params: { userName: u } },
        { action: 'iam:AttachUserPolicy', params: { userName: u, policyArn: ADMIN } },
        { action: 'iam:CreateAccessKey', params: { userName: u } },
      ];
    },
  },
  {
    id: 'iam-create-backdoor-role',
    title: 'Create a role trusting an unknown account, with AdministratorAccess',
    category: 'iam-creation',
    techniques: ['T1136.003', 'T1098.003'],
    stratus: 'aws.persistence.iam-create-backdoor-role',
    actors: ['iam-admin', 'sre'],
    account: 'prod',
    routine: false,
    modes: ['stolen', 'insider'],
    steps: (ctx) => {
      const r = name(ctx, 'ops-support');
      return [
        { action: 'iam:CreateRole', params: { roleName: r, assumeRolePolicyDocument: trustForeign(ctx) } },
        { action: 'iam:AttachRolePolicy', params: { roleName: r, policyArn: ADMIN } },
      ];
    },
  },
  {
    id: 'iam-access-key-other-user',
    title: 'Create an access key for another IAM user',
    category: 'iam-creation',
    techniques: ['T1098.001'],
    stratus: 'aws.persistence.iam-backdoor-user',
    actors: ['iam-admin'],
    account: 'prod',
    routine: true,
    modes: ['insider', 'stolen'],
    steps: () => [
      { action: 'iam:ListUsers' },
      { action: 'iam:ListAccessKeys', params: { userName: 'svc-legacy-etl' } },
      { action: 'iam:CreateAccessKey', params: { userName: 'svc-legacy-etl' } },
    ],
  },
  {
    id: 'iam-create-login-profile',
    title: 'Give an API-only user a console password',
    category: 'iam-creation',
    techniques: ['T1098'],
    stratus: 'aws.persistence.iam-create-user-login-profile',
    actors: ['iam-admin', 'sre'],
    account: 'prod',
    routine: false,
    modes: ['stolen'],
    steps: () => [
      { action: 'sts:GetCallerIdentity' },
      { action: 'iam:CreateLoginProfile', params: { userName: 'svc-monitoring', passwordResetRequired: false } },
      { action: 'iam:DeleteLoginProfile', params: { userName: 'svc-monitoring' }, error: 'NoSuchEntity' },
    ],
  },
  {
    id: 'iam-update-login-profile',
    title: "Reset another user's console password",
    category: 'iam-creation',
    techniques: ['T1098'],
    stratus: 'aws.privilege-escalation.iam-update-user-login-profile',
    actors: ['iam-admin'],
    account: 'prod',
    routine: false,
    modes: ['stolen', 'insider'],
    steps: () => [
      { action: 'iam:UpdateLoginProfile', params: { userName: 'svc-legacy-etl', passwordResetRequired: false } },
    ],
  },
  {
    id: 'iam-deactivate-mfa',
    title: "Deactivate and delete a user's MFA device",
    category: 'iam-creation',
    techniques: ['T1556.006'],
    stratus: null,
    actors: ['iam-admin'],
    account: 'prod',
    routine: false,
    modes: ['stolen', 'insider'],
    steps: () => [
      { action: 'iam:ListMFADevices', params: { userName: 'svc-legacy-etl' } },
      {
        action: 'iam:DeactivateMFADevice',
        params: { userName: 'svc-legacy-etl', serialNumber: 'arn:aws:iam::482910375610:mfa/svc-legacy-etl' },
      },
      {
        action: 'iam:DeleteVirtualMFADevice',
        params: { serialNumber: 'arn:aws:iam::482910375610:mfa/svc-legacy-etl' },
      },
    ],
  },
  {
    id: 'iam-add-user-to-admin-group',
    title: 'Add a user to the Admins group',
    category: 'iam-creation',
    techniques: ['T1098'],
    stratus: null,
    actors: ['iam-admin', 'sre'],
    account: 'prod',
    routine: false,
    modes: ['stolen', 'insider'],
    steps: () => [
      { action: 'iam:ListGroups' },
      { action: 'iam:GetGroup', params: { groupName: 'Admins' } },
      { action: 'iam:AddUserToGroup', params: { groupName: 'Admins', userName: 'svc-legacy-etl' } },
    ],
  },
  {
    id: 'iam-attach-admin-policy-role',
    title: 'Attach AdministratorAccess to an application role',
    category: 'permission-change',
    techniques: ['T1098.003'],
    stratus: null,
    actors: ['iam-admin'],
    account: 'prod',
    routine: true,
    modes: ['insider', 'stolen'],
    steps: (ctx) => [
      { action: 'iam:GetRole', params: { roleName: ctx.res.roles[1] } },
      { action: 'iam:ListAttachedRolePolicies', params: { roleName: ctx.res.roles[1] } },
      { action: 'iam:AttachRolePolicy', params: { roleName: ctx.res.roles[1], policyArn: ADMIN } },
    ],
  },
  {
    id: 'iam-backdoor-role-trust',
    title: "Add an unknown account to a role's trust policy",
    category: 'permission-change',
    techniques: ['T1098'],
    stratus: 'aws.persistence.iam-backdoor-role',
    actors: ['iam-admin', 'sre'],
    account: 'prod',
    routine: false,
    modes: ['stolen', 'insider'],
    steps: (ctx) => [
      {
        action: 'iam:UpdateAssumeRolePolicy',
        params: { roleName: ctx.res.roles[2], policyDocument: trustForeign(ctx) },
      },
    ],
  },
  {
    id: 'iam-inline-policy-star',
    title: 'Put an inline policy allowing * on * on a role',
    category: 'security-configuration',
    techniques: ['T1098.003'],
    stratus: null,
    actors: ['iam-admin'],
    account: 'prod',
    routine: true,
    modes: ['insider', 'stolen'],
    steps: (ctx) => [
      { action: 'iam:GetRole', params: { roleName: ctx.res.roles[0] } },
      { action: 'iam:ListRolePolicies', params: { roleName: ctx.res.roles[0] } },
      {
        action: 'iam:PutRolePolicy',
        params: { roleName: ctx.res.roles[0], policyName: 'app-access', policyDocument: STAR },
      },
    ],
  },
  {
    id: 'sts-federation-token',
    title: 'Mint a federation token to survive key revocation',
    category: 'permission-change',
    techniques: ['T1550.001'],
    stratus: 'aws.persistence.sts-federation-token',
    actors: ['sre', 'data-engineer'],
    account: 'prod',
    routine: false,
    modes: ['stolen'],
    steps: () => [
      { action: 'sts:GetFederationToken', params: { name: 'ops', policy: STAR, durationSeconds: 129600 } },
      { action: 'sts:GetCallerIdentity' },
    ],
  },
  // ---- Security configuration ------------------------------------------------------
  {
    id: 's3-delete-bucket-encryption',
    title: 'Remove default encryption from a data bucket',
    category: 'security-configuration',
    techniques: ['T1562'],
    stratus: null,
    actors: ['sre', 'data-engineer'],
    account: 'prod',
    routine: false,
    modes: ['stolen', 'insider'],
    steps: (ctx) => [
      { action: 's3:GetBucketEncryption', params: { bucketName: ctx.res.buckets[2], encryption: '' } },
      { action: 's3:DeleteBucketEncryption', params: { bucketName: ctx.res.buckets[2], encryption: '' } },
    ],
  },
  {
    id: 'cloudtrail-stop',
    title: 'Stop the organization trail',
    category: 'defense-evasion',
    techniques: ['T1562.008'],
    stratus: 'aws.defense-evasion.cloudtrail-stop',
    actors: ['security', 'sre'],
    account: 'prod',
    routine: false,
    modes: ['stolen', 'insider'],
    steps: () => [{ action: 'cloudtrail:StopLogging', params: { name: 'org-trail' } }],
  },
  {
    id: 'cloudtrail-delete',
    title: 'Delete a trail',
    category: 'defense-evasion',
    techniques: ['T1562.008'],
    stratus: 'aws.defense-evasion.cloudtrail-delete',
    actors: ['security', 'sre'],
    account: 'prod',
    routine: false,
    modes: ['stolen'],
    steps: () => [{ action: 'cloudtrail:DeleteTrail', params: { name: 'prod-audit-trail' } }],
  },
  {
    id: 'cloudtrail-event-selectors',
    title: "Narrow the trail's event selectors to exclude management events",
    category: 'defense-evasion',
    techniques: ['T1562.008'],
    stratus: 'aws.defense-evasion.cloudtrail-event-selectors',
    actors: ['security'],
    account: 'prod',
    routine: true,
    modes: ['insider', 'stolen'],
    steps: () => [
      {
        action: 'cloudtrail:PutEventSelectors',
        params: {
          trailName: 'org-trail',
          eventSelectors: [{ readWriteType: 'ReadOnly', includeManagementEvents: false, dataResources: [] }],
        },
      },
    ],
  },
  {
    id: 'elb-http-listener',
    title: 'Create an HTTP target group and a plaintext listener',
    category: 'security-configuration',
    techniques: ['T1133'],
    stratus: null,
    actors: ['sre'],
    account: 'prod',
    routine: false,
    modes: ['insider', 'stolen'],
    steps: (ctx) => [
      { action: 'elasticloadbalancing:DescribeLoadBalancers' },
      {
        action: 'elasticloadbalancing:CreateTargetGroup',
        params: { name: name(ctx, 'debug'), protocol: 'HTTP', port: 80, vpcId: ctx.res.vpc },
      },
      {
        action: 'elasticloadbalancing:CreateListener',
        params: {
          loadBalancerArn: `arn:aws:elasticloadbalancing:${ctx.region}:${ctx.accountId}:loadbalancer/app/${ctx.res.loadBalancers[1]}/5f2a9c1e`,
          protocol: 'HTTP',
          port: 80,
        },
      },
    ],
  },
  // ---- Network exposure -------------------------------------------------------------
  {
    id: 'ec2-eip-expose-instance',
    title: 'Allocate an Elastic IP and attach it to an internal instance',
    category: 'network-exposure',
    techniques: ['T1133'],
    stratus: null,
    actors: ['sre'],
    account: 'prod',
    routine: false,
    modes: ['insider', 'stolen'],
    steps: (ctx) => [
      { action: 'ec2:DescribeInstances' },
      { action: 'ec2:AllocateAddress', params: { domain: 'vpc' } },
      {
        action: 'ec2:AssociateAddress',
        params: { instanceId: ctx.res.instances[3], allocationId: `eipalloc-${ctx.rng.hex(17)}` },
      },
    ],
  },
  {
    id: 'elb-internet-facing',
    title: 'Create an internet-facing load balancer in front of internal targets',
    category: 'network-exposure',
    techniques: ['T1133'],
    stratus: null,
    actors: ['sre'],
    account: 'prod',
    routine: false,
    modes: ['insider', 'stolen'],
    steps: (ctx) => [
      { action: 'ec2:DescribeSubnets' },
      {
        action: 'elasticloadbalancing:CreateLoadBalancer',
        params: {
          name: name(ctx, 'tmp'),
          scheme: 'internet-facing',
          type: 'application',
          subnets: ctx.res.subnets.slice(0, 2),
        },
      },
      {
        action: 'elasticloadbalancing:CreateTargetGroup',
        params: { name: name(ctx, 'tmp'), protocol: 'HTTP', port: 8080, vpcId: ctx.res.vpc },
      },
      { action: 'elasticloadbalancing:RegisterTargets', params: { targets: [{ id: ctx.res.instances[2] }] } },
      { action: 'elasticloadbalancing:CreateListener', params: { protocol: 'HTTP', port: 80 } },
    ],
  },
  {
    id: 'sg-open-ssh-world',
    title: 'Open SSH to 0.0.0.0/0 on a security group',
    category: 'network-exposure',
    techniques: ['T1562.007'],
    stratus: 'aws.exfiltration.ec2-security-group-open-port-22-ingress',
    actors: ['sre'],
    account: 'prod',
    routine: true,
    modes: ['insider', 'stolen'],
    steps: (ctx) => [
      {
        action: 'ec2:AuthorizeSecurityGroupIngress',
        params: {
          groupId: ctx.res.securityGroups[1],
          ipPermissions: {
            items: [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22, ipRanges: { items: [{ cidrIp: '0.0.0.0/0' }] } }],
          },
        },
      },
    ],
  },
  {
    id: 'sg-open-all-world',
    title: 'Open every port to 0.0.0.0/0 on the database security group',
    category: 'network-exposure',
    techniques: ['T1562.007'],
    stratus: null,
    actors: ['sre', 'developer'],
    account: 'staging',
    routine: false,
    modes: ['stolen', 'insider'],
    steps: (ctx) => [
      { action: 'ec2:DescribeSecurityGroups' },
      {
        action: 'ec2:AuthorizeSecurityGroupIngress',
        params: {
          groupId: ctx.res.securityGroups[4],
          ipPermissions: { items: [{ ipProtocol: '-1', ipRanges: { items: [{ cidrIp: '0.0.0.0/0' }] } }] },
        },
      },
    ],
  },
  // ---- Defense evasion ---------------------------------------------------------------
  {
    id: 'guardduty-delete-detector',
    title: 'Delete the GuardDuty detector',
    category: 'defense-evasion',
    techniques: ['T1562.001'],
    stratus: null,
    actors: ['security'],
    account: 'security',
    routine: false,
    modes: ['stolen', 'insider'],
    steps: (ctx) => [
      { action: 'guardduty:ListDetectors' },
      { action: 'guardduty:DeleteDetector', params: { detectorId: ctx.res.detector } },
    ],
  },
  {
    id: 'guardduty-disassociate',
    title: 'Disassociate a member account from the GuardDuty administrator',
    category: 'defense-evasion',
    techniques: ['T1562.001'],
    stratus: null,
    actors: ['sre'],
    account: 'prod',
    routine: false,
    modes: ['stolen'],
    steps: (ctx) => [
      { action: 'guardduty:ListDetectors' },
      { action: 'guardduty:DisassociateFromAdministratorAccount', params: { detectorId: ctx.res.detector } },
    ],
  },
  {
    id: 'vpc-remove-flow-logs',
    title: 'Delete VPC flow logs',
    category: 'defense-evasion',
    techniques: ['T1562.008'],
    stratus: 'aws.defense-evasion.vpc-remove-flow-logs',
    actors: ['sre'],
    account: 'prod',
    routine: false,
    modes: ['insider', 'stolen'],
    steps: (ctx) => [{ action: 'ec2:DeleteFlowLogs', params: { flowLogIds: [`fl-${ctx.rng.hex(17)}`] } }],
  },
  {
    id: 'dns-delete-query-logs',
    title: 'Delete the Route 53 Resolver query logging configuration',
    category: 'defense-evasion',
    techniques: ['T1562.008'],
    stratus: 'aws.defense-evasion.dns-delete-logs',
    actors: ['sre'],
    account: 'prod',
    routine: false,
    modes: ['stolen'],
    steps: (ctx) => [
      {
        action: 'route53resolver:DeleteResolverQueryLogConfig',
        params: { resolverQueryLogConfigId: `rqlc-${ctx.rng.hex(16)}` },
      },
    ],
  },
  {
    id: 'kms-schedule-key-deletion',
    title: 'Schedule deletion of the data key',
    category: 'defense-evasion',
    techniques: ['T1485', 'T1562'],
    stratus: null,
    actors: ['security', 'sre'],
    account: 'prod',
    routine: false,
    modes: ['stolen', 'insider'],
    steps: (ctx) => [
      { action: 'kms:ListKeys' },
      { action: 'kms:DescribeKey', params: { keyId: ctx.res.kmsKeys[1] } },
      { action: 'kms:DisableKey', params: { keyId: ctx.res.kmsKeys[1] } },
      { action: 'kms:ScheduleKeyDeletion', params: { keyId: ctx.res.kmsKeys[1], pendingWindowInDays: 7 } },
    ],
  },
  {
    id: 'organizations-leave',
    title: 'Make a member account leave the organization',
    category: 'defense-evasion',
    techniques: ['T1666'],
    stratus: 'aws.defense-evasion.organizations-leave',
    actors: ['iam-admin'],
    account: 'prod',
    routine: false,
    modes: ['stolen'],
    steps: (ctx) => [
      {
        action: 'sts:AssumeRole',
        params: {
          roleArn: `arn:aws:iam::${ctx.accountId}:role/OrganizationAccountAccessRole`,
          roleSessionName: 'leave',
        },
      },
      {
        action: 'sts:AssumeRole',
        params: {
          roleArn: `arn:aws:iam::${ctx.accountId}:role/OrganizationAccountAccessRole`,
          roleSessionName: 'leave',
        },
      },
      { action: 'organizations:LeaveOrganization', error: 'AccessDeniedException' },
    ],
  },
  // ---- Exfiltration ---------------------------------------------------------------------
  {
    id: 'rds-snapshot-share-unknown',
    title: 'Share an RDS snapshot with an unknown account (the DR routine, new target)',
    category: 'exfiltration',
    techniques: ['T1537'],
    stratus: 'aws.exfiltration.rds-share-snapshot',
    actors: ['sre'],
    account: 'prod',
    routine: true,
    modes: ['insider', 'stolen'],
    steps: (ctx) => {
      const db = ctx.res.databases[0] ?? 'db';
      const snap = name(ctx, `${db}-dr`);
      return [
        { action: 'rds:DescribeDBInstances', params: { dBInstanceIdentifier: db } },
        { action: 'rds:CreateDBSnapshot', params: { dBSnapshotIdentifier: snap, dBInstanceIdentifier: db } },
        rep('rds:DescribeDBSnapshots', 4, { params: { dBSnapshotIdentifier: snap }, gap: 120 }),
        {
          action: 'rds:ModifyDBSnapshotAttribute',
          params: { dBSnapshotIdentifier: snap, attributeName: 'restore', valuesToAdd: [ctx.foreignAccount] },
        },
      ];
    },
  },
  {
    id: 'ebs-snapshot-share',
    title: 'Snapshot a volume and share it with an unknown account',
    category: 'exfiltration',
    techniques: ['T1537'],
    stratus: 'aws.exfiltration.ec2-share-ebs-snapshot',
    actors: ['svc-backup', 'sre'],
    account: 'prod',
    routine: true,
    modes: ['stolen', 'insider'],
    steps: (ctx) => {
      const snap = `snap-${ctx.rng.hex(17)}`;
      return [
        { action: 'ec2:DescribeVolumes' },
        {
          action: 'ec2:CreateSnapshot',
          params: { volumeId: `vol-${ctx.rng.hex(17)}`, description: 'nightly backup' },
          response: { snapshotId: snap, status: 'pending' },
        },
        rep('ec2:DescribeSnapshots', 2, { gap: 60 }),
        {
          action: 'ec2:ModifySnapshotAttribute',
          params: {
            snapshotId: snap,
            createVolumePermission: { add: { items: [{ userId: ctx.foreignAccount }] } },
            attributeType: 'CREATE_VOLUME_PERMISSION',
          },
        },
      ];
    },
  },
  {
    id: 'ami-share-public',
    title: 'Create an image of a production instance and make it public',
    category: 'exfiltration',
    techniques: ['T1537'],
    stratus: 'aws.exfiltration.ec2-share-ami',
    actors: ['sre'],
    account: 'prod',
    routine: false,
    modes: ['stolen', 'insider'],
    steps: (ctx) => {
      const ami = `ami-${ctx.rng.hex(17)}`;
      return [
        { action: 'ec2:DescribeInstances' },
        {
          action: 'ec2:CreateImage',
          params: { instanceId: ctx.res.instances[0], name: name(ctx, 'golden'), noReboot: true },
          response: { imageId: ami },
        },
        rep('ec2:DescribeImages', 3, { gap: 90 }),
        {
          action: 'ec2:ModifyImageAttribute',
          params: {
            imageId: ami,
            launchPermission: { add: { items: [{ group: 'all' }] } },
            attributeType: 'launchPermission',
          },
        },
      ];
    },
  },
  {
    id: 's3-bucket-public-policy',
    title: 'Drop the public access block and make a data bucket public',
    category: 'exfiltration',
    techniques: ['T1530'],
    stratus: null,
    actors: ['data-engineer', 'sre'],
    account: 'prod',
    routine: false,
    modes: ['stolen', 'insider'],
    steps: (ctx) => {
      const b = ctx.res.buckets[2] ?? 'b';
      return [
        { action: 's3:GetBucketPolicy', params: { bucketName: b, policy: '' } },
        { action: 's3:DeleteBucketPublicAccessBlock', params: { bucketName: b, publicAccessBlock: '' } },
        {
          action: 's3:PutBucketPolicy',
          params: {
            bucketName: b,
            bucketPolicy: {
              Version: '2012-10-17',
              Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${b}/*` }],
            },
          },
        },
      ];
    },
  },
  // ---- Credential access ---------------------------------------------------------------
  {
    id: 'secrets-burst',
    title: 'List and read every secret',
    category: 'credential-access',
    techniques: ['T1555.006'],
    stratus: 'aws.credential-access.secretsmanager-retrieve-secrets',
    actors: ['developer', 'sre'],
    account: 'prod',
    routine: false,
    modes: ['stolen', 'insider'],
    steps: (ctx) => [
      { action: 'secretsmanager:ListSecrets' },
      ...Array.from({ length: 20 }, (_, i) => ({
        action: 'secretsmanager:GetSecretValue',
        params: { secretId: ctx.res.secrets[i % ctx.res.secrets.length] },
        gap: 0.5,
      })),
    ],
  },
  {
    id: 'secrets-batch-retrieve',
    title: 'Batch-read secrets with BatchGetSecretValue',
    category: 'credential-access',
    techniques: ['T1555.006'],
    stratus: 'aws.credential-access.secretsmanager-batch-retrieve-secrets',
    actors: ['developer', 'sre'],
    account: 'staging',
    routine: false,
    modes: ['stolen'],
    steps: () => [
      rep('secretsmanager:BatchGetSecretValue', 5, { params: { filters: [{ key: 'name', values: [''] }] }, gap: 1 }),
    ],
  },
  {
    id: 'ssm-securestring-dump',
    title: 'Describe and decrypt every SSM SecureString parameter',
    category: 'credential-access',
    techniques: ['T1552'],
    stratus: 'aws.credential-access.ssm-retrieve-securestring-parameters',
    actors: ['developer', 'sre'],
    account: 'prod',
    routine: false,
    modes: ['stolen', 'insider'],
    steps: (ctx) => [
      rep('ssm:DescribeParameters', 2, { gap: 0.5 }),
      rep('ssm:GetParameters', 2, {
        params: { names: ctx.res.parameters.slice(0, 10), withDecryption: true },
        gap: 0.5,
      }),
      rep('ssm:DescribeParameters', 3, { gap: 0.5 }),
      rep('ssm:GetParameters', 3, { params: { names: ctx.res.parameters, withDecryption: true }, gap: 0.5 }),
    ],
  },
  {
    id: 'ec2-get-password-data',
    title: 'Try to read Windows administrator passwords of many instances',
    category: 'credential-access',
    techniques: ['T1552'],
    stratus: 'aws.credential-access.ec2-get-password-data',
    actors: ['sre', 'developer'],
    account: 'prod',
    routine: false,
    modes: ['stolen'],
    steps: (ctx) => [
      ...roleHopAttempts(ctx),
      ...Array.from({ length: 30 }, (_, i) => ({
        action: 'ec2:GetPasswordData',
        params: { instanceId: ctx.res.instances[i % 8] },
        error: 'Client.UnauthorizedOperation',
        gap: 0.3,
      })),
    ],
  },
  // ---- Discovery ----------------------------------------------------------------------
  {
    id: 'accessdenied-enumeration',
    title: 'Enumerate permissions: a burst of calls across services, most denied',
    category: 'discovery',
    techniques: ['T1580', 'T1526', 'T1087.004'],
    stratus: null,
    actors: ['developer', 'support', 'data-engineer'],
    account: 'prod',
    routine: false,
    modes: ['stolen'],
    steps: (ctx) => {
      const probes = [
        'iam:ListUsers',
        'iam:ListRoles',
        'iam:ListPolicies',
        'iam:GetAccountAuthorizationDetails',
        'iam:ListGroups',
        's3:ListBuckets',
        'ec2:DescribeInstances',
        'ec2:DescribeSnapshots',
        'rds:DescribeDBInstances',
        'lambda:ListFunctions20150331',
        'secretsmanager:ListSecrets',
        'ssm:DescribeParameters',
        'dynamodb:ListTables',
        'kms:ListKeys',
        'cloudtrail:DescribeTrails',
        'guardduty:ListDetectors',
        'organizations:DescribeOrganization',
        'organizations:ListAccounts',
        'sns:ListTopics',
        'sqs:ListQueues',
        'ecr:DescribeRepositories',
        'eks:ListClusters',
        'route53:ListHostedZones',
        'cloudformation:ListStacks',
        'glue:GetDatabases',
        'logs:DescribeLogGroups',
        'iam:ListAccessKeys',
        'iam:ListMFADevices',
        'iam:GetAccountSummary',
        'sts:GetSessionToken',
      ];
      const steps: Step[] = [{ action: 'sts:GetCallerIdentity' }];
      for (const p of probes)
        steps.push({
          action: p,
          gap: 0.4,
          ...(ctx.rng.chance(0.75)
            ? {
                error: p.startsWith('ec2:')
                  ? 'Client.UnauthorizedOperation'
                  : p.split(':')[0] === 'iam' || p.split(':')[0] === 's3'
                    ? 'AccessDenied'
                    : 'AccessDeniedException',
              }
            : {}),
        });
      return steps;
    },
  },
  {
    id: 'ec2-download-user-data',
    title: 'Download the user data of every instance (secrets in bootstrap scripts)',
    category: 'discovery',
    techniques: ['T1552.005', 'T1580'],
    stratus: 'aws.discovery.ec2-download-user-data',
    actors: ['sre', 'developer'],
    account: 'prod',
    routine: false,
    modes: ['stolen'],
    steps: (ctx) => [
      ...roleHopAttempts(ctx),
      ...Array.from({ length: 15 }, (_, i) => ({
        action: 'ec2:DescribeInstanceAttribute',
        params: { instanceId: ctx.res.instances[i % 8], attribute: 'userData' },
        error: 'Client.UnauthorizedOperation',
        gap: 0.3,
      })),
    ],
  },
  // ---- Execution -------------------------------------------------------------------------
  {
    id: 'ssm-send-command',
    title: 'Run a shell command on many instances through SSM',
    category: 'execution',
    techniques: ['T1651'],
    stratus: 'aws.execution.ssm-send-command',
    actors: ['sre'],
    account: 'prod',
    routine: true,
    modes: ['insider', 'stolen'],
    steps: (ctx) => [
      rep('ssm:DescribeInstanceInformation', 50, { gap: 0.3 }),
      {
        action: 'ssm:SendCommand',
        params: {
          instanceIds: ctx.res.instances,
          documentName: 'AWS-RunShellScript',
          parameters: 'HIDDEN_DUE_TO_SECURITY_REASONS',
        },
      },
      { action: 'ssm:DescribeInstanceInformation' },
      rep('ssm:GetCommandInvocation', 4, { gap: 2 }),
    ],
  },
  {
    id: 'ec2-modify-user-data',
    title: 'Stop an instance, replace its user data, start it',
    category: 'execution',
    techniques: ['T1059'],
    stratus: 'aws.execution.ec2-user-data',
    actors: ['sre'],
    account: 'prod',
    routine: false,
    modes: ['stolen', 'insider'],
    steps: (ctx) => {
      const iid = ctx.res.instances[5];
      return [
        { action: 'ec2:DescribeInstances' },
        { action: 'ec2:StopInstances', params: { instancesSet: { items: [{ instanceId: iid }] } } },
        rep('ec2:DescribeInstances', 27, { gap: 3 }),
        { action: 'ec2:ModifyInstanceAttribute', params: { instanceId: iid, userData: '<sensitiveDataRemoved>' } },
        { action: 'ec2:StartInstances', params: { instancesSet: { items: [{ instanceId: iid }] } } },
        rep('ec2:DescribeInstances', 4, { gap: 3 }),
      ];
    },
  },
  {
    id: 'lambda-overwrite-code',
    title: "Overwrite a production function's code",
    category: 'execution',
    techniques: ['T1525', 'T1648'],
    stratus: 'aws.persistence.lambda-overwrite-code',
    actors: ['developer', 'sre'],
    account: 'prod',
    routine: false,
    modes: ['stolen', 'insider'],
    steps: (ctx) => [
      { action: 'lambda:UpdateFunctionCode20150331v2', params: { functionName: ctx.res.functions[0], publish: false } },
    ],
  },
  // ---- Impact -------------------------------------------------------------------------------
  {
    id: 'mass-deletion',
    title: 'Delete databases, snapshots and instances in a row',
    category: 'impact',
    techniques: ['T1485', 'T1490'],
    stratus: null,
    actors: ['sre'],
    account: 'prod',
    routine: false,
    modes: ['stolen', 'insider'],
    steps: (ctx) => [
      { action: 'rds:DescribeDBInstances' },
      ...ctx.res.databases.map((d) => ({
        action: 'rds:DeleteDBInstance',
        params: { dBInstanceIdentifier: d, skipFinalSnapshot: true, deleteAutomatedBackups: true },
        gap: 2,
      })),
      { action: 'ec2:DescribeSnapshots' },
      ...Array.from({ length: 12 }, () => ({
        action: 'ec2:DeleteSnapshot',
        params: { snapshotId: `snap-${ctx.rng.hex(17)}` },
        gap: 0.5,
      })),
      {
        action: 'ec2:TerminateInstances',
        params: { instancesSet: { items: ctx.res.instances.map((i) => ({ instanceId: i })) } },
      },
      { action: 's3:DeleteBucket', params: { bucketName: ctx.res.buckets[4] }, error: 'BucketNotEmpty' },
    ],
  },
  {
    id: 'crypto-mining-runinstances',
    title: 'Launch large GPU instances in several regions',
    category: 'impact',
    techniques: ['T1496'],
    stratus: 'aws.execution.ec2-launch-unusual-instances',
    actors: ['developer', 'sre'],
    account: 'prod',
    routine: false,
    modes: ['stolen'],
    steps: (ctx) => {
      const steps: Step[] = [
        {
          action: 'sts:AssumeRole',
          params: { roleArn: `arn:aws:iam::${ctx.accountId}:role/OrganizationAccountAccessRole`, roleSessionName: 'x' },
        },
        { action: 'ec2:DescribeRegions' },
      ];
      let first = true;
      for (const region of ['us-east-1', 'us-east-2', 'us-west-2', 'ap-southeast-1', 'eu-north-1']) {
        steps.push(
          { action: 'ec2:DescribeImages', region, gap: 1 },
          {
            action: 'ec2:RunInstances',
            region,
            gap: 2,
            params: {
              instanceType: ctx.rng.pick(['p3.16xlarge', 'g5.12xlarge', 'p4d.24xlarge']),
              instancesSet: { items: [{ imageId: `ami-${ctx.rng.hex(17)}`, minCount: 4, maxCount: 4 }] },
            },
            // Attackers hit the account's vCPU quota first.
            ...(first || ctx.rng.chance(0.5) ? { error: 'Client.VcpuLimitExceeded' } : {}),
          },
        );
        first = false;
      }
      return steps;
    },
  },
];

export function scenarioById(id: string): AttackScenario | undefined {
  return SCENARIOS.find((s) => s.id === id);
}
