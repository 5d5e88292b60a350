/**
 * The resources a call touched: CloudTrail's own `resources[]` (ARN, type, account), then
 * the names the common request parameters carry (`userName`, `roleArn`, `bucketName`,
 * `instancesSet`...). Bounded: at most `MAX_RESOURCES` per event, so a RunInstances of
 * 1,000 instances or a hostile record cannot blow up one row.
 */
import type { ResourceRef } from './event.ts';
import { isObj, MAX_ID, type Obj, str } from './fields.ts';

export const MAX_RESOURCES = 20;
/** Only the first keys of `requestParameters` are looked at (real ones have < 30). */
const MAX_PARAM_KEYS = 64;

/** Request parameter -> resource type, per service (`null`: any service). */
type ParamRule = readonly [service: string | null, type: string];
const PARAMS = new Map<string, ReadonlyArray<ParamRule>>([
  ['userName', [['iam', 'AWS::IAM::User']]],
  ['roleName', [['iam', 'AWS::IAM::Role']]],
  ['roleArn', [[null, 'AWS::IAM::Role']]],
  [
    'groupName',
    [
      ['iam', 'AWS::IAM::Group'],
      ['ec2', 'AWS::EC2::SecurityGroup'],
    ],
  ],
  ['policyArn', [[null, 'AWS::IAM::ManagedPolicy']]],
  ['policyName', [['iam', 'AWS::IAM::Policy']]],
  ['instanceProfileName', [['iam', 'AWS::IAM::InstanceProfile']]],
  ['accessKeyId', [['iam', 'AWS::IAM::AccessKey']]],
  ['bucketName', [['s3', 'AWS::S3::Bucket']]],
  ['trailName', [['cloudtrail', 'AWS::CloudTrail::Trail']]],
  [
    'name',
    [
      ['cloudtrail', 'AWS::CloudTrail::Trail'],
      ['ssm', 'AWS::SSM::Parameter'],
    ],
  ],
  ['names', [['ssm', 'AWS::SSM::Parameter']]],
  ['dBSnapshotIdentifier', [['rds', 'AWS::RDS::DBSnapshot']]],
  ['dBClusterSnapshotIdentifier', [['rds', 'AWS::RDS::DBClusterSnapshot']]],
  ['dBInstanceIdentifier', [['rds', 'AWS::RDS::DBInstance']]],
  ['dBClusterIdentifier', [['rds', 'AWS::RDS::DBCluster']]],
  ['snapshotId', [['ec2', 'AWS::EC2::Snapshot']]],
  ['imageId', [['ec2', 'AWS::EC2::Image']]],
  ['groupId', [['ec2', 'AWS::EC2::SecurityGroup']]],
  ['instanceId', [[null, 'AWS::EC2::Instance']]],
  ['volumeId', [['ec2', 'AWS::EC2::Volume']]],
  ['keyId', [['kms', 'AWS::KMS::Key']]],
  ['functionName', [['lambda', 'AWS::Lambda::Function']]],
  ['layerName', [['lambda', 'AWS::Lambda::LayerVersion']]],
  ['secretId', [['secretsmanager', 'AWS::SecretsManager::Secret']]],
  ['logGroupName', [['logs', 'AWS::Logs::LogGroup']]],
  ['detectorId', [['guardduty', 'AWS::GuardDuty::Detector']]],
  ['stackName', [['cloudformation', 'AWS::CloudFormation::Stack']]],
  ['tableName', [['dynamodb', 'AWS::DynamoDB::Table']]],
  ['topicArn', [['sns', 'AWS::SNS::Topic']]],
  ['queueUrl', [['sqs', 'AWS::SQS::Queue']]],
  ['repositoryName', [['ecr', 'AWS::ECR::Repository']]],
]);

function accountOfArn(arn: string): string | null {
  let at = 0;
  for (let n = 0; n < 4; n++) {
    at = arn.indexOf(':', at) + 1;
    if (at === 0) return null;
  }
  const end = arn.indexOf(':', at);
  if (end <= at) return null;
  // AWS-managed policies (`arn:aws:iam::aws:policy/...`) and S3 ARNs carry no account number.
  for (let i = at; i < end; i++) {
    const c = arn.charCodeAt(i);
    if (c < 48 || c > 57) return null;
  }
  return arn.slice(at, end);
}

function nameOfArn(arn: string): string {
  const slash = arn.lastIndexOf('/');
  return slash >= 0 ? arn.slice(slash + 1) : arn.slice(arn.lastIndexOf(':') + 1);
}

function ref(type: string | null, value: string): ResourceRef {
  if (value.startsWith('arn:')) return { type, arn: value, name: nameOfArn(value), accountId: accountOfArn(value) };
  return { type, arn: null, name: value, accountId: null };
}

function has(out: ResourceRef[], type: string | null, value: string): boolean {
  for (const r of out) {
    if ((r.arn === value || r.name === value) && (r.type === type || type === null || r.type === null)) return true;
  }
  return false;
}

function add(out: ResourceRef[], type: string | null, v: unknown): void {
  const value = str(v, MAX_ID);
  if (value !== null && out.length < MAX_RESOURCES && !has(out, type, value)) out.push(ref(type, value));
}

function typeFor(rules: ReadonlyArray<ParamRule>, service: string): string | null | undefined {
  for (const [s, type] of rules) if (s === null || s === service) return type;
  return undefined;
}

export function resourcesOf(record: Obj, service: string, requestParameters: Obj | null): ResourceRef[] {
  const out: ResourceRef[] = [];
  const listed = record.resources;
  if (Array.isArray(listed)) {
    for (let i = 0; i < listed.length && out.length < MAX_RESOURCES; i++) {
      const r: unknown = listed[i];
      if (!isObj(r)) continue;
      const arn = str(r.ARN) ?? str(r.arn);
      if (arn === null) continue;
      out.push({
        type: str(r.type, 256),
        arn,
        name: nameOfArn(arn),
        accountId: str(r.accountId, 64) ?? accountOfArn(arn),
      });
    }
  }
  if (requestParameters === null) return out;
  let seen = 0;
  for (const key in requestParameters) {
    if (++seen > MAX_PARAM_KEYS || out.length >= MAX_RESOURCES) break;
    if (key === 'instancesSet') {
      const set = requestParameters.instancesSet;
      const items = isObj(set) ? set.items : undefined;
      if (Array.isArray(items)) {
        for (let i = 0; i < items.length && out.length < MAX_RESOURCES; i++) {
          const item: unknown = items[i];
          if (isObj(item)) add(out, 'AWS::EC2::Instance', item.instanceId);
        }
      }
      continue;
    }
    const rules = PARAMS.get(key);
    if (rules === undefined) continue;
    const type = typeFor(rules, service);
    if (type === undefined) continue;
    const value = requestParameters[key];
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length && out.length < MAX_RESOURCES; i++) add(out, type, value[i]);
    } else {
      add(out, type, value);
    }
  }
  return out;
}
