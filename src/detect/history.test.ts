import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { StoredAlert } from '../alerts/build.ts';
import { detect } from '../app/detect.ts';
import { ingest } from '../ingest/index.ts';
import { listFiles, simulateTo } from '../sim/test-helpers.ts';
import { openStore, type Store } from '../store/index.ts';
import { markRescoreFrom } from '../store/rescore.ts';
import { prng } from '../util/prng.ts';
import { historyLine } from './index.ts';

const DAY = 86_400_000;
// A week of a small organization (several accounts and regions), every attack injected
// after a 3-day learning period, so the one-pass run raises alerts worth comparing.
const { dir, result } = simulateTo({
  weeks: 1,
  seed: 5,
  scale: 0.15,
  start: '2026-02-02T00:00:00Z',
  learningDays: 3,
  attacks: 'all',
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const options = { learningDays: 3, now: () => Date.parse(result.meta.end) + 2 * DAY };

/** The delivery files per account and region (CloudTrail delivers each separately). */
function parts(): string[][] {
  const byPart = new Map<string, string[]>();
  for (const file of listFiles(join(dir, 'AWSLogs'))) {
    const m = /(\d{12})[\\/]CloudTrail[\\/]([a-z0-9-]+)/.exec(file);
    expect(m).not.toBeNull();
    const key = `${m?.[1]}/${m?.[2]}`;
    byPart.set(key, [...(byPart.get(key) ?? []), file]);
  }
  return [...byPart.values()];
}

/** What an analyst compares: ids, events cited, severities and scores (withdrawn alerts apart). */
async function alertsOf(store: Store): Promise<string[]> {
  const rows = await store.db.selectFrom('alerts').select('body').orderBy('id').execute();
  return rows
    .map((r) => JSON.parse(r.body) as StoredAlert & { withdrawn?: unknown })
    .filter((a) => !a.withdrawn)
    .map((a) => `${a.id} ${a.severity} ${a.score} ${a.events.map((e) => e.eventId).join(',')}`);
}

async function journeysOf(store: Store): Promise<string[]> {
  const rows = await store.db
    .selectFrom('journeys')
    .select(['id', 'decision', 'alert_id', 'raw', 'excess', 'event_ids'])
    .execute();
  return rows.map((r) => `${r.id} ${r.decision} ${r.alert_id} ${r.raw} ${r.excess} ${r.event_ids}`).sort();
}

describe('history, late files and one-off runs', () => {
  let onePass: { alerts: string[]; journeys: string[]; events: number };

  it('one ingest and one detect: the reference', async () => {
    const store = await openStore({ db: ':memory:' });
    await ingest(store, [join(dir, 'AWSLogs')]);
    const summary = await detect(store, options);
    expect(summary.history.trailEnded).toBe(true);
    expect(summary.openJourneys).toBe(0);
    onePass = {
      alerts: await alertsOf(store),
      journeys: await journeysOf(store),
      events: summary.eventsScanned,
    };
    await store.close();
    expect(onePass.alerts.length).toBeGreaterThan(0);
  });

  it('accounts and regions in shuffled order, detect between the parts: the same alerts and journeys', async () => {
    const store = await openStore({ db: ':memory:' });
    const shuffled = parts();
    expect(shuffled.length).toBeGreaterThan(3);
    const rng = prng(42);
    for (let i = shuffled.length - 1; i > 0; i--) {
      const k = Math.floor(rng() * (i + 1));
      [shuffled[i], shuffled[k]] = [shuffled[k] as string[], shuffled[i] as string[]];
    }
    let replays = 0;
    for (const files of shuffled) {
      await ingest(store, files);
      const s = await detect(store, options);
      if (s.replayedFrom !== null) replays++;
    }
    expect(replays).toBeGreaterThan(0);
    expect(await journeysOf(store)).toEqual(onePass.journeys);
    expect(await alertsOf(store)).toEqual(onePass.alerts);
    // Every event in exactly one journey.
    const rows = await store.db.selectFrom('journeys').select('event_ids').execute();
    const ids = rows.flatMap((r) => r.event_ids.split(' '));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(onePass.events);
    const again = await detect(store, options);
    expect(again.journeysScored).toBe(0);
    await store.close();
  });

  it('a detect while the trail is still arriving (the clock just after it) waits out lateness, then scores the rest once', async () => {
    const store = await openStore({ db: ':memory:' });
    const files = listFiles(join(dir, 'AWSLogs'));
    const half = files.filter((_, i) => i % 2 === 0);
    await ingest(store, half);
    const live = await detect(store, { ...options, now: () => Date.parse(result.meta.end) });
    expect(live.history.trailEnded).toBe(false);
    await ingest(store, files);
    await detect(store, options);
    expect(await journeysOf(store)).toEqual(onePass.journeys);
    expect(await alertsOf(store)).toEqual(onePass.alerts);
    await store.close();
  });

  it('markRescoreFrom replays from the checkpoint before it; with nothing changed, the same result', async () => {
    const store = await openStore({ db: ':memory:' });
    await ingest(store, [join(dir, 'AWSLogs')]);
    await detect(store, options);
    await markRescoreFrom(store, Date.parse(result.meta.start) + 4.5 * DAY);
    await markRescoreFrom(store, Date.parse(result.meta.start) + 5.5 * DAY);
    const s = await detect(store, options);
    expect(s.replayedFrom).toBe(new Date(Date.parse(result.meta.start) + 4 * DAY).toISOString());
    expect(s.journeysReplayed).toBeGreaterThan(0);
    expect(s.alertsWithdrawn).toBe(0);
    expect(await journeysOf(store)).toEqual(onePass.journeys);
    expect(await alertsOf(store)).toEqual(onePass.alerts);
    expect((await detect(store, options)).journeysScored).toBe(0);
    await store.close();
  });
});

describe('the history line', () => {
  const first = Date.UTC(2026, 2, 1, 9, 0);
  it('says how much history was seen and when ordinary alerts start', () => {
    const line = historyLine({ firstEvent: first, newestEvent: first + 8.5 * DAY, learningDays: 14, trailEnded: true });
    expect(line).toBe(
      'learning until 2026-03-15 09:00 UTC: 9 of 14 days seen (2026-03-01 to 2026-03-09); no ordinary alerts before then',
    );
    expect(historyLine({ firstEvent: first, newestEvent: first + 20 * DAY, learningDays: 14, trailEnded: true })).toBe(
      'history: 20 days seen (2026-03-01 to 2026-03-21); learned from the first 14, ordinary alerts since 2026-03-15 09:00 UTC',
    );
  });
  it('with --learning-days 0 says there is no learning period', () => {
    const line = historyLine({ firstEvent: first, newestEvent: first + DAY / 2, learningDays: 0, trailEnded: true });
    expect(line).toBe(
      'history: 1 day seen (2026-03-01 to 2026-03-01); no learning period: ordinary alerts from the first event',
    );
    expect(line).not.toMatch(/learning until/);
  });
});
