import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN, ALICE, DEPLOY, twoHopChain, writeTrail } from '../../ingest/chains.fixture.ts';
import { runCli } from '../testing.ts';

describe('events --format jsonl', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'th-events-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('names the origin of a chained credential as actor.person, with the chain, whatever the file order', async () => {
    const { hops, calls } = twoHopChain();
    const db = join(dir, 'th.db');
    // The calls arrive first, the role hops in a later run.
    expect((await runCli(['ingest', writeTrail(dir, 'calls.json', calls), '--db', db])).code).toBe(0);
    expect((await runCli(['ingest', writeTrail(dir, 'hops.json', hops), '--db', db])).code).toBe(0);
    const run = await runCli(['events', '--format', 'jsonl', '--db', db]);
    expect(run.code).toBe(0);
    const events = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { eventID?: string; eventId: string; actor: Record<string, unknown> });
    const download = events.find((e) => e.eventId === 'call-2');
    expect(download?.actor).toMatchObject({
      key: `${ADMIN}/${ALICE}`,
      name: 'admin (alice)',
      person: ALICE,
      chain: [ALICE, DEPLOY, ADMIN],
      sessionName: 'alice',
      compute: null,
    });
    // The user's own call: no chain, no person.
    expect(events.find((e) => e.eventId === 'hop-1')?.actor).toMatchObject({ key: ALICE, person: null, chain: null });
  });
});
