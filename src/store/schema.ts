/**
 * Table types for kysely. Each stage that persists state owns a section here and a
 * migration in `migrations/`; column names are snake_case, times are epoch milliseconds.
 */
import type { Generated } from 'kysely';

// ---- Foundation (ingest) ---------------------------------------------------------------

/** One CloudTrail API event: indexed columns for queries and detection, raw JSON for display. */
export interface EventsTable {
  id: Generated<number>;
  event_id: string;
  time: number;
  account_id: string;
  region: string;
  service: string;
  /** Raw eventName. */
  action: string;
  action_key: string;
  event_type: string;
  read_only: number | null;
  success: number;
  error_code: string | null;
  source_ip: string | null;
  client_class: string;
  client_name: string | null;
  mfa: number | null;
  console: number;
  actor_key: string;
  actor_type: string;
  actor_name: string;
  actor_account: string | null;
  role_arn: string | null;
  session: string | null;
  /** Catalog facts, space-separated (e.g. `adminPolicy externalAccount`), empty when none. */
  facts: string;
  /** Catalog risk 0..1. */
  risk: number;
  /** The record as received, JSON. */
  raw: string;
  file_id: number | null;
}

/** Per-file ingest progress: a rerun skips a file whose fingerprint is already `done`. */
export interface FilesTable {
  id: Generated<number>;
  name: string;
  fingerprint: string;
  status: string;
  records: number;
  problems: number;
  finished_at: number | null;
}

/** Unreadable input, kept with its reason so nothing is silently lost. */
export interface QuarantineTable {
  id: Generated<number>;
  file: string;
  line: number | null;
  idx: number | null;
  code: string;
  reason: string;
  excerpt: string | null;
  created_at: number;
}

/** CloudTrail Insights events, kept apart from API events. */
export interface InsightsTable {
  id: Generated<number>;
  event_id: string;
  time: number | null;
  raw: string;
}

export interface IngestTables {
  events: EventsTable;
  files: FilesTable;
  quarantine: QuarantineTable;
  insights: InsightsTable;
}

// ---- Detector tables are added below by the detector's migration --------------------------

/** The detector's resumable state (one row, id 1): serialized model and engine. */
export interface DetectStateTable {
  id: number;
  state: string;
  updated_at: number;
}

/** Every scored journey: its events' CloudTrail eventIDs (space-separated) and its decision. */
export interface JourneysTable {
  id: string;
  actor_key: string;
  actor_name: string;
  session: string | null;
  start: number;
  end: number;
  event_count: number;
  event_ids: string;
  raw: number;
  excess: number;
  decision: string;
  alert_id: string | null;
}

/** Alerts: indexed columns plus the full `Alert` as JSON in `body`. */
export interface AlertsTable {
  id: string;
  actor_key: string;
  start: number;
  end: number;
  score: number;
  severity: string;
  status: string;
  note: string | null;
  body: string;
  created_at: number;
  updated_at: number;
}

/** Scoped suppressions from feedback: an actor, the action tokens covered, an owner and an expiry. */
export interface SuppressionsTable {
  id: Generated<number>;
  actor_key: string;
  /** JSON array of action tokens. */
  tokens: string;
  owner: string;
  expires: number;
  alert_id: string | null;
  note: string | null;
  created_at: number;
}

export interface DetectTables {
  detect_state: DetectStateTable;
  journeys: JourneysTable;
  alerts: AlertsTable;
  suppressions: SuppressionsTable;
}

export interface Database extends IngestTables, DetectTables {}
