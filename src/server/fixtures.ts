/**
 * Named `Alert` fixtures for server, output and browser tests. Every string an attacker
 * controls in CloudTrail (userName, session name, bucket, user agent) carries a hostile
 * payload here: HTML/script, Slack mentions and links, ANSI escapes, a bidi override.
 */
import type { StoredAlert } from '../alerts/build.ts';
import { shellQuote } from '../alerts/response.ts';
import type { Alert, AlertEvent } from '../alerts/types.ts';
import type { StoreStats } from '../store/stats.ts';
import type { EventSummary, IdentityProfile } from './types.ts';

/** Payloads that must come out of every surface as inert text. */
export const hostile = {
  html: '<img src=x onerror=alert(1)>',
  script: '<script>alert(2)</script>',
  slackChannel: '<!channel>',
  slackEveryone: '<!everyone>',
  slackAtChannel: '@channel',
  slackUser: '<@U123ABC>',
  slackLink: '<http://evil.example|click here>',
  ansi: '\u001b[2J\u001b[31mOWNED\u001b[0m',
  rtl: 'evil\u202etxt.exe',
} as const;

/** A userName made of every payload: what an attacker would name an IAM user. */
export const hostileUserName = `${hostile.html}${hostile.slackChannel}${hostile.slackAtChannel}${hostile.ansi}${hostile.rtl}`;

const step = (
  eventId: string,
  time: string,
  action: string,
  sentence: string,
  success = true,
  errorCode: string | null = null,
): AlertEvent => ({
  eventId,
  time,
  action,
  sentence,
  success,
  errorCode,
});

const adminCreated: Alert = {
  id: 'al-0001-admin-created',
  severity: 'critical',
  score: 92,
  title: `New IAM user ${hostileUserName} created and given admin`,
  summary: `ci-deployer created the user ${hostile.html} at 03:12 from a new network, attached AdministratorAccess and made an access key: a journey no peer has ever made. ${hostile.slackEveryone} ${hostile.slackLink}`,
  actor: 'arn:aws:iam::111122223333:user/ci-deployer',
  actorName: 'ci-deployer',
  peerGroup: 'deployers',
  start: '2026-11-20T03:12:05Z',
  end: '2026-11-20T03:14:41Z',
  reasons: [
    {
      kind: 'new-action-for-identity',
      text: `first time ci-deployer created an IAM user (${hostile.script}); 0 of its 4 peers ever did`,
      weight: 0.41,
    },
    { kind: 'risk', text: 'AdministratorAccess attached to a user created minutes earlier', weight: 0.33 },
    {
      kind: 'new-network',
      text: `first call from 203.0.113.77 ${hostile.slackUser}; usual networks are 10.0.0.0/16`,
      weight: 0.18,
    },
  ],
  techniques: ['T1136.003', 'T1098.001', 'T1078.004'],
  events: [
    step(
      'ev-1',
      '2026-11-20T03:12:05Z',
      'sts:GetCallerIdentity',
      'ci-deployer asked who it is (sts:GetCallerIdentity).',
    ),
    step('ev-2', '2026-11-20T03:12:40Z', 'iam:CreateUser', `ci-deployer created the IAM user ${hostileUserName}.`),
    step(
      'ev-3',
      '2026-11-20T03:13:02Z',
      'iam:AttachUserPolicy',
      `ci-deployer tried to attach ReadOnlyAccess to ${hostile.html} and was denied.`,
      false,
      'AccessDenied',
    ),
    step(
      'ev-4',
      '2026-11-20T03:13:30Z',
      'iam:AttachUserPolicy',
      `ci-deployer attached AdministratorAccess to ${hostile.html}.`,
    ),
    step(
      'ev-5',
      '2026-11-20T03:14:41Z',
      'iam:CreateAccessKey',
      `ci-deployer created an access key for ${hostile.html} ${hostile.ansi}.`,
    ),
  ],
  typicalJourney: ['sts:GetCallerIdentity', 'ecr:GetAuthorizationToken', 'ecs:UpdateService', 'ecs:DescribeServices'],
  status: 'new',
  note: null,
  response: [
    {
      kind: 'deactivate-access-key',
      text: 'Deactivate access key AKIAEXAMPLEDEPLOYER1 of ci-deployer, used for these calls',
      command:
        "aws iam update-access-key --user-name 'ci-deployer' --access-key-id 'AKIAEXAMPLEDEPLOYER1' --status Inactive",
      eventIds: ['ev-1', 'ev-2', 'ev-3', 'ev-4', 'ev-5'],
    },
    {
      kind: 'detach-policy',
      text: `Detach policy arn:aws:iam::aws:policy/AdministratorAccess from user ${hostileUserName}`,
      command: `aws iam detach-user-policy --user-name ${shellQuote(hostileUserName)} --policy-arn 'arn:aws:iam::aws:policy/AdministratorAccess'`,
      eventIds: ['ev-4'],
    },
  ],
};

const loggingStopped: Alert = {
  id: 'al-0002-logging-stopped',
  severity: 'high',
  score: 78,
  title: 'CloudTrail logging stopped by a role session never seen before',
  summary: `The role Admin (session ${hostile.rtl}) stopped the trail org-trail from an unusual user agent.`,
  actor: 'arn:aws:iam::111122223333:role/Admin/mallory',
  actorName: `Admin (${hostile.rtl})`,
  peerGroup: null,
  start: '2026-11-21T22:01:00Z',
  end: '2026-11-21T22:02:10Z',
  reasons: [
    { kind: 'risk', text: 'StopLogging on the organization trail', weight: 0.55 },
    { kind: 'new-client', text: `user agent ${hostile.ansi}Pacu/1.0 never seen for this identity`, weight: 0.23 },
  ],
  techniques: ['T1562.008'],
  events: [
    step('ev-10', '2026-11-21T22:01:00Z', 'cloudtrail:DescribeTrails', 'Admin listed the trails.'),
    step('ev-11', '2026-11-21T22:02:10Z', 'cloudtrail:StopLogging', 'Admin stopped logging on the trail org-trail.'),
  ],
  typicalJourney: null,
  status: 'new',
  note: null,
  response: [
    {
      kind: 'restart-trail',
      text: 'Restart logging on trail org-trail',
      command: "aws cloudtrail start-logging --name 'org-trail' --region 'us-east-1'",
      eventIds: ['ev-11'],
    },
  ],
};

const bucketShared: Alert = {
  id: 'al-0003-bucket-public',
  severity: 'medium',
  score: 55,
  title: 'S3 bucket policy opened to the world',
  summary: `alice made the bucket ${hostile.slackLink} public.`,
  actor: 'arn:aws:iam::111122223333:user/alice',
  actorName: 'alice',
  peerGroup: 'developers',
  start: '2026-11-19T10:00:00Z',
  end: '2026-11-19T10:00:30Z',
  reasons: [{ kind: 'peer-rare', text: '1 of 12 developers ever changed a bucket policy', weight: 0.3 }],
  techniques: ['T1530'],
  events: [
    step(
      'ev-20',
      '2026-11-19T10:00:30Z',
      's3:PutBucketPolicy',
      'alice set a policy on the bucket reports that allows everyone to read it.',
    ),
  ],
  typicalJourney: ['s3:ListBuckets', 's3:GetObject'],
  status: 'acknowledged',
  note: 'checking with alice',
};

const oldLowSeverity: Alert = {
  id: 'al-0004-old-low',
  severity: 'low',
  score: 21,
  title: 'Console sign-in from a new country',
  summary: 'bob signed in to the console from a network never seen for him.',
  actor: 'arn:aws:iam::111122223333:user/bob',
  actorName: 'bob',
  peerGroup: 'developers',
  start: '2026-11-01T08:00:00Z',
  end: '2026-11-01T08:00:00Z',
  reasons: [{ kind: 'new-network', text: 'first sign-in from 198.51.100.4', weight: 0.2 }],
  techniques: ['T1078.004'],
  events: [step('ev-30', '2026-11-01T08:00:00Z', 'signin:ConsoleLogin', 'bob signed in to the console with MFA.')],
  typicalJourney: ['signin:ConsoleLogin', 'ec2:DescribeInstances'],
  status: 'benign',
  note: 'travel',
};

export const alertStub = { adminCreated, loggingStopped, bucketShared, oldLowSeverity } as const;

/** All fixtures, deep-copied so a test can mutate its own set. */
export function alertFixtures(): Alert[] {
  return structuredClone([adminCreated, loggingStopped, bucketShared, oldLowSeverity]);
}

export const statsStub: StoreStats = {
  events: 12_345,
  actors: 42,
  accounts: 3,
  regions: 5,
  from: '2026-10-01T00:00:00.000Z',
  to: '2026-11-21T23:59:00.000Z',
  quarantined: 2,
  files: 310,
  insights: 0,
  quarantineByCode: { 'invalid-json': 2 },
};

export function eventFixtures(): EventSummary[] {
  return [adminCreated, loggingStopped, bucketShared, oldLowSeverity].flatMap((a) =>
    a.events.map((e) => ({
      eventId: e.eventId,
      time: e.time,
      actor: a.actor,
      actorName: a.actorName,
      action: e.action,
      success: e.success,
      errorCode: e.errorCode,
      sourceIp: '203.0.113.77',
      sourceAs: null,
      accountId: '111122223333',
      region: 'us-east-1',
      sentence: e.sentence,
    })),
  );
}

/** Each fixture event's record as received: a CloudTrail record carrying the hostile userName. */
export function recordFixtures(): Map<string, Record<string, unknown>> {
  return new Map(
    eventFixtures().map((e) => [
      e.eventId,
      {
        eventVersion: '1.09',
        eventID: e.eventId,
        eventTime: e.time,
        eventSource: `${e.action.split(':')[0]}.amazonaws.com`,
        eventName: e.action.split(':')[1],
        awsRegion: e.region,
        sourceIPAddress: e.sourceIp,
        userIdentity: { type: 'IAMUser', arn: e.actor, userName: e.actorName },
        requestParameters: { userName: hostileUserName },
        ...(e.errorCode ? { errorCode: e.errorCode } : {}),
      },
    ]),
  );
}

/** What the detector learned about ci-deployer, as the identity page shows it. */
export function identityFixture(): IdentityProfile {
  const hours = new Array<number>(168).fill(0);
  for (let day = 0; day < 5; day++) for (let h = 8; h < 18; h++) hours[day * 24 + h] = 20 + h;
  hours[3 * 24 + 3] = 5;
  return {
    key: adminCreated.actor,
    name: adminCreated.actorName,
    type: 'iam-user',
    accountId: '111122223333',
    roleArn: null,
    person: null,
    assumedBy: [],
    firstEvent: '2026-10-01T08:00:00.000Z',
    lastEvent: '2026-11-20T03:14:41.000Z',
    events: 4210,
    failures: 12,
    model: {
      journeys: 310,
      peerGroup: {
        name: 'deployers',
        size: 3,
        members: [
          { key: adminCreated.actor, name: 'ci-deployer' },
          { key: 'arn:aws:iam::111122223333:user/cd-runner', name: 'cd-runner' },
          // The same name in another account: a separate identity the page must tell apart.
          { key: 'arn:aws:iam::444455556666:user/cd-runner', name: 'cd-runner' },
        ],
      },
      typicalJourneys: [
        {
          tokens: ['sts:GetCallerIdentity', 'ecr:GetAuthorizationToken', 'ecs:UpdateService', 'ecs:DescribeServices'],
          journeys: 280,
          last: '2026-11-19T17:00:00.000Z',
        },
        { tokens: ['s3:ListBuckets', 's3:GetObject'], journeys: 30, last: '2026-11-18T09:00:00.000Z' },
      ],
      networks: [{ network: '10.0.0.0/24', journeys: 300 }],
      systems: [{ as: 'AS16509 Amazon.com, Inc.', journeys: 300 }],
      clients: [{ client: 'sdk/Boto3', journeys: 310 }],
      regions: [{ region: 'us-east-1', journeys: 310 }],
    },
    hoursOfWeek: hours,
    activity: Array.from({ length: 50 }, (_, i) => ({
      day: new Date(Date.UTC(2026, 9, 1) + i * 86_400_000).toISOString().slice(0, 10),
      events: 60 + ((i * 37) % 40),
      failures: i % 7 === 0 ? 1 : 0,
    })),
    alerts: [],
    verdicts: [],
  };
}

/** A fixture as the detector stores it (the contract plus its additive fields), for store-backed tests. */
export function asStored(alert: Alert): StoredAlert {
  return { ...alert, journeyIds: [], person: null, critical: false, assumedBy: null };
}
