import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingest } from '../ingest/index.ts';
import { queryEvents, scanEventRows } from '../store/events.ts';
import { openStore } from '../store/index.ts';
import { isComputeOffHost } from './compute.ts';
import { factsOf, KNOWN_FACTS } from './index.ts';
import { eventOf, FIXTURES } from './test-support.ts';

type Rec = Record<string, unknown>;
const read = (path: string): Rec[] => JSON.parse(readFileSync(join(FIXTURES, path), 'utf8')) as Rec[];
const STRATUS = 'stratus-red-team/aws.credential-access.ec2-steal-instance-credentials.json';
const STOLEN = 'chains/ec2-instance-credentials-used-from-macos.json';

function roleCall(session: string, ip: string, userAgent: string, context: Rec = {}): Rec {
  return {
    eventID: `e-${session}-${ip}-${userAgent.length}`,
    eventTime: '2026-03-02T09:00:00Z',
    eventSource: 's3.amazonaws.com',
    eventName: 'ListBuckets',
    eventType: 'AwsApiCall',
    recipientAccountId: '111122223333',
    sourceIPAddress: ip,
    userAgent,
    userIdentity: {
      type: 'AssumedRole',
      principalId: `AROAEXAMPLE:${session}`,
      arn: `arn:aws:sts::111122223333:assumed-role/app/${session}`,
      accountId: '111122223333',
      accessKeyId: 'ASIAEXAMPLE',
      sessionContext: {
        sessionIssuer: { type: 'Role', arn: 'arn:aws:iam::111122223333:role/app', userName: 'app' },
        ...context,
      },
    },
  };
}

const LAMBDA_UA = 'aws-sdk-js/3.696.0 ua/2.1 os/linux lang/js md/nodejs#20.18.0 exec-env/AWS_Lambda_nodejs20.x';
const MAC_CLI = 'aws-cli/2.15.30 Python/3.11.8 Darwin/23.4.0 exe/x86_64 prompt/off command/s3.ls';
const LINUX_CLI = 'aws-cli/2.15.30 Python/3.11.8 Linux/6.1.0 exe/x86_64 prompt/off command/s3.ls';

describe('computeOffHost', () => {
  it('is a known fact', () => {
    expect(KNOWN_FACTS).toContain('computeOffHost');
  });

  it('is not raised on the real capture, where the instance credentials were used from an AWS address', () => {
    const role = read(STRATUS)
      .map(eventOf)
      .filter((e) => e.actor.type === 'assumed-role');
    expect(role).toHaveLength(2);
    for (const e of role) {
      expect(e.actor.compute).toBe('ec2');
      expect(e.actor.sessionName).toBe('i-786a3A8B5C0d92eF4');
      expect(factsOf(e)).not.toContain('computeOffHost');
    }
  });

  it('is raised on every call of the instance credentials used from a macOS laptop on a residential network', () => {
    const role = read(STOLEN)
      .map(eventOf)
      .filter((e) => e.actor.type === 'assumed-role');
    expect(role.map((e) => e.action)).toEqual([
      'GetCallerIdentity',
      'DescribeInstances',
      'ListBuckets',
      'ListObjects',
      'GetObject',
    ]);
    for (const e of role) expect(factsOf(e), e.action).toContain('computeOffHost');
  });

  it('needs a compute session, and either a non-AWS network or a workstation client', () => {
    const sut = (r: Rec) => isComputeOffHost(eventOf(r));
    // Instance id session name: from AWS with a Linux CLI is on the host; DigitalOcean is not.
    expect(sut(roleCall('i-0abc1234def567890', '18.236.253.47', LINUX_CLI))).toBe(false);
    expect(sut(roleCall('i-0abc1234def567890', '167.99.3.4', LINUX_CLI))).toBe(true);
    // A private address (VPC endpoint) has no AS: only the client can tell.
    expect(sut(roleCall('i-0abc1234def567890', '10.0.3.7', LINUX_CLI))).toBe(false);
    expect(sut(roleCall('i-0abc1234def567890', '10.0.3.7', MAC_CLI))).toBe(true);
    // ec2RoleDelivery marks instance credentials whatever the session name.
    expect(sut(roleCall('worker', '73.162.10.20', LINUX_CLI, { ec2RoleDelivery: '2.0' }))).toBe(true);
    // Lambda named by its runtime in the user agent, at home in AWS.
    expect(sut(roleCall('resize-images', '3.85.10.20', LAMBDA_UA))).toBe(false);
    // Not a compute session: a person's role from home is not this fact.
    expect(sut(roleCall('alice', '73.162.10.20', MAC_CLI))).toBe(false);
    // A browser (console federation of stolen credentials) is a workstation client.
    expect(
      sut(
        roleCall(
          'i-0abc1234def567890',
          '10.0.3.7',
          'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
        ),
      ),
    ).toBe(true);
  });

  it('is stored at ingest with the instance named as the person, and shown by the events output', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'th-compute-'));
    const store = await openStore({ db: join(dir, 'th.db') });
    try {
      await ingest(store, [join(FIXTURES, STOLEN)]);
      const rows = [];
      for await (const r of scanEventRows(store)) if (r.actorType === 'assumed-role') rows.push(r);
      expect(rows).toHaveLength(5);
      for (const r of rows) {
        expect(r.facts).toContain('computeOffHost');
        expect(r.compute).toBe('ec2');
        expect(r.person).toBe('ec2:i-786a3A8B5C0d92eF4');
        expect(r.actorKey).toBe('arn:aws:iam::017622104382:role/stratus-red-team-ec2-steal-credentials-role');
      }
      for await (const e of queryEvents(store))
        if (e.actor.type === 'assumed-role')
          expect(e.actor.chain).toEqual([
            'ec2:i-786a3A8B5C0d92eF4',
            'arn:aws:iam::017622104382:role/stratus-red-team-ec2-steal-credentials-role',
          ]);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
