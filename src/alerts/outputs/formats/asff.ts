/**
 * AWS Security Finding Format (ASFF, schema 2018-10-08) for Security Hub's BatchImportFindings.
 * The finding belongs to the account in the actor's ARN (else the configured account); the
 * product is the importing account's `default` custom-integration product. Lengths follow
 * the ASFF limits (Title 256, Description 1024 characters).
 */
import type { Alert } from '../../types.ts';
import { truncate } from '../text.ts';
import type { AlertFormat } from '../types.ts';
import { accountOfArn, alertUrl } from './product.ts';

const WORKFLOW: Record<Alert['status'], string> = {
  new: 'NEW',
  acknowledged: 'NOTIFIED',
  malicious: 'NOTIFIED',
  benign: 'SUPPRESSED',
};

function resourceType(arn: string): string {
  if (/:user\//.test(arn)) return 'AwsIamUser';
  if (/:role\/|:assumed-role\//.test(arn)) return 'AwsIamRole';
  return 'Other';
}

export function asffFinding(
  alert: Alert,
  context: {
    now: number;
    region?: string | undefined;
    account?: string | undefined;
    dashboardUrl?: string | undefined;
  },
): Record<string, unknown> {
  const region = context.region ?? 'us-east-1';
  const account = context.account ?? accountOfArn(alert.actor) ?? '000000000000';
  const findingAccount = accountOfArn(alert.actor) ?? account;
  const url = alertUrl(context.dashboardUrl, alert.id);
  return {
    SchemaVersion: '2018-10-08',
    Id: alert.id,
    ProductArn: `arn:aws:securityhub:${region}:${account}:product/${account}/default`,
    ProductName: 'Trailhound',
    CompanyName: 'Trailhound',
    GeneratorId: 'trailhound/journey-model',
    AwsAccountId: findingAccount,
    Types: ['Unusual Behaviors/User'],
    FirstObservedAt: new Date(Date.parse(alert.start)).toISOString(),
    LastObservedAt: new Date(Date.parse(alert.end)).toISOString(),
    CreatedAt: new Date(Date.parse(alert.start)).toISOString(),
    UpdatedAt: new Date(context.now).toISOString(),
    Severity: { Label: alert.severity.toUpperCase(), Original: String(Math.round(alert.score)) },
    Title: truncate(alert.title, 256),
    Description: truncate(alert.summary, 1024),
    ...(url === undefined ? {} : { SourceUrl: url }),
    ProductFields: {
      'trailhound/score': String(Math.round(alert.score)),
      'trailhound/actorName': truncate(alert.actorName, 1024),
      'trailhound/techniques': alert.techniques.join(','),
      'trailhound/events': String(alert.events.length),
      'trailhound/reasons': truncate(alert.reasons.map((r) => r.text).join('; '), 1024),
    },
    Resources: [{ Type: resourceType(alert.actor), Id: truncate(alert.actor, 512), Partition: 'aws', Region: region }],
    Workflow: { Status: WORKFLOW[alert.status] },
    RecordState: 'ACTIVE',
  };
}

export const asffFormat: AlertFormat = {
  name: 'asff',
  description: 'AWS Security Finding Format, for Security Hub',
  kind: 'json',
  render: (alert, context) => asffFinding(alert, context),
};
