/**
 * Every CloudTrail string is written by whoever called AWS: a NUL in any of them (which no
 * PostgreSQL text value can hold) must not fail a write, and with it the ingest or the
 * detection. `run` ingests and detects a trail carrying NUL in user agents, user and session
 * names, request parameters, a bucket name, an Insights record, a late credential and a
 * malformed record, on PostgreSQL as on SQLite.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attack, ORG_START, routine } from '../detect/org.fixture.ts';
import { assumeRole, call, iamUser, roleSession } from '../ingest/chains.fixture.ts';
import { openStore, type Store } from '../store/index.ts';
import { testDatabase } from '../store/postgres-testing.ts';
import { runCli } from './testing.ts';

type Rec = Record<string, unknown>;
const DAY = 86_400_000;
const NUL = '\u0000';

/** dev2's user name holds NUL in every record (so it has a baseline), and the attack's strings too. */
function trail(): { main: Rec[]; hops: Rec[]; insight: Rec } {
  const renamed = (r: Rec): Rec => {
    const ui = r.userIdentity as Rec;
    if (ui.userName !== 'dev2') return r;
    return {
      ...r,
      userIdentity: { ...ui, userName: `dev${NUL}2`, arn: `${String(ui.arn).slice(0, -4)}dev${NUL}2` },
    };
  };
  const hostile = (r: Rec): Rec => {
    const params = r.requestParameters as Rec | null;
    return {
      ...r,
      userAgent: `Pacu/1.5${NUL} Boto3/1.34.69`,
      requestParameters:
        params === null ? null : { ...params, ...(params.userName ? { userName: `backup${NUL}admin` } : {}) },
    };
  };
  const attackAt = ORG_START + 17 * DAY + 13 * 3_600_000;
  const stolen = attack(attackAt).map(hostile);
  const bucket = {
    ...(stolen.at(-1) as Rec),
    eventID: `bucket${NUL}policy`,
    eventTime: new Date(attackAt + 10 * 60_000).toISOString().replace('.000Z', 'Z'),
    eventSource: 's3.amazonaws.com',
    eventName: 'PutBucketPolicy',
    requestParameters: { bucketName: `exfil${NUL}bucket`, bucketPolicy: { Statement: [{ Principal: '*' }] } },
  };
  // A role session named with NUL, used before the call that issued it arrives (next run).
  const alice = iamUser(`al${NUL}ice`, `AKIA${NUL}ALICE`);
  const session = roleSession('deploy', `sess${NUL}ion`, `ASIA${NUL}DEPLOY`);
  const calls = [call(`call${NUL}1`, 2, session, 'ListBuckets'), call(`call${NUL}2`, 3, session)];
  const hops = [assumeRole(`hop${NUL}1`, 0, alice, 'deploy', `sess${NUL}ion`, `ASIA${NUL}DEPLOY`)];
  const insight = {
    eventVersion: '1.08',
    eventTime: '2026-01-20T10:00:00Z',
    awsRegion: 'us-east-1',
    eventID: `insight${NUL}1`,
    eventType: 'AwsCloudTrailInsight',
    recipientAccountId: '111122223333',
    insightDetails: { state: 'Start', eventSource: 'iam.amazonaws.com', eventName: `Create${NUL}User` },
    eventCategory: 'Insight',
  };
  return { main: [...routine(21).map(renamed), ...stolen, bucket, ...calls], hops, insight };
}

function writeLogs(dir: string): { first: string; late: string; records: number } {
  const { main, hops, insight } = trail();
  const first = join(dir, 'first');
  const late = join(dir, 'late');
  mkdirSync(first);
  mkdirSync(late);
  writeFileSync(join(first, 'trail.json.gz'), gzipSync(JSON.stringify({ Records: main })));
  writeFileSync(join(first, 'insight.json'), JSON.stringify({ Records: [insight] }));
  // A line that is no JSON (a raw NUL byte), and one record that is no CloudTrail event.
  writeFileSync(join(first, 'broken.jsonl'), `{"eventID": "broken${NUL}line"\n`);
  const odd = { ...(main[0] as Rec), eventID: `odd${NUL}shape`, eventTime: `never${NUL}` };
  writeFileSync(join(first, 'odd.json'), JSON.stringify({ Records: [odd] }));
  writeFileSync(join(late, 'hops.json'), JSON.stringify({ Records: hops }));
  return { first, late, records: main.length + hops.length };
}

async function contents(store: Store) {
  const count = async (table: 'events' | 'insights' | 'alerts' | 'journeys' | 'quarantine') =>
    Number(
      (
        await store.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const alerts = await store.db.selectFrom('alerts').select(['actor_key', 'body']).execute();
  const chained = await store.db
    .selectFrom('events')
    .select(['actor_key', 'person', 'session_name'])
    .where('event_id', 'like', 'call%')
    .orderBy('event_id')
    .execute();
  return {
    events: await count('events'),
    insights: await count('insights'),
    alerts: alerts.length,
    journeys: await count('journeys'),
    quarantined: await count('quarantine'),
    attacked: alerts.some((a) => a.actor_key.endsWith('user/dev3') && a.body.includes('backup\\u0000admin')),
    chained,
  };
}

async function runTwiceAndAgain(db: string, logs: ReturnType<typeof writeLogs>) {
  const first = await runCli(['run', logs.first, '--db', db, '--learning-days', '10']);
  expect(first.stderr).not.toMatch(/error|invalid byte sequence/i);
  expect(first.code).toBe(0);
  // The late issuing call re-attributes the session's stored calls, and detect scores again.
  const late = await runCli(['run', logs.late, '--db', db, '--learning-days', '10']);
  expect(late.code).toBe(0);
  expect(late.stdout).toMatch(/replayed from/);
  const again = await runCli(['run', logs.first, logs.late, '--db', db, '--learning-days', '10']);
  expect(again.code).toBe(0);
  const alerts = await runCli(['alerts', '--db', db]);
  expect(alerts.code).toBe(0);
  expect(alerts.stdout).toContain('dev3');
  expect(alerts.stdout).not.toContain(NUL);
  expect(again.stdout).toMatch(
    /^detect: 0 journey\(s\) scored from 0 events.*\n\s+0 new alert\(s\), 0 alert\(s\) grew\n/,
  );
  return { first, late, again };
}

describe('run on a trail whose strings hold NUL', () => {
  const database = testDatabase('nul');
  let dir: string;
  beforeAll(async () => {
    await database.create();
    dir = mkdtempSync(join(tmpdir(), 'th-run-nul-'));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await database.drop();
  });

  it('stores every record once and raises the same alerts on PostgreSQL as on SQLite', async () => {
    const logs = writeLogs(dir);
    const sqlitePath = join(dir, 'th.db');
    await runTwiceAndAgain(sqlitePath, logs);
    const { again } = await runTwiceAndAgain(database.url, logs);
    expect(again.stderr).toMatch(/5 unchanged/);

    const pg = await openStore({ db: database.url });
    const lite = await openStore({ db: sqlitePath });
    try {
      const onPg = await contents(pg);
      const onLite = await contents(lite);
      expect(onPg).toMatchObject({
        events: logs.records,
        insights: 1,
        quarantined: 2,
        attacked: true,
      });
      expect(onPg.alerts).toBeGreaterThan(0);
      // PostgreSQL holds U+FFFD where the record had NUL; SQLite holds the record's own strings.
      const traced = { actor_key: expect.stringContaining('role/deploy'), person: expect.any(String) };
      expect(onPg.chained).toEqual([
        { ...traced, session_name: 'sess\uFFFDion' },
        { ...traced, session_name: 'sess\uFFFDion' },
      ]);
      expect(onLite.chained).toEqual([
        { ...traced, session_name: `sess${NUL}ion` },
        { ...traced, session_name: `sess${NUL}ion` },
      ]);
      expect(onPg.chained[0]?.person).toBe(onLite.chained[0]?.person?.replaceAll(NUL, '\uFFFD'));
      expect({ ...onPg, chained: null }).toEqual({ ...onLite, chained: null });
      const names = async (store: Store) =>
        (await store.db.selectFrom('events').select('actor_name').distinct().execute()).map((r) => r.actor_name);
      expect(await names(lite)).toContain(`dev${NUL}2`);
      expect(await names(pg)).toContain('dev\uFFFD2');
      // Journeys and alerts have the same ids on both: they are hashed from the actor key and the
      // first event id as PostgreSQL holds them (dev2's journeys and the bucket event hold NUL).
      const ids = async (store: Store, table: 'journeys' | 'alerts') =>
        (await store.db.selectFrom(table).select('id').orderBy('id').execute()).map((r) => r.id);
      const journeys = await ids(lite, 'journeys');
      const nulActor = await lite.db
        .selectFrom('journeys')
        .select('id')
        .where('actor_key', 'like', `%dev${NUL}2`)
        .execute();
      expect(nulActor.length).toBeGreaterThan(0);
      expect(await ids(pg, 'journeys')).toEqual(journeys);
      expect(await ids(pg, 'alerts')).toEqual(await ids(lite, 'alerts'));
      const peerGroups = async (store: Store) =>
        (await store.db.selectFrom('alerts').select('body').orderBy('id').execute()).map(
          (r) => (JSON.parse(r.body) as { peerGroup: string | null }).peerGroup,
        );
      expect(await peerGroups(pg)).toEqual(await peerGroups(lite));
    } finally {
      await pg.close();
      await lite.close();
    }
  }, 120_000);
});
