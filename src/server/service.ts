/**
 * The triage logic behind the API: ranking the queue, filtering, recording verdicts and
 * summarizing. Routes only map HTTP to these methods; the data comes from repositories.
 */
import type { Alert, AlertStatus, Severity } from '../alerts/types.ts';
import { NotFoundError } from '../errors.ts';
import type { StoreStats } from '../store/stats.ts';
import type {
  EventPage,
  EventPageJson,
  EventSearch,
  FeedbackExtras,
  IdentityProfile,
  Overview,
  TriageRepositories,
  Verdict,
} from './types.ts';

/** One row of the queue: everything but the journey, which only the detail view needs. */
export interface AlertListItem {
  id: string;
  severity: Severity;
  score: number;
  title: string;
  actor: string;
  actorName: string;
  peerGroup: string | null;
  start: string;
  end: string;
  status: AlertStatus;
  techniques: string[];
  eventCount: number;
}

export interface TriageStats {
  store: StoreStats | null;
  alerts: { total: number; byStatus: Record<AlertStatus, number>; bySeverity: Record<Severity, number> };
}

export const STATUSES: readonly AlertStatus[] = ['new', 'acknowledged', 'benign', 'malicious'];
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low'];

/** Untriaged work first; then the riskiest; then the most recent; id keeps the order total. */
export function rankAlerts(alerts: Alert[]): Alert[] {
  const untriaged = (a: Alert) => (a.status === 'new' ? 0 : 1);
  return [...alerts].sort(
    (a, b) =>
      untriaged(a) - untriaged(b) ||
      b.score - a.score ||
      Date.parse(b.end) - Date.parse(a.end) ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}

export class TriageService {
  readonly #repos: TriageRepositories;
  /**
   * The queue and totals as last derived from the repositories' cached lists: the same list
   * gives back the same answer object, which the routes then serialize only once.
   */
  readonly #queues = new WeakMap<readonly Alert[], Map<string, AlertListItem[]>>();
  #lastStats: { store: StoreStats | null; alerts: readonly Alert[]; stats: TriageStats } | null = null;

  constructor(repos: TriageRepositories) {
    this.#repos = repos;
  }

  async listAlerts(
    query: { statuses?: readonly AlertStatus[] | undefined; since?: number | undefined } = {},
  ): Promise<AlertListItem[]> {
    const all = await this.#repos.alerts.list({ since: query.since });
    const wanted = query.statuses;
    let queues = this.#queues.get(all);
    if (queues === undefined) {
      queues = new Map();
      this.#queues.set(all, queues);
    }
    const key = wanted === undefined ? '' : wanted.join(',');
    let queue = queues.get(key);
    if (queue === undefined) {
      const kept = wanted === undefined || wanted.length === 0 ? all : all.filter((a) => wanted.includes(a.status));
      queue = rankAlerts(kept).map(toListItem);
      queues.set(key, queue);
    }
    return queue;
  }

  async getAlert(id: string): Promise<Alert> {
    const alert = await this.#repos.alerts.get(id);
    if (alert === null) throw new NotFoundError('alert', id);
    return alert;
  }

  /** Records a verdict and returns the alert as it now reads. */
  async recordFeedback(id: string, verdict: Verdict, note: string | null, extras: FeedbackExtras = {}): Promise<Alert> {
    await this.getAlert(id);
    await this.#repos.alerts.recordFeedback(id, verdict, note, extras);
    return this.getAlert(id);
  }

  async searchEvents(query: EventSearch): Promise<EventPage> {
    return this.#repos.events.search(query);
  }

  /** `searchEvents` with the events as a JSON array, written by the repository when it can. */
  async searchEventsJson(query: EventSearch): Promise<EventPageJson> {
    const repo = this.#repos.events;
    if (repo.searchJson !== undefined) return repo.searchJson(query);
    const page = await repo.search(query);
    return { events: JSON.stringify(page.events), next: page.next, scanned: page.scanned };
  }

  async eventRecord(eventId: string): Promise<Record<string, unknown>> {
    const record = await this.#repos.events.record(eventId);
    if (record === null) throw new NotFoundError('event', eventId);
    return record;
  }

  async identity(key: string): Promise<IdentityProfile> {
    const profile = await this.#repos.identities.get(key);
    if (profile === null) throw new NotFoundError('identity', key);
    return profile;
  }

  async overview(): Promise<Overview> {
    return this.#repos.overview.overview();
  }

  async quarantine(limit: number) {
    return this.#repos.quarantine.list(limit);
  }

  async stats(): Promise<TriageStats> {
    const [store, alerts] = await Promise.all([this.#repos.stats.stats(), this.#repos.alerts.list({})]);
    const last = this.#lastStats;
    if (last !== null && last.store === store && last.alerts === alerts) return last.stats;
    const byStatus = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<AlertStatus, number>;
    const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
    for (const a of alerts) {
      byStatus[a.status] += 1;
      bySeverity[a.severity] += 1;
    }
    const stats = { store, alerts: { total: alerts.length, byStatus, bySeverity } };
    this.#lastStats = { store, alerts, stats };
    return stats;
  }
}

function toListItem(a: Alert): AlertListItem {
  return {
    id: a.id,
    severity: a.severity,
    score: a.score,
    title: a.title,
    actor: a.actor,
    actorName: a.actorName,
    peerGroup: a.peerGroup,
    start: a.start,
    end: a.end,
    status: a.status,
    techniques: a.techniques,
    eventCount: a.events.length,
  };
}
