/**
 * The shape of an attack scenario: what it does (ordered steps), who can do it (personas
 * whose credentials or hands it uses), where, its ATT&CK mapping, and the Stratus Red Team
 * detonation whose calls it reproduces.
 */
import type { Rng } from '../prng.ts';
import type { AccountResources } from '../resources.ts';
import type { AccountRole, PersonaKind, Step } from '../types.ts';

export type AttackCategory =
  | 'iam-creation'
  | 'security-configuration'
  | 'network-exposure'
  | 'permission-change'
  | 'defense-evasion'
  | 'exfiltration'
  | 'credential-access'
  | 'discovery'
  | 'execution'
  | 'impact';

/** (a) stolen credentials used from attacker infrastructure and tools; (b) an insider from their usual network and client. */
export type AttackMode = 'stolen' | 'insider';

export type AttackActor = PersonaKind | 'svc-backup';

export interface AttackContext {
  rng: Rng;
  res: AccountResources;
  accountId: string;
  region: string;
  /** An account outside the organization that receives shared data or trust. */
  foreignAccount: string;
  /** The actor's own name (IAM user or email), for self-targeted calls. */
  self: string;
  /** The DR account id (routine share target). */
  drAccountId: string;
}

export interface AttackScenario {
  id: string;
  title: string;
  category: AttackCategory;
  techniques: string[];
  /** Stratus Red Team technique id whose detonation this reproduces (eventNames in order), if any. */
  stratus: string | null;
  actors: AttackActor[];
  account: AccountRole;
  /** Every call is one the actor makes routinely; only the combination or its parameters are new. */
  routine: boolean;
  modes: AttackMode[];
  steps(ctx: AttackContext): Step[];
}
