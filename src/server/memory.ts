/**
 * In-memory repositories: what tests and the browser test pass to `createApp` instead of a
 * store. They behave like the real ones (filter, feedback changes status) over a plain array.
 */
import type { Alert } from '../alerts/types.ts';
import type { StoreStats } from '../store/stats.ts';
import type { EventSummary, TriageRepositories } from './types.ts';

export function memoryRepositories(
  alerts: Alert[],
  events: EventSummary[] = [],
  stats: StoreStats | null = null,
): TriageRepositories {
  return {
    alerts: {
      list: async ({ since }) =>
        structuredClone(since === undefined ? alerts : alerts.filter((a) => Date.parse(a.end) >= since)),
      get: async (alertId) => structuredClone(alerts.find((a) => a.id === alertId) ?? null),
      recordFeedback: async (alertId, verdict, note) => {
        const alert = alerts.find((a) => a.id === alertId);
        if (alert === undefined) throw new Error(`no alert ${alertId}`);
        alert.status = verdict;
        alert.note = note;
      },
    },
    events: {
      list: async ({ actor, since, until, limit }) =>
        events
          .filter((e) => {
            const t = Date.parse(e.time);
            return (
              (actor === undefined || e.actor === actor) &&
              (since === undefined || t >= since) &&
              (until === undefined || t < until)
            );
          })
          .sort((a, b) => Date.parse(a.time) - Date.parse(b.time))
          .slice(0, limit),
    },
    stats: { stats: async () => stats },
  };
}
