/**
 * Task templates: what a person does in one working session, as ordered steps (reads
 * before writes, repeated polling, the occasional write). A template names the accounts
 * it runs in (first one the person holds a permission set for wins, with some spread).
 */
import type { Rng } from './prng.ts';
import { type AccountResources, rid } from './resources.ts';
import type { AccountRole, Step } from './types.ts';

export interface TaskContext {
  rng: Rng;
  res: AccountResources;
  accountId: string;
  region: string;
  /** The DR account id (for the monthly snapshot share). */
  drAccountId: string;
  /** Current day index, for names that change daily. */
  day: number;
  email: string;
}

export interface TaskTemplate {
  name: string;
  /** Accounts in order of preference, with weights. */
  accounts: ReadonlyArray<readonly [AccountRole, number]>;
  /** A task run only from a console or only from a CLI/SDK. */
  client?: 'console' | 'api';
  steps(ctx: TaskContext): Step[];
}

const rep = (action: string, n: number, extra: Omit<Step, 'action' | 'repeat'> = {}): Step => ({
  action,
  repeat: n,
  ...extra,
});

function pickN<T>(rng: Rng, items: readonly T[], n: number): T[] {
  return rng.shuffle([...items]).slice(0, Math.min(n, items.length));
}

export const TASKS: Record<string, TaskTemplate> = {
  'look-around': {
    name: 'look-around',
    accounts: [
      ['prod', 3],
      ['staging', 2],
      ['dev', 2],
    ],
    steps: ({ rng }) => [
      { action: 'ec2:DescribeInstances' },
      ...(rng.chance(0.5) ? [{ action: 'ec2:DescribeSecurityGroups' }, { action: 'ec2:DescribeVpcs' }] : []),
      { action: 'monitoring:DescribeAlarms' },
      ...(rng.chance(0.5)
        ? [{ action: 'rds:DescribeDBInstances' }]
        : [{ action: 'ecs:ListClusters' }, { action: 'ecs:DescribeClusters' }]),
      { action: 'health:DescribeEvents' },
    ],
  },
  'tail-logs': {
    name: 'tail-logs',
    accounts: [
      ['dev', 3],
      ['staging', 2],
      ['prod', 2],
    ],
    steps: ({ rng, res }) => {
      const fn = rng.pick(res.functions);
      return [
        { action: 'logs:DescribeLogGroups', params: { logGroupNamePrefix: `/aws/lambda/${fn}` } },
        {
          action: 'logs:DescribeLogStreams',
          params: { logGroupName: `/aws/lambda/${fn}`, orderBy: 'LastEventTime', descending: true },
        },
        rep('logs:FilterLogEvents', rng.int(2, 8), {
          params: { logGroupName: `/aws/lambda/${fn}`, filterPattern: 'ERROR' },
          gap: 40,
        }),
        ...(rng.chance(0.4)
          ? [
              {
                action: 'logs:StartQuery',
                params: {
                  logGroupName: `/aws/lambda/${fn}`,
                  queryString: 'fields @timestamp, @message | filter @message like /Exception/',
                },
              },
              rep('logs:GetQueryResults', rng.int(2, 5), { gap: 3 }),
            ]
          : []),
      ];
    },
  },
  'debug-lambda': {
    name: 'debug-lambda',
    accounts: [
      ['dev', 5],
      ['staging', 2],
    ],
    steps: ({ rng, res }) => {
      const fn = rng.pick(res.functions);
      const write = rng.chance(0.35);
      return [
        { action: 'lambda:ListFunctions20150331' },
        { action: 'lambda:GetFunction20150331v2', params: { functionName: fn } },
        { action: 'lambda:GetFunctionConfiguration20150331v2', params: { functionName: fn } },
        { action: 'logs:DescribeLogStreams', params: { logGroupName: `/aws/lambda/${fn}` } },
        rep('logs:FilterLogEvents', rng.int(1, 5), { params: { logGroupName: `/aws/lambda/${fn}` }, gap: 60 }),
        ...(write
          ? [
              {
                action: 'lambda:UpdateFunctionConfiguration20150331v2',
                params: { functionName: fn, timeout: rng.pick([30, 60, 90]), memorySize: rng.pick([256, 512, 1024]) },
                gap: 120,
              },
              { action: 'lambda:GetFunctionConfiguration20150331v2', params: { functionName: fn } },
            ]
          : []),
      ];
    },
  },
  'deploy-dev': {
    name: 'deploy-dev',
    accounts: [['dev', 1]],
    client: 'api',
    steps: ({ rng, res }) => {
      const fn = rng.pick(res.functions);
      if (rng.chance(0.5)) {
        return [
          { action: 'sts:GetCallerIdentity' },
          { action: 'lambda:GetFunction20150331v2', params: { functionName: fn } },
          {
            action: 'lambda:UpdateFunctionCode20150331v2',
            params: { functionName: fn, publish: false, dryRun: false },
          },
          rep('lambda:GetFunctionConfiguration20150331v2', rng.int(1, 3), { params: { functionName: fn }, gap: 5 }),
          { action: 'lambda:PublishVersion20150331', params: { functionName: fn } },
          { action: 'lambda:UpdateAlias20150331', params: { functionName: fn, name: 'live' } },
        ];
      }
      const svc = rng.pick(res.services);
      return [
        { action: 'sts:GetCallerIdentity' },
        { action: 'ecr:GetAuthorizationToken' },
        { action: 'ecr:DescribeImages', params: { repositoryName: svc } },
        { action: 'ecs:DescribeTaskDefinition', params: { taskDefinition: `${res.env}-${svc}` } },
        {
          action: 'ecs:RegisterTaskDefinition',
          params: { family: `${res.env}-${svc}`, networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'] },
        },
        {
          action: 'ecs:UpdateService',
          params: { cluster: res.cluster, service: svc, taskDefinition: `${res.env}-${svc}` },
        },
        rep('ecs:DescribeServices', rng.int(3, 10), { params: { cluster: res.cluster, services: [svc] }, gap: 15 }),
      ];
    },
  },
  'check-ecs': {
    name: 'check-ecs',
    accounts: [
      ['staging', 3],
      ['prod', 3],
      ['dev', 2],
    ],
    steps: ({ rng, res }) => {
      const svc = rng.pick(res.services);
      return [
        { action: 'ecs:ListClusters' },
        { action: 'ecs:DescribeClusters', params: { clusters: [res.cluster] } },
        { action: 'ecs:ListServices', params: { cluster: res.cluster } },
        { action: 'ecs:DescribeServices', params: { cluster: res.cluster, services: [svc] } },
        { action: 'ecs:ListTasks', params: { cluster: res.cluster, serviceName: svc } },
        rep('ecs:DescribeTasks', rng.int(1, 3), { params: { cluster: res.cluster } }),
        rep('logs:GetLogEvents', rng.int(1, 4), { params: { logGroupName: `/ecs/${res.env}-${svc}` }, gap: 30 }),
      ];
    },
  },
  'read-config': {
    name: 'read-config',
    accounts: [
      ['dev', 4],
      ['staging', 2],
    ],
    client: 'api',
    steps: ({ rng, res }) => [
      { action: 'ssm:GetParametersByPath', params: { path: '/app/', recursive: true, withDecryption: false } },
      rep('ssm:GetParameter', rng.int(1, 3), {
        params: { name: rng.pick(res.parameters), withDecryption: rng.chance(0.5) },
      }),
      ...(rng.chance(0.5)
        ? [
            { action: 'secretsmanager:DescribeSecret', params: { secretId: rng.pick(res.secrets) } },
            { action: 'secretsmanager:GetSecretValue', params: { secretId: rng.pick(res.secrets) } },
          ]
        : []),
    ],
  },
  's3-browse': {
    name: 's3-browse',
    accounts: [
      ['dev', 2],
      ['staging', 1],
      ['prod', 2],
    ],
    steps: ({ rng, res }) => {
      const b = rng.pick(res.buckets);
      return [
        { action: 's3:ListBuckets' },
        { action: 's3:GetBucketLocation', params: { bucketName: b, Host: `${b}.s3.amazonaws.com` } },
        ...(rng.chance(0.5)
          ? [
              { action: 's3:GetBucketPolicy', params: { bucketName: b, policy: '' } },
              { action: 's3:GetBucketVersioning', params: { bucketName: b, versioning: '' } },
            ]
          : []),
        { action: 's3:GetBucketTagging', params: { bucketName: b, tagging: '' } },
      ];
    },
  },
  'investigate-alarm': {
    name: 'investigate-alarm',
    accounts: [
      ['prod', 5],
      ['staging', 1],
    ],
    steps: ({ rng, res, accountId }) => {
      const svc = rng.pick(res.services);
      return [
        { action: 'monitoring:DescribeAlarms', params: { stateValue: 'ALARM' } },
        rep('monitoring:GetMetricData', rng.int(3, 10), { gap: 20 }),
        {
          action: 'logs:StartQuery',
          params: {
            logGroupName: `/ecs/${res.env}-${svc}`,
            queryString: 'fields @timestamp, @message | sort @timestamp desc | limit 100',
          },
        },
        rep('logs:GetQueryResults', rng.int(2, 6), { gap: 3 }),
        { action: 'ecs:DescribeServices', params: { cluster: res.cluster, services: [svc] } },
        {
          action: 'elasticloadbalancing:DescribeTargetHealth',
          params: {
            targetGroupArn: `arn:aws:elasticloadbalancing:us-east-1:${accountId}:targetgroup/${res.targetGroups[0]}/${rid('', `${res.env}tg`, 16)}`,
          },
        },
        { action: 'rds:DescribeDBInstances', params: { dBInstanceIdentifier: rng.pick(res.databases) } },
        ...(rng.chance(0.3)
          ? [
              {
                action: 'ecs:UpdateService',
                params: { cluster: res.cluster, service: svc, desiredCount: rng.int(4, 12) },
                gap: 90,
              },
              rep('ecs:DescribeServices', rng.int(2, 5), {
                params: { cluster: res.cluster, services: [svc] },
                gap: 20,
              }),
            ]
          : []),
      ];
    },
  },
  'scale-service': {
    name: 'scale-service',
    accounts: [
      ['prod', 3],
      ['staging', 1],
    ],
    steps: ({ rng, res }) => [
      { action: 'autoscaling:DescribeAutoScalingGroups' },
      {
        action: 'autoscaling:UpdateAutoScalingGroup',
        params: { autoScalingGroupName: `${res.env}-workers`, desiredCapacity: rng.int(2, 10) },
      },
      rep('autoscaling:DescribeAutoScalingGroups', rng.int(1, 3), { gap: 30 }),
      { action: 'ecs:DescribeServices', params: { cluster: res.cluster, services: ['worker'] } },
    ],
  },
  'ec2-maintenance': {
    name: 'ec2-maintenance',
    accounts: [
      ['prod', 3],
      ['staging', 2],
      ['dev', 1],
    ],
    steps: ({ rng, res }) => {
      const iid = rng.pick(res.instances);
      const steps: Step[] = [
        { action: 'ec2:DescribeInstances', params: { instancesSet: { items: [{ instanceId: iid }] } } },
        { action: 'ec2:DescribeInstanceStatus', params: { instancesSet: { items: [{ instanceId: iid }] } } },
        { action: 'ssm:DescribeInstanceInformation' },
      ];
      const kind = rng.weighted([
        ['session', 4],
        ['command', 3],
        ['reboot', 2],
      ] as const);
      if (kind === 'session')
        steps.push(
          { action: 'ssm:StartSession', params: { target: iid } },
          { action: 'ssm:TerminateSession', gap: rng.int(120, 1500) },
        );
      if (kind === 'command')
        steps.push(
          {
            action: 'ssm:SendCommand',
            params: {
              instanceIds: [iid],
              documentName: rng.pick(['AWS-RunPatchBaseline', 'AWS-RunShellScript']),
              parameters: 'HIDDEN_DUE_TO_SECURITY_REASONS',
            },
          },
          rep('ssm:GetCommandInvocation', rng.int(2, 5), { gap: 10 }),
        );
      if (kind === 'reboot')
        steps.push(
          { action: 'ec2:RebootInstances', params: { instancesSet: { items: [{ instanceId: iid }] } } },
          rep('ec2:DescribeInstanceStatus', rng.int(2, 4), { gap: 30 }),
        );
      return steps;
    },
  },
  'sg-change': {
    name: 'sg-change',
    accounts: [
      ['prod', 2],
      ['staging', 2],
      ['dev', 1],
    ],
    steps: ({ rng, res }) => {
      const sg = rng.pick(res.securityGroups);
      return [
        { action: 'ec2:DescribeSecurityGroups', params: { securityGroupIdSet: { items: [{ groupId: sg }] } } },
        { action: 'ec2:DescribeSecurityGroupRules' },
        {
          action: rng.chance(0.6) ? 'ec2:AuthorizeSecurityGroupIngress' : 'ec2:RevokeSecurityGroupIngress',
          params: {
            groupId: sg,
            ipPermissions: {
              items: [
                {
                  ipProtocol: 'tcp',
                  fromPort: rng.pick([443, 5432, 6379, 8080]),
                  toPort: 0,
                  ipRanges: { items: [{ cidrIp: rng.pick(['10.0.0.0/16', '10.20.0.0/16', '172.31.0.0/16']) }] },
                },
              ],
            },
          },
        },
        { action: 'ec2:DescribeSecurityGroups', params: { securityGroupIdSet: { items: [{ groupId: sg }] } } },
      ];
    },
  },
  'ebs-snapshot': {
    name: 'ebs-snapshot',
    accounts: [
      ['prod', 3],
      ['staging', 1],
    ],
    client: 'api',
    steps: ({ rng, res }) => {
      const vol = rid('vol-', `${res.env}:vol:${rng.int(0, 5)}`);
      return [
        { action: 'ec2:DescribeVolumes' },
        {
          action: 'ec2:CreateSnapshot',
          params: { volumeId: vol, description: 'pre-maintenance snapshot' },
          response: { snapshotId: `snap-${rng.hex(17)}`, volumeId: vol, status: 'pending' },
        },
        {
          action: 'ec2:CreateTags',
          params: {
            resourcesSet: { items: [{ resourceId: vol }] },
            tagSet: { items: [{ key: 'purpose', value: 'maintenance' }] },
          },
        },
        rep('ec2:DescribeSnapshots', rng.int(2, 4), { gap: 60 }),
      ];
    },
  },
  'review-iam': {
    name: 'review-iam',
    accounts: [
      ['prod', 3],
      ['management', 2],
      ['staging', 1],
    ],
    steps: ({ rng, res }) => [
      { action: 'iam:ListUsers' },
      { action: 'iam:ListRoles' },
      ...(rng.chance(0.4)
        ? [{ action: 'iam:GenerateCredentialReport' }, { action: 'iam:GetCredentialReport', gap: 10 }]
        : []),
      ...pickN(rng, res.roles, rng.int(2, 5)).flatMap((r) => [
        { action: 'iam:GetRole', params: { roleName: r } },
        { action: 'iam:ListAttachedRolePolicies', params: { roleName: r } },
        { action: 'iam:ListRolePolicies', params: { roleName: r } },
      ]),
      ...(rng.chance(0.5)
        ? [
            { action: 'iam:ListAccessKeys', params: { userName: rng.pick(res.serviceUsers) } },
            { action: 'iam:GetAccessKeyLastUsed' },
          ]
        : []),
      ...(rng.chance(0.3) ? [{ action: 'access-analyzer:ListFindings' }] : []),
      ...(rng.chance(0.3) ? [{ action: 'iam:GetAccountAuthorizationDetails' }] : []),
    ],
  },
  'review-sso': {
    name: 'review-sso',
    accounts: [['management', 1]],
    steps: ({ rng }) => [
      { action: 'sso:ListInstances' },
      { action: 'sso:ListPermissionSets' },
      rep('sso:DescribePermissionSet', rng.int(1, 4)),
      rep('sso:ListAccountAssignments', rng.int(1, 4)),
      { action: 'identitystore:ListUsers' },
      ...(rng.chance(0.4) ? [{ action: 'identitystore:ListGroupMemberships' }] : []),
      ...(rng.chance(0.3) ? [{ action: 'organizations:ListAccounts' }] : []),
    ],
  },
  'iam-role-change': {
    name: 'iam-role-change',
    accounts: [
      ['prod', 2],
      ['staging', 2],
      ['dev', 2],
    ],
    steps: ({ rng, res }) => {
      const role = rng.pick(res.roles.slice(0, 4));
      const policy = {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: ['s3:GetObject', 's3:PutObject'],
            Resource: `arn:aws:s3:::${rng.pick(res.buckets)}/*`,
          },
        ],
      };
      return [
        { action: 'iam:GetRole', params: { roleName: role } },
        { action: 'iam:ListRolePolicies', params: { roleName: role } },
        { action: 'iam:GetRolePolicy', params: { roleName: role, policyName: 'app-access' } },
        rng.chance(0.7)
          ? {
              action: 'iam:PutRolePolicy',
              params: { roleName: role, policyName: 'app-access', policyDocument: JSON.stringify(policy) },
              gap: 120,
            }
          : {
              action: 'iam:AttachRolePolicy',
              params: {
                roleName: role,
                policyArn: rng.pick([
                  'arn:aws:iam::aws:policy/CloudWatchLogsReadOnlyAccess',
                  'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore',
                ]),
              },
              gap: 120,
            },
        { action: 'iam:GetRolePolicy', params: { roleName: role, policyName: 'app-access' } },
      ];
    },
  },
  'security-triage': {
    name: 'security-triage',
    accounts: [['security', 1]],
    steps: ({ rng }) => [
      { action: 'guardduty:ListDetectors' },
      { action: 'guardduty:ListFindings' },
      rep('guardduty:GetFindings', rng.int(1, 4), { gap: 30 }),
      { action: 'securityhub:GetFindings' },
      ...(rng.chance(0.5)
        ? [{ action: 'securityhub:BatchUpdateFindings', params: { workflow: { status: 'RESOLVED' } } }]
        : []),
      ...(rng.chance(0.4) ? [rep('cloudtrail:LookupEvents', rng.int(2, 6), { gap: 15 })] : []),
    ],
  },
  'security-config-review': {
    name: 'security-config-review',
    accounts: [
      ['prod', 3],
      ['management', 1],
    ],
    steps: ({ rng }) => [
      { action: 'cloudtrail:DescribeTrails' },
      { action: 'cloudtrail:GetTrailStatus', params: { name: 'org-trail' } },
      { action: 'cloudtrail:GetEventSelectors', params: { trailName: 'org-trail' } },
      { action: 'guardduty:ListDetectors' },
      { action: 'guardduty:GetDetector' },
      { action: 'kms:ListKeys' },
      rep('kms:DescribeKey', rng.int(1, 4)),
      rep('kms:GetKeyRotationStatus', rng.int(1, 3)),
      { action: 'ec2:DescribeFlowLogs' },
      ...(rng.chance(0.4)
        ? [{ action: 'config:DescribeConfigRules' }, { action: 'config:DescribeComplianceByConfigRule' }]
        : []),
    ],
  },
  'cloudtrail-hunt': {
    name: 'cloudtrail-hunt',
    accounts: [
      ['security', 2],
      ['prod', 1],
    ],
    steps: ({ rng }) => [
      rep('cloudtrail:LookupEvents', rng.int(3, 12), { gap: 20 }),
      ...(rng.chance(0.5)
        ? [
            {
              action: 'athena:StartQueryExecution',
              params: {
                queryString: 'SELECT eventname, count(*) FROM cloudtrail_logs GROUP BY 1',
                workGroup: 'security',
              },
            },
            rep('athena:GetQueryExecution', rng.int(2, 5), { gap: 3 }),
            { action: 'athena:GetQueryResults' },
          ]
        : []),
    ],
  },
  'query-data': {
    name: 'query-data',
    accounts: [
      ['prod', 4],
      ['staging', 1],
    ],
    steps: ({ rng }) => {
      const steps: Step[] = [
        { action: 'glue:GetDatabases' },
        { action: 'glue:GetTables', params: { databaseName: 'analytics' } },
      ];
      const queries = rng.int(1, 5);
      for (let q = 0; q < queries; q++) {
        steps.push(
          {
            action: 'glue:GetTable',
            params: { databaseName: 'analytics', name: rng.pick(['orders', 'customers', 'events', 'sessions']) },
          },
          { action: 'athena:StartQueryExecution', params: { queryString: '***', workGroup: 'analytics' }, gap: 60 },
          rep('athena:GetQueryExecution', rng.int(2, 6), { gap: 4 }),
          { action: 'athena:GetQueryResults' },
        );
      }
      return steps;
    },
  },
  'etl-maintenance': {
    name: 'etl-maintenance',
    accounts: [
      ['prod', 3],
      ['staging', 2],
    ],
    steps: ({ rng }) => [
      { action: 'glue:GetJobs' },
      {
        action: 'glue:GetJobRuns',
        params: { jobName: rng.pick(['orders-daily', 'customers-sync', 'events-compaction']) },
      },
      ...(rng.chance(0.4)
        ? [
            { action: 'glue:StartJobRun', params: { jobName: 'orders-daily' } },
            rep('glue:GetJobRun', rng.int(2, 5), { gap: 60 }),
          ]
        : []),
      ...(rng.chance(0.2) ? [{ action: 'glue:UpdateJob', params: { jobName: 'events-compaction' } }] : []),
      { action: 'glue:GetCrawlers' },
    ],
  },
  'audit-review': {
    name: 'audit-review',
    accounts: [
      ['prod', 3],
      ['management', 2],
      ['staging', 1],
    ],
    steps: ({ rng, res }) => [
      { action: 'iam:GetAccountPasswordPolicy' },
      { action: 'iam:GetAccountSummary' },
      { action: 'iam:ListUsers' },
      rep('iam:ListMFADevices', rng.int(1, 4)),
      { action: 'config:DescribeConfigRules' },
      rep('config:GetComplianceDetailsByConfigRule', rng.int(1, 4), { gap: 30 }),
      ...pickN(rng, res.buckets, 3).map((b) => ({
        action: 's3:GetBucketEncryption',
        params: { bucketName: b, encryption: '' },
      })),
      { action: 'cloudtrail:DescribeTrails' },
      { action: 'ec2:DescribeSecurityGroups' },
    ],
  },
  'support-case': {
    name: 'support-case',
    accounts: [['prod', 1]],
    steps: ({ rng, res }) => [
      { action: 'support:DescribeCases' },
      ...(rng.chance(0.3)
        ? [
            {
              action: 'support:CreateCase',
              params: { subject: '***', serviceCode: 'amazon-elastic-compute-cloud-linux', severityCode: 'normal' },
            },
          ]
        : [{ action: 'support:DescribeCommunications' }, { action: 'support:AddCommunicationToCase' }]),
      { action: 'health:DescribeEvents' },
      { action: 'ec2:DescribeInstances' },
      rep('monitoring:GetMetricData', rng.int(1, 3)),
      { action: 'ecs:DescribeServices', params: { cluster: res.cluster, services: [rng.pick(res.services)] } },
      rep('logs:FilterLogEvents', rng.int(1, 3), { gap: 40 }),
    ],
  },
  // The tasks below are run only by the company organization's roles.
  'ml-train': {
    name: 'ml-train',
    accounts: [
      ['dev', 3],
      ['prod', 2],
    ],
    client: 'api',
    steps: ({ rng, res, day }) => {
      const bucket = res.buckets[2] ?? 'acme-prod-data-lake';
      const job = `churn-model-${day}-${rng.int(1, 99)}`;
      return [
        { action: 's3:ListBucket', params: { bucketName: bucket, prefix: 'features/' } },
        ...Array.from({ length: rng.int(2, 6) }, (_, i) => ({
          action: 's3:GetObject',
          params: { bucketName: bucket, key: `features/part-${String(i).padStart(4, '0')}.parquet` },
          gap: 3,
        })),
        {
          action: 'sagemaker:CreateTrainingJob',
          params: { trainingJobName: job, algorithmSpecification: { trainingInputMode: 'File' } },
        },
        rep('sagemaker:DescribeTrainingJob', rng.int(2, 6), { params: { trainingJobName: job }, gap: 300 }),
        { action: 's3:PutObject', params: { bucketName: bucket, key: `models/${job}/model.tar.gz` } },
        ...(rng.chance(0.3) ? [{ action: 'sagemaker:ListEndpoints' }] : []),
      ];
    },
  },
  'cost-review': {
    name: 'cost-review',
    accounts: [['management', 1]],
    client: 'console',
    steps: ({ rng }) => [
      rep('ce:GetCostAndUsage', rng.int(1, 4)),
      ...(rng.chance(0.5) ? [{ action: 'ce:GetCostForecast' }] : []),
      { action: 'budgets:DescribeBudgets' },
      ...(rng.chance(0.4)
        ? [{ action: 'ce:GetReservationUtilization' }, { action: 'ce:GetSavingsPlansCoverage' }]
        : []),
      ...(rng.chance(0.3) ? [{ action: 'organizations:ListAccounts' }] : []),
      ...(rng.chance(0.2) ? [{ action: 'cur:DescribeReportDefinitions' }] : []),
    ],
  },
};

/** The DR backup the SREs run on the first working days of a month: snapshot, share with DR, copy in DR. */
export function drBackupSteps(ctx: TaskContext): Step[] {
  const { rng, res } = ctx;
  const db = res.databases[0] ?? 'prod-orders-db';
  const snap = `${db}-dr-${ctx.day}`;
  return [
    { action: 'rds:DescribeDBInstances', params: { dBInstanceIdentifier: db } },
    { action: 'rds:CreateDBSnapshot', params: { dBSnapshotIdentifier: snap, dBInstanceIdentifier: db } },
    rep('rds:DescribeDBSnapshots', rng.int(3, 8), { params: { dBSnapshotIdentifier: snap }, gap: 120 }),
    {
      action: 'rds:ModifyDBSnapshotAttribute',
      params: { dBSnapshotIdentifier: snap, attributeName: 'restore', valuesToAdd: [ctx.drAccountId] },
    },
    { action: 'rds:DescribeDBSnapshotAttributes', params: { dBSnapshotIdentifier: snap } },
    { action: 'rds:DescribeDBSnapshots', account: 'dr', region: 'us-west-2', params: { includeShared: true } },
    {
      action: 'rds:CopyDBSnapshot',
      account: 'dr',
      region: 'us-west-2',
      params: {
        sourceDBSnapshotIdentifier: `arn:aws:rds:us-east-1:${ctx.accountId}:snapshot:${snap}`,
        targetDBSnapshotIdentifier: snap,
        sourceRegion: 'us-east-1',
      },
    },
  ];
}
