/**
 * In-memory repositories: what tests and the browser test pass to `createApp` instead of a
 * store. They behave like the real ones (filter, feedback changes status, search pages newest
 * first with a cursor, verdicts are logged) over plain arrays.
 */
import type { Alert } from '../alerts/types.ts';
import { DEFAULT_ALERTS_PER_WEEK } from '../domain/defaults.ts';
import type { StoreStats } from '../store/stats.ts';
import type { EventSummary, IdentityProfile, Overview, TriageRepositories, VerdictRecord } from './types.ts';
import { weekOf } from './wire.ts';

export interface MemoryExtras {
  /** Records as received, by eventID. */
  records?: Map<string, Record<string, unknown>>;
  /** Profiles with what the detector learned; other identities are built from the events. */
  identities?: IdentityProfile[];
  quarantine?: Array<{ file: string; line: number | null; code: string; reason: string; at: string }>;
  alertsPerWeek?: number;
}

const newestFirst = (a: EventSummary, b: EventSummary) =>
  Date.parse(b.time) - Date.parse(a.time) || (a.eventId < b.eventId ? 1 : a.eventId > b.eventId ? -1 : 0);

export function memoryRepositories(
  alerts: Alert[],
  events: EventSummary[] = [],
  stats: StoreStats | null = null,
  extras: MemoryExtras = {},
): TriageRepositories {
  const verdicts: Array<VerdictRecord & { actor: string }> = [];
  const verdictsOf = (key: string) =>
    verdicts
      .filter((v) => v.actor === key)
      .map(({ actor: _, ...v }) => v)
      .reverse();
  return {
    alerts: {
      list: async ({ since }) =>
        structuredClone(since === undefined ? alerts : alerts.filter((a) => Date.parse(a.end) >= since)),
      get: async (alertId) => structuredClone(alerts.find((a) => a.id === alertId) ?? null),
      recordFeedback: async (alertId, verdict, note, options = {}) => {
        const alert = alerts.find((a) => a.id === alertId);
        if (alert === undefined) throw new Error(`no alert ${alertId}`);
        alert.status = verdict;
        alert.note = note;
        verdicts.push({
          actor: alert.actor,
          alertId,
          verdict,
          note,
          analyst: options.analyst ?? null,
          suppressedUntil: options.suppressUntil === undefined ? null : new Date(options.suppressUntil).toISOString(),
          at: new Date().toISOString(),
        });
      },
      verdicts: async (key) => verdictsOf(key),
    },
    events: {
      search: async (q) => {
        const sorted = [...events].sort(newestFirst);
        const after = q.after;
        const from =
          after === undefined
            ? 0
            : sorted.findIndex(
                (e) =>
                  Date.parse(e.time) < after.time || (Date.parse(e.time) === after.time && e.eventId < after.eventId),
              );
        const rest = from < 0 ? [] : sorted.slice(from);
        const matches = rest.filter((e) => {
          const t = Date.parse(e.time);
          const [service] = e.action.split(':');
          return (
            (q.actor === undefined || e.actor === q.actor) &&
            (q.action === undefined || e.action === q.action) &&
            (q.service === undefined || service === q.service) &&
            (q.account === undefined || e.accountId === q.account) &&
            (q.region === undefined || e.region === q.region) &&
            (q.sourceIp === undefined || e.sourceIp === q.sourceIp) &&
            (q.asn === undefined || (e.sourceAs?.startsWith(`AS${q.asn} `) ?? false)) &&
            (q.outcome === undefined || e.success === (q.outcome === 'success')) &&
            (q.since === undefined || t >= q.since) &&
            (q.until === undefined || t < q.until)
          );
        });
        const page = matches.slice(0, q.limit);
        const last = page.at(-1);
        const more = matches.length > q.limit && last !== undefined;
        return {
          events: structuredClone(page),
          next: more ? { time: Date.parse(last.time), eventId: last.eventId } : null,
          scanned: rest.length,
        };
      },
      record: async (eventId) => structuredClone(extras.records?.get(eventId) ?? null),
    },
    stats: { stats: async () => stats },
    identities: {
      get: async (key) => {
        const own = alerts.filter((a) => a.actor === key);
        const mine = events.filter((e) => e.actor === key).sort(newestFirst);
        const known = extras.identities?.find((p) => p.key === key);
        const latest = mine[0];
        if (known === undefined && latest === undefined && own.length === 0) return null;
        const base: IdentityProfile = known ?? {
          key,
          name: latest?.actorName ?? own[0]?.actorName ?? key,
          type: 'unknown',
          accountId: latest?.accountId ?? null,
          roleArn: null,
          person: null,
          assumedBy: [],
          firstEvent: mine.at(-1)?.time ?? null,
          lastEvent: latest?.time ?? null,
          events: mine.length,
          failures: mine.filter((e) => !e.success).length,
          model: null,
          hoursOfWeek: new Array<number>(168).fill(0),
          activity: [],
          alerts: [],
          verdicts: [],
        };
        return structuredClone({
          ...base,
          alerts: own
            .sort((a, b) => Date.parse(b.start) - Date.parse(a.start))
            .map((a) => ({
              id: a.id,
              severity: a.severity,
              title: a.title,
              start: a.start,
              status: a.status,
              note: a.note,
            })),
          verdicts: verdictsOf(key),
        });
      },
    },
    overview: {
      overview: async (): Promise<Overview> => {
        const weeks = new Map<string, { week: string; alerts: number; malicious: number; benign: number }>();
        for (const a of alerts) {
          const week = weekOf(Date.parse(a.start));
          const w = weeks.get(week) ?? { week, alerts: 0, malicious: 0, benign: 0 };
          w.alerts += 1;
          if (a.status === 'malicious') w.malicious += 1;
          if (a.status === 'benign') w.benign += 1;
          weeks.set(week, w);
        }
        const days = new Map<string, { day: string; events: number; failures: number }>();
        for (const e of events) {
          const day = e.time.slice(0, 10);
          const d = days.get(day) ?? { day, events: 0, failures: 0 };
          d.events += 1;
          if (!e.success) d.failures += 1;
          days.set(day, d);
        }
        const distinct = (f: (e: EventSummary) => string) => [...new Set(events.map(f))].sort();
        return {
          alertsPerWeek: [...weeks.values()].sort((a, b) => (a.week < b.week ? -1 : 1)),
          budgetPerWeek: extras.alertsPerWeek ?? DEFAULT_ALERTS_PER_WEEK,
          eventsPerDay: [...days.values()].sort((a, b) => (a.day < b.day ? -1 : 1)),
          events: stats?.events ?? events.length,
          counting: false,
          identities: stats?.actors ?? new Set(events.map((e) => e.actor)).size,
          peerGroups: new Set(alerts.map((a) => a.peerGroup).filter((g) => g !== null)).size,
          learning: {
            until: stats?.from ? new Date(Date.parse(stats.from) + 14 * 86_400_000).toISOString() : null,
            learning: false,
          },
          lag: {
            newestEvent: stats?.to ?? null,
            newestFile: stats?.to ?? null,
            detectedUntil: stats?.to ?? null,
            behindMs: 0,
          },
          quarantine: { count: stats?.quarantined ?? 0, byCode: stats?.quarantineByCode ?? {} },
          openAlerts: alerts.filter((a) => a.status === 'new').length,
          choices: {
            accounts: distinct((e) => e.accountId),
            regions: distinct((e) => e.region),
            services: distinct((e) => e.action.split(':')[0] ?? ''),
          },
        };
      },
    },
    quarantine: { list: async (limit) => structuredClone((extras.quarantine ?? []).slice(0, limit)) },
  };
}
