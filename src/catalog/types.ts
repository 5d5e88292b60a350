/**
 * The typed boundary of the catalog: what Trailhound knows about one event beyond its
 * raw fields. The detector uses `facts` and `riskClasses` as features; the alerts, the
 * dashboard and the terminal show `sentence`.
 */

export type RiskClass =
  | 'identity-persistence'
  | 'privilege-escalation'
  | 'permission-change'
  | 'defense-evasion'
  | 'logging-tamper'
  | 'network-exposure'
  | 'data-exposure'
  | 'credential-access'
  | 'discovery'
  | 'impact';

export type AccessLevel = 'Read' | 'List' | 'Write' | 'Permissions management' | 'Tagging' | 'Unknown';

/** Parameter-aware facts, e.g. `adminPolicy`, `wildcardPolicy`, `externalAccount`, `openToWorld`. */
export type Fact = string;

export interface EventDescription {
  /** Plain sentence: who did what to what, where, from where, and the outcome. */
  sentence: string;
  /** e.g. `IAM`, `Amazon EC2`. */
  serviceName: string;
  /** Catalog description of the action, e.g. `create a new IAM user`. */
  actionDescription: string;
  accessLevel: AccessLevel;
  riskClasses: RiskClass[];
  /** ATT&CK technique ids, e.g. `T1098.001`. */
  techniques: string[];
  facts: Fact[];
  /** What the call was aimed at that a profile remembers (`account:111122223333`), see targets.ts. */
  targets: string[];
  /** 0 (harmless read) .. 1 (critical: admin granted, logging stopped, snapshot shared out). */
  risk: number;
  /** A hand-written template produced the sentence (not the generic fallback). */
  templated: boolean;
}
