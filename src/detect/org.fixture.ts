/**
 * A tiny hand-built organization for the detector's end-to-end tests: CloudTrail records
 * (normalized and stored exactly as ingest stores them) for six developers, two IAM admins
 * and a CI role over three weeks of working days, with an optional injected attack.
 */

import { factsOf, riskOf, targetsOf } from '../catalog/index.ts';
import { traceBatch } from '../ingest/chains.ts';
import { prng } from '../ingest/synthetic.ts';
import { normalizeRecord } from '../normalize/index.ts';
import { type EventToStore, insertEvents } from '../store/events.ts';
import type { Store } from '../store/index.ts';

export const ACCOUNT = '111122223333';
export const ORG_START = Date.UTC(2026, 0, 5, 0, 0, 0);
const DAY = 86_400_000;

type Call = [string, string, Record<string, unknown>?];

const DEV_TASKS: Call[][] = [
  [
    ['sts', 'GetCallerIdentity'],
    ['ec2', 'DescribeInstances'],
    ['logs', 'FilterLogEvents'],
    ['logs', 'GetLogEvents'],
  ],
  [
    ['lambda', 'ListFunctions20150331'],
    ['lambda', 'GetFunction20150331v2'],
    ['lambda', 'UpdateFunctionCode20150331v2'],
    ['logs', 'FilterLogEvents'],
  ],
  [
    ['s3', 'ListBuckets'],
    ['s3', 'GetObject'],
    ['s3', 'PutObject'],
  ],
];
const ADMIN_TASKS: Call[][] = [
  [
    ['iam', 'ListUsers'],
    ['iam', 'GetUser', { userName: 'newhire' }],
    ['iam', 'CreateUser', { userName: 'newhire' }],
    ['iam', 'AddUserToGroup', { groupName: 'developers', userName: 'newhire' }],
  ],
  [
    ['iam', 'ListAccessKeys'],
    ['iam', 'CreateAccessKey', { userName: 'svc-report' }],
    ['iam', 'UpdateAccessKey', { userName: 'svc-report', status: 'Inactive' }],
  ],
];
const CI_TASK: Call[] = [
  ['sts', 'GetCallerIdentity'],
  ['s3', 'GetObject'],
  ['lambda', 'GetFunction20150331v2'],
  ['lambda', 'UpdateFunctionCode20150331v2'],
  ['s3', 'PutObject'],
];

export interface Identity {
  name: string;
  ip: string;
  agent: string;
  role?: string;
}

export const DEVS: Identity[] = Array.from({ length: 6 }, (_, i) => ({
  name: `dev${i + 1}`,
  ip: `198.51.100.${10 + i}`,
  agent: 'aws-cli/2.15.30 Python/3.11.8 Linux/6.1 exe/x86_64 prompt/off',
}));
export const ADMINS: Identity[] = [
  { name: 'admin1', ip: '198.51.100.40', agent: 'aws-cli/2.15.30 Python/3.11.8 Darwin/23 exe/x86_64 prompt/off' },
  { name: 'admin2', ip: '198.51.100.41', agent: 'aws-cli/2.15.30 Python/3.11.8 Darwin/23 exe/x86_64 prompt/off' },
];
export const CI: Identity = {
  name: 'deploy',
  ip: '203.0.113.200',
  agent: 'aws-sdk-go-v2/1.25.3 os/linux lang/go#1.22.1',
  role: 'ci-deploy',
};

let counter = 0;

export function record(
  who: Identity,
  [service, name, params]: Call,
  time: number,
  over: Record<string, unknown> = {},
): Record<string, unknown> {
  counter++;
  const identity = who.role
    ? {
        type: 'AssumedRole',
        principalId: `AROAEXAMPLE:${who.name}`,
        arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${who.role}/${who.name}`,
        accountId: ACCOUNT,
        accessKeyId: 'ASIACIEXAMPLE',
        sessionContext: {
          sessionIssuer: {
            type: 'Role',
            principalId: 'AROAEXAMPLE',
            arn: `arn:aws:iam::${ACCOUNT}:role/${who.role}`,
            accountId: ACCOUNT,
            userName: who.role,
          },
          attributes: { creationDate: new Date(time).toISOString(), mfaAuthenticated: 'false' },
        },
      }
    : {
        type: 'IAMUser',
        principalId: `AIDA${who.name.toUpperCase()}`,
        arn: `arn:aws:iam::${ACCOUNT}:user/${who.name}`,
        accountId: ACCOUNT,
        accessKeyId: `AKIA${who.name.toUpperCase()}`,
        userName: who.name,
      };
  return {
    eventVersion: '1.09',
    userIdentity: identity,
    eventTime: new Date(time).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    eventSource: `${service}.amazonaws.com`,
    eventName: name,
    awsRegion: 'us-east-1',
    sourceIPAddress: who.ip,
    userAgent: who.agent,
    requestParameters: params ?? null,
    responseElements: null,
    eventID: `e2e-${String(counter).padStart(7, '0')}-${who.name}`,
    readOnly: /^(Get|List|Describe|Filter)/.test(name),
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ACCOUNT,
    ...over,
  };
}

/** Working days of routine for everyone (09:00-17:00 UTC), deterministic for a seed. */
export function routine(days: number, seed = 7): Array<Record<string, unknown>> {
  const rand = prng(seed);
  const out: Array<Record<string, unknown>> = [];
  for (let d = 0; d < days; d++) {
    const day = ORG_START + d * DAY;
    if (new Date(day).getUTCDay() % 6 === 0) continue;
    const journey = (who: Identity, calls: Call[], start: number) =>
      calls.forEach((c, i) => {
        out.push(record(who, c, start + i * 40_000 + Math.floor(rand() * 20_000)));
      });
    for (const dev of DEVS) {
      const n = 1 + Math.floor(rand() * 3);
      for (let k = 0; k < n; k++)
        journey(
          dev,
          DEV_TASKS[Math.floor(rand() * DEV_TASKS.length)] as Call[],
          day + (9 + k * 2.5) * 3_600_000 + Math.floor(rand() * 3_600_000),
        );
    }
    for (const admin of ADMINS)
      journey(
        admin,
        ADMIN_TASKS[Math.floor(rand() * ADMIN_TASKS.length)] as Call[],
        day + 10 * 3_600_000 + Math.floor(rand() * 5 * 3_600_000),
      );
    for (let k = 0; k < 4; k++) journey(CI, CI_TASK, day + (8 + k * 2) * 3_600_000 + Math.floor(rand() * 600_000));
  }
  return out;
}

/** Stolen dev3 keys used from attacker infrastructure: an admin user is created and keyed. */
export function attack(time: number): Array<Record<string, unknown>> {
  const attacker: Identity = { name: 'dev3', ip: '203.0.113.66', agent: 'Pacu/1.5 Boto3/1.34.69 Python/3.12' };
  const calls: Call[] = [
    ['sts', 'GetCallerIdentity'],
    ['iam', 'ListUsers'],
    ['iam', 'CreateUser', { userName: 'backup-admin' }],
    ['iam', 'AttachUserPolicy', { userName: 'backup-admin', policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }],
    ['iam', 'CreateAccessKey', { userName: 'backup-admin' }],
  ];
  return calls.map((c, i) => record(attacker, c, time + i * 30_000));
}

export async function storeRecords(store: Store, records: ReadonlyArray<Record<string, unknown>>): Promise<void> {
  const events: EventToStore[] = [];
  for (const r of records) {
    const n = normalizeRecord(r);
    if (!n.ok) throw new Error(`fixture record does not normalize: ${n.reason}`);
    events.push({
      event: n.event,
      facts: factsOf(n.event),
      risk: riskOf(n.event),
      targets: targetsOf(n.event),
      raw: JSON.stringify(r),
      fileId: null,
    });
  }
  await store.transaction(async (tx) => {
    await traceBatch(tx.store, events);
    await insertEvents(tx.store, events);
  });
}
