import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Alert } from '../alerts/types.ts';
import { detect } from '../app/detect.ts';
import { attack, ORG_START, routine, storeRecords } from '../detect/org.fixture.ts';
import { ingest } from '../ingest/index.ts';
import { writeSyntheticTrail } from '../ingest/synthetic.ts';
import { AlertsRepository } from '../store/alerts.ts';
import { openStore, type Store } from '../store/index.ts';
import { createApp } from './app.ts';
import { alertFixtures, alertStub, asStored } from './fixtures.ts';
import type { IdentityProfile, Overview } from './types.ts';
import { storeRepositories } from './wire.ts';

const DAY = 86_400_000;

let store: Store | null = null;
afterEach(async () => {
  await store?.close();
  store = null;
});

async function storeWithAlerts(): Promise<Store> {
  const s = await openStore({ db: ':memory:' });
  for (const a of alertFixtures()) await new AlertsRepository(s).save(asStored(a));
  return s;
}

describe('the API over a real store', () => {
  it('lists, shows and records feedback through the detector repository', async () => {
    store = await storeWithAlerts();
    const sut = createApp({ repositories: storeRepositories(store) });
    const list = (await (await sut.request('/api/alerts?status=new')).json()) as { alerts: Alert[] };
    expect(list.alerts.map((a) => a.id)).toEqual([alertStub.adminCreated.id, alertStub.loggingStopped.id]);

    const detail = (await (await sut.request(`/api/alerts/${alertStub.adminCreated.id}`)).json()) as {
      alert: Record<string, unknown>;
    };
    expect(detail.alert).toEqual(alertStub.adminCreated);
    expect(detail.alert).not.toHaveProperty('journeyIds');
    // The API takes exact ids only (the CLI's prefix matching would make URLs ambiguous).
    expect((await sut.request('/api/alerts/al-0001')).status).toBe(404);

    const res = await sut.request(`/api/alerts/${alertStub.adminCreated.id}/feedback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ verdict: 'acknowledged', note: 'looking' }),
    });
    expect(((await res.json()) as { alert: Alert }).alert).toMatchObject({ status: 'acknowledged', note: 'looking' });
    const row = await store.db
      .selectFrom('alerts')
      .select(['status', 'note'])
      .where('id', '=', alertStub.adminCreated.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'acknowledged', note: 'looking' });
  });

  it('lists stored events with catalog sentences, and store totals', async () => {
    store = await openStore({ db: ':memory:' });
    await ingest(store, ['fixtures/stratus-red-team/aws.execution.ec2-user-data.json']);
    const sut = createApp({ repositories: storeRepositories(store) });
    const stats = (await (await sut.request('/api/stats')).json()) as { store: { events: number } };
    expect(stats.store.events).toBeGreaterThan(3);
    const { events } = (await (await sut.request('/api/events?limit=3')).json()) as {
      events: Array<{ time: string; sentence: string; action: string }>;
    };
    expect(events).toHaveLength(3);
    expect(events.map((e) => e.time)).toEqual([...events.map((e) => e.time)].sort().reverse());
    for (const e of events) {
      expect(e.sentence.length).toBeGreaterThan(10);
      expect(e.action).toMatch(/^[a-z0-9-]+:\w+$/);
    }
  });
});

describe('the new pages over a real store (detector run on the small organization)', () => {
  async function organization(): Promise<{ store: Store; records: Array<Record<string, unknown>> }> {
    const s = await openStore({ db: ':memory:' });
    const records = [...routine(21), ...attack(ORG_START + 17 * DAY + 13 * 3_600_000)];
    await storeRecords(s, records);
    await detect(s, { learningDays: 10, flush: true });
    return { store: s, records };
  }

  it('shows an identity: who, peer group, typical journeys, networks, hours and activity from counters, alerts with steps', async () => {
    const org = await organization();
    store = org.store;
    const sut = createApp({ repositories: storeRepositories(store) });
    const dev3 = org.records.filter((r) => (r.userIdentity as { userName?: string }).userName === 'dev3');
    const key = 'arn:aws:iam::111122223333:user/dev3';
    const res = await sut.request(`/api/identities/${encodeURIComponent(key)}`);
    expect(res.status).toBe(200);
    const { identity } = (await res.json()) as { identity: IdentityProfile };
    expect(identity).toMatchObject({ key, name: 'dev3', type: 'iam-user', accountId: '111122223333' });
    expect(identity.events).toBe(dev3.length);
    expect(identity.hoursOfWeek.reduce((a, b) => a + b, 0)).toBe(dev3.length);
    expect(identity.activity.reduce((n, d) => n + d.events, 0)).toBe(dev3.length);
    // Monday-first hours of the week: the fixture's working days are Monday to Friday.
    expect(identity.hoursOfWeek.slice(5 * 24).some((n) => n > 0)).toBe(false);
    expect(identity.model?.journeys).toBeGreaterThan(5);
    expect(identity.model?.peerGroup?.members[0]?.name).toBe('dev3');
    expect(identity.model?.peerGroup?.size).toBe(identity.model?.peerGroup?.members.length);
    expect(identity.model?.typicalJourneys[0]?.tokens.length).toBeGreaterThan(0);
    expect(identity.model?.networks.length).toBeGreaterThan(0);
    expect(identity.alerts).toHaveLength(1);

    const { alert } = (await (await sut.request(`/api/alerts/${identity.alerts[0]?.id}`)).json()) as { alert: Alert };
    expect(alert.response?.map((s) => s.kind)).toEqual(
      expect.arrayContaining(['review-user', 'detach-policy', 'deactivate-access-key']),
    );
    expect(alert.response?.find((s) => s.kind === 'detach-policy')?.command).toBe(
      "aws iam detach-user-policy --user-name 'backup-admin' --policy-arn 'arn:aws:iam::aws:policy/AdministratorAccess'",
    );

    // A verdict is logged with the identity and changes what the page shows.
    await sut.request(`/api/alerts/${alert.id}/feedback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ verdict: 'benign', note: 'drill', suppressDays: 3 }),
    });
    const again = (await (await sut.request(`/api/identities/${encodeURIComponent(key)}`)).json()) as {
      identity: IdentityProfile;
    };
    expect(again.identity.alerts[0]?.status).toBe('benign');
    expect(again.identity.verdicts[0]).toMatchObject({ alertId: alert.id, verdict: 'benign', note: 'drill' });
    expect(again.identity.verdicts[0]?.suppressedUntil).not.toBeNull();
  });

  it('keeps the overview counters up to date as events arrive, and never counts an event twice', async () => {
    const org = await organization();
    store = org.store;
    const sut = createApp({ repositories: storeRepositories(store) });
    const read = async () => (await (await sut.request('/api/overview')).json()) as Overview;
    const before = await read();
    expect(before.events).toBe(org.records.length);
    expect(before.identities).toBe(new Set(org.records.map((r) => (r.userIdentity as { arn: string }).arn)).size);
    expect(before.peerGroups).toBeGreaterThan(0);
    expect(before.alertsPerWeek.reduce((n, w) => n + w.alerts, 0)).toBe(1);
    expect(before.learning.learning).toBe(false);
    expect(before.lag.newestEvent).not.toBeNull();
    // Detect ran to the end and closed every journey: nothing left behind.
    expect(before.lag.detectedUntil).toBe(before.lag.newestEvent);
    expect(before.lag.behindMs).toBe(0);
    expect(before.choices.services).toContain('iam');
    const later = routine(22).slice(-10);
    await storeRecords(store, [...later, ...org.records.slice(0, 5)]);
    const after = await read();
    const fresh = later.filter((r) => !org.records.some((o) => o.eventID === r.eventID)).length;
    expect(after.events).toBe(before.events + fresh);
    expect(after.eventsPerDay.reduce((n, d) => n + d.events, 0)).toBe(after.events);
  });

  it('pages through a search newest first with the same events a full listing holds, and gives records as received', async () => {
    const org = await organization();
    store = org.store;
    const sut = createApp({ repositories: storeRepositories(store, { searchBudget: 300, searchWindow: 500 }) });
    const failures = org.records
      .filter((r) => r.errorCode !== undefined && String(r.eventSource).startsWith('iam'))
      .map((r) => r.eventID as string);
    const successes = org.records.filter((r) => r.errorCode === undefined && String(r.eventSource).startsWith('iam'));
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const q = new URLSearchParams({ service: 'iam', outcome: 'success', limit: '25' });
      if (cursor) q.set('cursor', cursor);
      const page = (await (await sut.request(`/api/events?${q}`)).json()) as {
        events: Array<{ eventId: string; time: string; success: boolean; action: string }>;
        next: string | null;
        scanned: number;
      };
      // A page stops in the window that reaches its budget.
      expect(page.scanned).toBeLessThanOrEqual(300 + 500);
      for (const e of page.events) {
        expect(e.success).toBe(true);
        expect(e.action.startsWith('iam:')).toBe(true);
        seen.push(e.eventId);
      }
      cursor = page.next;
      pages += 1;
    } while (cursor !== null && pages < 500);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.sort()).toEqual(successes.map((r) => r.eventID as string).sort());
    expect(seen.some((id) => failures.includes(id))).toBe(false);

    const one = org.records[7] as Record<string, unknown>;
    const res = await sut.request(`/api/events/${encodeURIComponent(one.eventID as string)}/record`);
    expect(((await res.json()) as { record: unknown }).record).toEqual(one);
  });
});

describe('event search over stored files', () => {
  async function syntheticStore(dir: string): Promise<Store> {
    const s = await openStore({ db: ':memory:' });
    store = s;
    writeSyntheticTrail(join(dir, 'logs'), 12, 100, 5);
    await ingest(s, [join(dir, 'logs')]);
    return s;
  }

  async function allPages(sut: ReturnType<typeof createApp>, limit: number) {
    const pages: Array<Array<{ eventId: string; sentence: string }>> = [];
    let cursor: string | null = null;
    do {
      const q = new URLSearchParams({ service: 'iam', limit: String(limit) });
      if (cursor) q.set('cursor', cursor);
      const page = (await (await sut.request(`/api/events?${q}`)).json()) as {
        events: Array<{ eventId: string; sentence: string }>;
        next: string | null;
      };
      pages.push(page.events);
      cursor = page.next;
    } while (cursor !== null && pages.length < 50);
    return pages;
  }

  it('answers from the sentences stored at ingest, without the stored files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'th-search-'));
    try {
      const s = await syntheticStore(dir);
      const expected = await s.db
        .selectFrom('events')
        .select(['event_id', 'sentence'])
        .where('service', '=', 'iam')
        .execute();
      expect(expected.every((r) => r.sentence !== null && r.sentence.length > 10)).toBe(true);
      // Without the files' bytes, only the stored sentences can answer.
      await s.db.deleteFrom('raw_blobs').execute();
      const pages = await allPages(createApp({ repositories: storeRepositories(s) }), 200);
      const seen = pages.flat();
      expect(pages.slice(0, -1).every((p) => p.length === 200)).toBe(true);
      expect(new Set(seen.map((e) => e.eventId)).size).toBe(seen.length);
      expect(new Map(seen.map((e) => [e.eventId, e.sentence]))).toEqual(
        new Map(expected.map((r) => [r.event_id, r.sentence])),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('builds the same sentences from the files for rows stored before sentences were, re-reading at most six files a page', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'th-search-'));
    try {
      const s = await syntheticStore(dir);
      const expected = await s.db
        .selectFrom('events')
        .select(['event_id', 'blob_id', 'sentence'])
        .where('service', '=', 'iam')
        .execute();
      await s.db.updateTable('events').set({ sentence: null }).execute();
      const blobOf = new Map(expected.map((r) => [r.event_id, r.blob_id]));
      expect(new Set(expected.map((r) => r.blob_id)).size).toBe(12);
      const pages = await allPages(createApp({ repositories: storeRepositories(s) }), 200);
      for (const page of pages) expect(new Set(page.map((e) => blobOf.get(e.eventId))).size).toBeLessThanOrEqual(6);
      expect(pages.length).toBeGreaterThanOrEqual(2);
      const seen = pages.flat();
      expect(new Set(seen.map((e) => e.eventId)).size).toBe(seen.length);
      expect(new Map(seen.map((e) => [e.eventId, e.sentence]))).toEqual(
        new Map(expected.map((r) => [r.event_id, r.sentence])),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives the same pages from reader threads as on the event loop, and reports a failed query', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'th-search-'));
    const file = join(dir, 'th.db');
    try {
      const s = await openStore({ db: file });
      store = s;
      writeSyntheticTrail(join(dir, 'logs'), 6, 200, 9);
      await ingest(s, [join(dir, 'logs')]);
      // Query shapes that use every filter the readers write as SQL.
      const sample = await s.db
        .selectFrom('events')
        .select(['actor_key', 'service', 'action_key', 'account_id', 'source_ip', 'time'])
        .where('source_ip', 'is not', null)
        .orderBy('id')
        .offset(600)
        .limit(1)
        .executeTakeFirstOrThrow();
      const { actor_key: busiest } = await s.db
        .selectFrom('events')
        .select(['actor_key', (eb) => eb.fn.countAll().as('n')])
        .groupBy('actor_key')
        .orderBy('n', 'desc')
        .limit(1)
        .executeTakeFirstOrThrow();
      const sampleAction = `${sample.service}:${sample.action_key}`;
      const middle = Number(sample.time);
      const onLoop = storeRepositories(s, { readers: 0, searchWindow: 300 });
      const threaded = storeRepositories(s, { readers: 2, searchWindow: 300 });
      try {
        for (const q of [
          { limit: 50 },
          { service: 'iam', outcome: 'failure' as const, limit: 20 },
          { region: 'eu-west-1', limit: 100 },
          { actor: busiest, limit: 30 },
          { actor: sample.actor_key, action: sampleAction, since: middle, limit: 7 },
          { action: sampleAction.slice(sampleAction.indexOf(':') + 1), until: middle, limit: 40 },
          {
            account: sample.account_id,
            sourceIp: sample.source_ip ?? undefined,
            outcome: 'success' as const,
            limit: 25,
          },
        ]) {
          let after: { time: number; eventId: string } | undefined;
          let pages = 0;
          let seen = 0;
          do {
            const [a, b, text] = await Promise.all([
              onLoop.events.search({ ...q, after }),
              threaded.events.search({ ...q, after }),
              threaded.events.searchJson?.({ ...q, after }),
            ]);
            expect(b).toEqual(a);
            // As JSON written on the reader: the same page.
            expect({ ...text, events: JSON.parse(text?.events ?? 'null') }).toEqual(a);
            after = a.next ?? undefined;
            pages += 1;
            seen += a.events.length;
          } while (after !== undefined && pages < 100);
          expect(seen, JSON.stringify(q)).toBeGreaterThan(0);
          if (q.limit === 50) expect(pages).toBe(1200 / 50 + 1);
        }
        // Records as received: found on a reader thread, the same as the store's parser gives.
        const ids = await s.db.selectFrom('events').select('event_id').orderBy('id').execute();
        for (const { event_id } of ids.filter((_, i) => i % 37 === 0)) {
          const [a, b] = await Promise.all([onLoop.events.record(event_id), threaded.events.record(event_id)]);
          expect(b).not.toBeNull();
          expect(b).toEqual(a);
        }
        expect(await threaded.events.record('no-such-event')).toBeNull();
        const { SqliteReaders } = await import('../store/readers.ts');
        const readers = new SqliteReaders(file, 1);
        try {
          await expect(readers.all('SELECT x FROM nowhere', [])).rejects.toThrow(/no such table/);
          expect(await readers.all('SELECT count(*) AS n FROM events', [])).toEqual([{ n: 1200 }]);
          // Asked for another event than the one at that place, the reader leaves it to the parser.
          const [first, second] = await s.db
            .selectFrom('events')
            .select(['event_id', 'blob_id', 'raw_index'])
            .where('raw_index', 'in', [0, 1])
            .orderBy('id')
            .limit(2)
            .execute();
          expect(await readers.cloudTrailRecord(Number(first?.blob_id), 0, String(first?.event_id))).toMatchObject({
            eventID: first?.event_id,
          });
          expect(await readers.cloudTrailRecord(Number(first?.blob_id), 0, String(second?.event_id))).toBeNull();
        } finally {
          await readers.close();
        }
      } finally {
        await threaded.close?.();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('sees what another connection (an ingest in another process) commits, though its answers are kept', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'th-version-'));
    const file = join(dir, 'th.db');
    const writer = await openStore({ db: file });
    try {
      const s = await openStore({ db: file });
      store = s;
      writeSyntheticTrail(join(dir, 'a'), 2, 50, 3);
      await ingest(writer, [join(dir, 'a')]);
      const repos = storeRepositories(s, { readers: 0 });
      expect((await repos.overview.overview()).events).toBe(100);
      expect((await repos.stats.stats())?.events).toBe(100);
      writeSyntheticTrail(join(dir, 'b'), 1, 50, 4);
      await ingest(writer, [join(dir, 'b')]);
      const after = await repos.overview.overview();
      expect(after.events).toBe(150);
      expect(after.identities).toBe((await repos.stats.stats())?.actors);
      const distinct = await writer.db
        .selectFrom('events')
        .select((eb) => eb.fn.count('actor_key').distinct().as('n'))
        .executeTakeFirstOrThrow();
      expect(after.identities).toBe(Number(distinct.n));
    } finally {
      await writer.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('answers from the counters as they stand while a large backlog is counted, and says so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'th-counting-'));
    try {
      const s = await openStore({ db: ':memory:' });
      store = s;
      writeSyntheticTrail(join(dir, 'logs'), 3, 100, 6);
      await ingest(s, [join(dir, 'logs')]);
      const repos = storeRepositories(s, { countNowAtMost: 50 });
      const sut = createApp({ repositories: repos });
      const first = (await (await sut.request('/api/overview')).json()) as Overview;
      expect(first.counting).toBe(true);
      expect(first.events).toBe(0);
      // What the server does in the background (startServer calls it at start and every few seconds).
      await repos.refresh?.(new AbortController().signal);
      const counted = (await (await sut.request('/api/overview')).json()) as Overview;
      expect(counted.counting).toBe(false);
      expect(counted.events).toBe(300);
      expect(counted.eventsPerDay.reduce((n, d) => n + d.events, 0)).toBe(300);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
