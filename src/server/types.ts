/**
 * What the triage API needs from the rest of Trailhound, as small interfaces the server
 * receives (routes -> TriageService -> these). Production wires the store and detector
 * (`wire.ts`); tests pass in-memory ones (`memory.ts`), so no test needs a database.
 */
import type { Alert, AlertStatus } from '../alerts/types.ts';
import type { EventPage, EventPageJson, EventSearch } from '../store/event-search.ts';
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
  recordFeedback(alertId: string, verdict: Verdict, note: string | null, options?: FeedbackExtras): Promise<void>;
  /** The verdicts given on one identity's alerts, newest first. */
  verdicts(actorKey: string): Promise<VerdictRecord[]>;
}

export interface FeedbackExtras {
  /** The analyst named by the trusted header, when one is configured. */
  analyst?: string | null | undefined;
  /** With `benign`: silence this identity doing these actions until then (epoch ms). */
  suppressUntil?: number | undefined;
}

export interface VerdictRecord {
  alertId: string;
  verdict: Verdict;
  note: string | null;
  analyst: string | null;
  /** ISO-8601 of the suppression's expiry, when the verdict added one. */
  suppressedUntil: string | null;
  /** ISO-8601. */
  at: string;
}

export type { EventCursor, EventPage, EventPageJson, EventSearch, EventSummary } from '../store/event-search.ts';

export interface EventRepository {
  search(query: EventSearch): Promise<EventPage>;
  /** The same page with its events as JSON text, when the repository can write it cheaper. */
  searchJson?(query: EventSearch): Promise<EventPageJson>;
  /** The record exactly as received (parsed JSON), or null for an unknown eventID. */
  record(eventId: string): Promise<Record<string, unknown> | null>;
}

/** Everything the identity page shows about one identity. */
export interface IdentityProfile {
  key: string;
  name: string;
  type: string;
  accountId: string | null;
  roleArn: string | null;
  /** The person behind a role session, when the identity is a role used by one person. */
  person: string | null;
  /** Identities seen assuming this role session (from alerts' credential chains). */
  assumedBy: Array<{ actor: string; name: string }>;
  /** ISO-8601 of the first and last event. */
  firstEvent: string | null;
  lastEvent: string | null;
  events: number;
  failures: number;
  /** What the detector has learned; null when it has not scored this identity yet. */
  model: {
    journeys: number;
    /** `members`: this identity first, then at most 49 more of the group's `size`. */
    peerGroup: { name: string; size: number; members: Array<{ key: string; name: string }> } | null;
    typicalJourneys: Array<{ tokens: string[]; journeys: number; last: string }>;
    networks: Array<{ network: string; journeys: number }>;
    systems: Array<{ as: string; journeys: number }>;
    clients: Array<{ client: string; journeys: number }>;
    regions: Array<{ region: string; journeys: number }>;
  } | null;
  /** 168 counts: events per hour of the UTC week, Monday 00:00 first. */
  hoursOfWeek: number[];
  activity: Array<{ day: string; events: number; failures: number }>;
  alerts: Array<{
    id: string;
    severity: Alert['severity'];
    title: string;
    start: string;
    status: AlertStatus;
    note: string | null;
  }>;
  verdicts: VerdictRecord[];
}

export interface IdentityRepository {
  get(key: string): Promise<IdentityProfile | null>;
}

/** The overview page: volume, alerts against the budget, learning and lag. */
export interface Overview {
  /** Alerts raised per UTC week (Monday), oldest first, against the weekly budget. */
  alertsPerWeek: Array<{ week: string; alerts: number; malicious: number; benign: number }>;
  budgetPerWeek: number;
  eventsPerDay: Array<{ day: string; events: number; failures: number }>;
  events: number;
  /** True while the counters are still catching up with stored events: the totals are partial. */
  counting: boolean;
  identities: number;
  peerGroups: number | null;
  learning: { until: string | null; learning: boolean };
  /** The newest stored event, the newest finished file and how far the detector is behind. */
  lag: {
    newestEvent: string | null;
    newestFile: string | null;
    detectedUntil: string | null;
    /** Newest event minus the detector's position, ms; null when either is unknown. */
    behindMs: number | null;
  };
  quarantine: { count: number; byCode: Record<string, number> };
  openAlerts: number;
  /** Every account, region and service seen, most events first: the event search's choices. */
  choices: { accounts: string[]; regions: string[]; services: string[] };
}

export interface OverviewRepository {
  overview(): Promise<Overview>;
}

export interface StatsRepository {
  /** Totals of the store, or null when there is no store behind the server. */
  stats(): Promise<StoreStats | null>;
}

export interface QuarantineRepository {
  /** The newest quarantined items with their reasons. */
  list(limit: number): Promise<Array<{ file: string; line: number | null; code: string; reason: string; at: string }>>;
}

/**
 * An object a repository hands out is never changed afterwards (a changed answer is a new
 * object): the server serializes each answer object once and serves that text again.
 */
export interface TriageRepositories {
  alerts: AlertRepository;
  events: EventRepository;
  stats: StatsRepository;
  identities: IdentityRepository;
  overview: OverviewRepository;
  quarantine: QuarantineRepository;
  /** Brings maintained counters up to date; the server calls it at start and every few seconds. */
  refresh?: (signal: AbortSignal) => Promise<void>;
  /** Releases what the repositories hold (reader threads); the server calls it when it closes. */
  close?: () => Promise<void>;
}
