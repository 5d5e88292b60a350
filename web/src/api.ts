// The dashboard's only way to the server: typed calls to the JSON API.
import type { Alert, AlertStatus, Severity } from '../../src/alerts/types.ts';

export type { Alert, AlertStatus, Severity };

// The server's own response types (type-only imports: nothing of the server is bundled).
import type { AlertListItem, TriageStats as Stats } from '../../src/server/service.ts';
import type { EventSummary, Verdict } from '../../src/server/types.ts';

export type { AlertListItem, EventSummary, Stats, Verdict };

export class ApiFailure extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

async function call<T>(path: string, init?: RequestInit): Promise<T> {
  const res = await fetch(path, { ...init, headers: { accept: 'application/json', ...(init?.headers ?? {}) } });
  const body = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
  if (!res.ok)
    throw new ApiFailure(
      body?.error?.code ?? `HTTP_${res.status}`,
      body?.error?.message ?? `The server answered HTTP ${res.status}.`,
    );
  return body as T;
}

export const api = {
  alerts: (status: AlertStatus | 'all') =>
    call<{ alerts: AlertListItem[] }>(`/api/alerts?status=${encodeURIComponent(status)}`).then((r) => r.alerts),
  alert: (id: string) => call<{ alert: Alert }>(`/api/alerts/${encodeURIComponent(id)}`).then((r) => r.alert),
  stats: () => call<Stats>('/api/stats'),
  events: (q: { actor: string; since: string; until: string; limit: number }) =>
    call<{ events: EventSummary[] }>(
      `/api/events?${new URLSearchParams({ actor: q.actor, since: q.since, until: q.until, limit: String(q.limit) })}`,
    ).then((r) => r.events),
  feedback: (id: string, verdict: Verdict, note: string) =>
    call<{ alert: Alert }>(`/api/alerts/${encodeURIComponent(id)}/feedback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ verdict, note: note.trim() === '' ? null : note }),
    }).then((r) => r.alert),
};
