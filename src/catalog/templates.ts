/**
 * Hand-written sentence templates for security-relevant actions. Each returns the middle of
 * a sentence, past tense, after the actor: `attached AdministratorAccess (full admin rights)
 * to IAM user svc-backup`. They name the parameter that makes a call dangerous. Where,
 * from where and the outcome are added by `sentence.ts`. A template never throws on missing
 * or malformed parameters: it says less.
 */
import type { Ctx } from './context.ts';
import {
  ec2SharedWith,
  ec2UnsharedFrom,
  isAdminPolicyArn,
  loadBalancerScheme,
  publicAccessRemoved,
  rdsSharedWith,
  runCount,
  s3PublicAcl,
  selectorsNarrowing,
  userDataOf,
} from './facts.ts';
import {
  accountOf,
  arnName,
  bool,
  cidrText,
  clip,
  instanceIdsOf,
  ipRules,
  items,
  list,
  num,
  obj,
  type Params,
  type PolicySummary,
  portText,
  str,
  strings,
} from './params.ts';

export type Template = (c: Ctx) => string;

// ---- helpers ----

/** A parameter value, clipped, or a placeholder when absent. */
function v(s: string | null, placeholder = '(name not in the record)'): string {
  // 160 keeps whole ARNs (secrets, load balancers) readable while a hostile 1 MB value stays short.
  return s === null ? placeholder : clip(s, 160);
}

/**
 * The name of the first resource of a CloudTrail type (`resources[]`), for records whose
 * request parameters lack it (S3 and KMS data events, hand-trimmed records).
 */
function resourceName(c: Ctx, type: string): string | null {
  for (const r of Array.isArray(c.e.resources) ? c.e.resources : []) {
    if (r?.type !== type) continue;
    if (r.name) return r.name;
    if (r.arn) return arnName(r.arn);
  }
  return null;
}

function user(c: Ctx): string {
  return `IAM user ${v(str(c.p, 'userName') ?? resourceName(c, 'AWS::IAM::User'))}`;
}
function role(c: Ctx): string {
  return `IAM role ${v(str(c.p, 'roleName') ?? resourceName(c, 'AWS::IAM::Role'))}`;
}
function group(c: Ctx): string {
  return `IAM group ${v(str(c.p, 'groupName'))}`;
}
/** The user a self-service call acts on: named, or the caller itself. */
function userOrSelf(c: Ctx): string {
  const u = str(c.p, 'userName');
  if (u !== null) return `IAM user ${clip(u)}`;
  return c.e.actor?.type === 'root' ? 'the root user' : 'their own IAM user';
}

/** ` trusting <principals>` when the call carries a readable trust policy, else ''. */
function trustClause(c: Ctx, field: string, verb = 'trusting'): string {
  const raw = c.p[field];
  if (raw === undefined || raw === null || raw === '') return '';
  return ` ${verb} ${principalText(c.policy(field, raw))}`;
}

/** `layer-name:3` from a layer version ARN. */
function layerName(arn: string): string {
  const m = /:layer:([^:]+)(?::(\d+))?$/.exec(arn);
  return m ? `${m[1]}${m[2] ? `:${m[2]}` : ''}` : arnName(arn);
}

function policyArnText(arn: string | null): string {
  if (arn === null) return 'a policy';
  const name = clip(arnName(arn));
  if (isAdminPolicyArn(arn)) return `${name} (full admin rights)`;
  return arn.includes(':aws:policy/') ? `AWS managed policy ${name}` : `customer policy ${name}`;
}

function docText(s: PolicySummary | null): string {
  if (s === null) return 'a policy document that could not be read';
  if (s.admin) return 'a policy allowing * on * (full admin rights)';
  return `a policy ${s.text}`;
}

function principalText(s: PolicySummary | null, own = 'principals in its own account'): string {
  if (s === null) return 'an unreadable policy';
  const parts: string[] = [];
  if (s.anyone) parts.push('anyone (*)');
  if (s.externalAccounts.length > 0)
    parts.push(`external account${s.externalAccounts.length > 1 ? 's' : ''} ${list(s.externalAccounts)}`);
  if (s.services.length > 0) parts.push(list(s.services));
  return parts.length > 0 ? list(parts) : own;
}

function sharedText(accounts: string[], own: string): string {
  if (accounts.length === 0) return 'no one new';
  const named = accounts.map((a) =>
    a.toLowerCase() === 'all' ? 'everyone (public)' : a === own ? `${a} (same account)` : `account ${clip(a, 20)}`,
  );
  return list(named, 5);
}

function bucket(c: Ctx): string {
  return `bucket ${v(str(c.p, 'bucketName') ?? hostBucket(c.p) ?? resourceName(c, 'AWS::S3::Bucket'))}`;
}

function hostBucket(p: Params): string | null {
  const host = str(p, 'Host', 'host') ?? strings(p.host)[0] ?? null;
  const m = host === null ? null : /^([a-z0-9.-]+)\.s3[.-]/.exec(host);
  return m?.[1] ?? null;
}

function instancesText(p: Params): string {
  const ids = instanceIdsOf(p);
  if (ids.length === 0) return 'an instance';
  return `${ids.length === 1 ? 'instance' : 'instances'} ${list(ids)}`;
}

function trailName(c: Ctx): string {
  const name = str(c.p, 'name', 'trailName', 'Name') ?? resourceName(c, 'AWS::CloudTrail::Trail');
  return `trail ${v(name === null ? null : name.startsWith('arn:') ? arnName(name) : name)}`;
}

function key(c: Ctx): string {
  const id = str(c.p, 'keyId') ?? resourceName(c, 'AWS::KMS::Key');
  return `KMS key ${v(id === null ? null : id.startsWith('arn:') ? arnName(id) : id)}`;
}

function fn(c: Ctx): string {
  const name =
    str(c.p, 'functionName') ??
    str(obj(obj(c.p, 'fullyQualifiedArn'), 'relativeId'), 'functionName') ??
    resourceName(c, 'AWS::Lambda::Function');
  return `Lambda function ${v(name === null ? null : name.startsWith('arn:') ? arnName(name) : name)}`;
}

function dbInstance(c: Ctx): string {
  return `DB instance ${v(str(c.p, 'dBInstanceIdentifier'))}`;
}
function dbCluster(c: Ctx): string {
  return `DB cluster ${v(str(c.p, 'dBClusterIdentifier'))}`;
}

function sgRules(c: Ctx): string {
  const rules = ipRules(c.p);
  if (rules.length === 0) return 'rules';
  const parts = rules.map((r) => {
    const from = [...r.cidrs.map(cidrText), ...r.sources].join(', ') || 'no source';
    return `${portText(r)} from ${from}`;
  });
  return list(parts, 3);
}

function sgName(c: Ctx): string {
  return `security group ${v(str(c.p, 'groupId', 'groupName'))}`;
}

function nested(p: Params, k: string): Params {
  return obj(p, k) ?? p;
}

function secretIds(c: Ctx): string {
  const ids = [...strings(c.p.secretIdList), ...strings(c.p.secretId)];
  if (ids.length > 0)
    return `secret${ids.length > 1 ? 's' : ''} ${list(ids.map((i) => (i.startsWith('arn:') ? arnName(i) : i)))}`;
  const filters = items(c.p.filters).map((f) => `${str(f, 'key') ?? '?'}=${strings(f.values).join('|') || '*'}`);
  return filters.length > 0 ? `every secret matching ${list(filters)}` : 'secrets';
}

function paramNames(c: Ctx): string {
  const names = [...strings(c.p.names), ...strings(c.p.name)];
  const path = str(c.p, 'path');
  const what =
    path !== null
      ? `every parameter under ${clip(path)}`
      : names.length > 0
        ? `parameter${names.length > 1 ? 's' : ''} ${list(names)}`
        : 'parameters';
  return bool(c.p, 'withDecryption') === true ? `${what} with decryption (plaintext SecureString values)` : what;
}

function loginText(c: Ctx): string {
  if (!c.e.success) return 'tried to sign in to the AWS console';
  const mfa = c.e.mfa === true ? 'with MFA' : c.e.mfa === false ? 'without MFA' : 'with MFA unknown';
  return `signed in to the AWS console ${mfa}`;
}

// ---- templates ----

export const TEMPLATES: Readonly<Record<string, Template>> = {
  // IAM users, groups, roles
  'iam:CreateUser': (c) => `created ${user(c)}`,
  'iam:DeleteUser': (c) => `deleted ${user(c)}`,
  'iam:UpdateUser': (c) =>
    `renamed or moved ${user(c)}${str(c.p, 'newUserName') ? ` to ${clip(str(c.p, 'newUserName') ?? '')}` : ''}`,
  'iam:GetUser': (c) => `looked up ${userOrSelf(c)}`,
  'iam:ListUsers': () => 'listed the IAM users',
  'iam:CreateGroup': (c) => `created ${group(c)}`,
  'iam:DeleteGroup': (c) => `deleted ${group(c)}`,
  'iam:AddUserToGroup': (c) => `added ${user(c)} to ${group(c)}`,
  'iam:RemoveUserFromGroup': (c) => `removed ${user(c)} from ${group(c)}`,
  'iam:CreateRole': (c) => `created ${role(c)}${trustClause(c, 'assumeRolePolicyDocument')}`,
  'iam:DeleteRole': (c) => `deleted ${role(c)}`,
  'iam:UpdateAssumeRolePolicy': (c) =>
    `changed the trust policy of ${role(c)}${trustClause(c, 'policyDocument', 'to trust')}`,
  'iam:CreateServiceLinkedRole': (c) =>
    `created a service-linked role for ${v(str(c.p, 'aWSServiceName', 'awsServiceName'), 'an AWS service')}`,
  'iam:CreateInstanceProfile': (c) => `created instance profile ${v(str(c.p, 'instanceProfileName'))}`,
  'iam:AddRoleToInstanceProfile': (c) => `added ${role(c)} to instance profile ${v(str(c.p, 'instanceProfileName'))}`,
  'iam:PassRole': (c) => `passed ${role(c)} to a service`,
  'iam:GetRole': (c) => `looked up ${role(c)}`,
  'iam:ListRoles': () => 'listed the IAM roles',
  'iam:ListGroupsForUser': (c) => `listed the groups of ${userOrSelf(c)}`,
  'iam:ListAttachedUserPolicies': (c) => `listed the policies attached to ${userOrSelf(c)}`,
  'iam:ListAttachedRolePolicies': (c) => `listed the policies attached to ${role(c)}`,
  'iam:ListPolicies': () => 'listed the IAM policies',
  'iam:GetPolicyVersion': (c) => `read version ${v(str(c.p, 'versionId'))} of policy ${v(str(c.p, 'policyArn'))}`,
  // IAM policies
  'iam:AttachUserPolicy': (c) => `attached ${policyArnText(str(c.p, 'policyArn'))} to ${user(c)}`,
  'iam:AttachRolePolicy': (c) => `attached ${policyArnText(str(c.p, 'policyArn'))} to ${role(c)}`,
  'iam:AttachGroupPolicy': (c) => `attached ${policyArnText(str(c.p, 'policyArn'))} to ${group(c)}`,
  'iam:DetachUserPolicy': (c) => `detached ${policyArnText(str(c.p, 'policyArn'))} from ${user(c)}`,
  'iam:DetachRolePolicy': (c) => `detached ${policyArnText(str(c.p, 'policyArn'))} from ${role(c)}`,
  'iam:DetachGroupPolicy': (c) => `detached ${policyArnText(str(c.p, 'policyArn'))} from ${group(c)}`,
  'iam:PutUserPolicy': (c) =>
    `put inline policy ${v(str(c.p, 'policyName'))} on ${user(c)}: ${docText(c.policy('policyDocument', c.p.policyDocument))}`,
  'iam:PutRolePolicy': (c) =>
    `put inline policy ${v(str(c.p, 'policyName'))} on ${role(c)}: ${docText(c.policy('policyDocument', c.p.policyDocument))}`,
  'iam:PutGroupPolicy': (c) =>
    `put inline policy ${v(str(c.p, 'policyName'))} on ${group(c)}: ${docText(c.policy('policyDocument', c.p.policyDocument))}`,
  'iam:DeleteUserPolicy': (c) => `deleted inline policy ${v(str(c.p, 'policyName'))} from ${user(c)}`,
  'iam:DeleteRolePolicy': (c) => `deleted inline policy ${v(str(c.p, 'policyName'))} from ${role(c)}`,
  'iam:DeleteGroupPolicy': (c) => `deleted inline policy ${v(str(c.p, 'policyName'))} from ${group(c)}`,
  'iam:CreatePolicy': (c) =>
    `created managed policy ${v(str(c.p, 'policyName'))}: ${docText(c.policy('policyDocument', c.p.policyDocument))}`,
  'iam:DeletePolicy': (c) => `deleted managed policy ${v(str(c.p, 'policyArn'))}`,
  'iam:CreatePolicyVersion': (c) =>
    `created a new version of policy ${v(str(c.p, 'policyArn') && arnName(str(c.p, 'policyArn') ?? ''))}${bool(c.p, 'setAsDefault') ? ' (set as default)' : ''}: ${docText(c.policy('policyDocument', c.p.policyDocument))}`,
  'iam:SetDefaultPolicyVersion': (c) =>
    `switched policy ${v(str(c.p, 'policyArn'))} to version ${v(str(c.p, 'versionId'))}`,
  'iam:PutUserPermissionsBoundary': (c) =>
    `set permissions boundary ${policyArnText(str(c.p, 'permissionsBoundary'))} on ${user(c)}`,
  'iam:PutRolePermissionsBoundary': (c) =>
    `set permissions boundary ${policyArnText(str(c.p, 'permissionsBoundary'))} on ${role(c)}`,
  'iam:DeleteUserPermissionsBoundary': (c) => `removed the permissions boundary from ${user(c)}`,
  'iam:DeleteRolePermissionsBoundary': (c) => `removed the permissions boundary from ${role(c)}`,
  // IAM credentials
  'iam:CreateAccessKey': (c) => {
    const id = str(nested(c.r, 'accessKey'), 'accessKeyId');
    return `created access key${id ? ` ${clip(id)}` : ''} for ${userOrSelf(c)}`;
  },
  'iam:DeleteAccessKey': (c) => `deleted access key ${v(str(c.p, 'accessKeyId'))} of ${userOrSelf(c)}`,
  'iam:UpdateAccessKey': (c) =>
    `set access key ${v(str(c.p, 'accessKeyId'))} of ${userOrSelf(c)} to ${v(str(c.p, 'status'), 'a new status')}`,
  'iam:ListAccessKeys': (c) => `listed the access keys of ${userOrSelf(c)}`,
  'iam:CreateLoginProfile': (c) =>
    `gave ${userOrSelf(c)} a console password${bool(c.p, 'passwordResetRequired') === false ? ' (no reset required)' : ''}`,
  'iam:UpdateLoginProfile': (c) => `changed the console password of ${userOrSelf(c)}`,
  'iam:DeleteLoginProfile': (c) => `removed the console password of ${userOrSelf(c)}`,
  'iam:ChangePassword': () => 'changed their own console password',
  'iam:UpdateAccountPasswordPolicy': (c) =>
    `changed the account password policy (minimum length ${v(str(c.p, 'minimumPasswordLength'), 'unchanged')})`,
  'iam:DeleteAccountPasswordPolicy': () => 'deleted the account password policy',
  'iam:UploadSSHPublicKey': (c) => `uploaded an SSH public key for ${userOrSelf(c)}`,
  'iam:CreateServiceSpecificCredential': (c) =>
    `created a ${v(str(c.p, 'serviceName'), 'service')} credential for ${userOrSelf(c)}`,
  'iam:UploadSigningCertificate': (c) => `uploaded a signing certificate for ${userOrSelf(c)}`,
  // MFA
  'iam:CreateVirtualMFADevice': (c) =>
    `created virtual MFA device ${v(str(c.p, 'virtualMFADeviceName') ?? str(obj(c.r, 'virtualMFADevice'), 'serialNumber'))}`,
  'iam:EnableMFADevice': (c) => `enabled MFA device ${v(str(c.p, 'serialNumber'))} for ${userOrSelf(c)}`,
  'iam:DeactivateMFADevice': (c) =>
    `deactivated MFA device ${v(str(c.p, 'serialNumber'))} of ${userOrSelf(c)}, removing its MFA`,
  'iam:DeleteVirtualMFADevice': (c) => `deleted virtual MFA device ${v(str(c.p, 'serialNumber'))}, removing MFA`,
  'iam:ResyncMFADevice': (c) => `resynchronised MFA device ${v(str(c.p, 'serialNumber'))} of ${userOrSelf(c)}`,
  // identity providers
  'iam:CreateSAMLProvider': (c) =>
    `created SAML identity provider ${v(str(c.p, 'name') ?? (str(c.r, 'sAMLProviderArn') && arnName(str(c.r, 'sAMLProviderArn') ?? '')))}`,
  'iam:UpdateSAMLProvider': (c) => `replaced the metadata of SAML identity provider ${v(str(c.p, 'sAMLProviderArn'))}`,
  'iam:DeleteSAMLProvider': (c) => `deleted SAML identity provider ${v(str(c.p, 'sAMLProviderArn'))}`,
  'iam:CreateOpenIDConnectProvider': (c) => `created OIDC identity provider ${v(str(c.p, 'url'))}`,
  'iam:GetAccountAuthorizationDetails': () =>
    'downloaded every IAM user, role, group and policy (GetAccountAuthorizationDetails)',
  // STS and sign-in
  'sts:AssumeRole': (c) => {
    const arn = str(c.p, 'roleArn') ?? c.e.resources?.find((r) => r?.type === 'AWS::IAM::Role')?.arn ?? null;
    const session = str(c.p, 'roleSessionName');
    const account = arn ? accountOf(arn) : null;
    const other =
      account !== null && c.e.actor?.accountId && account !== c.e.actor.accountId
        ? ` (another account, ${account})`
        : '';
    return `assumed ${arn ? `role ${clip(arn, 120)}${other}` : 'a role'}${session ? ` as session ${clip(session)}` : ''}`;
  },
  'sts:AssumeRoleWithSAML': (c) =>
    `assumed role ${v(str(c.p, 'roleArn'))} with a SAML assertion from ${v(str(c.p, 'principalArn'))}`,
  'sts:AssumeRoleWithWebIdentity': (c) =>
    `assumed role ${v(str(c.p, 'roleArn'))} with a web identity token as session ${v(str(c.p, 'roleSessionName'))}`,
  'sts:GetFederationToken': (c) =>
    `created federated session ${v(str(c.p, 'name'))}${c.p.policy !== undefined || c.p.policyArns !== undefined ? ' with a session policy' : ''}${str(c.p, 'durationSeconds') ? ` lasting ${clip(str(c.p, 'durationSeconds') ?? '')} seconds` : ''}`,
  'sts:GetSessionToken': (c) =>
    `obtained a session token${str(c.p, 'serialNumber') ? ` with MFA ${clip(str(c.p, 'serialNumber') ?? '')}` : ''}`,
  'sts:GetCallerIdentity': () => 'asked who they are (GetCallerIdentity)',
  'signin:ConsoleLogin': (c) => loginText(c),
  'signin:SwitchRole': () => 'switched role in the console',
  'signin:CheckMfa': () => 'passed an MFA check at console sign-in',
  'signin:ExternalIdPDirectoryLogin': () => 'signed in through an external identity provider',
  'signin:GetSigninToken': () => 'obtained a console sign-in token for a federated session',
  'signin:PasswordUpdated': () => 'updated their console password',
  'signin:PasswordRecoveryRequested': () => 'requested a root password recovery',
  'signin:RenewRole': () => 'renewed a console role session',
  'signin:UserAuthentication': () => 'authenticated at console sign-in',
  'signin:CredentialChallenge': () => 'was asked for an additional sign-in credential (MFA)',
  'signin:CredentialVerification': () => 'verified an additional sign-in credential (MFA)',
  'signin:PasswordRecoveryCompleted': () => 'completed a root password recovery',
  // IAM Identity Center
  'sso:Federate': (c) => `federated into account ${v(str(c.p, 'accountId'))} through IAM Identity Center`,
  'sso:GetRoleCredentials': (c) =>
    `obtained credentials for role ${v(str(c.p, 'roleName'))} in account ${v(str(c.p, 'accountId'))} through IAM Identity Center`,
  'sso:Authenticate': () => 'authenticated to the IAM Identity Center portal',
  'sso:CreateAccountAssignment': (c) =>
    `assigned permission set ${v(str(c.p, 'permissionSetArn'))} in account ${v(str(c.p, 'targetId'))} to ${v(str(c.p, 'principalType'), 'a principal')} ${v(str(c.p, 'principalId'))}`,
  'sso:CreatePermissionSet': (c) => `created permission set ${v(str(c.p, 'name'))}`,
  'sso:AttachManagedPolicyToPermissionSet': (c) =>
    `attached ${policyArnText(str(c.p, 'managedPolicyArn'))} to permission set ${v(str(c.p, 'permissionSetArn'))}`,
  'sso:PutInlinePolicyToPermissionSet': (c) =>
    `put an inline policy on permission set ${v(str(c.p, 'permissionSetArn'))}: ${docText(c.policy('inlinePolicy', c.p.inlinePolicy))}`,
  'sso:ListAccounts': () => 'listed the accounts they can reach through IAM Identity Center',
  'sso:ListAccountRoles': (c) =>
    `listed the roles they can use in account ${v(str(c.p, 'accountId'))} through IAM Identity Center`,
  'sso:Logout': () => 'signed out of the IAM Identity Center portal',
  'sso:DeleteAccountAssignment': (c) =>
    `removed permission set ${v(str(c.p, 'permissionSetArn'))} in account ${v(str(c.p, 'targetId'))} from ${v(str(c.p, 'principalType'), 'a principal')} ${v(str(c.p, 'principalId'))}`,
  'sso:DeletePermissionSet': (c) => `deleted permission set ${v(str(c.p, 'permissionSetArn'))}`,
  'sso:DetachManagedPolicyFromPermissionSet': (c) =>
    `detached ${policyArnText(str(c.p, 'managedPolicyArn'))} from permission set ${v(str(c.p, 'permissionSetArn'))}`,
  'identitystore:DeleteUser': (c) => `deleted Identity Center user ${v(str(c.p, 'userId'))}`,
  'identitystore:UpdateUser': (c) => `updated Identity Center user ${v(str(c.p, 'userId'))}`,
  'sso-directory:DeleteUser': (c) => `deleted Identity Center user ${v(str(c.p, 'userId'))}`,
  'sso-directory:DisableUser': (c) => `disabled Identity Center user ${v(str(c.p, 'userId'))}`,
  'sso-oauth:CreateToken': () => 'obtained an IAM Identity Center OIDC token',
  'identitystore:CreateUser': (c) => `created Identity Center user ${v(str(c.p, 'userName'))}`,
  'identitystore:CreateGroupMembership': (c) =>
    `added member ${v(str(nested(c.p, 'memberId'), 'userId'))} to Identity Center group ${v(str(c.p, 'groupId'))}`,
  'sso-directory:CreateUser': (c) => `created Identity Center user ${v(str(c.p, 'userName'))}`,
  'sso-directory:AddMemberToGroup': (c) => `added a member to Identity Center group ${v(str(c.p, 'groupId'))}`,
  'rolesanywhere:CreateTrustAnchor': (c) =>
    `created IAM Roles Anywhere trust anchor ${v(str(c.p, 'name'))}${bool(c.p, 'enabled') ? ' (enabled)' : ''} trusting an external certificate authority`,
  'rolesanywhere:CreateProfile': (c) =>
    `created IAM Roles Anywhere profile ${v(str(c.p, 'name'))} for roles ${list(strings(c.p.roleArns).map(arnName)) || '(none)'}`,
  // CloudTrail
  'cloudtrail:StopLogging': (c) => `stopped logging on CloudTrail ${trailName(c)}`,
  'cloudtrail:DeleteTrail': (c) => `deleted CloudTrail ${trailName(c)}, which stopped logging`,
  'cloudtrail:StartLogging': (c) => `started logging on CloudTrail ${trailName(c)}`,
  'cloudtrail:CreateTrail': (c) =>
    `created CloudTrail ${trailName(c)}${str(c.p, 's3BucketName') ? ` delivering to bucket ${clip(str(c.p, 's3BucketName') ?? '')}` : ''}`,
  'cloudtrail:UpdateTrail': (c) => {
    const changes: string[] = [];
    if (bool(c.p, 'isMultiRegionTrail') === false) changes.push('now logs one region only');
    if (bool(c.p, 'includeGlobalServiceEvents') === false) changes.push('no longer logs global services (IAM, STS)');
    if (bool(c.p, 'enableLogFileValidation') === false) changes.push('log file validation off');
    if (str(c.p, 's3BucketName')) changes.push(`now delivers to bucket ${clip(str(c.p, 's3BucketName') ?? '')}`);
    return `updated CloudTrail ${trailName(c)}${changes.length > 0 ? `: ${list(changes)}, narrowing logging` : ''}`.replace(
      /: now delivers to bucket ([^,]+), narrowing logging$/,
      ': now delivers to bucket $1',
    );
  },
  'cloudtrail:PutEventSelectors': (c) => {
    const why = selectorsNarrowing(c.p);
    return `changed the event selectors of CloudTrail trail ${v(str(c.p, 'trailName') && arnName(str(c.p, 'trailName') ?? ''))}${why ? `: ${why}, narrowing logging` : ''}`;
  },
  'cloudtrail:DeleteEventDataStore': (c) =>
    `deleted CloudTrail Lake event data store ${v(str(c.p, 'eventDataStore'))}, which stopped logging`,
  'cloudtrail:StopEventDataStoreIngestion': (c) =>
    `stopped ingestion into CloudTrail Lake event data store ${v(str(c.p, 'eventDataStore'))}, which stopped logging`,
  'cloudtrail:DescribeTrails': () => 'listed the CloudTrail trails',
  'cloudtrail:DescribeTrail': (c) => `looked up CloudTrail ${trailName(c)}`,
  'cloudtrail:GetTrailStatus': (c) => `checked whether CloudTrail ${trailName(c)} is logging`,
  'cloudtrail:GetEventSelectors': (c) =>
    `read the event selectors of CloudTrail trail ${v(str(c.p, 'trailName') && arnName(str(c.p, 'trailName') ?? ''))}`,
  'cloudtrail:LookupEvents': () => 'searched the CloudTrail event history',
  // Config, flow logs, DNS logs, log groups
  'config:StopConfigurationRecorder': (c) =>
    `stopped AWS Config recorder ${v(str(c.p, 'configurationRecorderName'))}, which stopped configuration logging`,
  'config:DeleteConfigurationRecorder': (c) =>
    `deleted AWS Config recorder ${v(str(c.p, 'configurationRecorderName'))}, which stopped configuration logging`,
  'config:DeleteDeliveryChannel': (c) =>
    `deleted AWS Config delivery channel ${v(str(c.p, 'deliveryChannelName', 'configurationRecorderName'))}, which stopped configuration logging`,
  'config:PutDeliveryChannel': (c) =>
    `changed AWS Config delivery channel ${v(str(nested(c.p, 'deliveryChannel'), 'name', 'configurationRecorderName'))}`,
  'config:DeleteConfigRule': (c) => `deleted AWS Config rule ${v(str(c.p, 'configRuleName'))}`,
  'ec2:DeleteFlowLogs': (c) => {
    const ids = [
      ...strings(c.p.flowLogIds, 'item'),
      ...strings(obj(obj(c.p, 'DeleteFlowLogsRequest'), 'FlowLogId')?.content),
    ];
    return `deleted VPC flow log${ids.length > 1 ? 's' : ''} ${list(ids) || '(name not in the record)'}, which stopped network logging`;
  },
  'ec2:CreateFlowLogs': (c) => `created VPC flow logs for ${list(strings(c.p.resourceIds, 'item')) || 'resources'}`,
  'route53resolver:DeleteResolverQueryLogConfig': (c) =>
    `deleted Route 53 Resolver query logging configuration ${v(str(c.p, 'resolverQueryLogConfigId'))}, which stopped DNS query logging`,
  'route53resolver:DisassociateResolverQueryLogConfig': (c) =>
    `detached DNS query logging ${v(str(c.p, 'resolverQueryLogConfigId'))} from VPC ${v(str(c.p, 'resourceId'))}, which stopped DNS query logging`,
  'logs:DeleteLogGroup': (c) => `deleted CloudWatch log group ${v(str(c.p, 'logGroupName'))} and the logs in it`,
  'logs:DeleteLogStream': (c) =>
    `deleted log stream ${v(str(c.p, 'logStreamName'))} of log group ${v(str(c.p, 'logGroupName'))}`,
  'logs:PutRetentionPolicy': (c) =>
    `set the retention of log group ${v(str(c.p, 'logGroupName'))} to ${v(str(c.p, 'retentionInDays'), '?')} days`,
  'logs:DeleteSubscriptionFilter': (c) =>
    `deleted subscription filter ${v(str(c.p, 'filterName'))} of log group ${v(str(c.p, 'logGroupName'))}`,
  // security tooling
  'guardduty:DeleteDetector': (c) =>
    `deleted GuardDuty detector ${v(str(c.p, 'detectorId'))}, disabling threat detection`,
  'guardduty:UpdateDetector': (c) => {
    const enable = bool(c.p, 'enable');
    return `updated GuardDuty detector ${v(str(c.p, 'detectorId'))}${enable === false ? ', disabling threat detection' : enable === true ? ' (enabled)' : ''}`;
  },
  'guardduty:DisassociateFromMasterAccount': (c) =>
    `disconnected GuardDuty detector ${v(str(c.p, 'detectorId'))} from its administrator account, hiding its findings`,
  'guardduty:DisassociateFromAdministratorAccount': (c) =>
    `disconnected GuardDuty detector ${v(str(c.p, 'detectorId'))} from its administrator account, hiding its findings`,
  'guardduty:StopMonitoringMembers': (c) =>
    `stopped GuardDuty monitoring of member accounts ${list(strings(c.p.accountIds)) || '(name not in the record)'}`,
  'guardduty:DeleteMembers': (c) =>
    `removed GuardDuty member accounts ${list(strings(c.p.accountIds)) || '(name not in the record)'}`,
  'guardduty:CreateIPSet': (c) =>
    `added trusted IP list ${v(str(c.p, 'name'))} to GuardDuty (${v(str(c.p, 'location'), 'no location')})`,
  'guardduty:CreateFilter': (c) =>
    `created GuardDuty filter ${v(str(c.p, 'name'))} with action ${v(str(c.p, 'action'), 'NOOP')}`,
  'securityhub:DisableSecurityHub': () => 'disabled Security Hub',
  'securityhub:BatchDisableStandards': () => 'disabled Security Hub standards',
  'securityhub:DeleteInsight': (c) => `deleted Security Hub insight ${v(str(c.p, 'InsightArn', 'Name'))}`,
  'securityhub:CreateInsight': (c) => `created Security Hub insight ${v(str(c.p, 'Name'))}`,
  'macie:UpdateMacieSession': (c) =>
    `updated the Macie Classic session${str(c.p, 'status') ? ` to ${clip(str(c.p, 'status') ?? '')}` : ''}`,
  'guardduty:ListDetectors': () => 'listed the GuardDuty detectors',
  'securityhub:UpdateFindings': (c) =>
    `updated Security Hub findings${str(c.p, 'RecordState') ? ` to ${clip(str(c.p, 'RecordState') ?? '')}` : ''}`,
  'macie2:DisableMacie': () => 'disabled Amazon Macie',
  'macie2:UpdateMacieSession': (c) =>
    `updated the Macie session${str(c.p, 'status') ? ` to ${clip(str(c.p, 'status') ?? '')}` : ''}`,
  'access-analyzer:DeleteAnalyzer': (c) => `deleted IAM Access Analyzer ${v(str(c.p, 'analyzerName'))}`,
  'inspector2:Disable': () => 'disabled Amazon Inspector',
  'bedrock:DeleteGuardrail': (c) =>
    `deleted Bedrock guardrail ${v(str(c.p, 'guardrailIdentifier'))}, removing its content protections`,
  'bedrock:UpdateGuardrail': (c) => `updated Bedrock guardrail ${v(str(c.p, 'guardrailIdentifier'))}`,
  'bedrock:DeleteModelInvocationLoggingConfiguration': () =>
    'deleted the Bedrock model invocation logging configuration, which stopped logging of model prompts and responses',
  'bedrock:InvokeModel': (c) => `invoked Bedrock model ${v(str(c.p, 'modelId'))}`,
  'bedrock:PutFoundationModelEntitlement': (c) => `enabled access to Bedrock model ${v(str(c.p, 'modelId'))}`,
  'bedrock:CreateFoundationModelAgreement': (c) =>
    `accepted the model agreement for Bedrock model ${v(str(c.p, 'modelId'))}`,
  'bedrock:PutUseCaseForModelAccess': () => 'submitted a Bedrock model-access use case',
  'bedrock:GetFoundationModelAvailability': (c) =>
    `checked whether Bedrock model ${v(str(c.p, 'modelId'))} is available to the account`,
  'bedrock:ListFoundationModelAgreementOffers': (c) =>
    `listed the agreement offers for Bedrock model ${v(str(c.p, 'modelId'))}`,
  'bedrock:ListFoundationModels': () => 'listed the Bedrock foundation models',
  'bedrock:ListGuardrails': () => 'listed the Bedrock guardrails',
  'wafv2:DisassociateWebACL': (c) => `removed the WAF web ACL protecting ${v(str(c.p, 'resourceArn'))}`,
  'wafv2:DeleteWebACL': (c) => `deleted WAF web ACL ${v(str(c.p, 'name', 'id'))}`,
  'cloudwatch:DeleteAlarms': (c) =>
    `deleted CloudWatch alarms ${list(strings(c.p.alarmNames)) || '(name not in the record)'}`,
  'cloudwatch:DisableAlarmActions': (c) =>
    `disabled the actions of CloudWatch alarms ${list(strings(c.p.alarmNames)) || '(name not in the record)'}`,
  'events:DisableRule': (c) => `disabled EventBridge rule ${v(str(c.p, 'name'))}`,
  'events:DeleteRule': (c) => `deleted EventBridge rule ${v(str(c.p, 'name'))}`,
  // Organizations and account
  'organizations:LeaveOrganization': () =>
    'took the account out of its AWS Organization, escaping its guardrails (SCPs) and central logging',
  'organizations:RemoveAccountFromOrganization': (c) =>
    `removed account ${v(str(c.p, 'accountId'))} from the organization`,
  'organizations:DeleteOrganization': () => 'deleted the AWS Organization',
  'organizations:DetachPolicy': (c) =>
    `detached organization policy ${v(str(c.p, 'policyId'))} from ${v(str(c.p, 'targetId'))}`,
  'organizations:DeletePolicy': (c) => `deleted organization policy ${v(str(c.p, 'policyId'))}`,
  'organizations:DisablePolicyType': (c) =>
    `disabled ${v(str(c.p, 'policyType'), 'a')} policies on root ${v(str(c.p, 'rootId'))}`,
  'organizations:CreateAccount': (c) =>
    `created member account ${v(str(c.p, 'accountName'))} (${v(str(c.p, 'email'), 'no email')})`,
  'organizations:InviteAccountToOrganization': (c) =>
    `invited account ${v(str(nested(c.p, 'target'), 'id'))} into the organization`,
  'billingconsole:SetContactAddress': () => 'changed the account contact address',
  'account:PutAlternateContact': (c) =>
    `changed the ${v(str(c.p, 'alternateContactType'), 'alternate')} contact of the account to ${v(str(c.p, 'emailAddress'), 'a new address')}`,
  // KMS and secrets
  'kms:ScheduleKeyDeletion': (c) =>
    `scheduled ${key(c)} for deletion in ${v(str(c.p, 'pendingWindowInDays'), '30 (default)')} days`,
  'kms:CancelKeyDeletion': (c) => `cancelled the deletion of ${key(c)}`,
  'kms:DisableKey': (c) => `disabled ${key(c)}, making data encrypted with it unreadable`,
  'kms:EnableKey': (c) => `enabled ${key(c)}`,
  'kms:DisableKeyRotation': (c) => `disabled rotation of ${key(c)}`,
  'kms:PutKeyPolicy': (c) =>
    `replaced the key policy of ${key(c)}, granting ${principalText(c.policy('policy', c.p.policy))}`,
  'kms:CreateGrant': (c) =>
    `granted ${v(str(c.p, 'granteePrincipal'))} ${list(strings(c.p.operations)) || 'operations'} on ${key(c)}`,
  'kms:Decrypt': (c) => `decrypted data with ${str(c.p, 'keyId') ? key(c) : 'a KMS key'}`,
  'secretsmanager:GetSecretValue': (c) => `read the value of ${secretIds(c)}`,
  'secretsmanager:BatchGetSecretValue': (c) => `read the values of ${secretIds(c)} in one batch`,
  'secretsmanager:ListSecrets': () => 'listed the secrets in Secrets Manager',
  'secretsmanager:PutResourcePolicy': (c) =>
    `attached a resource policy to secret ${v(str(c.p, 'secretId'))} granting ${principalText(c.policy('resourcePolicy', c.p.resourcePolicy))}`,
  'secretsmanager:DeleteSecret': (c) =>
    `deleted secret ${v(str(c.p, 'secretId'))}${bool(c.p, 'forceDeleteWithoutRecovery') ? ' without recovery' : ''}`,
  'ssm:GetParameter': (c) => `read ${paramNames(c)}`,
  'ssm:GetParameters': (c) => `read ${paramNames(c)}`,
  'ssm:GetParametersByPath': (c) => `read ${paramNames(c)}`,
  'ssm:DescribeParameters': () => 'listed the SSM parameters',
  // SSM execution
  'ssm:SendCommand': (c) => `ran SSM document ${v(str(c.p, 'documentName'))} on ${instancesText(c.p)}`,
  'ssm:StartSession': (c) => `opened an SSM shell session on ${v(str(c.p, 'target'), 'an instance')}`,
  'ssm:TerminateSession': (c) => `closed SSM session ${v(str(c.p, 'sessionId'))}`,
  'ssm:ResumeSession': (c) => `resumed SSM session ${v(str(c.p, 'sessionId'))}`,
  'ssm:GetCommandInvocation': (c) =>
    `read the output of SSM command ${v(str(c.p, 'commandId'))} on instance ${v(str(c.p, 'instanceId'))}`,
  'ssm:DescribeInstanceInformation': () => 'listed the instances managed by SSM',
  'ssm:CreateDocument': (c) => `created SSM document ${v(str(c.p, 'name'))}`,
  'ec2-instance-connect:SendSSHPublicKey': (c) =>
    `pushed a temporary SSH key for OS user ${v(str(c.p, 'instanceOSUser'))} to instance ${v(str(c.p, 'instanceId'))}`,
  'ec2-instance-connect:SendSerialConsoleSSHPublicKey': (c) =>
    `pushed an SSH key for the serial console (port ${v(str(c.p, 'serialPort'), '0')}) of instance ${v(str(c.p, 'instanceId'))}`,
  // EC2 network
  'ec2:AuthorizeSecurityGroupIngress': (c) => `opened ${sgName(c)} to inbound ${sgRules(c)}`,
  'ec2:AuthorizeSecurityGroupEgress': (c) => `allowed outbound ${sgRules(c)} in ${sgName(c)}`,
  'ec2:RevokeSecurityGroupIngress': (c) => `removed inbound ${sgRules(c)} from ${sgName(c)}`,
  'ec2:RevokeSecurityGroupEgress': (c) => `removed outbound ${sgRules(c)} from ${sgName(c)}`,
  'ec2:CreateSecurityGroup': (c) =>
    `created security group ${v(str(c.p, 'groupName'))} in VPC ${v(str(c.p, 'vpcId'), '(default)')}`,
  'ec2:DeleteSecurityGroup': (c) => `deleted ${sgName(c)}`,
  'ec2:CreateNetworkAclEntry': (c) =>
    `added ${bool(c.p, 'egress') ? 'outbound' : 'inbound'} ${v(str(c.p, 'ruleAction'), '?')} rule ${v(str(c.p, 'ruleNumber'), '?')} for ${cidrText(str(c.p, 'cidrBlock', 'ipv6CidrBlock') ?? '?')} to network ACL ${v(str(c.p, 'networkAclId'))}`,
  'ec2:ReplaceNetworkAclEntry': (c) =>
    `replaced ${bool(c.p, 'egress') ? 'outbound' : 'inbound'} rule ${v(str(c.p, 'ruleNumber'), '?')} of network ACL ${v(str(c.p, 'networkAclId'))} with ${v(str(c.p, 'ruleAction'), '?')} ${cidrText(str(c.p, 'cidrBlock', 'ipv6CidrBlock') ?? '?')}`,
  'ec2:AttachInternetGateway': (c) =>
    `attached internet gateway ${v(str(c.p, 'internetGatewayId'))} to VPC ${v(str(c.p, 'vpcId'))}`,
  'ec2:CreateRoute': (c) =>
    `added a route to ${cidrText(str(c.p, 'destinationCidrBlock', 'destinationIpv6CidrBlock') ?? '?')} via ${v(str(c.p, 'gatewayId', 'natGatewayId', 'instanceId', 'networkInterfaceId', 'vpcPeeringConnectionId', 'transitGatewayId'), '?')} in route table ${v(str(c.p, 'routeTableId'))}`,
  'ec2:CreateVpc': (c) => `created a VPC with CIDR ${v(str(c.p, 'cidrBlock'), '?')}`,
  'ec2:CreateVpcPeeringConnection': (c) =>
    `requested VPC peering from ${v(str(c.p, 'vpcId'))} to VPC ${v(str(c.p, 'peerVpcId'))} in account ${v(str(c.p, 'peerOwnerId'), 'the same account')}`,
  'ec2:AllocateAddress': (c) => {
    const ip = str(c.r, 'publicIp');
    return `allocated Elastic IP${ip ? ` ${clip(ip)}` : ''}`;
  },
  'ec2:AssociateAddress': (c) =>
    `attached Elastic IP ${v(str(c.p, 'publicIp', 'allocationId'))} to ${v(str(c.p, 'instanceId', 'networkInterfaceId'), 'a resource')}`,
  'ec2:CreateTrafficMirrorSession': (c) => {
    const r = nested(c.p, 'CreateTrafficMirrorSessionRequest');
    return `started mirroring the traffic of network interface ${v(str(r, 'NetworkInterfaceId'))} to mirror target ${v(str(r, 'TrafficMirrorTargetId'))}`;
  },
  'ec2:CreateTrafficMirrorTarget': (c) =>
    `created a traffic mirror target on ${v(str(nested(c.p, 'CreateTrafficMirrorTargetRequest'), 'NetworkInterfaceId', 'NetworkLoadBalancerArn'), 'a resource')}`,
  'ec2:CreateTrafficMirrorFilterRule': (c) => {
    const r = nested(c.p, 'CreateTrafficMirrorFilterRuleRequest');
    return `added a traffic mirror filter rule (${v(str(r, 'TrafficDirection'), '?')} ${v(str(r, 'RuleAction'), '?')} from ${cidrText(str(r, 'SourceCidrBlock') ?? '?')} to ${cidrText(str(r, 'DestinationCidrBlock') ?? '?')})`;
  },
  'ec2:CreateTrafficMirrorFilter': () => 'created a traffic mirror filter',
  'ec2:DeleteTrafficMirrorTarget': (c) =>
    `deleted traffic mirror target ${v(str(nested(c.p, 'DeleteTrafficMirrorTargetRequest'), 'TrafficMirrorTargetId'))}`,
  'ec2:ModifyTrafficMirrorSession': (c) => {
    const r = nested(c.p, 'ModifyTrafficMirrorSessionRequest');
    return `changed traffic mirror session ${v(str(r, 'TrafficMirrorSessionId'))} to send to target ${v(str(r, 'TrafficMirrorTargetId'))}`;
  },
  'ec2:DescribeSecurityGroups': () => 'listed the security groups',
  'ec2:DescribeVpcs': () => 'listed the VPCs',
  'ec2:DescribeRouteTables': () => 'listed the route tables',
  'ec2:DescribeNetworkAcls': () => 'listed the network ACLs',
  'ec2:DescribeSnapshots': () => 'listed the EBS snapshots',
  'ec2:DescribeImages': () => 'listed the AMIs',
  // EC2 instances
  'ec2:RunInstances': (c) => {
    const count = runCount(c.p);
    const type = str(c.p, 'instanceType') ?? str(items(c.r.instancesSet)[0] ?? null, 'instanceType');
    const image = str(c.p, 'imageId') ?? str(items(c.p.instancesSet)[0] ?? null, 'imageId');
    const profile = str(obj(c.p, 'iamInstanceProfile'), 'name', 'arn');
    return `launched ${count > 1 ? `up to ${count}` : 'one'} ${v(type, 'default-type')} instance${count > 1 ? 's' : ''} from image ${v(image, '(unknown)')}${profile ? ` with instance profile ${clip(profile)}` : ''}${c.p.userData !== undefined ? ' with user data' : ''}`;
  },
  'ec2:StartInstances': (c) => `started ${instancesText(c.p)}`,
  'ec2:StopInstances': (c) => `stopped ${instancesText(c.p)}${bool(c.p, 'force') ? ' (forced)' : ''}`,
  'ec2:TerminateInstances': (c) => `terminated ${instancesText(c.p)}`,
  'ec2:ModifyInstanceAttribute': (c) => {
    const id = v(str(c.p, 'instanceId'));
    if (userDataOf(c.p) !== undefined) return `replaced the user data (boot script) of instance ${id}`;
    const attr = str(c.p, 'attribute') ?? Object.keys(c.p).find((k) => k !== 'instanceId') ?? 'an attribute';
    return `changed ${clip(attr)} of instance ${id}`;
  },
  'ec2:ModifyInstanceMetadataOptions': (c) =>
    `changed the metadata options of instance ${v(str(c.p, 'instanceId'))}${str(c.p, 'httpTokens') === 'optional' ? ', allowing IMDSv1' : ''}`,
  'ec2:DescribeInstanceAttribute': (c) =>
    `read ${v(str(c.p, 'attribute'), 'an attribute')} of instance ${v(str(c.p, 'instanceId'))}`,
  'ec2:GetPasswordData': (c) =>
    `retrieved the encrypted Windows administrator password of instance ${v(str(c.p, 'instanceId'))}`,
  'ec2:AssociateIamInstanceProfile': (c) =>
    `attached instance profile ${v(str(obj(c.p, 'iamInstanceProfile'), 'name', 'arn'))} to instance ${v(str(c.p, 'instanceId'))}`,
  'ec2:ReplaceIamInstanceProfileAssociation': (c) =>
    `swapped the instance profile of association ${v(str(c.p, 'associationId'))} for ${v(str(obj(c.p, 'iamInstanceProfile'), 'name', 'arn'))}`,
  'ec2:EnableSerialConsoleAccess': () => 'enabled EC2 serial console access for the account',
  'ec2:DescribeInstances': (c) =>
    instanceIdsOf(c.p).length > 0 ? `described ${instancesText(c.p)}` : 'listed the EC2 instances',
  // EC2 storage and images
  'ec2:ModifySnapshotAttribute': (c) => shareChange(c, `EBS snapshot ${v(str(c.p, 'snapshotId'))}`),
  'ec2:ModifyImageAttribute': (c) => shareChange(c, `AMI ${v(str(c.p, 'imageId'))}`),
  'ec2:CreateSnapshot': (c) => `took a snapshot of volume ${v(str(c.p, 'volumeId'))}`,
  'ec2:CopySnapshot': (c) =>
    `copied snapshot ${v(str(c.p, 'sourceSnapshotId'))} from ${v(str(c.p, 'sourceRegion'), 'this region')}`,
  'ec2:DeleteSnapshot': (c) => `deleted snapshot ${v(str(c.p, 'snapshotId'))}`,
  'ec2:CreateImage': (c) => `created AMI ${v(str(c.p, 'name'))} from instance ${v(str(c.p, 'instanceId'))}`,
  'ec2:DisableEbsEncryptionByDefault': () =>
    'turned off EBS encryption by default, so new volumes are created unencrypted',
  'ec2:EnableEbsEncryptionByDefault': () => 'turned on EBS encryption by default',
  'ec2:CreateVolume': (c) =>
    `created a volume${str(c.p, 'snapshotId') ? ` from snapshot ${clip(str(c.p, 'snapshotId') ?? '')}` : ''}`,
  'ec2:AttachVolume': (c) => `attached volume ${v(str(c.p, 'volumeId'))} to instance ${v(str(c.p, 'instanceId'))}`,
  // Load balancers
  'elasticloadbalancing:CreateLoadBalancer': (c) => {
    const scheme = loadBalancerScheme(c);
    return `created ${scheme === 'internet-facing' ? 'an internet-facing' : scheme === 'internal' ? 'an internal' : 'a'} ${v(str(c.p, 'type'), '')}${str(c.p, 'type') ? ' ' : ''}load balancer ${v(str(c.p, 'name', 'loadBalancerName'))}`;
  },
  'elasticloadbalancing:CreateListener': (c) => {
    const proto = str(c.p, 'protocol');
    return `added a ${v(proto, '?')} listener on port ${v(str(c.p, 'port'), '?')}${proto === 'HTTP' ? ' (HTTP without TLS)' : ''} to load balancer ${v(str(c.p, 'loadBalancerArn') && arnName(str(c.p, 'loadBalancerArn') ?? ''))}`;
  },
  'elasticloadbalancing:CreateTargetGroup': (c) => {
    const proto = str(c.p, 'protocol');
    return `created target group ${v(str(c.p, 'name'))} on ${v(proto, '?')} port ${v(str(c.p, 'port'), '?')}${proto === 'HTTP' ? ' (HTTP without TLS)' : ''}`;
  },
  'elasticloadbalancing:DeleteLoadBalancer': (c) =>
    `deleted load balancer ${v(str(c.p, 'loadBalancerArn', 'loadBalancerName'))}`,
  // RDS
  'rds:ModifyDBSnapshotAttribute': (c) =>
    `shared RDS snapshot ${v(str(c.p, 'dBSnapshotIdentifier'))} with ${sharedText(rdsSharedWith(c.p), c.e.accountId)}${strings(c.p.valuesToRemove).length > 0 ? `, unshared from ${list(strings(c.p.valuesToRemove))}` : ''}`,
  'rds:ModifyDBClusterSnapshotAttribute': (c) =>
    `shared RDS cluster snapshot ${v(str(c.p, 'dBClusterSnapshotIdentifier'))} with ${sharedText(rdsSharedWith(c.p), c.e.accountId)}`,
  'rds:ModifyDBInstance': (c) => `modified ${dbInstance(c)}${rdsChanges(c.p)}`,
  'rds:ModifyDBCluster': (c) => `modified ${dbCluster(c)}${rdsChanges(c.p)}`,
  'rds:CreateDBSnapshot': (c) => `took snapshot ${v(str(c.p, 'dBSnapshotIdentifier'))} of ${dbInstance(c)}`,
  'rds:CreateDBClusterSnapshot': (c) =>
    `took snapshot ${v(str(c.p, 'dBClusterSnapshotIdentifier'))} of ${dbCluster(c)}`,
  'rds:CopyDBSnapshot': (c) =>
    `copied RDS snapshot ${v(str(c.p, 'sourceDBSnapshotIdentifier'))} to ${v(str(c.p, 'targetDBSnapshotIdentifier'))}`,
  'rds:CopyDBClusterSnapshot': (c) =>
    `copied RDS cluster snapshot ${v(str(c.p, 'sourceDBClusterSnapshotIdentifier'))} to ${v(str(c.p, 'targetDBClusterSnapshotIdentifier'))}`,
  'rds:DeleteDBSnapshot': (c) => `deleted RDS snapshot ${v(str(c.p, 'dBSnapshotIdentifier'))}`,
  'rds:DeleteDBClusterSnapshot': (c) => `deleted RDS cluster snapshot ${v(str(c.p, 'dBClusterSnapshotIdentifier'))}`,
  'rds:RestoreDBInstanceFromDBSnapshot': (c) =>
    `restored ${dbInstance(c)} from snapshot ${v(str(c.p, 'dBSnapshotIdentifier'), '(name not in the record)')}${bool(c.p, 'publiclyAccessible') ? ', publicly accessible' : ''}`,
  'rds:CreateDBInstance': (c) =>
    `created ${v(str(c.p, 'engine'), '')}${str(c.p, 'engine') ? ' ' : ''}${dbInstance(c)} (${v(str(c.p, 'dBInstanceClass'), 'default class')})${bool(c.p, 'publiclyAccessible') ? ', publicly accessible' : ''}`,
  'rds:CreateDBInstanceReadReplica': (c) =>
    `created read replica ${v(str(c.p, 'dBInstanceIdentifier'))} of ${v(str(c.p, 'sourceDBInstanceIdentifier'))}`,
  'rds:DeleteDBInstance': (c) =>
    `deleted ${dbInstance(c)}${bool(c.p, 'skipFinalSnapshot') ? ' without a final snapshot' : ''}${bool(c.p, 'deleteAutomatedBackups') ? ' and its automated backups' : ''}`,
  'rds:DeleteDBCluster': (c) =>
    `deleted ${dbCluster(c)}${bool(c.p, 'skipFinalSnapshot') ? ' without a final snapshot' : ''}`,
  'rds:DeleteDBInstanceAutomatedBackup': (c) =>
    `deleted the automated backups of DB instance ${v(str(c.p, 'dbiResourceId'))}`,
  'rds:DeleteDBClusterAutomatedBackup': (c) =>
    `deleted the automated backups of DB cluster ${v(str(c.p, 'dbClusterResourceId'))}`,
  'rds:StartExportTask': (c) =>
    `exported ${v(str(c.p, 'sourceArn') && arnName(str(c.p, 'sourceArn') ?? ''))} to S3 bucket ${v(str(c.p, 's3BucketName'))}`,
  'rds:AuthorizeDBSecurityGroupIngress': (c) =>
    `opened DB security group ${v(str(c.p, 'dBSecurityGroupName'))} to ${cidrText(str(c.p, 'cIDRIP') ?? str(c.p, 'eC2SecurityGroupName') ?? '?')}`,
  'rds:StopActivityStream': (c) =>
    `stopped the database activity stream of ${v(str(c.p, 'resourceArn') && arnName(str(c.p, 'resourceArn') ?? ''))}, which stopped database activity logging`,
  'rds:AddRoleToDBInstance': (c) =>
    `gave ${dbInstance(c)} IAM role ${v(str(c.p, 'roleArn'))} for ${v(str(c.p, 'featureName'), 'a feature')}`,
  'rds:AddRoleToDBCluster': (c) =>
    `gave ${dbCluster(c)} IAM role ${v(str(c.p, 'roleArn'))} for ${v(str(c.p, 'featureName'), 'a feature')}`,
  'rds:RevokeDBSecurityGroupIngress': (c) =>
    `closed DB security group ${v(str(c.p, 'dBSecurityGroupName'))} to ${cidrText(str(c.p, 'cIDRIP') ?? str(c.p, 'eC2SecurityGroupName') ?? '?')}`,
  'rds:StartActivityStream': (c) =>
    `started the database activity stream of ${v(str(c.p, 'resourceArn') && arnName(str(c.p, 'resourceArn') ?? ''))}`,
  'rds:RemoveRoleFromDBInstance': (c) => `removed IAM role ${v(str(c.p, 'roleArn'))} from ${dbInstance(c)}`,
  'rds:RebootDBInstance': (c) =>
    `rebooted ${dbInstance(c)}${bool(c.p, 'forceFailover') ? ' with a forced failover' : ''}`,
  'rds:RebootDBCluster': (c) => `rebooted ${dbCluster(c)}`,
  'rds:StartDBInstance': (c) => `started ${dbInstance(c)}`,
  'rds:StopDBInstance': (c) => `stopped ${dbInstance(c)}`,
  'rds:FailoverDBCluster': (c) =>
    `forced a failover of ${dbCluster(c)} to ${v(str(c.p, 'targetDBInstanceIdentifier'), 'a replica')}`,
  'rds:FailoverGlobalCluster': (c) =>
    `forced a failover of global cluster ${v(str(c.p, 'globalClusterIdentifier'))} to ${v(str(c.p, 'targetDbClusterIdentifier'), 'a secondary')}`,
  'rds:DescribeDBSnapshots': (c) =>
    str(c.p, 'dBInstanceIdentifier', 'dBSnapshotIdentifier')
      ? `listed the snapshots of ${v(str(c.p, 'dBInstanceIdentifier', 'dBSnapshotIdentifier'))}`
      : 'listed the RDS snapshots',
  'rds:DescribeDBClusterSnapshots': () => 'listed the RDS cluster snapshots',
  'rds:DescribeDBLogFiles': (c) => `listed the log files of ${dbInstance(c)}`,
  'rds:DownloadDBLogFilePortion': (c) => `downloaded log file ${v(str(c.p, 'logFileName'))} of ${dbInstance(c)}`,
  // S3
  's3:PutBucketPolicy': (c) => {
    const raw = c.p.bucketPolicy ?? c.p.policy;
    const readable = c.policy('bucketPolicy', raw) !== null;
    return `replaced the bucket policy of ${bucket(c)}${readable ? `, granting ${principalText(c.policy('bucketPolicy', raw))}` : ''}`;
  },
  's3:DeleteBucketPolicy': (c) => `deleted the bucket policy of ${bucket(c)}`,
  's3:PutBucketAcl': (c) => {
    const pub = s3PublicAcl(c.p);
    return `changed the ACL of ${bucket(c)}${pub ? ` to grant public access (${pub})` : strings(c.p['x-amz-acl']).length > 0 ? ` to ${list(strings(c.p['x-amz-acl']))}` : ''}`;
  },
  's3:PutObjectAcl': (c) =>
    `changed the ACL of object ${v(str(c.p, 'key'))} in ${bucket(c)}${s3PublicAcl(c.p) ? ' to grant public access' : ''}`,
  's3:DeleteBucketPublicAccessBlock': (c) =>
    `removed the public access block of ${bucket(c)} (all four protections: BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets)`,
  's3:PutBucketPublicAccessBlock': (c) => {
    const off = publicAccessRemoved(c);
    return off && off.length > 0
      ? `turned off public access protections ${list(off)} on ${bucket(c)}`
      : `set the public access block of ${bucket(c)}`;
  },
  's3:PutAccountPublicAccessBlock': (c) => {
    const off = publicAccessRemoved(c);
    return off && off.length > 0
      ? `turned off account-wide S3 public access protections ${list(off)}`
      : 'set the account-wide S3 public access block';
  },
  's3:DeleteAccountPublicAccessBlock': () => 'removed the account-wide S3 public access block',
  's3:DeleteBucketEncryption': (c) => `removed default encryption from ${bucket(c)}`,
  's3:PutBucketEncryption': (c) => `set default encryption on ${bucket(c)}`,
  's3:PutBucketVersioning': (c) => {
    const cfg = obj(c.p, 'VersioningConfiguration') ?? {};
    const status = str(cfg, 'Status');
    const mfa = str(cfg, 'MfaDelete');
    return `${status === 'Suspended' ? 'suspended versioning on' : status === 'Enabled' ? 'enabled versioning on' : 'changed versioning of'} ${bucket(c)}${mfa ? ` (MFA delete ${mfa.toLowerCase()})` : ''}`;
  },
  's3:PutBucketLogging': (c) => {
    const status = obj(c.p, 'BucketLoggingStatus') ?? {};
    const enabled = obj(status, 'LoggingEnabled');
    return enabled
      ? `set access logging of ${bucket(c)} to target bucket ${v(str(enabled, 'TargetBucket'))}`
      : `turned off access logging of ${bucket(c)}, which stopped logging`;
  },
  's3:PutBucketReplication': (c) => {
    const dest = JSON.stringify(c.p.ReplicationConfiguration ?? '').match(/"Bucket"\s*:\s*"([^"]+)"/)?.[1] ?? null;
    return `set replication of ${bucket(c)}${dest ? ` to ${clip(dest)}` : ''}`;
  },
  's3:DeleteBucketReplication': (c) => `removed the replication of ${bucket(c)}`,
  's3:PutBucketLifecycle': (c) => lifecycleText(c),
  's3:PutBucketLifecycleConfiguration': (c) => lifecycleText(c),
  's3:DeleteBucket': (c) => `deleted ${bucket(c)}`,
  's3:CreateBucket': (c) => `created ${bucket(c)}`,
  's3:GetObject': (c) => `downloaded object ${v(str(c.p, 'key'))} from ${bucket(c)}`,
  's3:PutObject': (c) => `uploaded object ${v(str(c.p, 'key'))} to ${bucket(c)}`,
  's3:CopyObject': (c) => {
    const kms = str(c.p, 'x-amz-server-side-encryption-aws-kms-key-id');
    return `copied ${v(str(c.p, 'x-amz-copy-source'))} to object ${v(str(c.p, 'key'))} in ${bucket(c)}${kms ? ` encrypting it with KMS key ${clip(kms)}` : ''}`;
  },
  's3:DeleteObject': (c) => `deleted object ${v(str(c.p, 'key'))} from ${bucket(c)}`,
  's3:DeleteObjects': (c) => `deleted objects from ${bucket(c)}`,
  's3:ListBuckets': () => 'listed every S3 bucket',
  's3:ListObjects': (c) => `listed the objects in ${bucket(c)}`,
  's3:ListObjectsV2': (c) => `listed the objects in ${bucket(c)}`,
  's3:GetBucketPolicy': (c) => `read the bucket policy of ${bucket(c)}`,
  's3:GetBucketAcl': (c) => `read the ACL of ${bucket(c)}`,
  // Lambda
  'lambda:AddPermission': (c) => {
    const principal = str(c.p, 'principal');
    const who = principal === '*' ? 'anyone (*, public)' : v(principal, 'a principal');
    const action = str(c.p, 'action');
    return `allowed ${who} to ${action ? `call ${clip(action)} on` : 'use'} ${fn(c)}`;
  },
  'lambda:RemovePermission': (c) => `removed permission ${v(str(c.p, 'statementId'))} from ${fn(c)}`,
  'lambda:CreateFunction': (c) =>
    `created ${fn(c)} (${v(str(c.p, 'runtime'), 'unknown runtime')}) running as role ${v(str(c.p, 'role') && arnName(str(c.p, 'role') ?? ''))}`,
  'lambda:UpdateFunctionCode': (c) => `replaced the code of ${fn(c)}`,
  'lambda:UpdateFunctionConfiguration': (c) => {
    const layers = strings(c.p.layers);
    const role = str(c.p, 'role');
    const parts = [
      layers.length > 0 ? `layers ${list(layers.map(layerName))}` : null,
      role ? `role ${clip(role)}` : null,
    ].filter((x) => x !== null);
    return `changed the configuration of ${fn(c)}${parts.length > 0 ? `: ${list(parts)}` : ''}`;
  },
  'lambda:DeleteFunction': (c) => `deleted ${fn(c)}`,
  'lambda:CreateFunctionUrlConfig': (c) =>
    `created a function URL for ${fn(c)} with auth ${v(str(c.p, 'authType'), '?')}${str(c.p, 'authType') === 'NONE' ? ' (public, no authentication)' : ''}`,
  'lambda:Invoke': (c) => `invoked ${fn(c)}`,
  'lambda:ListFunctions': () => 'listed the Lambda functions',
  // Route 53
  'route53:ChangeResourceRecordSets': (c) => {
    const changes = items(obj(c.p, 'changeBatch')?.changes);
    const names = changes.map((ch) =>
      `${str(ch, 'action') ?? '?'} ${str(obj(ch, 'resourceRecordSet'), 'type') ?? ''} ${str(obj(ch, 'resourceRecordSet'), 'name') ?? '?'}`.replace(
        /\s+/g,
        ' ',
      ),
    );
    return `changed DNS records ${list(names) || ''} in hosted zone ${v(str(c.p, 'hostedZoneId'))}`.replace(
      'records  in',
      'records in',
    );
  },
  'route53:CreateHostedZone': (c) => `created hosted zone ${v(str(c.p, 'name'))}`,
  'route53:DeleteHostedZone': (c) => `deleted hosted zone ${v(str(c.p, 'id'))}`,
  'route53domains:TransferDomainToAnotherAwsAccount': (c) =>
    `started transferring domain ${v(str(c.p, 'domainName'))} to account ${v(str(c.p, 'accountId'))}`,
  // other services
  'ecr:SetRepositoryPolicy': (c) =>
    `replaced the policy of ECR repository ${v(str(c.p, 'repositoryName'))}, granting ${principalText(c.policy('policyText', c.p.policyText))}`,
  'ecr:PutImage': (c) => `pushed image ${v(str(c.p, 'repositoryName'))}:${v(str(c.p, 'imageTag'), '(untagged)')}`,
  'ecr:GetAuthorizationToken': () => 'obtained an ECR registry login token',
  'codebuild:UpdateProjectVisibility': (c) =>
    `made CodeBuild project ${v(str(c.p, 'projectArn') && arnName(str(c.p, 'projectArn') ?? ''))} ${str(c.p, 'projectVisibility') === 'PUBLIC_READ' ? 'public (PUBLIC_READ)' : v(str(c.p, 'projectVisibility'), 'private')}`,
  'es:CreateElasticsearchDomain': (c) =>
    `created OpenSearch domain ${v(str(c.p, 'domainName'))} with an access policy granting ${principalText(c.policy('accessPolicies', c.p.accessPolicies))}`,
  'sqs:SetQueueAttributes': (c) =>
    `changed the attributes of queue ${v(str(c.p, 'queueUrl'))}${obj(c.p, 'attributes')?.Policy !== undefined ? `, setting a policy granting ${principalText(c.policy('Policy', obj(c.p, 'attributes')?.Policy))}` : ''}`,
  'ses:UpdateAccountSendingEnabled': (c) =>
    `${bool(c.p, 'enabled') === false ? 'disabled' : 'enabled'} email sending for the account`,
  'codebuild:CreateProject': (c) => `created CodeBuild project ${v(str(c.p, 'name'))}`,
  'ses:GetSendQuota': () => 'checked the SES sending quota',
  'ses:GetAccountSendingEnabled': () => 'checked whether SES email sending is enabled',
  'ses:ListIdentities': () => 'listed the SES sending identities',
  'ses:GetIdentityVerificationAttributes': () => 'checked which SES sending identities are verified',
  'organizations:DescribeAccount': (c) => `looked up member account ${v(str(c.p, 'accountId'))}`,
  'organizations:ListAccounts': () => 'listed the accounts of the organization',
  'organizations:DescribeOrganization': () => 'looked up the organization',
  'billingconsole:GetContactInformation': () => 'read the account contact information',
  'billingconsole:GetAlternateContact': () => 'read the account alternate contacts',
  'athena:StartQueryExecution': (c) =>
    `ran an Athena query on database ${v(str(obj(c.p, 'queryExecutionContext'), 'database'))}`,
};

/** `shared <what> with ...`, `stopped sharing <what> with ...`, or the attribute changed. */
function shareChange(c: Ctx, what: string): string {
  const added = ec2SharedWith(c.p);
  const removed = ec2UnsharedFrom(c.p);
  const parts: string[] = [];
  if (added.length > 0) parts.push(`shared ${what} with ${sharedText(added, c.e.accountId)}`);
  if (removed.length > 0)
    parts.push(
      `${added.length > 0 ? 'and stopped sharing it' : `stopped sharing ${what}`} with ${sharedText(removed, c.e.accountId)}`,
    );
  if (parts.length > 0) return parts.join(' ');
  return `changed ${v(str(c.p, 'attributeType', 'attribute'), 'an attribute')} of ${what}`;
}

function rdsChanges(p: Params): string {
  const changes: string[] = [];
  if (bool(p, 'publiclyAccessible') === true) changes.push('made it publicly accessible');
  if (bool(p, 'publiclyAccessible') === false) changes.push('made it private');
  if (p.masterUserPassword !== undefined && p.masterUserPassword !== null) changes.push('reset the master password');
  if (bool(p, 'deletionProtection') === false) changes.push('turned off deletion protection');
  if (num(p, 'backupRetentionPeriod') === 0) changes.push('turned off automated backups');
  if (str(p, 'engineVersion')) changes.push(`engine version ${clip(str(p, 'engineVersion') ?? '')}`);
  if (str(p, 'dBInstanceClass')) changes.push(`class ${clip(str(p, 'dBInstanceClass') ?? '')}`);
  return changes.length > 0 ? `: ${list(changes)}` : '';
}

function lifecycleText(c: Ctx): string {
  const text = JSON.stringify(c.p.LifecycleConfiguration ?? c.p.lifecycleConfiguration ?? '');
  const days = [...text.matchAll(/"Days"\s*:\s*"?(\d+)/gi)].map((m) => Number(m[1]));
  const min = days.length > 0 ? Math.min(...days) : null;
  return `set a lifecycle rule on ${bucket(c)}${min !== null ? ` expiring objects after ${min} day${min === 1 ? '' : 's'}` : ''}`;
}

export const TEMPLATE_COUNT = Object.keys(TEMPLATES).length;
