/**
 * The event as every stage after the store sees it: columns only, no JSON to parse. Below the
 * store, so journeys, models, detection and the evaluation read it without depending on storage.
 */
import type { ComputeKind } from '../normalize/event.ts';

/** What detection needs of an event, without parsing its JSON. */
export interface EventRow {
  /** Store row id: insertion order, stable. */
  id: number;
  eventId: string;
  time: number;
  accountId: string;
  region: string;
  service: string;
  action: string;
  actionKey: string;
  eventType: string;
  readOnly: boolean | null;
  success: boolean;
  errorCode: string | null;
  sourceIp: string | null;
  clientClass: string;
  clientName: string | null;
  mfa: boolean | null;
  console: boolean;
  actorKey: string;
  actorType: string;
  actorName: string;
  actorAccount: string | null;
  roleArn: string | null;
  session: string | null;
  facts: string[];
  risk: number;
  /** Catalog targets (`account:111122223333`, `document:AWS-RunShellScript`), usually []. */
  targets: string[];
  /** The person behind the actor (traced through the credential chain when its issuing call is stored). */
  person?: string | null;
  /** Role session name. */
  sessionName?: string | null;
  /** The compute whose role the session is. */
  compute?: ComputeKind | null;
}
