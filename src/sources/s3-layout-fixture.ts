/**
 * Writes `fixtures/s3-layout/`: a few real Stratus Red Team records laid out exactly as a
 * CloudTrail trail delivers them to S3 (organization trail, gzipped `{"Records":[...]}` files
 * per 5-minute window), plus a digest file and an Insights file, so folder and S3 tests read
 * the real delivery layout. Run: `npx tsx src/sources/s3-layout-fixture.ts fixtures/s3-layout`.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';

const STRATUS = join(import.meta.dirname, '../../fixtures/stratus-red-team');
const ACCOUNT = '111122223333';
const REGION = 'us-east-1';
export const S3_LAYOUT_PREFIX = `AWSLogs/o-abc123/${ACCOUNT}`;

function stratus(name: string): Array<Record<string, unknown>> {
  return [JSON.parse(readFileSync(join(STRATUS, `${name}.json`), 'latin1'))].flat() as Array<Record<string, unknown>>;
}

function logKey(kind: 'CloudTrail' | 'CloudTrail-Insight', stamp: string, suffix: string): string {
  return `${S3_LAYOUT_PREFIX}/${kind}/${REGION}/2024/07/30/${ACCOUNT}_${kind}_${REGION}_${stamp}_${suffix}.json.gz`;
}

/** Relative key -> gzipped content. Deterministic: Node's gzip header has no timestamp. */
export function s3LayoutObjects(): Map<string, Buffer> {
  const password = stratus('aws.credential-access.ec2-get-password-data');
  const later = [...stratus('aws.persistence.iam-backdoor-user'), ...stratus('aws.persistence.lambda-layer-extension')];
  const byWindow = (from: string, to: string) =>
    password.filter((r) => String(r.eventTime) >= from && String(r.eventTime) < to);
  const objects = new Map<string, Buffer>();
  const put = (key: string, value: unknown) => objects.set(key, gzipSync(JSON.stringify(value)));
  put(logKey('CloudTrail', '20240730T2135Z', 'a1B2c3D4e5F6g7H8'), {
    Records: byWindow('2024-07-30T21:30', '2024-07-30T21:31:18'),
  });
  put(logKey('CloudTrail', '20240730T2140Z', 'b2C3d4E5f6G7h8I9'), {
    Records: byWindow('2024-07-30T21:31:18', '2024-07-30T22:00'),
  });
  put(logKey('CloudTrail', '20240730T2200Z', 'c3D4e5F6g7H8i9J0'), { Records: later });
  put(logKey('CloudTrail-Insight', '20240730T2200Z', 'd4E5f6G7h8I9j0K1'), {
    Records: [
      {
        eventVersion: '1.08',
        eventTime: '2024-07-30T21:35:00Z',
        awsRegion: REGION,
        eventID: '9f2b2a0e-1c3d-4e5f-8a9b-0c1d2e3f4a5b',
        eventType: 'AwsCloudTrailInsight',
        recipientAccountId: ACCOUNT,
        sharedEventID: '5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9',
        insightDetails: {
          state: 'Start',
          eventSource: 'ec2.amazonaws.com',
          eventName: 'GetPasswordData',
          insightType: 'ApiErrorRateInsight',
          errorCode: 'Client.UnauthorizedOperation',
          insightContext: { statistics: { baseline: { average: 0 }, insight: { average: 30 }, insightDuration: 1 } },
        },
        eventCategory: 'Insight',
      },
    ],
  });
  put(
    `${S3_LAYOUT_PREFIX}/CloudTrail-Digest/${REGION}/2024/07/30/${ACCOUNT}_CloudTrail-Digest_${REGION}_org-trail_${REGION}_20240730T220000Z.json.gz`,
    {
      awsAccountId: ACCOUNT,
      digestStartTime: '2024-07-30T21:00:00Z',
      digestEndTime: '2024-07-30T22:00:00Z',
      digestS3Bucket: 'org-trail-bucket',
      digestS3Object: 'digest',
      digestPublicKeyFingerprint: '00',
      digestSignatureAlgorithm: 'SHA256withRSA',
      newestEventTime: '2024-07-30T21:57:20Z',
      oldestEventTime: '2024-07-30T21:31:10Z',
      previousDigestS3Bucket: null,
      previousDigestHashValue: null,
      logFiles: [],
    },
  );
  return objects;
}

export function writeS3LayoutFixture(dir: string): string[] {
  const written: string[] = [];
  for (const [key, content] of s3LayoutObjects()) {
    const path = join(dir, key);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
    written.push(path);
  }
  return written;
}

if (process.argv[1] === import.meta.filename) {
  const target = process.argv[2];
  if (!target) throw new Error('usage: s3-layout-fixture.ts <folder>');
  console.log(writeS3LayoutFixture(target).join('\n'));
}
