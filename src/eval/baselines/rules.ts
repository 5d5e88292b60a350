/**
 * The "rules" baseline: one alert per successful event whose action is on a sensitive list,
 * the way Sigma and Panther CloudTrail rules fire (one rule, one event, no context).
 * The list follows the public Sigma `cloudtrail` rules and Panther's AWS CloudTrail rules.
 */
import { scanEventRows } from '../../store/events.ts';
import type { DetectedAlert, Detector, RowScanner } from '../types.ts';

/** `service:ActionKey` (version suffixes stripped, as `Event.actionKey`). */
export const SENSITIVE_ACTIONS: ReadonlySet<string> = new Set([
  // IAM persistence and privilege
  'iam:CreateUser',
  'iam:CreateAccessKey',
  'iam:CreateLoginProfile',
  'iam:UpdateLoginProfile',
  'iam:AttachUserPolicy',
  'iam:AttachRolePolicy',
  'iam:AttachGroupPolicy',
  'iam:PutUserPolicy',
  'iam:PutRolePolicy',
  'iam:PutGroupPolicy',
  'iam:AddUserToGroup',
  'iam:CreateRole',
  'iam:UpdateAssumeRolePolicy',
  'iam:DeactivateMFADevice',
  'iam:DeleteVirtualMFADevice',
  'iam:CreatePolicyVersion',
  'iam:SetDefaultPolicyVersion',
  'sts:GetFederationToken',
  // Logging and detection tampering
  'cloudtrail:StopLogging',
  'cloudtrail:DeleteTrail',
  'cloudtrail:UpdateTrail',
  'cloudtrail:PutEventSelectors',
  'guardduty:DeleteDetector',
  'guardduty:DisassociateFromAdministratorAccount',
  'guardduty:DisassociateFromMasterAccount',
  'guardduty:UpdateDetector',
  'ec2:DeleteFlowLogs',
  'route53resolver:DeleteResolverQueryLogConfig',
  'config:StopConfigurationRecorder',
  'config:DeleteConfigurationRecorder',
  'kms:ScheduleKeyDeletion',
  'kms:DisableKey',
  'organizations:LeaveOrganization',
  's3:DeleteBucketEncryption',
  's3:PutBucketPolicy',
  's3:DeleteBucketPublicAccessBlock',
  's3:PutBucketAcl',
  // Network exposure
  'ec2:AuthorizeSecurityGroupIngress',
  'ec2:AllocateAddress',
  'ec2:AssociateAddress',
  'elasticloadbalancing:CreateLoadBalancer',
  'elasticloadbalancing:CreateListener',
  // Exfiltration and credential access
  'rds:ModifyDBSnapshotAttribute',
  'ec2:ModifySnapshotAttribute',
  'ec2:ModifyImageAttribute',
  'secretsmanager:BatchGetSecretValue',
  'ec2:GetPasswordData',
  // Execution and impact
  'ssm:SendCommand',
  'ssm:StartSession',
  'ec2:ModifyInstanceAttribute',
  'lambda:UpdateFunctionCode',
  'lambda:AddPermission',
  'rds:DeleteDBInstance',
  'ec2:RunInstances',
  // Root and sign-in
  'signin:ConsoleLogin',
]);

/** ConsoleLogin is only "sensitive" for root (as the Sigma/Panther root-login rules). */
function fires(action: string, actorType: string): boolean {
  if (action === 'signin:ConsoleLogin') return actorType === 'root';
  return SENSITIVE_ACTIONS.has(action);
}

export function rulesDetector(): Detector {
  const scanner = (): RowScanner => {
    const alerts: DetectedAlert[] = [];
    return {
      push(r) {
        if (r.success && fires(`${r.service}:${r.actionKey}`, r.actorType))
          alerts.push({ actor: r.actorKey, start: r.time, end: r.time, eventIds: [r.eventId] });
      },
      finish: () => alerts,
    };
  };
  return {
    name: 'rules',
    scanner,
    async run(store) {
      const s = scanner();
      for await (const r of scanEventRows(store)) s.push(r);
      return s.finish();
    },
  };
}
