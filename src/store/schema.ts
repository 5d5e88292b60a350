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

export interface Database extends IngestTables {}
