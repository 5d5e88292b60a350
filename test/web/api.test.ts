import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createApp } from '../../src/server/app.ts';
import { alertFixtures, eventFixtures, recordFixtures, statsStub } from '../../src/server/fixtures.ts';
import { memoryRepositories } from '../../src/server/memory.ts';

// The dashboard's client against the real server app: fetch is routed to the app in memory.
function serve() {
  const app = createApp({
    repositories: memoryRepositories(alertFixtures(), eventFixtures(), statsStub, { records: recordFixtures() }),
    staticRoot: null,
  });
  const seen: Array<{ path: string; ifNoneMatch: string | null; status: number }> = [];
  vi.stubGlobal('sessionStorage', { getItem: () => null, setItem: () => {}, removeItem: () => {} });
  vi.stubGlobal('fetch', async (path: string, init: RequestInit) => {
    const res = await app.request(path, init);
    const headers = new Headers(init.headers);
    seen.push({ path, ifNoneMatch: headers.get('if-none-match'), status: res.status });
    return res;
  });
  return seen;
}

describe('the dashboard API client', () => {
  beforeEach(() => {
    vi.resetModules();
    vi.unstubAllGlobals();
  });

  it('revalidates a tagged answer: the unchanged list comes back as a 304 and reads the same, a changed one is fetched again', async () => {
    const seen = serve();
    const { api } = await import('../../web/src/api.ts');
    const first = await api.alerts('all');
    const second = await api.alerts('all');
    expect(seen.map((s) => s.status)).toEqual([200, 304]);
    expect(seen[1]?.ifNoneMatch).toMatch(/^"[\w-]+"$/);
    expect(second).toEqual(first);

    const target = first[0]?.id as string;
    await api.feedback(target, 'benign', '');
    const third = await api.alerts('all');
    expect(seen.at(-1)?.status).toBe(200);
    expect(third.find((a) => a.id === target)?.status).toBe('benign');
    expect(seen[2]?.ifNoneMatch).toBeNull();
  });

  it('hands each caller its own copy of a revalidated answer', async () => {
    serve();
    const { api } = await import('../../web/src/api.ts');
    const first = await api.alerts('all');
    first.length = 0;
    expect((await api.alerts('all')).length).toBeGreaterThan(0);
  });

  it("reports the server's error code and message as an ApiFailure", async () => {
    const seen = serve();
    const { api, ApiFailure } = await import('../../web/src/api.ts');
    const failure = await api.alert('no-such-alert').catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ApiFailure);
    expect(failure).toMatchObject({ code: 'TH_NOT_FOUND' });
    expect((failure as Error).message).not.toBe('');
    expect(seen[0]?.status).toBe(404);
  });
});
