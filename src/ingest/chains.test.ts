import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { detect } from '../app/detect.ts';
import type { Event } from '../normalize/event.ts';
import { eventsOfSessions, queryEvents, scanEventRows } from '../store/events.ts';
import { openStore, type Store } from '../store/index.ts';
import { readRescoreFrom } from '../store/rescore.ts';
import {
  A,
  ADMIN,
  ALICE,
  assumeRole,
  at,
  B,
  call,
  DEPLOY,
  iamUser,
  roleSession,
  serviceAssume,
  twoHopChain,
  writeTrail,
} from './chains.fixture.ts';
import { ingest } from './index.ts';

async function events(store: Store): Promise<Map<string, Event>> {
  const out = new Map<string, Event>();
  for await (const e of queryEvents(store)) out.set(e.eventId, e);
  return out;
}

/** What detection sees of each event: its actor key and person. */
async function rows(store: Store): Promise<Record<string, [string, string | null | undefined]>> {
  const out: Record<string, [string, string | null | undefined]> = {};
  for await (const r of scanEventRows(store)) out[r.eventId] = [r.actorKey, r.person];
  return out;
}

/** Each event's stored sentence. */
async function sentences(store: Store): Promise<Record<string, string | null>> {
  const stored = await store.db.selectFrom('events').select(['event_id', 'sentence']).execute();
  return Object.fromEntries(stored.map((r) => [r.event_id, r.sentence]));
}

describe('credential chains at ingest', () => {
  let dir: string;
  let store: Store;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'th-chains-'));
    store = await openStore({ db: join(dir, 'th.db') });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('follows two role hops to the IAM user at the origin', async () => {
    const { hops, calls } = twoHopChain();
    await ingest(store, [writeTrail(dir, 'all.json', [...hops, ...calls])]);
    const e = await events(store);
    const download = e.get('call-2') as Event;
    expect(download.actor.person).toBe(ALICE);
    expect(download.actor.chain).toEqual([ALICE, DEPLOY, ADMIN]);
    expect(download.actor.key).toBe(`${ADMIN}/${ALICE}`);
    expect(download.actor.name).toBe('admin (alice)');
    // The first hop's own calls: the session name was generated, the person is still alice.
    expect(e.get('call-3')?.actor).toMatchObject({ key: `${DEPLOY}/${ALICE}`, person: ALICE, chain: [ALICE, DEPLOY] });
    // The user's own calls keep the user's key.
    expect(e.get('hop-1')?.actor.key).toBe(ALICE);
    expect((await readRescoreFrom(store))?.since ?? null).toBeNull();
  });

  it('attributes the same whatever order the files arrive in, and marks the late calls for rescoring', async () => {
    const { hops, calls } = twoHopChain();
    const together = await rows(store);
    await ingest(store, [writeTrail(dir, 'a.json', [...hops, ...calls])]);
    Object.assign(together, await rows(store));

    const late = await openStore({ db: join(dir, 'late.db') });
    try {
      // The calls first, then the second hop (another region's file), then the first (another run).
      const first = await ingest(late, [writeTrail(dir, 'calls.json', calls)]);
      expect(first.reattributed).toBe(0);
      expect((await rows(late))['call-2']).toEqual([`${ADMIN}/alice`, 'alice']);
      const second = await ingest(late, [writeTrail(dir, 'hop2.json', [hops[1] as never])]);
      expect(second.reattributed).toBe(2);
      // Traced one hop up: the deploy session's person was not known, the origin is that role.
      expect((await events(late)).get('call-2')?.actor.chain).toEqual([DEPLOY, ADMIN]);
      expect((await readRescoreFrom(late))?.since ?? null).toBe(Date.parse(at(2)));
      const third = await ingest(late, [writeTrail(dir, 'hop1.json', [hops[0] as never])]);
      // The three calls and the second hop, itself made with the first hop's credential.
      expect(third.reattributed).toBe(4);
      expect(await rows(late)).toEqual(together);
      // The stored sentences follow the attribution (the event search shows them as stored).
      const lateSentences = await sentences(late);
      expect(lateSentences).toEqual(await sentences(store));
      expect(lateSentences['call-2']).toMatch(/^admin \(alice\) /);
      const e = await events(late);
      expect(e.get('call-2')?.actor).toMatchObject({ person: ALICE, chain: [ALICE, DEPLOY, ADMIN] });
      expect(e.get('call-3')?.actor).toMatchObject({ person: ALICE, chain: [ALICE, DEPLOY] });
      expect((await readRescoreFrom(late))?.since ?? null).toBe(Date.parse(at(1)));
      // Ingesting again changes nothing.
      const again = await ingest(late, [writeTrail(dir, 'hop1.json', [hops[0] as never])], { force: true });
      expect(again).toMatchObject({ inserted: 0, reattributed: 0 });
    } finally {
      await late.close();
    }
  });

  it('reads a session’s stored events a page at a time, up to a row id', async () => {
    const { calls } = twoHopChain();
    await ingest(store, [writeTrail(dir, 'calls.json', calls)]);
    const pages: string[][] = [];
    for await (const page of eventsOfSessions(store, ['ASIAADMIN', 'ASIADEPLOY'], 1_000_000, 1))
      pages.push(page.map((p) => p.event.eventId));
    expect(pages.flat().sort()).toEqual(['call-1', 'call-2', 'call-3']);
    expect(pages.every((p) => p.length === 1)).toBe(true);
    const upTo: string[] = [];
    for await (const page of eventsOfSessions(store, ['ASIAADMIN'], 1)) upTo.push(...page.map((p) => p.event.eventId));
    expect(upTo.length).toBeLessThanOrEqual(1);
  });

  it('gives journeys the person behind the chain', async () => {
    const { hops, calls } = twoHopChain();
    await ingest(store, [writeTrail(dir, 'calls.json', calls)]);
    await ingest(store, [writeTrail(dir, 'hops.json', hops)]);
    await detect(store, { flush: true, learningDays: 0 });
    const journeys = await store.db.selectFrom('journeys').select(['actor_key', 'event_ids']).execute();
    const byKey = Object.fromEntries(journeys.map((j) => [j.actor_key, j.event_ids.split(' ').sort()]));
    expect(byKey).toEqual({
      [ALICE]: ['hop-1'],
      [`${DEPLOY}/${ALICE}`]: ['call-3', 'hop-2'],
      [`${ADMIN}/${ALICE}`]: ['call-1', 'call-2'],
    });
  });

  it('attributes calls in a file read before the issuing call within one run', async () => {
    const { hops, calls } = twoHopChain();
    await ingest(store, [writeTrail(dir, '1-calls.json', calls), writeTrail(dir, '2-hops.json', hops)], {
      batchSize: 2,
    });
    const e = await events(store);
    expect(e.get('call-2')?.actor).toMatchObject({ key: `${ADMIN}/${ALICE}`, chain: [ALICE, DEPLOY, ADMIN] });
  });

  it('names the external account when only the role account trail is ingested', async () => {
    const caller = {
      type: 'AWSAccount',
      principalId: 'AIDAEXTERNALUSER',
      accountId: B,
      accessKeyId: 'AKIAEXTERNAL',
    };
    await ingest(store, [
      writeTrail(dir, 'x.json', [
        assumeRole('x-hop', 0, caller, 'audit', 'mallory', 'ASIAAUDIT', { recipient: A }),
        call('x-call', 1, roleSession('audit', 'mallory', 'ASIAAUDIT')),
        assumeRole('y-hop', 5, caller, 'audit', 'carol', 'ASIAAUDIT2', { recipient: A, sourceIdentity: 'carol' }),
        call('y-call', 6, roleSession('audit', 'carol', 'ASIAAUDIT2', A, 'carol')),
      ]),
    ]);
    const e = await events(store);
    expect(e.get('x-call')?.actor).toMatchObject({
      key: `arn:aws:iam::${A}:role/audit/account:${B}`,
      person: `account:${B}`,
      chain: [`account:${B}:AIDAEXTERNALUSER`, `arn:aws:iam::${A}:role/audit`],
    });
    // sourceIdentity, set by the caller's account for the person, names them.
    expect(e.get('y-call')?.actor).toMatchObject({ key: `arn:aws:iam::${A}:role/audit/carol`, person: 'carol' });
  });

  it('prefers the caller account’s copy of a cross-account AssumeRole, whichever copy arrives first', async () => {
    const dave = `arn:aws:iam::${B}:user/dave`;
    const callerCopy = assumeRole('xa-caller', 0, iamUser('dave', 'AKIADAVE', B), 'audit', 'dave', 'ASIAXDAVE', {
      recipient: B,
    });
    const roleCopy = assumeRole(
      'xa-role',
      0,
      { type: 'AWSAccount', principalId: 'AIDADAVE', accountId: B, accessKeyId: 'AKIADAVE' },
      'audit',
      'dave',
      'ASIAXDAVE',
      { recipient: A },
    );
    const use = call('xa-call', 1, roleSession('audit', 'dave', 'ASIAXDAVE'));
    const expected = {
      key: `arn:aws:iam::${A}:role/audit/${dave}`,
      person: dave,
      chain: [dave, `arn:aws:iam::${A}:role/audit`],
    };
    await ingest(store, [writeTrail(dir, 'role-account.json', [roleCopy, use])]);
    expect((await events(store)).get('xa-call')?.actor.person).toBe(`account:${B}`);
    const late = await ingest(store, [writeTrail(dir, 'caller-account.json', [callerCopy])]);
    expect(late.reattributed).toBe(1);
    expect((await events(store)).get('xa-call')?.actor).toMatchObject(expected);

    const other = await openStore({ db: join(dir, 'other.db') });
    try {
      await ingest(other, [writeTrail(dir, 'caller-account.json', [callerCopy])]);
      await ingest(other, [writeTrail(dir, 'role-account.json', [roleCopy, use])]);
      expect((await events(other)).get('xa-call')?.actor).toMatchObject(expected);
    } finally {
      await other.close();
    }
  });

  it('names the instance behind instance-profile credentials and the function behind a Lambda role', async () => {
    await ingest(store, [
      writeTrail(dir, 'c.json', [
        serviceAssume('ec2-hop', 0, 'ec2.amazonaws.com', 'web', 'i-0abc1234def567890', 'ASIAWEB'),
        call('ec2-call', 1, roleSession('web', 'i-0abc1234def567890', 'ASIAWEB')),
        serviceAssume('fn-hop', 0, 'lambda.amazonaws.com', 'fn-role', 'resize-images', 'ASIAFN'),
        call('fn-call', 1, roleSession('fn-role', 'resize-images', 'ASIAFN')),
        serviceAssume(
          'ecs-hop',
          0,
          'ecs-tasks.amazonaws.com',
          'task-role',
          '8f2a91c4d6b74e0f9a3c5b7d1e6f2a40',
          'ASIATASK',
        ),
        call('ecs-call', 1, roleSession('task-role', '8f2a91c4d6b74e0f9a3c5b7d1e6f2a40', 'ASIATASK')),
        // A role the instance role assumed in turn: the instance is still the origin.
        assumeRole('ec2-chain', 2, roleSession('web', 'i-0abc1234def567890', 'ASIAWEB'), 'data', 'reader', 'ASIADATA'),
        call('chain-call', 3, roleSession('data', 'reader', 'ASIADATA')),
      ]),
    ]);
    const e = await events(store);
    // Instance ids change with every replacement: they name the person, not the key.
    expect(e.get('ec2-call')?.actor).toMatchObject({
      key: `arn:aws:iam::${A}:role/web`,
      person: 'ec2:i-0abc1234def567890',
      compute: 'ec2',
      sessionName: 'i-0abc1234def567890',
      chain: ['ec2:i-0abc1234def567890', `arn:aws:iam::${A}:role/web`],
    });
    expect(e.get('fn-call')?.actor).toMatchObject({
      key: `arn:aws:iam::${A}:role/fn-role/resize-images`,
      person: 'lambda:resize-images',
      compute: 'lambda',
    });
    expect(e.get('ecs-call')?.actor).toMatchObject({
      key: `arn:aws:iam::${A}:role/task-role`,
      person: 'ecs:8f2a91c4d6b74e0f9a3c5b7d1e6f2a40',
      compute: 'ecs',
    });
    expect(e.get('chain-call')?.actor).toMatchObject({
      key: `arn:aws:iam::${A}:role/data/reader`,
      compute: 'ec2',
      chain: ['ec2:i-0abc1234def567890', `arn:aws:iam::${A}:role/web`, `arn:aws:iam::${A}:role/data`],
    });
  });

  it('does not trace a call to a credential issued for another identity (sample trails reuse keys)', async () => {
    await ingest(store, [
      writeTrail(dir, 'r.json', [
        assumeRole('r-hop', 0, iamUser('alice', 'AKIAALICE'), 'deploy', 'x', 'ASIAREUSED'),
        call('r-call', 1, roleSession('other-role', 'worker', 'ASIAREUSED')),
      ]),
    ]);
    expect((await events(store)).get('r-call')?.actor).toMatchObject({
      key: `arn:aws:iam::${A}:role/other-role/worker`,
      person: 'worker',
      chain: null,
    });
  });

  it('links GetSessionToken and GetFederationToken credentials to the IAM user who asked', async () => {
    const bob = iamUser('bob', 'AKIABOB');
    const sessionToken = assumeRole('st', 0, bob, 'unused', 'unused', 'ASIABOBSESSION');
    sessionToken.eventName = 'GetSessionToken';
    sessionToken.requestParameters = { durationSeconds: 3600 };
    delete (sessionToken.responseElements as Record<string, unknown>).assumedRoleUser;
    const federation = assumeRole('ft', 0, bob, 'unused', 'unused', 'ASIABOBFED');
    federation.eventName = 'GetFederationToken';
    federation.requestParameters = { name: 'partner-portal' };
    federation.responseElements = {
      credentials: { accessKeyId: 'ASIABOBFED', expiration: 'Mar 2, 2026, 10:00:00 AM' },
      federatedUser: {
        federatedUserId: `${A}:partner-portal`,
        arn: `arn:aws:sts::${A}:federated-user/partner-portal`,
      },
    };
    const federated = {
      type: 'FederatedUser',
      principalId: `${A}:partner-portal`,
      arn: `arn:aws:sts::${A}:federated-user/partner-portal`,
      accountId: A,
      accessKeyId: 'ASIABOBFED',
      sessionContext: { sessionIssuer: { type: 'IAMUser', arn: `arn:aws:iam::${A}:user/bob`, userName: 'bob' } },
    };
    await ingest(store, [
      writeTrail(dir, 't.json', [
        sessionToken,
        call('st-call', 1, iamUser('bob', 'ASIABOBSESSION')),
        federation,
        call('ft-call', 1, federated),
      ]),
    ]);
    const e = await events(store);
    const bobArn = `arn:aws:iam::${A}:user/bob`;
    expect(e.get('st-call')?.actor).toMatchObject({ key: bobArn, person: bobArn, chain: [bobArn] });
    expect(e.get('ft-call')?.actor).toMatchObject({
      key: `arn:aws:sts::${A}:federated-user/partner-portal`,
      person: 'partner-portal',
      chain: [bobArn, `arn:aws:sts::${A}:federated-user/partner-portal`],
    });
  });

  it('gives an Identity Center portal sign-in and the same user’s permission-set sessions one person', async () => {
    const portal = call('sso-signin', 0, {
      type: 'Unknown',
      principalId: 'd-9067642ac7.94782f42-1f7a-4b2e-9d35-EXAMPLE',
      accountId: A,
      userName: 'alice.jones',
    });
    portal.eventSource = 'signin.amazonaws.com';
    portal.eventName = 'UserAuthentication';
    portal.eventType = 'AwsServiceEvent';
    const roleCredentials = call('sso-creds', 1, {
      type: 'Unknown',
      principalId: 'd-9067642ac7.94782f42-1f7a-4b2e-9d35-EXAMPLE',
      accountId: A,
      userName: 'alice.jones',
    });
    roleCredentials.eventSource = 'sso.amazonaws.com';
    roleCredentials.eventName = 'GetRoleCredentials';
    const session = roleSession('AWSReservedSSO_AdministratorAccess_2bd2d7b8e8f5e1a4', 'alice.jones', 'ASIASSO');
    (session.sessionContext as { sessionIssuer: { arn: string } }).sessionIssuer.arn =
      `arn:aws:iam::${A}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_2bd2d7b8e8f5e1a4`;
    await ingest(store, [
      writeTrail(dir, 's.json', [portal, roleCredentials, call('sso-call', 2, session, 'ListBuckets')]),
    ]);
    const e = await events(store);
    expect(e.get('sso-signin')?.actor.person).toBe('alice.jones');
    expect(e.get('sso-creds')?.actor.person).toBe('alice.jones');
    expect(e.get('sso-call')?.actor).toMatchObject({
      person: 'alice.jones',
      key: `arn:aws:iam::${A}:role/AWSReservedSSO_AdministratorAccess_2bd2d7b8e8f5e1a4/alice.jones`,
      name: 'AdministratorAccess (alice.jones)',
    });
  });
});
