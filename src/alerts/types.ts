/**
 * The typed boundary of the detector's output: an alert as analysts, outputs and the
 * evaluation harness see it. `trailhound alerts --format json` prints `Alert[]`.
 */
import type { ResponseStep } from './response.ts';

export type { ResponseStep };

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
