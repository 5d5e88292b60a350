/**
 * The typed boundary of the detector's output: an alert as analysts, outputs and the
 * evaluation harness see it. `trailhound alerts --format json` prints `Alert[]`. Below the
 * store, which keeps alerts, and below the model, which gives the reasons.
 */
import type { CredentialIssuer } from './credential.ts';

export interface ResponseStep {
  /** Stable kind, e.g. `deactivate-access-key`, `detach-policy`, `restart-trail`. */
  kind: string;
  /** What to do, in plain words with the names involved. */
  text: string;
  /** The AWS CLI command that does it, safe to paste into a POSIX shell. */
  command: string;
  /** The CloudTrail eventIDs this step answers. */
  eventIds: string[];
}

export type Severity = 'low' | 'medium' | 'high' | 'critical';
export type AlertStatus = 'new' | 'acknowledged' | 'benign' | 'malicious';

export interface AlertEvent {
  /** CloudTrail eventID. */
  eventId: string;
  /** ISO-8601. */
  time: string;
  /** `service:Action`, e.g. `iam:CreateAccessKey`. */
  action: string;
  sentence: string;
  success: boolean;
  errorCode: string | null;
}

export interface AlertReason {
  /** Stable kind, e.g. `new-action-for-identity`, `peer-rare`, `new-network`, `new-client`, `sequence`, `risk`. */
  kind: string;
  /** Plain words with the evidence: "first time alice created an access key for another user; 0 of her 6 peers ever did". */
  text: string;
  /** How much this reason contributed to the score. */
  weight: number;
  /**
   * What it is about, when one thing: the action token or the target. An alert grown by many
   * journeys (a vendor's role sharing a snapshot every day of its first week) keeps one reason
   * per kind and subject, not one per journey.
   */
  subject?: string;
}

export interface Alert {
  id: string;
  severity: Severity;
  /** Risk score 0..100. */
  score: number;
  title: string;
  summary: string;
  /** Actor key. */
  actor: string;
  actorName: string;
  peerGroup: string | null;
  /** ISO-8601. */
  start: string;
  end: string;
  reasons: AlertReason[];
  techniques: string[];
  events: AlertEvent[];
  /** This identity's nearest typical journey, as `service:Action` tokens, for contrast. */
  typicalJourney: string[] | null;
  status: AlertStatus;
  note: string | null;
  /**
   * What to do next: containment steps derived from the events, each with the AWS CLI command
   * that does it (never run by Trailhound). Absent on alerts stored before steps existed.
   */
  response?: ResponseStep[];
}

/** What the detector keeps beside the `Alert` contract (additive fields, inside `body`). */
export interface StoredAlert extends Alert {
  journeyIds: string[];
  /** The person behind a role session where CloudTrail shows it. */
  person: string | null;
  critical: boolean;
  /** The call that issued this session's credential, when the store holds it (`chain` absent in older alerts). */
  assumedBy: (Omit<CredentialIssuer, 'chain'> & { chain?: string[] }) | null;
  /** The credential hops from the origin to the actor (`[user/alice, role/deploy, role/admin]`), when traced. */
  chain?: string[] | null;
  /** Raised during the learning period by a baseline-free signal (its own cap, outside the weekly budget). */
  learningPeriod?: boolean;
  /** Ids of the baseline-free signals it showed (src/model/signals.ts). */
  signals?: string[];
}
