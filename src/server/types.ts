/**
 * What the triage API needs from the rest of Trailhound, as small interfaces the server
 * receives (routes -> TriageService -> these). Production wires the store and detector
 * (`wire.ts`); tests pass in-memory ones (`memory.ts`), so no test needs a database.
 */
import type { Alert, AlertStatus } from '../alerts/types.ts';
import type { StoreStats } from '../store/stats.ts';

/** What an analyst can say about an alert; each verdict becomes the alert's status. */
export type Verdict = Exclude<AlertStatus, 'new'>;
export const VERDICTS = ['benign', 'malicious', 'acknowledged'] as const satisfies readonly Verdict[];

export interface AlertRepository {
  /** Every alert, optionally only those that ended at or after `since` (epoch ms). */
  list(query: { since?: number | undefined }): Promise<Alert[]>;
  /** One alert by its exact id, or null. */
  get(alertId: string): Promise<Alert | null>;
  /** Records an analyst's verdict; the next `list` shows it as the alert's status and note. */
  recordFeedback(alertId: string, verdict: Verdict, note: string | null): Promise<void>;
}

/** One stored event as the dashboard shows it: who, what, outcome and the catalog sentence. */
export interface EventSummary {
  eventId: string;
  /** ISO-8601. */
  time: string;
  actor: string;
  actorName: string;
  action: string;
  success: boolean;
  errorCode: string | null;
  sourceIp: string | null;
  sentence: string;
}

export interface EventQuery {
  actor?: string | undefined;
  /** Epoch ms, inclusive. */
  since?: number | undefined;
  /** Epoch ms, exclusive. */
  until?: number | undefined;
  limit: number;
}

export interface EventRepository {
  list(query: EventQuery): Promise<EventSummary[]>;
}

export interface StatsRepository {
  /** Totals of the store, or null when there is no store behind the server. */
  stats(): Promise<StoreStats | null>;
}

export interface TriageRepositories {
  alerts: AlertRepository;
  events: EventRepository;
  stats: StatsRepository;
}
