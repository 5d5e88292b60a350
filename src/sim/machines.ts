/**
 * Non-human identities and their days: Lambda and ECS task roles calling all day (with
 * a diurnal rate), the AWS service principals that assume them, service-linked roles
 * (Config, Auto Scaling), a vendor's cross-account integration role, the legacy backup
 * IAM user, CI deploying with Terraform through GitHub OIDC, the weekly security scanner.
 */
import { userAgent } from './clients.ts';
import { account, principalId } from './org.ts';
import { DAY, HOUR } from './people.ts';
import { hashString, type Rng } from './prng.ts';
import { resourcesOf } from './resources.ts';
import { makeCall, playSession } from './session.ts';
import type { AccountRole, Call, Principal, Step } from './types.ts';

export const DATADOG_ACCOUNT = '464622532012';
export const GITHUB_OIDC = 'token.actions.githubusercontent.com';

const roleId = (label: string): string =>
  `AROA${(hashString(label) >>> 0).toString(36).toUpperCase().padStart(8, 'X')}${(hashString(`${label}#`) >>> 0).toString(36).toUpperCase().padStart(9, 'Q')}`.slice(
    0,
    21,
  );

export function rolePrincipal(
  rng: Rng,
  role: AccountRole,
  roleName: string,
  sessionName: string,
  at: number,
  extra: Partial<Extract<Principal, { kind: 'role' }>> = {},
): Extract<Principal, { kind: 'role' }> {
  const accountId = account(role).id;
  return {
    kind: 'role',
    accountId,
    roleName,
    rolePath: '/',
    roleId: roleId(`${accountId}:${roleName}`),
    sessionName,
    accessKeyId: `ASIA${rng.alnum(16)}`,
    sessionStart: at,
    mfa: false,
    console: false,
    ...extra,
  };
}

/** Relative activity of customer-facing workloads by UTC hour (US + EU traffic). */
function diurnal(hourUtc: number): number {
  return (
    0.35 +
    0.65 * Math.max(0, Math.sin(((hourUtc - 8) / 24) * 2 * Math.PI + 0.3)) ** 1.2 +
    (hourUtc >= 13 && hourUtc <= 22 ? 0.3 : 0)
  );
}

/** Poisson process over the day with a diurnal rate; `perHour` is the peak-ish mean. */
function arrivals(rng: Rng, dayStart: number, perHour: number, flat = false): number[] {
  const out: number[] = [];
  for (let h = 0; h < 24; h++) {
    const n = rng.poisson(perHour * (flat ? 1 : diurnal(h)));
    for (let i = 0; i < n; i++) out.push(dayStart + h * HOUR + Math.floor(rng.next() * HOUR));
  }
  return out.sort((a, b) => a - b);
}

const LAMBDA_SERVICE: Principal = { kind: 'service', service: 'lambda.amazonaws.com' };
const ECS_SERVICE: Principal = { kind: 'service', service: 'ecs-tasks.amazonaws.com' };

/** order-processor Lambda (prod): each cold start assumes its role, reads its DB secret; Secrets Manager decrypts with KMS. */
function lambdaDay(rng: Rng, dayStart: number, env: AccountRole, perHour: number, out: Call[]): void {
  const res = resourcesOf(env);
  const acct = account(env);
  const fn = res.functions[0] ?? 'order-processor';
  const roleName = `${res.env}-order-processor-role`;
  for (const t of arrivals(rng, dayStart, perHour)) {
    const roleArn = `arn:aws:iam::${acct.id}:role/${roleName}`;
    out.push(
      makeCall(rng, {
        time: t,
        principal: LAMBDA_SERVICE,
        accountId: acct.id,
        region: 'us-east-1',
        action: 'sts:AssumeRole',
        params: { roleArn, roleSessionName: fn },
        ip: 'lambda.amazonaws.com',
        agent: 'lambda.amazonaws.com',
      }),
    );
    const p = rolePrincipal(rng, env, roleName, fn, t);
    const ip = `3.${80 + (hashString(fn) % 20)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
    const agent = (a: string) => userAgent('sdk-js', PROFILE, a);
    out.push(
      makeCall(rng, {
        time: t + rng.int(300, 900),
        principal: p,
        accountId: acct.id,
        region: 'us-east-1',
        action: 'secretsmanager:GetSecretValue',
        params: { secretId: res.secrets[0] ?? 'db' },
        ip,
        agent: agent('secretsmanager:GetSecretValue'),
      }),
    );
    out.push(
      makeCall(rng, {
        time: t + rng.int(900, 1200),
        principal: { ...p, invokedBy: 'secretsmanager.amazonaws.com' },
        accountId: acct.id,
        region: 'us-east-1',
        action: 'kms:Decrypt',
        params: {
          keyId: res.kmsKeys[0] ?? 'k',
          encryptionAlgorithm: 'SYMMETRIC_DEFAULT',
          encryptionContext: {
            SecretARN: `arn:aws:secretsmanager:us-east-1:${acct.id}:secret:${res.secrets[0] ?? 'db'}`,
          },
        },
        ip: 'secretsmanager.amazonaws.com',
        agent: 'secretsmanager.amazonaws.com',
      }),
    );
    if (rng.chance(0.2))
      out.push(
        makeCall(rng, {
          time: t + rng.int(1200, 3000),
          principal: p,
          accountId: acct.id,
          region: 'us-east-1',
          action: 'sqs:GetQueueUrl',
          params: { queueName: `${res.env}-orders` },
          ip,
          agent: agent('sqs:GetQueueUrl'),
        }),
      );
  }
}

const PROFILE = { browser: '', os: 'Linux/5.10', cliVersion: '2.22.0', pyVersion: '3.12.7', boto: '1.35.70' };

/** ECS api service: tasks restart a few times a day; each start reads parameters (decrypted), then KMS data keys all day. */
function ecsDay(
  rng: Rng,
  dayStart: number,
  env: AccountRole,
  region: string,
  decryptPerHour: number,
  out: Call[],
): void {
  const res = resourcesOf(env);
  const acct = account(env);
  const roleName = `${res.env}-api-task-role`;
  const execRole = `${res.env}-ecs-execution-role`;
  const starts = [dayStart, ...arrivals(rng, dayStart, 0.12, true)];
  const ip = `10.${hashString(region) % 200}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
  for (let i = 0; i < starts.length; i++) {
    const t0 = starts[i] ?? dayStart;
    const t1 = starts[i + 1] ?? dayStart + DAY;
    const task = rng.hex(32);
    const ex = rolePrincipal(rng, env, execRole, task, t0);
    const agentGo = (a: string) => userAgent('sdk-go', PROFILE, a);
    for (const a of ['ecr:GetAuthorizationToken', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'])
      out.push(
        makeCall(rng, {
          time: t0 + rng.int(1000, 5000),
          principal: ex,
          accountId: acct.id,
          region,
          action: a,
          params: a === 'ecr:GetAuthorizationToken' ? null : { repositoryName: 'api' },
          ip,
          agent: 'Amazon ECS Agent - v1.88.0 (*)',
        }),
      );
    out.push(
      makeCall(rng, {
        time: t0 + 6000,
        principal: ECS_SERVICE,
        accountId: acct.id,
        region,
        action: 'sts:AssumeRole',
        params: { roleArn: `arn:aws:iam::${acct.id}:role/${roleName}`, roleSessionName: task },
        ip: 'ecs-tasks.amazonaws.com',
        agent: 'ecs-tasks.amazonaws.com',
      }),
    );
    const p = rolePrincipal(rng, env, roleName, task, t0 + 6000);
    out.push(
      makeCall(rng, {
        time: t0 + 8000,
        principal: p,
        accountId: acct.id,
        region,
        action: 'ssm:GetParameters',
        params: { names: res.parameters.slice(0, 4), withDecryption: true },
        ip,
        agent: agentGo('ssm:GetParameters'),
      }),
    );
    let t = t0 + 10_000;
    while (true) {
      const hour = new Date(t).getUTCHours();
      t += rng.exp(3600_000 / (decryptPerHour * diurnal(hour)));
      if (t >= t1) break;
      out.push(
        makeCall(rng, {
          time: Math.round(t),
          principal: p,
          accountId: acct.id,
          region,
          action: rng.chance(0.8) ? 'kms:Decrypt' : 'kms:GenerateDataKey',
          params: { keyId: res.kmsKeys[1] ?? 'k', encryptionAlgorithm: 'SYMMETRIC_DEFAULT' },
          ip,
          agent: agentGo('kms:Decrypt'),
        }),
      );
      if (rng.chance(0.02))
        out.push(
          makeCall(rng, {
            time: Math.round(t) + 50,
            principal: p,
            accountId: acct.id,
            region,
            action: 'secretsmanager:GetSecretValue',
            params: { secretId: res.secrets[1] ?? 's' },
            ip,
            agent: agentGo('secretsmanager:GetSecretValue'),
          }),
        );
    }
  }
}

/** Datadog's integration: assumes its role from Datadog's account every ~10 minutes and polls a few APIs. */
function datadogDay(rng: Rng, dayStart: number, out: Call[]): void {
  const acct = account('prod');
  const agent = 'aws-sdk-go/1.55.5 (go1.22.7; linux; amd64)';
  for (let t = dayStart + rng.int(0, 600_000); t < dayStart + DAY; t += 600_000 + rng.int(-20_000, 20_000)) {
    const ip = `3.233.144.${rng.int(10, 60)}`;
    out.push(
      makeCall(rng, {
        time: t,
        principal: { kind: 'aws-account', accountId: DATADOG_ACCOUNT, principalId: 'AROAJ2NVD3MKWVJGRRHXM:datadog' },
        accountId: acct.id,
        region: 'us-east-1',
        action: 'sts:AssumeRole',
        params: {
          roleArn: `arn:aws:iam::${acct.id}:role/DatadogIntegrationRole`,
          roleSessionName: 'DatadogAWSIntegration',
          externalId: 'b7c1e2d9f0a84f6b',
        },
        ip,
        agent,
      }),
    );
    const p = rolePrincipal(rng, 'prod', 'DatadogIntegrationRole', 'DatadogAWSIntegration', t);
    const polls = rng.pick([
      ['tag:GetResources', 'ec2:DescribeInstances'],
      ['tag:GetResources', 'rds:DescribeDBInstances', 'lambda:ListFunctions20150331'],
      ['tag:GetResources', 'elasticloadbalancing:DescribeLoadBalancers', 'ecs:ListClusters'],
    ]);
    let tt = t + 1500;
    for (const a of polls) {
      for (const region of ['us-east-1', 'eu-west-1']) {
        out.push(
          makeCall(rng, { time: tt, principal: p, accountId: acct.id, region, action: a, params: null, ip, agent }),
        );
        tt += rng.int(100, 900);
      }
    }
  }
}

const CONFIG_READS = [
  'ec2:DescribeInstances',
  'ec2:DescribeSecurityGroups',
  'ec2:DescribeVolumes',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeVpcs',
  'ec2:DescribeSubnets',
  'iam:GetRole',
  'iam:ListAttachedRolePolicies',
  's3:GetBucketPolicy',
  's3:GetBucketEncryption',
  'rds:DescribeDBInstances',
  'lambda:GetFunction20150331v2',
  'kms:DescribeKey',
  'cloudtrail:DescribeTrails',
];

/** AWS Config's service-linked role re-reads resources in bursts (periodic recording every three hours). */
function configDay(rng: Rng, dayStart: number, role: AccountRole, perBurst: number, out: Call[]): void {
  const acct = account(role);
  const region = acct.regions[0] ?? 'us-east-1';
  for (let h = 0; h < 24; h += 3) {
    const t0 = dayStart + h * HOUR + rng.int(0, 600) * 1000;
    const p = rolePrincipal(rng, role, 'AWSServiceRoleForConfig', 'AWSConfig-Describe', t0 - 600_000, {
      rolePath: '/aws-service-role/config.amazonaws.com/',
      invokedBy: 'config.amazonaws.com',
    });
    const n = rng.poisson(perBurst);
    for (let i = 0; i < n; i++)
      out.push(
        makeCall(rng, {
          time: t0 + rng.int(0, 120_000),
          principal: p,
          accountId: acct.id,
          region,
          action: rng.pick(CONFIG_READS),
          params: null,
          ip: 'config.amazonaws.com',
          agent: 'config.amazonaws.com',
        }),
      );
  }
}

/** Auto Scaling launches and terminates workers with its service-linked role. */
function autoscalingDay(rng: Rng, dayStart: number, out: Call[]): void {
  const acct = account('prod');
  for (const t of arrivals(rng, dayStart, 0.4)) {
    const p = rolePrincipal(rng, 'prod', 'AWSServiceRoleForAutoScaling', 'AutoScaling', t, {
      rolePath: '/aws-service-role/autoscaling.amazonaws.com/',
      invokedBy: 'autoscaling.amazonaws.com',
    });
    const launch = rng.chance(0.5);
    const iid = `i-${rng.hex(17)}`;
    out.push(
      makeCall(rng, {
        time: t,
        principal: p,
        accountId: acct.id,
        region: 'us-east-1',
        action: launch ? 'ec2:RunInstances' : 'ec2:TerminateInstances',
        params: launch
          ? {
              instancesSet: { items: [{ imageId: 'ami-0c7217cdde317cfec', minCount: 1, maxCount: 1 }] },
              instanceType: 'm6i.large',
              launchTemplate: { launchTemplateName: 'prod-workers' },
            }
          : { instancesSet: { items: [{ instanceId: iid }] } },
        response: launch
          ? {
              instancesSet: {
                items: [{ instanceId: iid, instanceType: 'm6i.large', currentInstanceBootMode: 'uefi' }],
              },
            }
          : null,
        ip: 'autoscaling.amazonaws.com',
        agent: 'autoscaling.amazonaws.com',
      }),
    );
    if (launch)
      out.push(
        makeCall(rng, {
          time: t + 800,
          principal: p,
          accountId: acct.id,
          region: 'us-east-1',
          action: 'ec2:CreateTags',
          params: { resourcesSet: { items: [{ resourceId: iid }] } },
          ip: 'autoscaling.amazonaws.com',
          agent: 'autoscaling.amazonaws.com',
        }),
      );
  }
}

/** KMS rotates customer keys on its own: an AwsServiceEvent now and then. */
function kmsRotation(rng: Rng, dayStart: number, out: Call[]): void {
  if (!rng.chance(0.15)) return;
  const role = rng.pick(['prod', 'staging', 'security'] as const);
  const acct = account(role);
  const key = rng.pick(resourcesOf(role).kmsKeys);
  out.push(
    makeCall(rng, {
      time: dayStart + rng.int(0, DAY - 1),
      principal: { kind: 'service', service: 'kms.amazonaws.com' },
      accountId: acct.id,
      region: 'us-east-1',
      action: 'kms:RotateKey',
      params: null,
      response: null,
      ip: 'kms.amazonaws.com',
      agent: 'kms.amazonaws.com',
      eventType: 'AwsServiceEvent',
    }),
  );
  void key;
}

/** The legacy backup user: an on-premises script with a long-term key, every night at 01:00 New York time. */
export const BACKUP_USER = {
  name: 'svc-backup',
  principalId: 'AIDAQ3EGRX7LBACKUP01',
  accessKeyId: 'AKIAXK4QBACKUPKEY001',
};
function backupUserDay(rng: Rng, dayStart: number, accessKey: string, out: Call[]): void {
  const acct = account('prod');
  const res = resourcesOf('prod');
  const t = dayStart + 6 * HOUR + rng.int(0, 300) * 1000;
  const p: Principal = {
    kind: 'iam-user',
    accountId: acct.id,
    userName: BACKUP_USER.name,
    principalId: BACKUP_USER.principalId,
    accessKeyId: accessKey,
    console: false,
    mfa: false,
    sessionStart: t,
  };
  const steps: Step[] = [
    { action: 'sts:GetCallerIdentity' },
    {
      action: 'ec2:DescribeVolumes',
      params: { filterSet: { items: [{ name: 'tag:backup', valueSet: { items: [{ value: 'nightly' }] } }] } },
    },
    ...[0, 1, 2].map((i) => ({
      action: 'ec2:CreateSnapshot',
      params: { volumeId: `vol-${resourcesOf('prod').instances[i]?.slice(2) ?? '0'}`, description: 'nightly backup' },
      gap: 2,
    })),
    { action: 'ec2:DescribeSnapshots', params: { ownersSet: { items: [{ owner: 'self' }] } }, gap: 5 },
    { action: 'ec2:DeleteSnapshot', params: { snapshotId: `snap-${rng.hex(17)}` }, gap: 1 },
    { action: 's3:GetBucketLocation', params: { bucketName: res.buckets[4] } },
  ];
  playSession(
    {
      rng,
      principal: p,
      accountId: acct.id,
      region: 'us-east-1',
      ip: '64.124.19.5',
      agent: () => 'Boto3/1.26.137 Python/3.9.16 Linux/4.18.0-477.el8.x86_64 Botocore/1.29.137',
      start: t,
      steps,
      deniedRate: 0,
    },
    out,
  );
}

/** Terraform's read set for the stack in one account (what `terraform plan` refreshes). */
export function terraformReads(role: AccountRole, extraTypes: ReadonlySet<string>): Step[] {
  const res = resourcesOf(role);
  const s: Step[] = [{ action: 'sts:GetCallerIdentity' }, { action: 'iam:GetOpenIDConnectProvider' }];
  for (const b of res.buckets)
    for (const a of [
      's3:GetBucketPolicy',
      's3:GetBucketAcl',
      's3:GetBucketVersioning',
      's3:GetBucketEncryption',
      's3:GetBucketTagging',
    ])
      s.push({ action: a, params: { bucketName: b }, gap: 0.2 });
  for (const f of res.functions)
    for (const a of [
      'lambda:GetFunction20150331v2',
      'lambda:ListVersionsByFunction20150331',
      'lambda:GetPolicy20150331v2',
    ])
      s.push({ action: a, params: { functionName: f }, gap: 0.2 });
  for (const r of res.roles.slice(0, 4))
    for (const a of ['iam:GetRole', 'iam:ListRolePolicies', 'iam:ListAttachedRolePolicies'])
      s.push({ action: a, params: { roleName: r }, gap: 0.2 });
  s.push(
    { action: 'ec2:DescribeVpcs', gap: 0.2 },
    { action: 'ec2:DescribeSubnets', gap: 0.2 },
    { action: 'ec2:DescribeSecurityGroups', gap: 0.2 },
    { action: 'ec2:DescribeSecurityGroupRules', gap: 0.2 },
  );
  s.push(
    { action: 'ecs:DescribeClusters', gap: 0.2 },
    { action: 'ecs:DescribeServices', gap: 0.2 },
    { action: 'ecs:DescribeTaskDefinition', gap: 0.2 },
  );
  s.push(
    { action: 'rds:DescribeDBInstances', gap: 0.2 },
    { action: 'logs:DescribeLogGroups', gap: 0.2 },
    { action: 'logs:ListTagsForResource', gap: 0.2 },
    { action: 'kms:DescribeKey', gap: 0.2 },
    { action: 'kms:GetKeyPolicy', gap: 0.2 },
    { action: 'kms:GetKeyRotationStatus', gap: 0.2 },
  );
  s.push(
    { action: 'elasticloadbalancing:DescribeLoadBalancers', gap: 0.2 },
    { action: 'elasticloadbalancing:DescribeTargetGroups', gap: 0.2 },
    { action: 'elasticloadbalancing:DescribeListeners', gap: 0.2 },
  );
  if (extraTypes.has('sqs'))
    s.push({ action: 'sqs:GetQueueAttributes', gap: 0.2 }, { action: 'sqs:ListQueueTags', gap: 0.2 });
  return s;
}

export interface CiOptions {
  /** Resource types CI manages beyond the base stack (the "new resource type" surprise adds `sqs`). */
  extraTypes: ReadonlySet<string>;
  /** Create the new resource type on the first run (once). */
  createQueue: boolean;
  /** Extra regions CI deploys to (the migration surprise adds eu-central-1 to staging). */
  extraRegions: readonly string[];
}

/** One GitHub Actions run: OIDC web identity → role → terraform plan (and apply on main). */
export function ciRun(rng: Rng, role: AccountRole, t: number, opts: CiOptions, out: Call[]): number {
  const acct = account(role);
  const repo = rng.chance(0.8) ? 'acme-corp/infrastructure' : 'acme-corp/platform-services';
  const onMain = rng.chance(0.6);
  const subject = `repo:${repo}:${onMain ? 'ref:refs/heads/main' : 'pull_request'}`;
  const ip = `${rng.pick(['20.57', '4.175', '52.159', '172.183'])}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
  const roleName = 'github-actions-terraform';
  out.push(
    makeCall(rng, {
      time: t,
      principal: { kind: 'web-identity', provider: GITHUB_OIDC, subject },
      accountId: acct.id,
      region: 'us-east-1',
      action: 'sts:AssumeRoleWithWebIdentity',
      params: {
        roleArn: `arn:aws:iam::${acct.id}:role/${roleName}`,
        roleSessionName: 'GitHubActions',
        durationSeconds: 3600,
      },
      ip,
      agent: 'aws-sdk-nodejs/3.693.0 linux/v20.18.0 configure-aws-credentials-for-github-actions',
    }),
  );
  const p = rolePrincipal(rng, role, roleName, 'GitHubActions', t, {
    webIdProvider: `arn:aws:iam::${acct.id}:oidc-provider/${GITHUB_OIDC}`,
  });
  const res = resourcesOf(role);
  const steps: Step[] = terraformReads(role, opts.extraTypes);
  for (const r of opts.extraRegions)
    steps.push(
      { action: 'lambda:GetFunction20150331v2', region: r, gap: 0.3 },
      { action: 'ecs:DescribeServices', region: r, gap: 0.3 },
      { action: 'ec2:DescribeVpcs', region: r, gap: 0.3 },
    );
  if (onMain) {
    const fn = rng.pick(res.functions);
    const kind = rng.weighted([
      ['lambda', 5],
      ['ecs', 4],
      ['iam', 1],
      ['sg', 1],
      ['s3', 1],
      ['none', 3],
    ] as const);
    if (kind === 'lambda')
      steps.push(
        { action: 'lambda:UpdateFunctionCode20150331v2', params: { functionName: fn, publish: true }, gap: 3 },
        { action: 'lambda:GetFunction20150331v2', params: { functionName: fn }, gap: 2 },
      );
    if (kind === 'ecs')
      steps.push(
        { action: 'ecs:RegisterTaskDefinition', params: { family: `${res.env}-api` }, gap: 3 },
        { action: 'ecs:UpdateService', params: { cluster: res.cluster, service: 'api' }, gap: 1 },
        { action: 'ecs:DescribeServices', repeat: 3, gap: 15 },
      );
    if (kind === 'iam') {
      const newFn = `${res.env}-fn-${rng.hex(4)}`;
      steps.push(
        {
          action: 'iam:CreateRole',
          params: {
            roleName: `${newFn}-role`,
            assumeRolePolicyDocument: JSON.stringify({
              Version: '2012-10-17',
              Statement: [
                { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
              ],
            }),
          },
          gap: 3,
        },
        {
          action: 'iam:AttachRolePolicy',
          params: {
            roleName: `${newFn}-role`,
            policyArn: 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
          },
          gap: 1,
        },
        {
          action: 'iam:PutRolePolicy',
          params: {
            roleName: `${newFn}-role`,
            policyName: 'app-access',
            policyDocument: JSON.stringify({
              Version: '2012-10-17',
              Statement: [
                {
                  Effect: 'Allow',
                  Action: ['sqs:SendMessage'],
                  Resource: `arn:aws:sqs:us-east-1:${acct.id}:${res.env}-orders`,
                },
              ],
            }),
          },
          gap: 1,
        },
        { action: 'lambda:CreateFunction20150331', params: { functionName: newFn, runtime: 'nodejs20.x' }, gap: 8 },
      );
    }
    if (kind === 'sg')
      steps.push({
        action: 'ec2:AuthorizeSecurityGroupIngress',
        params: {
          groupId: rng.pick(res.securityGroups),
          ipPermissions: {
            items: [
              { ipProtocol: 'tcp', fromPort: 443, toPort: 443, ipRanges: { items: [{ cidrIp: '10.0.0.0/16' }] } },
            ],
          },
        },
        gap: 3,
      });
    if (kind === 's3')
      steps.push(
        { action: 's3:PutBucketTagging', params: { bucketName: rng.pick(res.buckets) }, gap: 3 },
        { action: 's3:PutBucketVersioning', params: { bucketName: rng.pick(res.buckets) }, gap: 1 },
      );
    if (opts.createQueue)
      steps.push(
        { action: 'sqs:CreateQueue', params: { queueName: `${res.env}-events-dlq` }, gap: 3 },
        { action: 'sqs:SetQueueAttributes', gap: 1 },
        { action: 'sqs:TagQueue', gap: 1 },
      );
    for (const r of opts.extraRegions)
      if (rng.chance(0.5))
        steps.push({
          action: 'lambda:UpdateFunctionCode20150331v2',
          region: r,
          params: { functionName: fn, publish: true },
          gap: 3,
        });
  }
  return playSession(
    {
      rng,
      principal: p,
      accountId: acct.id,
      region: 'us-east-1',
      ip,
      agent: (a) => userAgent('terraform', PROFILE, a),
      start: t + 2000,
      steps,
      deniedRate: 0,
    },
    out,
  );
}

const SCAN_READS = [
  'iam:ListUsers',
  'iam:ListRoles',
  'iam:ListPolicies',
  'iam:GetAccountPasswordPolicy',
  'iam:GetAccountSummary',
  'iam:ListMFADevices',
  'iam:ListAccessKeys',
  'iam:GetCredentialReport',
  'iam:ListAttachedUserPolicies',
  'iam:ListUserPolicies',
  'iam:GetRole',
  'iam:ListServerCertificates',
  's3:ListBuckets',
  's3:GetBucketPolicy',
  's3:GetBucketAcl',
  's3:GetBucketEncryption',
  's3:GetBucketLogging',
  's3:GetBucketVersioning',
  's3:GetBucketPublicAccessBlock',
  'ec2:DescribeInstances',
  'ec2:DescribeSecurityGroups',
  'ec2:DescribeVolumes',
  'ec2:DescribeSnapshots',
  'ec2:DescribeImages',
  'ec2:DescribeFlowLogs',
  'ec2:DescribeVpcs',
  'ec2:DescribeNetworkAcls',
  'ec2:GetEbsEncryptionByDefault',
  'ec2:DescribeAddresses',
  'cloudtrail:DescribeTrails',
  'cloudtrail:GetTrailStatus',
  'cloudtrail:GetEventSelectors',
  'guardduty:ListDetectors',
  'guardduty:GetDetector',
  'kms:ListKeys',
  'kms:DescribeKey',
  'kms:GetKeyRotationStatus',
  'rds:DescribeDBInstances',
  'rds:DescribeDBSnapshots',
  'rds:DescribeDBClusters',
  'lambda:ListFunctions20150331',
  'lambda:GetPolicy20150331v2',
  'secretsmanager:ListSecrets',
  'ssm:DescribeParameters',
  'logs:DescribeLogGroups',
  'logs:DescribeMetricFilters',
  'monitoring:DescribeAlarms',
  'config:DescribeConfigurationRecorders',
  'elasticloadbalancing:DescribeLoadBalancers',
  'elasticloadbalancing:DescribeListeners',
  'sns:ListTopics',
  'sqs:ListQueues',
  'ecr:DescribeRepositories',
  'ecs:ListClusters',
  'access-analyzer:ListAnalyzers',
  'securityhub:DescribeHub',
];
/** Checks added to the scanner in later versions (the test period runs a newer scanner). */
const SCAN_READS_NEW = [
  'ec2:DescribeLaunchTemplateVersions',
  'bedrock:ListGuardrails',
  'ssm:GetServiceSetting',
  'ec2:DescribeInstanceAttribute',
];

/** The weekly scanner (Prowler-like) in the security account: assumes a role in each member account and reads everything. */
export function scannerRun(rng: Rng, t0: number, newChecks: boolean, out: Call[]): void {
  const sec = account('security');
  const hub = rolePrincipal(rng, 'security', 'prowler-scanner-task', rng.hex(32), t0);
  const agent = `Boto3/1.35.54 md/Botocore#1.35.54 ua/2.0 os/linux#5.10.227 md/arch#x86_64 lang/python#3.12.7 md/pyimpl#CPython exec-env/AWS_ECS_FARGATE cfg/retry-mode#standard Botocore/1.35.54 prowler/${newChecks ? '5.1.0' : '4.6.1'}`;
  const ip = '34.231.18.77';
  let t = t0;
  const reads = newChecks ? [...SCAN_READS, ...SCAN_READS_NEW] : SCAN_READS;
  for (const role of ['management', 'prod', 'staging', 'dev', 'security', 'dr'] as const) {
    const acct = account(role);
    out.push(
      makeCall(rng, {
        time: t,
        principal: hub,
        accountId: acct.id,
        region: 'us-east-1',
        action: 'sts:AssumeRole',
        params: {
          roleArn: `arn:aws:iam::${acct.id}:role/ProwlerScanRole`,
          roleSessionName: `prowler-${new Date(t0).toISOString().slice(0, 10).replace(/-/g, '')}`,
        },
        ip,
        agent,
      }),
    );
    const p = rolePrincipal(
      rng,
      role,
      'ProwlerScanRole',
      `prowler-${new Date(t0).toISOString().slice(0, 10).replace(/-/g, '')}`,
      t,
      { sourceIdentity: 'prowler' },
    );
    void sec;
    const steps: Step[] = [];
    for (const region of ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1']) {
      for (const a of reads) {
        if (a.startsWith('iam:') || a.startsWith('s3:')) {
          if (region !== 'us-east-1') continue;
        }
        steps.push({
          action: a,
          region,
          gap: 0.15,
          repeat: a.startsWith('s3:GetBucket') ? 5 : 1,
          ...(a === 'guardduty:GetDetector' && role !== 'security' ? { error: 'BadRequestException' } : {}),
        });
      }
    }
    t =
      playSession(
        {
          rng,
          principal: p,
          accountId: acct.id,
          region: 'us-east-1',
          ip,
          agent: () => agent,
          start: t + 1000,
          steps,
          deniedRate: 0.02,
        },
        out,
      ) + 5000;
  }
}

export interface MachineDayOptions {
  ci: Record<'dev' | 'staging' | 'prod', CiOptions>;
  backupKey: string;
  scannerNewChecks: boolean;
  stagingEuCentral: boolean;
}

/** All non-human activity of one day. */
export function machineDay(
  rngFor: (label: string) => Rng,
  dayStart: number,
  scale: number,
  opts: MachineDayOptions,
  out: Call[],
): void {
  lambdaDay(rngFor('lambda-prod'), dayStart, 'prod', 15 * scale, out);
  lambdaDay(rngFor('lambda-staging'), dayStart, 'staging', 2 * scale, out);
  ecsDay(rngFor('ecs-prod-use1'), dayStart, 'prod', 'us-east-1', 40 * scale, out);
  ecsDay(rngFor('ecs-prod-euw1'), dayStart, 'prod', 'eu-west-1', 20 * scale, out);
  ecsDay(rngFor('ecs-staging'), dayStart, 'staging', 'us-east-1', 4, out);
  if (opts.stagingEuCentral) ecsDay(rngFor('ecs-staging-euc1'), dayStart, 'staging', 'eu-central-1', 4, out);
  datadogDay(rngFor('datadog'), dayStart, out);
  for (const role of ['management', 'prod', 'staging', 'dev', 'security', 'dr'] as const)
    configDay(rngFor(`config-${role}`), dayStart, role, role === 'prod' ? 60 : 20, out);
  autoscalingDay(rngFor('autoscaling'), dayStart, out);
  kmsRotation(rngFor('kms'), dayStart, out);
  backupUserDay(rngFor('backup'), dayStart, opts.backupKey, out);
  const wd = new Date(dayStart).getUTCDay();
  if (wd !== 0 && wd !== 6) {
    for (const [role, perDay] of [
      ['dev', 8],
      ['staging', 4],
      ['prod', 1.5],
    ] as const) {
      const rng = rngFor(`ci-${role}`);
      const n = rng.poisson(perDay * Math.sqrt(scale));
      const o = opts.ci[role];
      for (let i = 0; i < n; i++)
        ciRun(rng, role, dayStart + (8 + rng.next() * 13) * HOUR, { ...o, createQueue: o.createQueue && i === 0 }, out);
    }
  }
  if (wd === 0)
    scannerRun(
      rngFor('scanner'),
      dayStart + 2 * HOUR + rngFor('scanner-t').int(0, 900) * 1000,
      opts.scannerNewChecks,
      out,
    );
  void principalId;
}
