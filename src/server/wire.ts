/**
 * Production repositories: the triage API over a real store, through the detector's alert
 * repository and feedback (a benign verdict teaches the model, exactly as `trailhound
 * feedback` does), the events repository with catalog sentences, and the store totals.
 */
import { feedback } from '../alerts/feedback.ts';
import { getStoredAlert } from '../alerts/repository.ts';
import type { Alert } from '../alerts/types.ts';
import { describeEvent } from '../catalog/index.ts';
import { listAlerts } from '../detect/index.ts';
import { queryEvents } from '../store/events.ts';
import type { Store } from '../store/index.ts';
import { storeStats } from '../store/stats.ts';
import type { EventSummary, TriageRepositories } from './types.ts';

/** Only the fields of the `Alert` contract: stored alerts carry detector internals. */
function toContract(a: Alert): Alert {
  return {
    id: a.id,
    severity: a.severity,
    score: a.score,
    title: a.title,
    summary: a.summary,
    actor: a.actor,
    actorName: a.actorName,
    peerGroup: a.peerGroup,
    start: a.start,
    end: a.end,
    reasons: a.reasons,
    techniques: a.techniques,
    events: a.events,
    typicalJourney: a.typicalJourney,
    status: a.status,
    note: a.note,
  };
}

export function storeRepositories(store: Store): TriageRepositories {
  return {
    alerts: {
      list: async (query) => (await listAlerts(store, query)).map(toContract),
      get: async (id) => {
        const alert = await getStoredAlert(store, id);
        return alert === null ? null : toContract(alert);
      },
      recordFeedback: async (id, verdict, note) => {
        await feedback(store, id, verdict, { note });
      },
    },
    events: {
      list: async (query) => {
        const out: EventSummary[] = [];
        for await (const e of queryEvents(store, query)) {
          out.push({
            eventId: e.eventId,
            time: e.eventTime,
            actor: e.actor.key,
            actorName: e.actor.name,
            action: `${e.service}:${e.actionKey}`,
            success: e.success,
            errorCode: e.errorCode,
            sourceIp: e.sourceIp,
            sentence: describeEvent(e).sentence,
          });
          if (out.length >= query.limit) break;
        }
        return out;
      },
    },
    stats: { stats: () => storeStats(store) },
  };
}
