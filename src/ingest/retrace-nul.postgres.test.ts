/**
 * Re-attribution of stored calls when the call that issued their credential arrives later, with
 * NUL in the names of the chain: PostgreSQL stores the actor key as U+FFFD (see pg-text.ts), so a
 * retrace must compare the attribution it computes as it would be stored, or it rewrites every
 * call of the chain again each time it is asked (the workers' plan retraces every key it can).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../store/index.ts';
import { testDatabase } from '../store/postgres-testing.ts';
import { WorkerDetectRepository } from '../store/workers.ts';
import { A, assumeRole, call, iamUser, roleSession, writeTrail } from './chains.fixture.ts';
import { retraceStored } from './chains.ts';
import { ingest } from './index.ts';

const NUL = '\u0000';

describe.each(['sqlite', 'postgres'])('retrace of a chain whose names hold NUL on %s', (kind) => {
  const database = testDatabase('retrace_nul');
  const second = testDatabase('retrace_nul_together');
  let dir: string;
  let store: Store;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'th-retrace-nul-'));
    if (kind === 'postgres') {
      await database.create();
      await second.create();
    }
    store = await openStore({ db: kind === 'postgres' ? database.url : join(dir, 'th.db') });
  });
  afterAll(async () => {
    await store.close();
    if (kind === 'postgres') {
      await database.drop();
      await second.drop();
    }
    rmSync(dir, { recursive: true, force: true });
  });

  const alice = iamUser(`al${NUL}ice`, `AKIA${NUL}ALICE`);
  const session = roleSession(`dep${NUL}loy`, `sess${NUL}ion`, `ASIA${NUL}DEPLOY`);
  const calls = [call(`call${NUL}1`, 2, session, 'ListBuckets'), call(`call${NUL}2`, 3, session)];
  const hop = assumeRole(`hop${NUL}1`, 0, alice, `dep${NUL}loy`, `sess${NUL}ion`, `ASIA${NUL}DEPLOY`);
  /** The person behind each call, as the store holds it, with NUL shown as NUL. */
  const persons = async (s: Store) =>
    (await s.db.selectFrom('events').select(['event_id', 'person']).orderBy('event_id').execute())
      .filter((r) => r.event_id.startsWith('call'))
      .map((r) => r.person?.replaceAll('\uFFFD', NUL) ?? null);

  it('attributes calls to the person behind a role whose name holds NUL, issuing call in the same file', async () => {
    const together = await openStore({ db: kind === 'postgres' ? second.url : join(dir, 'together.db') });
    try {
      await ingest(together, [writeTrail(dir, 'together.json', [hop, ...calls])]);
      expect(await persons(together)).toEqual([
        `arn:aws:iam::${A}:user/al${NUL}ice`,
        `arn:aws:iam::${A}:user/al${NUL}ice`,
      ]);
    } finally {
      await together.close();
    }
  });

  it('re-attributes the calls once, and a second retrace writes nothing', async () => {
    expect((await ingest(store, [writeTrail(dir, 'calls.json', calls)])).reattributed).toBe(0);
    expect((await ingest(store, [writeTrail(dir, 'hop.json', [hop])])).reattributed).toBe(2);
    const attributed = await store.db
      .selectFrom('events')
      .select(['event_id', 'actor_key', 'person', 'chain'])
      .orderBy('event_id')
      .execute();
    const person = attributed.find((r) => r.event_id.startsWith('call'))?.person ?? '';
    // The person behind the session, as each store can hold the name.
    expect(person.replaceAll('\uFFFD', NUL)).toBe(`arn:aws:iam::${A}:user/al${NUL}ice`);

    // The same issuing call read again, and the plan's retrace of every stored credential key.
    expect(await ingest(store, [writeTrail(dir, 'hop.json', [hop])], { force: true })).toMatchObject({
      inserted: 0,
      reattributed: 0,
    });
    const keys = await new WorkerDetectRepository(store).credentialKeysSince(null);
    expect(keys).toHaveLength(1);
    expect(await retraceStored(store, keys, Number.MAX_SAFE_INTEGER)).toBe(0);
    expect(await retraceStored(store, [`ASIA${NUL}DEPLOY`], Number.MAX_SAFE_INTEGER)).toBe(0);
    expect(
      await store.db
        .selectFrom('events')
        .select(['event_id', 'actor_key', 'person', 'chain'])
        .orderBy('event_id')
        .execute(),
    ).toEqual(attributed);
  });
});
