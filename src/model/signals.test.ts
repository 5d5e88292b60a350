import { describe, expect, it } from 'vitest';
import type { EventRow } from '../domain/event.ts';
import { MIN, row, seq, T0 } from '../journeys/rows.fixture.ts';
import { journeySignals, SessionNetworks, SIGNALS, sharedOutside } from './signals.ts';

const ids = (rows: EventRow[]) => journeySignals(rows).map((h) => h.id);
const refused = (action: string, i: number, errorCode = 'AccessDenied') =>
  row(action, T0 + i * 20_000, { success: false, errorCode });

describe('journeySignals', () => {
  it('is quiet on routine work', () => {
    expect(ids(seq(['sts:GetCallerIdentity', 's3:ListBuckets', 'ec2:DescribeInstances'], T0))).toEqual([]);
  });

  it('compute credentials off host: any event carrying the catalog fact computeOffHost', () => {
    const rows = [
      row('s3:ListBuckets', T0, { facts: ['computeOffHost'], sourceIp: '167.99.3.4', clientName: 'aws-cli' }),
    ];
    const [hit] = journeySignals(rows);
    expect(hit?.id).toBe('compute-credentials-off-host');
    expect(hit?.evidence).toContain('167.99.3.4 (AS14061');
  });

  it('audit and detection switched off, only when the call succeeded', () => {
    expect(ids([row('cloudtrail:StopLogging', T0)])).toEqual(['cloudtrail-disabled']);
    expect(ids([row('cloudtrail:DeleteTrail', T0)])).toEqual(['cloudtrail-disabled']);
    expect(ids([row('cloudtrail:StopLogging', T0, { success: false, errorCode: 'AccessDenied' })])).toEqual([]);
    expect(ids([row('cloudtrail:PutEventSelectors', T0, { facts: ['loggingNarrowed'] })])).toEqual([
      'cloudtrail-disabled',
    ]);
    expect(ids([row('cloudtrail:PutEventSelectors', T0)])).toEqual([]);
    expect(ids([row('guardduty:DeleteDetector', T0)])).toEqual(['guardduty-disabled']);
    expect(ids([row('guardduty:UpdateDetector', T0, { facts: ['detectionDisabled'] })])).toEqual([
      'guardduty-disabled',
    ]);
    expect(ids([row('guardduty:UpdateDetector', T0)])).toEqual([]);
    expect(ids([row('config:StopConfigurationRecorder', T0)])).toEqual(['config-recorder-stopped']);
    expect(ids([row('ec2:DeleteFlowLogs', T0)])).toEqual(['flow-logs-deleted']);
    expect(ids([row('securityhub:DisableSecurityHub', T0)])).toEqual(['securityhub-disabled']);
    expect(
      ids([row('organizations:DeregisterDelegatedAdministrator', T0, { facts: ['securityDelegationRemoved'] })]),
    ).toEqual(['security-delegation-removed']);
    expect(ids([row('route53resolver:DeleteResolverQueryLogConfig', T0)])).toEqual(['audit-log-deleted']);
    expect(ids([row('bedrock:DeleteModelInvocationLoggingConfiguration', T0)])).toEqual(['audit-log-deleted']);
    // Leaving the organization counts when refused too: an attempt is the news.
    const leave = journeySignals([
      row('organizations:LeaveOrganization', T0, { success: false, errorCode: 'AccessDenied' }),
    ]);
    expect(leave.map((h) => [h.id, h.evidence])).toEqual([
      ['leave-organization', 'organizations:LeaveOrganization (refused)'],
    ]);
    // Deleting a log group is everyday housekeeping, not a switched-off audit.
    expect(ids([row('logs:DeleteLogGroup', T0, { facts: ['loggingStopped'] })])).toEqual([]);
  });

  it('root: console sign-in, API calls, access keys created', () => {
    const root = { actorType: 'root', actorKey: 'root:111122223333', actorName: 'root' };
    expect(ids([row('signin:ConsoleLogin', T0, { ...root, mfa: false })])).toEqual(['root-console-login']);
    expect(journeySignals([row('signin:ConsoleLogin', T0, { ...root, mfa: false })])[0]?.evidence).toContain(
      'without MFA',
    );
    expect(ids([row('s3:ListBuckets', T0, root)])).toEqual(['root-api-calls']);
    expect(ids([row('iam:CreateAccessKey', T0, root)])).toEqual(['root-api-calls', 'root-access-key-created']);
    expect(ids([row('iam:CreateAccessKey', T0)])).toEqual([]);
    // Root making a key for an IAM user (Panther's negative test): root's API call, not a root key.
    expect(ids([row('iam:CreateAccessKey', T0, { ...root, facts: ['forOtherUser'] })])).toEqual(['root-api-calls']);
  });

  it('an offensive toolkit’s client', () => {
    const [hit] = journeySignals([row('sts:GetCallerIdentity', T0, { clientClass: 'offensive', clientName: 'Pacu' })]);
    expect(hit?.id).toBe('offensive-client');
    expect(hit?.evidence).toBe('1 call with Pacu');
  });

  it('an enumeration burst: refusals across 5+ services within 10 minutes, not many of one service', () => {
    const services = [
      'iam:ListUsers',
      's3:ListBuckets',
      'ec2:DescribeInstances',
      'lambda:ListFunctions',
      'kms:ListKeys',
    ];
    const burst = [...services, ...services].map((a, i) => refused(a, i));
    const [hit] = journeySignals(burst);
    expect(hit?.id).toBe('enumeration-burst');
    expect(hit?.evidence).toBe('10 of 10 calls refused across 5 services (ec2, iam, kms, lambda, s3) within 3 min');
    // An auditor's scan: the same refusals among many successful calls.
    const scan = [...burst, ...Array.from({ length: 30 }, (_, i) => row('ec2:DescribeVolumes', T0 + i * 6_000 + 1))];
    expect(ids(scan.sort((a, b) => a.time - b.time))).toEqual([]);
    // Stratus's ec2-get-password-data: 30 refusals of one action.
    expect(ids(Array.from({ length: 30 }, (_, i) => refused('ec2:GetPasswordData', i)))).toEqual([]);
    // Four services: a person hitting walls, not a map of permissions.
    expect(ids([...services.slice(0, 4), ...services.slice(0, 4)].map((a, i) => refused(a, i)))).toEqual([]);
    // The same refusals spread over an afternoon.
    expect(
      ids(
        [...services, ...services].map((a, i) =>
          row(a, T0 + i * 30 * MIN, { success: false, errorCode: 'AccessDenied' }),
        ),
      ),
    ).toEqual([]);
    // Throttling is not a refusal.
    expect(ids([...services, ...services].map((a, i) => refused(a, i, 'ThrottlingException')))).toEqual([]);
  });

  it('shared outside the organization: to everyone, or to an account the trail has not shown', () => {
    const org = new Set(['111122223333', '444455556666']);
    const share = (to: string, over: Partial<EventRow> = {}) =>
      row('ec2:ModifySnapshotAttribute', T0, {
        facts: to === 'all' ? ['dataSharedOut', 'publicShare'] : ['dataSharedOut', 'externalAccount'],
        targets: ['snapshot:snap-1', ...(to === 'all' ? [] : [`account:${to}`])],
        ...over,
      });
    const outside = sharedOutside([share('999988887777')], org);
    expect(outside?.id).toBe('shared-outside-organization');
    expect(outside?.evidence).toBe('ec2:ModifySnapshotAttribute to account 999988887777 (not in this trail)');
    expect(sharedOutside([share('all')], org)?.evidence).toBe('ec2:ModifySnapshotAttribute to everyone');
    const trust = row('iam:UpdateAssumeRolePolicy', T0, {
      facts: ['externalAccount'],
      targets: ['role:deploy', 'account:999988887777'],
    });
    expect(sharedOutside([trust], org)?.eventIds).toEqual([trust.eventId]);
    // The DR account of the same organization, a refused share, and a role assumed across accounts are not.
    expect(sharedOutside([share('444455556666')], org)).toBeNull();
    expect(sharedOutside([share('999988887777', { success: false, errorCode: 'AccessDenied' })], org)).toBeNull();
    expect(
      sharedOutside(
        [row('sts:AssumeRole', T0, { facts: ['crossAccountRole'], targets: ['account:999988887777'] })],
        org,
      ),
    ).toBeNull();
    // The role's routine (another session of its permission set already shares there): not news.
    expect(sharedOutside([share('999988887777')], org, () => true)).toBeNull();
    expect(sharedOutside([share('999988887777')], org, () => false)?.id).toBe('shared-outside-organization');
    // Once the trail shows the account, sharing with it stays inside.
    expect(sharedOutside([share('999988887777')], new Set([...org, '999988887777']))).toBeNull();
  });

  it('every signal in the table has a title, a reason, ATT&CK techniques and a unique id', () => {
    expect(new Set(SIGNALS.map((s) => s.id)).size).toBe(SIGNALS.length);
    for (const s of SIGNALS) {
      expect(s.title.length, s.id).toBeGreaterThan(0);
      expect(s.why.length, s.id).toBeGreaterThan(20);
      for (const t of s.attack) expect(t, s.id).toMatch(/^T\d{4}(\.\d{3})?$/);
    }
  });
});

describe('SessionNetworks', () => {
  const session = { session: 'ASIAEXAMPLE', actorType: 'assumed-role' };

  it('fires once, on the journey that brings a session’s second non-AWS autonomous system', () => {
    const sut = new SessionNetworks();
    expect(sut.observe(seq(['s3:ListBuckets'], T0, { ...session, sourceIp: '8.8.8.8' }))).toBeNull();
    expect(sut.observe(seq(['s3:ListBuckets'], T0 + MIN, { ...session, sourceIp: '8.8.4.4' }))).toBeNull();
    const hit = sut.observe(seq(['s3:GetObject'], T0 + 2 * MIN, { ...session, sourceIp: '167.99.3.4' }));
    expect(hit?.id).toBe('session-two-networks');
    expect(sut.observe(seq(['s3:GetObject'], T0 + 3 * MIN, { ...session, sourceIp: '1.1.1.1' }))).toBeNull();
  });

  it('ignores AWS’s own addresses, service names, long-term keys, and sessions over 36 hours apart', () => {
    const sut = new SessionNetworks();
    sut.observe(seq(['s3:ListBuckets'], T0, { ...session, sourceIp: '18.236.253.47' }));
    sut.observe(seq(['s3:ListBuckets'], T0, { ...session, sourceIp: 'AWS Internal' }));
    sut.observe(seq(['s3:ListBuckets'], T0, { ...session, sourceIp: 's3.amazonaws.com' }));
    expect(sut.observe(seq(['s3:ListBuckets'], T0, { ...session, sourceIp: '8.8.8.8' }))).toBeNull();
    const keys = new SessionNetworks();
    keys.observe(seq(['s3:ListBuckets'], T0, { session: 'AKIAEXAMPLE', sourceIp: '8.8.8.8' }));
    expect(keys.observe(seq(['s3:ListBuckets'], T0, { session: 'AKIAEXAMPLE', sourceIp: '167.99.3.4' }))).toBeNull();
    const old = new SessionNetworks();
    old.observe(seq(['s3:ListBuckets'], T0, { ...session, sourceIp: '8.8.8.8' }));
    expect(
      old.observe(seq(['s3:ListBuckets'], T0 + 40 * 3_600_000, { ...session, sourceIp: '167.99.3.4' })),
    ).toBeNull();
  });
});
