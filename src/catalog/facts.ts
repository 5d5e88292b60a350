/**
 * Parameter-aware facts: what the parameters of one call make it (admin policy attached,
 * snapshot shared with another account, port 22 opened to the world, logging stopped ...).
 * The detector uses them as features and the risk score starts from them. Facts describe
 * what the call asked for, whether or not it succeeded; `accessDenied` marks refusals, and
 * facts that only a successful call can make true (a password retrieved) need success.
 */
import type { Actor } from '../normalize/event.ts';
import { computeFacts } from './compute.ts';
import type { Ctx } from './context.ts';
import {
  accountOf,
  arnName,
  bool,
  ipRules,
  isObject,
  isWorld,
  items,
  num,
  obj,
  type Params,
  reachesAdminPort,
  str,
  strings,
} from './params.ts';
import type { Fact } from './types.ts';

type Extractor = (c: Ctx, out: Set<Fact>) => void;

/** AWS managed policies that amount to full control of the account. */
export const ADMIN_POLICIES = new Set(['AdministratorAccess', 'IAMFullAccess', 'AdministratorAccess-Amplify']);

export function isAdminPolicyArn(arn: string | null): boolean {
  return arn !== null && ADMIN_POLICIES.has(arnName(arn));
}

/** The user name an IAM-user actor calls itself by (`arn:...:user/path/alice` -> `alice`). */
export function callerUserName(actor: Actor): string | null {
  if (actor.type !== 'iam-user') return null;
  const m = /:user\/(?:.*\/)?([^/]+)$/.exec(actor.key);
  return m?.[1] ?? actor.name;
}

function policyFacts(c: Ctx, field: string, raw: unknown, out: Set<Fact>, grantsAccess: boolean): void {
  const s = c.policy(field, raw);
  if (s === null) return;
  if (grantsAccess) {
    if (s.admin) out.add('adminPolicy');
    if (s.wildcard || s.admin) out.add('wildcardPolicy');
  }
  if (s.anyone) out.add('publicShare');
  if (s.externalAccounts.length > 0) out.add('externalAccount');
}

function forOtherUser(c: Ctx, out: Set<Fact>): void {
  const target = str(c.p, 'userName');
  if (target === null) return; // no userName: the caller acts on itself
  const self = callerUserName(c.e.actor);
  if (self === null || self !== target) out.add('forOtherUser');
}

/** Snapshots and images handed to another account or to everyone: a copy of the data leaves. */
function shareFacts(c: Ctx, accounts: string[], out: Set<Fact>): void {
  for (const a of accounts) {
    if (a.toLowerCase() === 'all') out.add('publicShare').add('dataSharedOut');
    else if (a !== c.e.accountId) out.add('externalAccount').add('dataSharedOut');
  }
}

/** `all`, the one group EC2 permissions know (everyone); any other value names no account. */
const publicGroup = (groups: string[]) => groups.filter((g) => g.toLowerCase() === 'all');

/** Accounts added to an EC2 snapshot/AMI permission (`all` means public). */
export function ec2SharedWith(p: Params): string[] {
  const perm = obj(p, 'createVolumePermission', 'launchPermission') ?? {};
  const add = perm.add ?? perm.Add;
  const out = items(add).flatMap((i) => [...strings(i.userId), ...publicGroup(strings(i.group))]);
  if (out.length === 0 && str(p, 'operationType') === 'add') {
    out.push(...strings(p.userIds ?? p.userId, 'userId'), ...publicGroup(strings(p.groups ?? p.userGroups, 'group')));
  }
  return out;
}

/** Accounts removed from an EC2 snapshot/AMI permission. */
export function ec2UnsharedFrom(p: Params): string[] {
  const perm = obj(p, 'createVolumePermission', 'launchPermission') ?? {};
  return items(perm.remove ?? perm.Remove).flatMap((i) => [...strings(i.userId), ...publicGroup(strings(i.group))]);
}

/** Accounts added to an RDS snapshot's `restore` attribute (`all` means public). */
export function rdsSharedWith(p: Params): string[] {
  return strings(p.valuesToAdd);
}

/** Public-access-block settings a call turns off (all four for a delete). */
export function publicAccessRemoved(c: Ctx): string[] | null {
  if (
    c.action === 'DeleteBucketPublicAccessBlock' ||
    c.action === 'DeletePublicAccessBlock' ||
    c.action === 'DeleteAccountPublicAccessBlock'
  ) {
    return ['BlockPublicAcls', 'IgnorePublicAcls', 'BlockPublicPolicy', 'RestrictPublicBuckets'];
  }
  const cfg = obj(c.p, 'PublicAccessBlockConfiguration', 'publicAccessBlockConfiguration', 'publicAccessBlock');
  if (!cfg) return null;
  const off: string[] = [];
  for (const k of ['BlockPublicAcls', 'IgnorePublicAcls', 'BlockPublicPolicy', 'RestrictPublicBuckets']) {
    const v = cfg[k] ?? cfg[k[0]?.toLowerCase() + k.slice(1)];
    if (v === false || v === 'false') off.push(k);
  }
  return off;
}

const PUBLIC_GRANTEE = /global\/(AllUsers|AuthenticatedUsers)/;

/** S3 ACL grants to everyone, from a canned ACL header or an AccessControlPolicy. */
export function s3PublicAcl(p: Params): string | null {
  const canned = strings(p['x-amz-acl']).find((a) => /public|authenticated/.test(a));
  if (canned) return canned;
  const grantHeaders = [
    'x-amz-grant-read',
    'x-amz-grant-write',
    'x-amz-grant-full-control',
    'x-amz-grant-read-acp',
    'x-amz-grant-write-acp',
  ];
  for (const h of grantHeaders)
    if (strings(p[h]).some((g) => PUBLIC_GRANTEE.test(g))) return h.replace('x-amz-grant-', '');
  const acp = obj(p, 'AccessControlPolicy');
  if (acp && PUBLIC_GRANTEE.test(JSON.stringify(acp))) return 'AccessControlPolicy';
  return null;
}

const GPU_TYPE = /^(p\d|g\d|inf\d|trn\d|dl\d|vt1)/;

function trailNarrowed(c: Ctx): boolean {
  if (
    bool(c.p, 'isMultiRegionTrail') === false ||
    bool(c.p, 'includeGlobalServiceEvents') === false ||
    bool(c.p, 'enableLogFileValidation') === false
  )
    return true;
  return false;
}

/** Why an event-selector change narrows logging, or null. */
export function selectorsNarrowing(p: Params): string | null {
  for (const sel of items(p.eventSelectors)) {
    if (bool(sel, 'includeManagementEvents') === false) return 'management events no longer logged';
    const rw = str(sel, 'readWriteType');
    if (rw !== null && rw !== 'All') return `only ${rw === 'ReadOnly' ? 'read-only' : 'write-only'} events logged`;
    if (strings(sel.excludeManagementEventSources).length > 0)
      return `management events from ${strings(sel.excludeManagementEventSources).join(', ')} excluded`;
  }
  for (const sel of items(p.advancedEventSelectors)) {
    const text = JSON.stringify(sel);
    if (/"eventCategory"[^\]]*"Management"/.test(text) && /"(notEquals|NotEquals)"/.test(text))
      return 'advanced selectors exclude events';
  }
  return null;
}

/** Services whose organization-wide delegated administrator is the security team's view of every account. */
const SECURITY_PRINCIPALS = new Set([
  'cloudtrail.amazonaws.com',
  'guardduty.amazonaws.com',
  'securityhub.amazonaws.com',
  'config.amazonaws.com',
  'config-multiaccountsetup.amazonaws.com',
]);

const TRUE =
  (fact: Fact): Extractor =>
  (_c, out) => {
    out.add(fact);
  };

const EXTRACTORS: Record<string, Extractor> = {
  // IAM policies
  'iam:AttachUserPolicy': (c, out) => isAdminPolicyArn(str(c.p, 'policyArn')) && out.add('adminPolicy'),
  'iam:AttachRolePolicy': (c, out) => isAdminPolicyArn(str(c.p, 'policyArn')) && out.add('adminPolicy'),
  'iam:AttachGroupPolicy': (c, out) => isAdminPolicyArn(str(c.p, 'policyArn')) && out.add('adminPolicy'),
  'iam:PutUserPolicy': (c, out) => policyFacts(c, 'policyDocument', c.p.policyDocument, out, true),
  'iam:PutRolePolicy': (c, out) => policyFacts(c, 'policyDocument', c.p.policyDocument, out, true),
  'iam:PutGroupPolicy': (c, out) => policyFacts(c, 'policyDocument', c.p.policyDocument, out, true),
  'iam:CreatePolicyVersion': (c, out) => policyFacts(c, 'policyDocument', c.p.policyDocument, out, true),
  'iam:CreatePolicy': (c, out) => policyFacts(c, 'policyDocument', c.p.policyDocument, out, true),
  'iam:CreateRole': (c, out) => policyFacts(c, 'assumeRolePolicyDocument', c.p.assumeRolePolicyDocument, out, false),
  'iam:UpdateAssumeRolePolicy': (c, out) => policyFacts(c, 'policyDocument', c.p.policyDocument, out, false),
  'iam:CreateAccessKey': forOtherUser,
  // The trail names the new status: setting a key Inactive takes access away, Active restores it.
  'iam:UpdateAccessKey': (c, out) =>
    str(c.p, 'status')?.toLowerCase() === 'inactive' && out.add('accessKeyDeactivated'),
  'iam:CreateLoginProfile': forOtherUser,
  'iam:UpdateLoginProfile': forOtherUser,
  'iam:CreateServiceSpecificCredential': forOtherUser,
  'iam:UploadSSHPublicKey': forOtherUser,
  'iam:DeactivateMFADevice': TRUE('mfaRemoved'),
  'iam:DeleteVirtualMFADevice': TRUE('mfaRemoved'),
  'sso:AttachManagedPolicyToPermissionSet': (c, out) =>
    isAdminPolicyArn(str(c.p, 'managedPolicyArn')) && out.add('adminPolicy'),
  'sso:PutInlinePolicyToPermissionSet': (c, out) => policyFacts(c, 'inlinePolicy', c.p.inlinePolicy, out, true),
  'sts:AssumeRole': (c, out) => {
    const acct = accountOf(str(c.p, 'roleArn') ?? '');
    if (acct !== null && c.e.actor.accountId !== null && acct !== c.e.actor.accountId) out.add('crossAccountRole');
  },
  'signin:ConsoleLogin': (c, out) => {
    if (c.e.success && c.e.mfa === false) out.add('consoleLoginWithoutMfa');
  },
  // logging
  'cloudtrail:StopLogging': TRUE('loggingStopped'),
  'cloudtrail:DeleteTrail': TRUE('loggingStopped'),
  'cloudtrail:DeleteEventDataStore': TRUE('loggingStopped'),
  'cloudtrail:StopEventDataStoreIngestion': TRUE('loggingStopped'),
  'cloudtrail:UpdateTrail': (c, out) => trailNarrowed(c) && out.add('loggingNarrowed'),
  'cloudtrail:PutEventSelectors': (c, out) => selectorsNarrowing(c.p) !== null && out.add('loggingNarrowed'),
  'config:StopConfigurationRecorder': TRUE('loggingStopped'),
  'config:DeleteConfigurationRecorder': TRUE('loggingStopped'),
  'config:DeleteDeliveryChannel': TRUE('loggingStopped'),
  'ec2:DeleteFlowLogs': TRUE('loggingStopped'),
  'route53resolver:DeleteResolverQueryLogConfig': TRUE('loggingStopped'),
  'route53resolver:DisassociateResolverQueryLogConfig': TRUE('loggingStopped'),
  'logs:DeleteLogGroup': TRUE('loggingStopped'),
  'logs:DeleteLogStream': TRUE('loggingStopped'),
  'logs:PutRetentionPolicy': (c, out) => (num(c.p, 'retentionInDays') ?? 999) <= 7 && out.add('shortRetention'),
  'bedrock:DeleteModelInvocationLoggingConfiguration': TRUE('loggingStopped'),
  'rds:StopActivityStream': TRUE('loggingStopped'),
  'wafv2:DeleteLoggingConfiguration': TRUE('loggingStopped'),
  's3:PutBucketLogging': (c, out) => {
    const status = obj(c.p, 'BucketLoggingStatus', 'bucketLoggingStatus');
    if (status !== null && !isObject(status.LoggingEnabled ?? status.loggingEnabled)) out.add('loggingStopped');
  },
  's3:PutBucketLifecycle': (c, out) => lifecycleShort(c.p) && out.add('shortRetention'),
  's3:PutBucketLifecycleConfiguration': (c, out) => lifecycleShort(c.p) && out.add('shortRetention'),
  // security tooling
  'guardduty:DeleteDetector': TRUE('detectionDisabled'),
  'guardduty:DisassociateFromMasterAccount': TRUE('detectionDisabled'),
  'guardduty:DisassociateFromAdministratorAccount': TRUE('detectionDisabled'),
  'guardduty:StopMonitoringMembers': TRUE('detectionDisabled'),
  'guardduty:DeleteMembers': TRUE('detectionDisabled'),
  'guardduty:UpdateDetector': (c, out) => bool(c.p, 'enable') === false && out.add('detectionDisabled'),
  'securityhub:DisableSecurityHub': TRUE('detectionDisabled'),
  'securityhub:DisableOrganizationAdminAccount': TRUE('securityDelegationRemoved'),
  'guardduty:DisableOrganizationAdminAccount': TRUE('securityDelegationRemoved'),
  'cloudtrail:DeregisterOrganizationDelegatedAdmin': TRUE('securityDelegationRemoved'),
  'organizations:DeregisterDelegatedAdministrator': (c, out) =>
    SECURITY_PRINCIPALS.has(str(c.p, 'servicePrincipal') ?? '') && out.add('securityDelegationRemoved'),
  'securityhub:BatchDisableStandards': TRUE('detectionDisabled'),
  'macie2:DisableMacie': TRUE('detectionDisabled'),
  'macie2:UpdateMacieSession': (c, out) => str(c.p, 'status') === 'PAUSED' && out.add('detectionDisabled'),
  'access-analyzer:DeleteAnalyzer': TRUE('detectionDisabled'),
  'inspector2:Disable': TRUE('detectionDisabled'),
  'detective:DeleteGraph': TRUE('detectionDisabled'),
  'bedrock:DeleteGuardrail': TRUE('detectionDisabled'),
  'wafv2:DisassociateWebACL': TRUE('detectionDisabled'),
  'wafv2:DeleteWebACL': TRUE('detectionDisabled'),
  'organizations:LeaveOrganization': TRUE('leftOrganization'),
  'organizations:RemoveAccountFromOrganization': TRUE('leftOrganization'),
  // sharing and exposure
  'ec2:ModifySnapshotAttribute': (c, out) => shareFacts(c, ec2SharedWith(c.p), out),
  'ec2:ModifyImageAttribute': (c, out) => shareFacts(c, ec2SharedWith(c.p), out),
  'rds:ModifyDBSnapshotAttribute': (c, out) => shareFacts(c, rdsSharedWith(c.p), out),
  'rds:ModifyDBClusterSnapshotAttribute': (c, out) => shareFacts(c, rdsSharedWith(c.p), out),
  's3:PutBucketPolicy': (c, out) => policyFacts(c, 'bucketPolicy', c.p.bucketPolicy ?? c.p.policy, out, false),
  's3:PutBucketAcl': (c, out) => s3PublicAcl(c.p) !== null && out.add('publicShare'),
  's3:PutObjectAcl': (c, out) => s3PublicAcl(c.p) !== null && out.add('publicShare'),
  's3:DeleteBucketPublicAccessBlock': TRUE('publicAccessRemoved'),
  's3:PutBucketPublicAccessBlock': (c, out) =>
    (publicAccessRemoved(c)?.length ?? 0) > 0 && out.add('publicAccessRemoved'),
  's3:DeleteAccountPublicAccessBlock': TRUE('publicAccessRemoved'),
  's3:PutAccountPublicAccessBlock': (c, out) =>
    (publicAccessRemoved(c)?.length ?? 0) > 0 && out.add('publicAccessRemoved'),
  's3:DeleteBucketEncryption': TRUE('encryptionRemoved'),
  's3:PutBucketVersioning': (c, out) => {
    const cfg = obj(c.p, 'VersioningConfiguration', 'versioningConfiguration');
    if (cfg && str(cfg, 'Status', 'status') === 'Suspended') out.add('versioningSuspended');
  },
  'ec2:DisableEbsEncryptionByDefault': TRUE('encryptionRemoved'),
  'kms:ScheduleKeyDeletion': TRUE('keyDeletion'),
  'kms:DisableKey': TRUE('keyDisabled'),
  'kms:PutKeyPolicy': (c, out) => policyFacts(c, 'policy', c.p.policy, out, false),
  'secretsmanager:PutResourcePolicy': (c, out) => policyFacts(c, 'resourcePolicy', c.p.resourcePolicy, out, false),
  'ecr:SetRepositoryPolicy': (c, out) => policyFacts(c, 'policyText', c.p.policyText, out, false),
  'es:CreateElasticsearchDomain': (c, out) => policyFacts(c, 'accessPolicies', c.p.accessPolicies, out, false),
  'es:UpdateElasticsearchDomainConfig': (c, out) => policyFacts(c, 'accessPolicies', c.p.accessPolicies, out, false),
  'es:CreateDomain': (c, out) => policyFacts(c, 'accessPolicies', c.p.accessPolicies, out, false),
  'sqs:SetQueueAttributes': (c, out) => policyFacts(c, 'Policy', obj(c.p, 'attributes')?.Policy, out, false),
  'sns:SetTopicAttributes': (c, out) =>
    str(c.p, 'attributeName') === 'Policy' && policyFacts(c, 'attributeValue', c.p.attributeValue, out, false),
  'lambda:AddPermission': (c, out) => {
    const principal = str(c.p, 'principal') ?? '';
    if (principal === '*') {
      // Limited to a source (a bucket's notifications, an account's resources) or an organization, `*` is not everyone.
      if (!['sourceArn', 'sourceAccount', 'principalOrgID'].some((k) => str(c.p, k) !== null)) out.add('publicShare');
    } else {
      const acct = accountOf(principal);
      if (acct !== null && acct !== c.e.accountId) out.add('externalAccount');
    }
  },
  'lambda:CreateFunctionUrlConfig': (c, out) => str(c.p, 'authType') === 'NONE' && out.add('publicShare'),
  'lambda:UpdateFunctionUrlConfig': (c, out) => str(c.p, 'authType') === 'NONE' && out.add('publicShare'),
  'codebuild:UpdateProjectVisibility': (c, out) =>
    str(c.p, 'projectVisibility') === 'PUBLIC_READ' && out.add('publicShare'),
  // network
  'ec2:AuthorizeSecurityGroupIngress': (c, out) => {
    for (const rule of ipRules(c.p)) {
      if (!rule.cidrs.some(isWorld)) continue;
      out.add('openToWorld');
      if (reachesAdminPort(rule)) out.add('openToWorldAdminPort');
    }
  },
  'rds:AuthorizeDBSecurityGroupIngress': (c, out) => {
    if (isWorld(str(c.p, 'cIDRIP', 'cidrip', 'CIDRIP') ?? '')) out.add('openToWorld').add('openToWorldAdminPort');
  },
  'ec2:CreateNetworkAclEntry': (c, out) => networkAclOpen(c.p) && out.add('openToWorld'),
  'ec2:ReplaceNetworkAclEntry': (c, out) => networkAclOpen(c.p) && out.add('openToWorld'),
  'elasticloadbalancing:CreateLoadBalancer': (c, out) =>
    loadBalancerScheme(c) === 'internet-facing' && out.add('internetFacing'),
  'elasticloadbalancing:CreateListener': (c, out) =>
    str(c.p, 'protocol', 'Protocol') === 'HTTP' && out.add('unencryptedListener'),
  'elasticloadbalancing:ModifyListener': (c, out) =>
    str(c.p, 'protocol', 'Protocol') === 'HTTP' && out.add('unencryptedListener'),
  'elasticloadbalancing:CreateTargetGroup': (c, out) =>
    str(c.p, 'protocol', 'Protocol') === 'HTTP' && out.add('unencryptedTargetGroup'),
  'rds:ModifyDBInstance': rdsModifyFacts,
  'rds:ModifyDBCluster': rdsModifyFacts,
  'rds:CreateDBInstance': (c, out) => bool(c.p, 'publiclyAccessible') === true && out.add('publiclyAccessible'),
  'rds:RestoreDBInstanceFromDBSnapshot': (c, out) =>
    bool(c.p, 'publiclyAccessible') === true && out.add('publiclyAccessible'),
  'rds:DeleteDBInstance': (c, out) =>
    (bool(c.p, 'deleteAutomatedBackups') === true || bool(c.p, 'skipFinalSnapshot') === true) &&
    out.add('backupsDeleted'),
  'rds:DeleteDBCluster': (c, out) => bool(c.p, 'skipFinalSnapshot') === true && out.add('backupsDeleted'),
  'rds:DeleteDBInstanceAutomatedBackup': TRUE('backupsDeleted'),
  'rds:DeleteDBClusterAutomatedBackup': TRUE('backupsDeleted'),
  // credentials and execution
  'ec2:GetPasswordData': (c, out) => c.e.success && out.add('passwordDataRetrieved'),
  'secretsmanager:GetSecretValue': (c, out) => c.e.success && out.add('decryptedSecret'),
  'secretsmanager:BatchGetSecretValue': (c, out) => c.e.success && out.add('decryptedSecret'),
  'ssm:SendCommand': (c, out) => isFleetCommand(c.p) && out.add('fleetCommand'),
  'ssm:GetParameter': ssmDecrypt,
  'ssm:GetParameters': ssmDecrypt,
  'ssm:GetParametersByPath': ssmDecrypt,
  'ec2:ModifyInstanceAttribute': (c, out) => userDataOf(c.p) !== undefined && out.add('userDataModified'),
  'ec2:RunInstances': (c, out) => {
    const type = str(c.p, 'instanceType') ?? '';
    if (GPU_TYPE.test(type)) out.add('gpuInstances');
    if (runCount(c.p) >= 10) out.add('manyInstances');
  },
};

/**
 * An SSM command aimed at a fleet rather than at a machine: five or more instance ids, every
 * instance (`*`), or a tag or resource-group selector. Operators fix one box at a time; the
 * Stratus `ssm-send-command` detonation and ransomware playbooks address them all.
 */
export function isFleetCommand(p: Params): boolean {
  if (strings(p.instanceIds).length >= 5) return true;
  for (const t of items(p.targets)) {
    const key = str(t, 'key', 'Key') ?? '';
    const values = strings(t.values ?? t.Values);
    if (key.startsWith('tag:') || key === 'tag-key' || key === 'resource-groups:Name') return true;
    if (values.includes('*') || values.length >= 5) return true;
  }
  return false;
}

function ssmDecrypt(c: Ctx, out: Set<Fact>): void {
  if (c.e.success && bool(c.p, 'withDecryption') === true) out.add('decryptedSecret');
}

function rdsModifyFacts(c: Ctx, out: Set<Fact>): void {
  if (bool(c.p, 'publiclyAccessible') === true) out.add('publiclyAccessible');
  if (c.p.masterUserPassword !== undefined && c.p.masterUserPassword !== null) out.add('masterPasswordReset');
  if (bool(c.p, 'deletionProtection') === false) out.add('deletionProtectionRemoved');
}

function lifecycleShort(p: Params): boolean {
  const text = JSON.stringify(p.LifecycleConfiguration ?? p.lifecycleConfiguration ?? '');
  const days = [...text.matchAll(/"Days"\s*:\s*"?(\d+)/gi)].map((m) => Number(m[1]));
  return days.some((d) => d <= 7);
}

function networkAclOpen(p: Params): boolean {
  return (
    bool(p, 'egress') !== true &&
    str(p, 'ruleAction') === 'allow' &&
    isWorld(str(p, 'cidrBlock', 'ipv6CidrBlock') ?? '')
  );
}

export function loadBalancerScheme(c: Ctx): string | null {
  const fromRequest = str(c.p, 'scheme', 'Scheme');
  if (fromRequest !== null) return fromRequest;
  const lb = items(c.r.loadBalancers)[0];
  return lb ? str(lb, 'scheme') : null;
}

/** The user data a ModifyInstanceAttribute call sets, or undefined when it sets something else. */
export function userDataOf(p: Params): unknown {
  if (p.userData !== undefined) return p.userData;
  if (str(p, 'attribute') === 'userData') return p.value ?? '';
  return undefined;
}

/** Largest instance count a RunInstances call asked for. */
export function runCount(p: Params): number {
  const set = items(p.instancesSet);
  const counts = set.map((i) => num(i, 'maxCount', 'minCount') ?? 1);
  const top = num(p, 'maxCount', 'minCount');
  return Math.max(top ?? 0, ...counts, 1);
}

const DENIED =
  /AccessDenied|Unauthorized|Forbidden|NotAuthorized|AuthFailure|InvalidClientTokenId|SignatureDoesNotMatch/i;

/** Every fact of one event, sorted for stable output. */
export function extractFacts(c: Ctx): Fact[] {
  const out = new Set<Fact>();
  const extractor = EXTRACTORS[c.key];
  if (extractor !== undefined) {
    try {
      extractor(c, out);
    } catch {
      // Hostile parameters must never break a pipeline; a fact we cannot read is no fact.
    }
  }
  if (!c.e.success) {
    if (c.e.errorCode !== null && DENIED.test(c.e.errorCode)) out.add('accessDenied');
    if (c.key === 'signin:ConsoleLogin') out.add('loginFailed');
  }
  if (c.e.actor?.type === 'root') out.add('rootActivity');
  computeFacts(c, out);
  return [...out].sort();
}
