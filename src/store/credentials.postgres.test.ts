import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, ALICE, DEPLOY, twoHopChain, writeTrail } from '../ingest/chains.fixture.ts';
import { ingest } from '../ingest/index.ts';
import { CredentialsRepository } from './credentials.ts';
import { queryEvents, scanEventRows } from './events.ts';
import { openStore } from './index.ts';
import { testDatabase } from './postgres-testing.ts';
import { readRescoreFrom } from './rescore.ts';

const database = testDatabase('chains');
const url = database.url;

describe('credential chains on PostgreSQL', () => {
  let dir: string;
  beforeAll(async () => {
    await database.create();
    dir = mkdtempSync(join(tmpdir(), 'th-pg-chains-'));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await database.drop();
  });

  it('attributes calls stored before their issuing calls, as on SQLite', async () => {
    const { hops, calls } = twoHopChain();
    const sut = await openStore({ db: url });
    try {
      await ingest(sut, [writeTrail(dir, 'calls.json', calls)]);
      const late = await ingest(sut, [writeTrail(dir, 'hops.json', hops)]);
      expect(late.reattributed).toBe(3);
      const rows: Record<string, string> = {};
      for await (const r of scanEventRows(sut)) rows[r.eventId] = r.actorKey;
      expect(rows['call-2']).toBe(`${ADMIN}/${ALICE}`);
      expect(rows['call-3']).toBe(`${DEPLOY}/${ALICE}`);
      for await (const e of queryEvents(sut))
        if (e.eventId === 'call-2') expect(e.actor.chain).toEqual([ALICE, DEPLOY, ADMIN]);
      expect((await readRescoreFrom(sut))?.since ?? null).toBe(Date.parse('2026-03-02T09:02:00Z'));
      const repo = new CredentialsRepository(sut);
      expect((await repo.withDescendants(['ASIADEPLOY'])).sort()).toEqual(['ASIAADMIN', 'ASIADEPLOY']);
      expect(await repo.issuerOf('ASIAADMIN')).toEqual({
        // The issuing call's actor as its record shows it; the chain holds the traced origin.
        actor: DEPLOY,
        name: 'deploy',
        eventId: 'hop-2',
        chain: [ALICE, DEPLOY, ADMIN],
      });
    } finally {
      await sut.close();
    }
  });
});
