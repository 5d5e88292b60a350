// The dashboard's only way to the server: typed calls to the JSON API. Off loopback the
// server wants a bearer token: the analyst types it once, it lives in sessionStorage (gone
// when the tab closes) and goes with every call.
import type { Alert, AlertStatus, ResponseStep, Severity } from '../../src/alerts/types.ts';

export type { Alert, AlertStatus, ResponseStep, Severity };

// The server's own response types (type-only imports: nothing of the server is bundled).
import type { AlertListItem, TriageStats as Stats } from '../../src/server/service.ts';
import type { EventSummary, IdentityProfile, Overview, Verdict } from '../../src/server/types.ts';

export type { AlertListItem, EventSummary, IdentityProfile, Overview, Stats, Verdict };

export class ApiFailure extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

const TOKEN_KEY = 'trailhound.token';

export const token = {
  get: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  set: (value: string) => sessionStorage.setItem(TOKEN_KEY, value),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

/** Called when the server answers 401: the shell shows the token prompt. */
let onUnauthorized: () => void = () => {};
export function whenUnauthorized(handler: () => void): void {
  onUnauthorized = handler;
}

// The API answers `no-store`, so nothing of a trail lands in the browser's disk cache, and the
// browser never revalidates on its own. The dashboard keeps the last body of each tagged GET in
// memory and sends its tag back: an unchanged answer is a 304 with no body to download or parse
// again. Bodies are kept as text, so a caller that changes what it got changes only its copy.
const tagged = new Map<string, { etag: string; text: string }>();
const TAGGED_MAX = 64;

function remember(path: string, etag: string, text: string): void {
  tagged.delete(path);
  tagged.set(path, { etag, text });
  if (tagged.size > TAGGED_MAX) tagged.delete(tagged.keys().next().value as string);
}

async function call<T>(path: string, init?: RequestInit): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const t = token.get();
  if (t !== null) headers.authorization = `Bearer ${t}`;
  const isGet = (init?.method ?? 'GET') === 'GET';
  const held = isGet ? tagged.get(path) : undefined;
  if (held !== undefined) headers['if-none-match'] = held.etag;
  const res = await fetch(path, {
    ...init,
    headers: { ...headers, ...((init?.headers as Record<string, string>) ?? {}) },
  });
  const text = res.status === 304 && held !== undefined ? held.text : await res.text().catch(() => '');
  const body = parseJson(text) as { error?: { code: string; message: string } } | null;
  if (res.status === 401 && body?.error?.code === 'TH_UNAUTHORIZED') onUnauthorized();
  if (res.status === 304 && held !== undefined) return body as T;
  if (!res.ok)
    throw new ApiFailure(
      body?.error?.code ?? `HTTP_${res.status}`,
      body?.error?.message ?? `The server answered HTTP ${res.status}.`,
    );
  const etag = res.headers.get('etag');
  if (isGet && etag !== null) remember(path, etag, text);
  return body as T;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** The event search's parameters, exactly as they appear in `/events?...` and `/api/events?...`. */
export const SEARCH_FIELDS = [
  'actor',
  'action',
  'service',
  'account',
  'region',
  'source',
  'asn',
  'outcome',
  'since',
  'until',
] as const;
export type SearchField = (typeof SEARCH_FIELDS)[number];
export type Search = Partial<Record<SearchField, string>>;

export interface EventPage {
  events: EventSummary[];
  next: string | null;
  scanned: number;
}

export const api = {
  alerts: (status: AlertStatus | 'all') =>
    call<{ alerts: AlertListItem[] }>(`/api/alerts?status=${encodeURIComponent(status)}`).then((r) => r.alerts),
  alert: (id: string) => call<{ alert: Alert }>(`/api/alerts/${encodeURIComponent(id)}`).then((r) => r.alert),
  stats: () => call<Stats>('/api/stats'),
  overview: () => call<Overview>('/api/overview'),
  identity: (key: string) =>
    call<{ identity: IdentityProfile }>(`/api/identities/${encodeURIComponent(key)}`).then((r) => r.identity),
  events: (q: { actor: string; since: string; until: string; limit: number }) =>
    call<EventPage>(
      `/api/events?${new URLSearchParams({ actor: q.actor, since: q.since, until: q.until, limit: String(q.limit) })}`,
    ).then((r) => r.events.reverse()),
  search: (q: Search, cursor: string | null, limit = 50) => {
    const params = new URLSearchParams();
    for (const f of SEARCH_FIELDS) {
      const v = q[f];
      if (v !== undefined && v !== '') params.set(f, v);
    }
    if (cursor !== null) params.set('cursor', cursor);
    params.set('limit', String(limit));
    return call<EventPage>(`/api/events?${params}`);
  },
  record: (eventId: string) =>
    call<{ record: unknown }>(`/api/events/${encodeURIComponent(eventId)}/record`).then((r) => r.record),
  quarantine: () =>
    call<{ items: Array<{ file: string; line: number | null; code: string; reason: string; at: string }> }>(
      '/api/quarantine',
    ).then((r) => r.items),
  feedback: (id: string, verdict: Verdict, note: string, suppressDays: number | null = null) =>
    call<{ alert: Alert }>(`/api/alerts/${encodeURIComponent(id)}/feedback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        verdict,
        note: note.trim() === '' ? null : note,
        ...(suppressDays === null ? {} : { suppressDays }),
      }),
    }).then((r) => r.alert),
};
