import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AlertEvent } from '../alerts/types.ts';
import { pruneEvents } from '../app/prune.ts';
import { storeSize as storeSizeBytes } from '../app/stats.ts';
import { runCli } from '../cli/testing.ts';
import { ingest } from '../ingest/index.ts';
import { createApp } from '../server/app.ts';
import { alertStub, asStored, eventFixtures, statsStub } from '../server/fixtures.ts';
import { memoryRepositories } from '../server/memory.ts';
import { AlertsRepository } from '../store/alerts.ts';
import { openStore } from '../store/index.ts';
import { TrailhoundMetrics } from './metrics.ts';
import { operationsRoutes } from './routes.ts';
import { storeHealth } from './store-health.ts';

describe('/metrics and /healthz', () => {
  it('serve answers both, in Prometheus text format', async () => {
    const app = createApp({ repositories: memoryRepositories([], eventFixtures(), statsStub) });
    const metrics = await app.request('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    const text = await metrics.text();
    expect(text).toContain('# TYPE trailhound_events_ingested_total counter');
    expect(text).toContain('trailhound_process_resident_memory_bytes');
    const health = await app.request('/healthz');
    expect(health.status).toBe(200);
  });

  it('reports unhealthy with 503', async () => {
    const m = new TrailhoundMetrics();
    m.outputFailures.inc({ output: 'webhook' }, 2);
    const app = operationsRoutes(m, () => ({ ok: false, detail: { lastCycle: null } }));
    const health = await app.request('/healthz');
    expect(health.status).toBe(503);
    expect(await health.json()).toEqual({ status: 'unhealthy', lastCycle: null });
    expect(await (await app.request('/metrics')).text()).toContain(
      'trailhound_output_failures_total{output="webhook"} 2',
    );
  });
});

// The real Stratus Red Team capture: events from 2024, alerts citing some of them.
const STRATUS = new URL('../../fixtures/stratus-red-team', import.meta.url).pathname;

describe('retention', () => {
  it('deletes raw events older than N days but keeps the events alerts cite; prune says so', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'th-prune-')), 'th.db');
    const store = await openStore({ db });
    await ingest(store, [STRATUS]);
    const ids = await store.db.selectFrom('events').select(['event_id', 'time']).orderBy('time').execute();
    expect(ids.length).toBeGreaterThan(10);
    const cited = [ids[0], ids[3]].map((r) => r?.event_id as string);
    const alert = asStored({
      ...alertStub.adminCreated,
      events: cited.map((eventId) => ({ ...(alertStub.adminCreated.events[0] as AlertEvent), eventId })),
    });
    await new AlertsRepository(store).save(alert);
    const newest = Number(ids.at(-1)?.time);
    const sizeBefore = await storeSizeBytes(store);
    expect(sizeBefore).toBeGreaterThan(0);

    const dry = await pruneEvents(store, { retainDays: 1, now: newest + 86_400_000 + 1, dryRun: true });
    expect(dry.events).toBe(ids.length - 2);
    expect((await store.db.selectFrom('events').select('id').execute()).length).toBe(ids.length);

    const pruned = await pruneEvents(store, { retainDays: 1, now: newest + 86_400_000 + 1 });
    expect(pruned).toMatchObject({ events: ids.length - 2, keptForAlerts: 2 });
    const left = await store.db.selectFrom('events').select('event_id').execute();
    expect(left.map((r) => r.event_id).sort()).toEqual([...cited].sort());
    // The cited events can still be shown: their stored file was kept.
    const blobs = await store.db.selectFrom('raw_blobs').select('id').execute();
    const needed = await store.db.selectFrom('events').select('blob_id').where('blob_id', 'is not', null).execute();
    for (const n of needed) expect(blobs.map((b) => Number(b.id))).toContain(Number(n.blob_id));
    expect(await store.db.selectFrom('alerts').select('id').execute()).toHaveLength(1);
    await store.close();

    const cli = await runCli(['prune', '--db', db, '--retain-days', '1']);
    expect(cli.code).toBe(0);
    expect(cli.stdout).toMatch(
      /^prune: deleted 0 event\(s\) before .* kept 2 older event\(s\) that alerts cite; store [\d.]+ -> [\d.]+ MB$/m,
    );
    const stats = await runCli(['stats', '--db', db, '--format', 'json']);
    expect((JSON.parse(stats.stdout) as { sizeBytes: number; events: number }).events).toBe(2);
    expect((JSON.parse(stats.stdout) as { sizeBytes: number }).sizeBytes).toBeGreaterThan(4096);
    expect((await runCli(['stats', '--db', db])).stdout).toMatch(/store size \(MB\)\s+\d+\.\d/);
    const refused = await runCli(['prune', '--db', db]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--retain-days');
  });
});

describe('serve /healthz', () => {
  it('is healthy while the store answers and says why not once it does not', async () => {
    const store = await openStore({ db: ':memory:' });
    const up = await storeHealth(store);
    expect(up.ok).toBe(true);
    expect(up.detail).toMatchObject({ store: { dialect: 'sqlite', answered: true } });
    await store.close();
    const down = await storeHealth(store);
    expect(down.ok).toBe(false);
    expect(down.detail).toMatchObject({ store: { dialect: 'sqlite', answered: false } });
    expect(String((down.detail.store as { error: string }).error)).not.toBe('');
    const app = operationsRoutes(new TrailhoundMetrics(), () => storeHealth(store));
    const res = await app.request('/healthz');
    expect(res.status).toBe(503);
    expect(((await res.json()) as { status: string }).status).toBe('unhealthy');
  });
});
