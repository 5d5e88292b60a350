import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Alert } from '../alerts/types.ts';
import { CONTENT_SECURITY_POLICY, createApp, sameSecret } from './app.ts';
import {
  alertFixtures,
  alertStub,
  eventFixtures,
  hostile,
  hostileUserName,
  identityFixture,
  recordFixtures,
  statsStub,
} from './fixtures.ts';
import { refuseToServe } from './index.ts';
import { memoryRepositories } from './memory.ts';
import type { IdentityProfile, Overview } from './types.ts';

function makeSut(options: { staticRoot?: string | null; allowedHosts?: string[]; alerts?: Alert[] } = {}) {
  const alerts = options.alerts ?? alertFixtures();
  const errors: unknown[] = [];
  const sut = createApp({
    repositories: memoryRepositories(alerts, eventFixtures(), statsStub, {
      records: recordFixtures(),
      identities: [identityFixture()],
    }),
    staticRoot: options.staticRoot ?? null,
    allowedHosts: options.allowedHosts,
    logError: (e) => errors.push(e),
  });
  return { sut, alerts, errors };
}

const postJson = (body: unknown, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

describe('GET /api/alerts', () => {
  it('ranks untriaged alerts first, then by score', async () => {
    const { sut } = makeSut();
    const res = await sut.request('/api/alerts');
    expect(res.status).toBe(200);
    const { alerts } = (await res.json()) as { alerts: Array<{ id: string; eventCount: number; status: string }> };
    expect(alerts.map((a) => a.id)).toEqual([
      alertStub.adminCreated.id,
      alertStub.loggingStopped.id,
      alertStub.bucketShared.id,
      alertStub.oldLowSeverity.id,
    ]);
    expect(alerts[0]?.eventCount).toBe(5);
    expect(alerts[0]).not.toHaveProperty('events');
  });

  it('filters by one or several statuses and by since', async () => {
    const { sut } = makeSut();
    const ids = async (q: string) =>
      ((await (await sut.request(`/api/alerts${q}`)).json()) as { alerts: Alert[] }).alerts.map((a) => a.id);
    expect(await ids('?status=new')).toEqual([alertStub.adminCreated.id, alertStub.loggingStopped.id]);
    expect(await ids('?status=benign,acknowledged')).toEqual([alertStub.bucketShared.id, alertStub.oldLowSeverity.id]);
    expect(await ids('?status=all&since=2026-11-20T00:00:00Z')).toEqual([
      alertStub.adminCreated.id,
      alertStub.loggingStopped.id,
    ]);
  });

  it('rejects an unknown status and a bad time with a stable code', async () => {
    const { sut } = makeSut();
    for (const [q, word] of [
      ['?status=closed', 'status'],
      ['?since=yesterday', 'since'],
      ['?colour=red', 'colour'],
    ] as const) {
      const res = await sut.request(`/api/alerts${q}`);
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('TH_BAD_REQUEST');
      expect(body.error.message).toContain(word);
    }
  });

  it('returns hostile strings untouched inside JSON, served as JSON with nosniff', async () => {
    const { sut } = makeSut();
    const res = await sut.request(`/api/alerts/${alertStub.adminCreated.id}`);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const { alert } = (await res.json()) as { alert: Alert };
    expect(alert.title).toContain(hostile.html);
    expect(alert.events.map((e) => e.success)).toEqual([true, true, false, true, true]);
  });
});

describe('GET /api/alerts/:id', () => {
  it('answers 404 TH_NOT_FOUND for an unknown id', async () => {
    const { sut } = makeSut();
    const res = await sut.request('/api/alerts/nope');
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'TH_NOT_FOUND' } });
  });
});

describe('POST /api/alerts/:id/feedback', () => {
  it('records a verdict and note, and the alert leaves the new queue', async () => {
    const { sut, alerts } = makeSut();
    const res = await sut.request(
      `/api/alerts/${alertStub.adminCreated.id}/feedback`,
      postJson({ verdict: 'benign', note: '  planned break-glass test  ' }),
    );
    expect(res.status).toBe(200);
    expect(((await res.json()) as { alert: Alert }).alert).toMatchObject({
      status: 'benign',
      note: 'planned break-glass test',
    });
    expect(alerts[0]?.status).toBe('benign');
    const queue = (await (await sut.request('/api/alerts?status=new')).json()) as { alerts: Alert[] };
    expect(queue.alerts.map((a) => a.id)).toEqual([alertStub.loggingStopped.id]);
  });

  it('refuses writes from another origin (cross-site request forgery)', async () => {
    const { sut, alerts } = makeSut();
    const url = `http://127.0.0.1:8080/api/alerts/${alertStub.adminCreated.id}/feedback`;
    const res = await sut.request(url, postJson({ verdict: 'benign' }, { origin: 'https://attacker.example' }));
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { code: 'TH_FORBIDDEN_ORIGIN' } });
    expect(alerts[0]?.status).toBe('new');
    const same = await sut.request(url, postJson({ verdict: 'benign' }, { origin: 'http://127.0.0.1:8080' }));
    expect(same.status).toBe(200);
  });

  it('validates the body with stable codes', async () => {
    const { sut, alerts } = makeSut();
    const url = `/api/alerts/${alertStub.adminCreated.id}/feedback`;
    const cases: Array<[RequestInit, number, string]> = [
      [postJson({ verdict: 'delete-everything' }), 400, 'TH_BAD_REQUEST'],
      [postJson({ verdict: 'benign', note: 'x'.repeat(2001) }), 400, 'TH_BAD_REQUEST'],
      [postJson('{not json'), 400, 'TH_BAD_REQUEST'],
      [
        { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"verdict":"benign"}' },
        415,
        'TH_UNSUPPORTED_MEDIA_TYPE',
      ],
      [postJson({ verdict: 'benign', note: 'y'.repeat(20_000) }), 413, 'TH_TOO_LARGE'],
    ];
    for (const [init, status, code] of cases) {
      const res = await sut.request(url, init);
      expect({ status: res.status, body: await res.json() }).toMatchObject({ status, body: { error: { code } } });
    }
    expect(alerts[0]?.status).toBe('new');
    const missing = await sut.request('/api/alerts/nope/feedback', postJson({ verdict: 'malicious' }));
    expect(missing.status).toBe(404);
  });
});

describe('GET /api/stats and /api/events', () => {
  it('sums alerts by status and severity next to the store totals', async () => {
    const { sut } = makeSut();
    const stats = await (await sut.request('/api/stats')).json();
    expect(stats).toEqual({
      store: statsStub,
      alerts: {
        total: 4,
        byStatus: { new: 2, acknowledged: 1, benign: 1, malicious: 0 },
        bySeverity: { critical: 1, high: 1, medium: 1, low: 1 },
      },
    });
  });

  it('searches events newest first, filtered by actor, time and limit, with a cursor to the next page', async () => {
    const { sut } = makeSut();
    const q = new URLSearchParams({ actor: alertStub.adminCreated.actor, since: '2026-11-20T03:12:30Z', limit: '2' });
    type Page = { events: Array<{ eventId: string; sentence: string }>; next: string | null };
    const first = (await (await sut.request(`/api/events?${q}`)).json()) as Page;
    expect(first.events.map((e) => e.eventId)).toEqual(['ev-5', 'ev-4']);
    expect(first.next).not.toBeNull();
    q.set('cursor', first.next as string);
    const second = (await (await sut.request(`/api/events?${q}`)).json()) as Page;
    expect(second.events.map((e) => e.eventId)).toEqual(['ev-3', 'ev-2']);
    expect(second.events[1]?.sentence).toContain('created the IAM user');
    expect(second.next).toBeNull();
  });

  it('filters by action, service, outcome, account, region and source address', async () => {
    const { sut } = makeSut();
    const ids = async (q: Record<string, string>) =>
      (
        (await (await sut.request(`/api/events?${new URLSearchParams(q)}`)).json()) as {
          events: Array<{ eventId: string }>;
        }
      ).events.map((e) => e.eventId);
    expect(await ids({ action: 'iam:AttachUserPolicy' })).toEqual(['ev-4', 'ev-3']);
    expect(await ids({ service: 'cloudtrail' })).toEqual(['ev-11', 'ev-10']);
    expect(await ids({ outcome: 'failure' })).toEqual(['ev-3']);
    expect(await ids({ account: '999999999999' })).toEqual([]);
    expect((await ids({ region: 'us-east-1', source: '203.0.113.77' })).length).toBe(9);
  });

  it('refuses bad search input with one sentence naming the field', async () => {
    const { sut } = makeSut();
    for (const [q, word] of [
      ['limit=0', 'limit'],
      ['limit=5000', 'limit'],
      ['since=yesterday', 'since'],
      ['outcome=maybe', 'outcome'],
      ['asn=Amazon', 'asn'],
      ['cursor=not-a-cursor', 'cursor'],
      ['colour=red', 'colour'],
    ] as const) {
      const res = await sut.request(`/api/events?${q}`);
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('TH_BAD_REQUEST');
      expect(body.error.message).toContain(word);
    }
  });

  it('returns an event record as received, and 404 for an unknown one', async () => {
    const { sut } = makeSut();
    const res = await sut.request('/api/events/ev-2/record');
    expect(res.status).toBe(200);
    const { record } = (await res.json()) as { record: { requestParameters: { userName: string } } };
    expect(record.requestParameters.userName).toBe(hostileUserName);
    expect((await sut.request('/api/events/nope/record')).status).toBe(404);
  });
});

describe('GET /api/overview and /api/identities/:key', () => {
  it('summarizes alerts a week against the budget, events a day, learning, lag and quarantine', async () => {
    const { sut } = makeSut();
    const overview = (await (await sut.request('/api/overview')).json()) as Overview;
    expect(overview.budgetPerWeek).toBe(3);
    expect(overview.alertsPerWeek).toEqual([
      { week: '2026-10-26', alerts: 1, malicious: 0, benign: 1 },
      { week: '2026-11-16', alerts: 3, malicious: 0, benign: 0 },
    ]);
    expect(overview.eventsPerDay.map((d) => d.day)).toEqual(['2026-11-01', '2026-11-19', '2026-11-20', '2026-11-21']);
    expect(overview.quarantine).toEqual({ count: 2, byCode: { 'invalid-json': 2 } });
    expect(overview.openAlerts).toBe(2);
    expect(overview.choices.services).toEqual(['cloudtrail', 'iam', 's3', 'signin', 'sts']);
  });

  it('shows an identity with what was learned, its alerts and the verdicts on them', async () => {
    const { sut } = makeSut();
    const key = encodeURIComponent(alertStub.adminCreated.actor);
    await sut.request(
      `/api/alerts/${alertStub.adminCreated.id}/feedback`,
      postJson({ verdict: 'malicious', note: 'x' }),
    );
    const { identity } = (await (await sut.request(`/api/identities/${key}`)).json()) as { identity: IdentityProfile };
    expect(identity.name).toBe('ci-deployer');
    expect(identity.model?.peerGroup?.members.map((m) => m.name)).toEqual(['ci-deployer', 'cd-runner', 'cd-runner']);
    expect(identity.hoursOfWeek).toHaveLength(168);
    expect(identity.alerts.map((a) => [a.id, a.status])).toEqual([[alertStub.adminCreated.id, 'malicious']]);
    expect(identity.verdicts.map((v) => [v.alertId, v.verdict, v.note])).toEqual([
      [alertStub.adminCreated.id, 'malicious', 'x'],
    ]);
    const missing = await sut.request(`/api/identities/${encodeURIComponent('arn:aws:iam::1:user/nobody')}`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'TH_NOT_FOUND' } });
  });
});

describe('entity tags', () => {
  it('answers 304 without a body to a client holding the current answer, and 200 once it changed', async () => {
    const { sut } = makeSut();
    const first = await sut.request('/api/alerts');
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect((await sut.request('/api/alerts')).headers.get('etag')).toBe(etag);
    const again = await sut.request('/api/alerts', { headers: { 'If-None-Match': etag as string } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    expect(again.headers.get('x-content-type-options')).toBe('nosniff');

    const [newest] = ((await first.json()) as { alerts: Array<{ id: string }> }).alerts;
    const verdict = await sut.request(`/api/alerts/${newest?.id}/feedback`, postJson({ verdict: 'benign' }));
    expect(verdict.status).toBe(200);
    const changed = await sut.request('/api/alerts', { headers: { 'If-None-Match': etag as string } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
    const { alerts } = (await changed.json()) as { alerts: Array<{ id: string; status: string }> };
    expect(alerts.find((a) => a.id === newest?.id)?.status).toBe('benign');
  });

  it('tags the overview, stats, an identity and health, and not a search', async () => {
    const { sut } = makeSut();
    for (const path of [
      '/api/overview',
      '/api/stats',
      `/api/identities/${encodeURIComponent(identityFixture().key)}`,
      '/api/health',
    ]) {
      const res = await sut.request(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type'), path).toMatch(/^application\/json/);
      const etag = res.headers.get('etag') as string;
      expect((await sut.request(path, { headers: { 'If-None-Match': etag } })).status, path).toBe(304);
      expect((await sut.request(path, { headers: { 'If-None-Match': '"other"' } })).status, path).toBe(200);
    }
    expect((await sut.request('/api/events')).headers.get('etag')).toBeNull();
  });
});

describe('authentication', () => {
  const token = `${'a'.repeat(20)}TOKEN-1234`;

  it('answers every /api/ call without the bearer token with 401, and with it 200', async () => {
    const sut = createApp({ repositories: memoryRepositories(alertFixtures(), eventFixtures(), statsStub), token });
    for (const path of ['/api/health', '/api/alerts', '/api/overview', '/api/events', '/api/nope']) {
      const res = await sut.request(path);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toContain('Bearer');
      expect(await res.json()).toMatchObject({ error: { code: 'TH_UNAUTHORIZED' } });
    }
    for (const auth of [`Bearer ${token}x`, `Bearer ${token.slice(1)}`, token, `Basic ${token}`, 'Bearer '])
      expect((await sut.request('/api/alerts', { headers: { authorization: auth } })).status).toBe(401);
    const ok = await sut.request('/api/alerts', { headers: { authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(200);
    const write = await sut.request(
      `/api/alerts/${alertStub.adminCreated.id}/feedback`,
      postJson({ verdict: 'benign' }, { authorization: 'Bearer wrong' }),
    );
    expect(write.status).toBe(401);
  });

  it('leaves the dashboard page itself open: it asks for the token', async () => {
    const sut = createApp({ repositories: memoryRepositories([]), token, staticRoot: null });
    expect((await sut.request('/')).status).toBe(200);
  });

  it('compares secrets without regard to where they differ', () => {
    expect(sameSecret('abc', 'abc')).toBe(true);
    expect(sameSecret('abd', 'abc')).toBe(false);
    expect(sameSecret('abcd', 'abc')).toBe(false);
  });

  it('records the analyst named by the trusted header with each verdict, and refuses a verdict without it', async () => {
    const alerts = alertFixtures();
    const sut = createApp({
      repositories: memoryRepositories(alerts, eventFixtures(), statsStub, { identities: [identityFixture()] }),
      analystHeader: 'X-Forwarded-User',
    });
    const path = `/api/alerts/${alertStub.adminCreated.id}/feedback`;
    expect((await sut.request(path, postJson({ verdict: 'benign' }))).status).toBe(401);
    const res = await sut.request(
      path,
      postJson({ verdict: 'benign', note: 'drill', suppressDays: 7 }, { 'x-forwarded-user': 'dana@example.com' }),
    );
    expect(res.status).toBe(200);
    const key = encodeURIComponent(alertStub.adminCreated.actor);
    const { identity } = (await (await sut.request(`/api/identities/${key}`)).json()) as { identity: IdentityProfile };
    expect(identity.verdicts[0]).toMatchObject({ verdict: 'benign', analyst: 'dana@example.com', note: 'drill' });
    const until = Date.parse(identity.verdicts[0]?.suppressedUntil ?? '');
    expect(until - Date.now()).toBeGreaterThan(6.9 * 86_400_000);
    // A suppression only goes with benign.
    const bad = await sut.request(
      path,
      postJson({ verdict: 'malicious', suppressDays: 7 }, { 'x-forwarded-user': 'dana@example.com' }),
    );
    expect(bad.status).toBe(400);
  });

  it('refuses to serve beyond loopback without a token, or with a short one', () => {
    expect(refuseToServe({ host: '127.0.0.1', token: null })).toBeNull();
    expect(refuseToServe({ host: '0.0.0.0', token: null })).toContain('TRAILHOUND_TOKEN');
    expect(refuseToServe({ host: '0.0.0.0', token: 'short' })).toContain('at least');
    expect(refuseToServe({ host: '0.0.0.0', token })).toBeNull();
  });
});

describe('errors, headers and hosts', () => {
  it('answers unknown API routes with TH_NO_ROUTE and hides internal failures', async () => {
    const { sut } = makeSut();
    expect(await (await sut.request('/api/nope')).json()).toMatchObject({ error: { code: 'TH_NO_ROUTE' } });
    const failing = createApp({
      repositories: {
        ...memoryRepositories([]),
        stats: { stats: async () => Promise.reject(new Error('SQLITE_CORRUPT at /secret/path.db')) },
      },
      logError: () => {},
    });
    const res = await failing.request('/api/stats');
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).toContain('TH_INTERNAL');
    expect(text).not.toContain('secret');
  });

  it('refuses Host names outside the allow-list (DNS rebinding)', async () => {
    const { sut } = makeSut({ allowedHosts: ['127.0.0.1', 'localhost'] });
    expect((await sut.request('http://127.0.0.1:8080/api/health')).status).toBe(200);
    const res = await sut.request('http://attacker.example:8080/api/health');
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { code: 'TH_FORBIDDEN_HOST' } });
    expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
  });

  it('serves a plain page saying how to build when web/dist is missing', async () => {
    const { sut } = makeSut({ staticRoot: join(tmpdir(), 'trailhound-no-such-dist') });
    const res = await sut.request('/');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('npm run build:web');
    expect(html).not.toMatch(/<script/i);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
  });
});

describe('static dashboard', () => {
  const root = mkdtempSync(join(tmpdir(), 'trailhound-dist-'));
  mkdirSync(join(root, 'assets'));
  writeFileSync(
    join(root, 'index.html'),
    '<!doctype html><div id="root"></div><script type="module" src="/assets/app.js"></script>',
  );
  writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(tmpdir(), 'trailhound-outside.txt'), 'secret');

  it('serves files with their type, strict CSP and immutable assets', async () => {
    const { sut } = makeSut({ staticRoot: root });
    const page = await sut.request('/');
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-inline');
    const asset = await sut.request('/assets/app.js');
    expect(asset.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect(await (await sut.request('/alerts/al-1')).text()).toContain('id="root"');
    expect((await sut.request('/missing.js')).status).toBe(404);
  });

  it('never serves a file outside the folder', async () => {
    const { sut } = makeSut({ staticRoot: root });
    for (const path of [
      '/../trailhound-outside.txt',
      '/%2e%2e/trailhound-outside.txt',
      '/assets/%2e%2e%2f%2e%2e%2ftrailhound-outside.txt',
      '/..%5ctrailhound-outside.txt',
    ]) {
      const res = await sut.request(path);
      expect(await res.text()).not.toContain('secret');
    }
  });
});
