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
  /** Catalog targets as a JSON array (`["account:111122223333"]`), null when none. */
  targets: string | null;
  /**
   * The record as JSON, only when its file's bytes are not kept in `raw_blobs` (files above
   * the blob limit). Otherwise the record is re-read from the blob at `raw_line`/`raw_index`.
   */
  raw: string | null;
  blob_id: number | null;
  raw_line: number | null;
  raw_index: number | null;
  file_id: number | null;
  /** The person behind the actor: traced through the credential chain when its issuing call is stored. */
  person: string | null;
  /** The credential chain as a JSON array of hops, origin first (`["arn:...:user/alice", "arn:...:role/deploy"]`), null when not traced. */
  chain: string | null;
  /** Role session name. */
  session_name: string | null;
  /** `ec2`, `ecs` or `lambda` for a compute role's session. */
  compute: string | null;
  /** The catalog's sentence, as stored attribution reads; null for rows stored before migration 0009. */
  sentence: string | null;
}

/**
 * The gzipped bytes of each ingested file, as delivered (CloudTrail's own gzip) or gzipped
 * here: keeping the file costs ~0.2 KB a record against ~1.3 KB for per-record JSON, and
 * skips a JSON.stringify per record on the hot path.
 */
export interface RawBlobsTable {
  id: Generated<number>;
  file_id: number | null;
  data: Uint8Array;
}

/** Small key/value state, e.g. the ingest watermarks used to drop orphaned blobs. */
export interface KvTable {
  key: string;
  value: string;
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

/** Every temporary credential an STS call handed out (see store/credentials.ts). */
export interface CredentialsTable {
  /** `responseElements.credentials.accessKeyId`. */
  access_key: string;
  /** CloudTrail eventID of the issuing call. */
  event_id: string;
  time: number;
  expiration: number | null;
  account_id: string;
  /** Actor key of the issuing call, as its record shows it. */
  issuer_key: string;
  /** The issuing call's own access key: one hop up. */
  issuer_session: string | null;
  /** What the credential acts as (role ARN, federated user ARN, or the IAM user for GetSessionToken). */
  identity: string;
  session_name: string | null;
  source_identity: string | null;
  /** JSON array: the hops before `identity` when `issuer_session` is not a traced credential. */
  origin_hops: string;
  origin_person: string | null;
  compute: string | null;
}

export interface IngestTables {
  credentials: CredentialsTable;
  events: EventsTable;
  files: FilesTable;
  quarantine: QuarantineTable;
  insights: InsightsTable;
  raw_blobs: RawBlobsTable;
  kv: KvTable;
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
  /** The checkpoint (epoch ms, a UTC day start; 0 before the first) this journey was scored after. */
  segment: number;
}

/** The detector's state at a UTC day start, and the open alerts then: a replay restarts here. */
export interface DetectCheckpointsTable {
  at: number;
  state: string;
  /** JSON array of the alerts a later journey could still grow, as they were at `at`. */
  alerts: string;
  created_at: number;
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
  detect_checkpoints: DetectCheckpointsTable;
  journeys: JourneysTable;
  alerts: AlertsTable;
  suppressions: SuppressionsTable;
}

export interface Database extends IngestTables, DetectTables, OutputTables, TriageTables {}

// ---- Alert outputs (src/alerts/outputs) ----------------------------------------------------

/** One alert delivered to one output destination: `trailhound notify` never sends it there again. */
export interface OutputSendsTable {
  /** Secret-free destination key, e.g. `slack:3f2a9c…` (see `AlertOutput.key`). */
  output: string;
  alert_id: string;
  sent_at: number;
}

/**
 * One alert's delivery to one destination: `pending` while claimed (`owner` holds it until
 * `lease_until`) or waiting for a retry, `sent` once accepted, `dead` once retries ran out.
 */
export interface OutputDeliveriesTable {
  output: string;
  alert_id: string;
  state: string;
  owner: string | null;
  lease_until: number;
  attempts: number;
  last_error: string | null;
  updated_at: number;
}

/** `trailhound watch`: the last S3 key ingested under one day prefix (`s3://bucket/.../2026/11/30/`). */
export interface WatchCheckpointsTable {
  prefix: string;
  /** The account/region folder the day belongs to (`s3://bucket/.../CloudTrail/eu-west-1/`). */
  base: string;
  last_key: string;
  updated_at: number;
}

export interface OutputTables {
  output_sends: OutputSendsTable;
  output_deliveries: OutputDeliveriesTable;
  watch_checkpoints: WatchCheckpointsTable;
}

// ---- Triage (src/server): counters the dashboard answers from, and the verdict log ----------

/** Events and failures per identity per UTC day (`day` = floor(time / 86_400_000)). */
export interface ActivityDaysTable {
  actor_key: string;
  day: number;
  events: number;
  failures: number;
}

/** Events per identity per hour of the UTC week (0 = Monday 00:00 ... 167 = Sunday 23:00). */
export interface ActivityHoursTable {
  actor_key: string;
  hour: number;
  events: number;
}

/** Events per account, region, service and actor (`kind`) ever seen. */
export interface ActivityValuesTable {
  kind: string;
  value: string;
  events: number;
}

/** Every verdict an analyst gave, with who gave it when a trusted header names them. */
export interface AlertVerdictsTable {
  id: Generated<number>;
  alert_id: string;
  actor_key: string;
  verdict: string;
  note: string | null;
  analyst: string | null;
  suppressed_until: number | null;
  created_at: number;
}

export interface TriageTables {
  activity_days: ActivityDaysTable;
  activity_hours: ActivityHoursTable;
  activity_values: ActivityValuesTable;
  alert_verdicts: AlertVerdictsTable;
}
