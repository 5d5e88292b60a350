import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../alerts/types.ts';
import { attack, ORG_START, routine, storeRecords } from '../../detect/org.fixture.ts';
import { openStore } from '../../store/index.ts';
import { runCli } from '../testing.ts';

const run = (args: string[]) => runCli(args);

const dir = mkdtempSync(join(tmpdir(), 'th-cli-detect-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const ESC = '\u001b';

describe('trailhound detect / alerts / alert / feedback', () => {
  it('detects, lists alerts as the JSON contract, shows one escaped, and takes feedback', async () => {
    const db = join(dir, 'th.db');
    const store = await openStore({ db });
    const injected = attack(ORG_START + 17 * 86_400_000 + 13 * 3_600_000);
    // The attacker names the new user with a terminal escape: it must never reach the terminal raw.
    (injected[2]?.requestParameters as Record<string, unknown>).userName = `backup${ESC}[2Jadmin`;
    await storeRecords(store, [...routine(21), ...injected]);
    await store.close();

    const detected = await run(['detect', '--db', db, '--learning-days', '10', '--flush']);
    expect(detected.code).toBe(0);
    expect(detected.stdout).toMatch(/journey\(s\) scored .* 1 new alert\(s\)/s);
    const again = await run(['detect', '--db', db, '--learning-days', '10', '--flush']);
    expect(again.stdout).toMatch(/^detect: 0 journey\(s\) scored/);

    const listed = await run(['alerts', '--db', db, '--format', 'json']);
    const alerts = JSON.parse(listed.stdout) as Alert[];
    expect(alerts).toHaveLength(1);
    const [sut] = alerts as [Alert];
    for (const key of [
      'id',
      'severity',
      'score',
      'title',
      'summary',
      'actor',
      'start',
      'end',
      'reasons',
      'techniques',
      'events',
    ])
      expect(sut).toHaveProperty(key);
    expect(sut.events.map((e) => e.eventId)).toEqual(injected.map((r) => r.eventID));
    expect(Object.keys(sut.events[0] as object)).toEqual(
      expect.arrayContaining(['eventId', 'time', 'action', 'sentence', 'success']),
    );

    const shown = await run(['alert', sut.id, '--db', db]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('✓');
    expect(shown.stdout).toContain('\\x1b[2J');
    expect(shown.stdout).not.toContain(ESC);

    const table = await run(['alerts', '--db', db]);
    expect(table.stdout).not.toContain(ESC);

    const fb = await run(['feedback', sut.id, 'malicious', '--note', 'confirmed with dev3', '--db', db]);
    expect(fb.code).toBe(0);
    const after = JSON.parse((await run(['alerts', '--db', db, '--format', 'json'])).stdout) as Alert[];
    expect(after[0]?.status).toBe('malicious');
    expect(after[0]?.note).toBe('confirmed with dev3');

    const bad = await run(['feedback', sut.id, 'maybe', '--db', db]);
    expect(bad.code).toBe(2);
  });

  it('scores an ended trail whole without --flush, and every message agrees on --learning-days 0', async () => {
    const db = join(dir, 'zero.db');
    const store = await openStore({ db });
    await storeRecords(store, routine(3));
    await store.close();
    const sut = await run(['detect', '--db', db, '--learning-days', '0']);
    expect(sut.code).toBe(0);
    expect(sut.stdout).toContain('the trail has ended: every journey scored');
    expect(sut.stdout).toMatch(/^history: 3 days seen \(2026-01-05 to 2026-01-07\); no learning period/m);
    expect(sut.stdout).not.toMatch(/learning until|learning period until/);
    const listed = await run(['alerts', '--db', db]);
    expect(listed.stdout).toMatch(/^No alerts\. .*no learning period: ordinary alerts from the first event/);
    expect(listed.stdout).not.toMatch(/during the learning period|learning until/);
    const learning = await run(['detect', '--db', db, '--learning-days', '14']);
    expect(learning.stdout).toMatch(/replayed from the first event/);
    expect(learning.stdout).toMatch(/^learning until 2026-01-19 \d\d:\d\d UTC: 3 of 14 days seen/m);
  });
});
