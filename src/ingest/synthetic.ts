/**
 * Deterministic CloudTrail-shaped records for ingest tests and the ingest benchmark:
 * the full field set of real records (userIdentity with sessionContext, tlsDetails,
 * request and response parameters, ~5% errors), about 1.3 KB each as in real trails.
 * Not a behavioural simulation: `src/sim/` builds the realistic organization.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { prng } from '../util/prng.ts';

export { prng };

const ACTIONS: ReadonlyArray<[string, string, boolean]> = [
  ['ec2.amazonaws.com', 'DescribeInstances', true],
  ['s3.amazonaws.com', 'ListBuckets', true],
  ['iam.amazonaws.com', 'GetUser', true],
  ['sts.amazonaws.com', 'GetCallerIdentity', true],
  ['lambda.amazonaws.com', 'UpdateFunctionCode20150331v2', false],
  ['ec2.amazonaws.com', 'RunInstances', false],
  ['iam.amazonaws.com', 'CreateAccessKey', false],
  ['kms.amazonaws.com', 'Decrypt', true],
  ['cloudtrail.amazonaws.com', 'LookupEvents', true],
  ['rds.amazonaws.com', 'DescribeDBInstances', true],
];
const AGENTS = [
  'aws-cli/2.15.30 Python/3.11.8 Linux/6.1 exe/x86_64.amzn.2 prompt/off command/ec2.describe-instances',
  'Boto3/1.34.69 md/Botocore#1.34.69 ua/2.0 os/linux#6.1 lang/python#3.12.2',
  'aws-sdk-go-v2/1.25.3 os/linux lang/go#1.22.1 md/GOOS#linux api/ec2#1.150.0',
  'console.amazonaws.com',
];

function hex(rand: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += Math.floor(rand() * 16).toString(16);
  return s;
}

/** Hex digits that are a function of `parts`: an identity keeps its ids and keys as in a real trail. */
function stableHex(n: number, ...parts: Array<string | number>): string {
  let s = '';
  let h = 0x811c9dc5;
  for (const ch of parts.join('/')) h = Math.imul(h ^ (ch.codePointAt(0) as number), 0x01000193) >>> 0;
  while (s.length < n) {
    h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) >>> 0;
    s += h.toString(16).padStart(8, '0');
  }
  return s.slice(0, n);
}

const HOUR = 3_600_000;

/** Changes when the records written for a seed change: benchmarks name their cached trails with it. */
export const SYNTHETIC_VERSION = 2;

/**
 * One record of 200 people over 4 accounts. Each person has one role (or IAM user) per account,
 * and an assumed role's session key lasts an hour, as SSO sessions in a real trail do: a trail
 * whose every call carried a key of its own would make every event a journey and a session.
 */
export function syntheticRecord(rand: () => number, i: number, baseTime: number): Record<string, unknown> {
  const [source, name, readOnly] = ACTIONS[Math.floor(rand() * ACTIONS.length)] as [string, string, boolean];
  const userNumber = Math.floor(rand() * 200);
  const user = `user${userNumber}`;
  // 60% of the people work through SSO roles, the others as IAM users.
  const assumed = stableHex(2, 'kind', userNumber) < '9a';
  const account = `1111222233${String(Math.floor(rand() * 4)).padStart(2, '0')}`;
  const region = ['us-east-1', 'eu-west-1', 'us-west-2', 'ap-southeast-2'][Math.floor(rand() * 4)] as string;
  const error = rand() < 0.05;
  const at = baseTime + i * 1000 + Math.floor(rand() * 1000);
  const time = new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const session = Math.floor(at / HOUR);
  const role = `AWSReservedSSO_Dev_${stableHex(16, 'set', user)}`;
  const identity = assumed
    ? {
        type: 'AssumedRole',
        principalId: `AROA${stableHex(16, 'role', user, account).toUpperCase()}:${user}@example.com`,
        arn: `arn:aws:sts::${account}:assumed-role/${role}/${user}@example.com`,
        accountId: account,
        accessKeyId: `ASIA${stableHex(16, 'session', user, account, session).toUpperCase()}`,
        sessionContext: {
          sessionIssuer: {
            type: 'Role',
            principalId: 'AROAEXAMPLE',
            arn: `arn:aws:iam::${account}:role/aws-reserved/sso.amazonaws.com/${role}`,
            accountId: account,
            userName: role,
          },
          webIdFederationData: {},
          attributes: {
            creationDate: new Date(session * HOUR).toISOString().replace(/\.\d{3}Z$/, 'Z'),
            mfaAuthenticated: 'false',
          },
        },
      }
    : {
        type: 'IAMUser',
        principalId: `AIDA${stableHex(16, 'user', user, account).toUpperCase()}`,
        arn: `arn:aws:iam::${account}:user/${user}`,
        accountId: account,
        accessKeyId: `AKIA${stableHex(16, 'key', user, account).toUpperCase()}`,
        userName: user,
      };
  return {
    eventVersion: '1.09',
    userIdentity: identity,
    eventTime: time,
    eventSource: source,
    eventName: name,
    awsRegion: region,
    sourceIPAddress: `198.51.100.${Math.floor(rand() * 255)}`,
    userAgent: AGENTS[Math.floor(rand() * AGENTS.length)],
    ...(error
      ? {
          errorCode: 'AccessDenied',
          errorMessage: `User: ${identity.arn} is not authorized to perform: ${source.split('.')[0]}:${name}`,
        }
      : {}),
    requestParameters: {
      instancesSet: { items: [{ instanceId: `i-${hex(rand, 17)}` }] },
      filterSet: {},
      maxResults: 1000,
    },
    responseElements: error
      ? null
      : {
          requestId: `${hex(rand, 8)}-${hex(rand, 4)}-${hex(rand, 4)}-${hex(rand, 4)}-${hex(rand, 12)}`,
          credentials: { accessKeyId: `ASIA${hex(rand, 16).toUpperCase()}`, expiration: time },
        },
    requestID: `${hex(rand, 8)}-${hex(rand, 4)}-${hex(rand, 4)}-${hex(rand, 4)}-${hex(rand, 12)}`,
    eventID: `${hex(rand, 8)}-${hex(rand, 4)}-4${hex(rand, 3)}-a${hex(rand, 3)}-${hex(rand, 12)}-${i}`,
    readOnly,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: account,
    eventCategory: 'Management',
    tlsDetails: {
      tlsVersion: 'TLSv1.3',
      cipherSuite: 'TLS_AES_128_GCM_SHA256',
      clientProvidedHostHeader: `${source.split('.')[0]}.${region}.amazonaws.com`,
    },
    sessionCredentialFromConsole: assumed && rand() < 0.3 ? 'true' : undefined,
  };
}

/**
 * Writes `files` gzipped `{"Records":[...]}` files of `perFile` records in the S3 delivery
 * layout under `dir`, and returns the paths. Event ids are unique across the whole set.
 */
export function writeSyntheticTrail(dir: string, files: number, perFile: number, seed = 1): string[] {
  const rand = prng(seed);
  const base = Date.UTC(2026, 0, 5);
  const paths: string[] = [];
  for (let f = 0; f < files; f++) {
    const records = Array.from({ length: perFile }, (_, j) => syntheticRecord(rand, f * perFile + j, base));
    const day = new Date(base + f * perFile * 1000);
    const folder = join(
      dir,
      'AWSLogs',
      '111122223300',
      'CloudTrail',
      'us-east-1',
      String(day.getUTCFullYear()),
      String(day.getUTCMonth() + 1).padStart(2, '0'),
      String(day.getUTCDate()).padStart(2, '0'),
    );
    mkdirSync(folder, { recursive: true });
    const path = join(folder, `111122223300_CloudTrail_us-east-1_${String(f).padStart(6, '0')}.json.gz`);
    writeFileSync(path, gzipSync(JSON.stringify({ Records: records })));
    paths.push(path);
  }
  return paths;
}
