/**
 * Normalize: one raw CloudTrail record in, one typed `Event` out (or the reason it
 * cannot be one). Pure and deterministic; never throws on hostile or malformed input.
 */
import type { Event } from './event.ts';

export type { Actor, ActorType, Client, ClientClass, Event, ResourceRef } from './event.ts';

export type NormalizeResult =
  | { ok: true; event: Event }
  /** `code` is stable (e.g. `missing-field`, `wrong-type`, `bad-time`); `reason` names the field. */
  | { ok: false; code: string; reason: string };

/** Turns a raw record into an `Event`. Implemented in `record.ts`. */
export { normalizeRecord } from './record.ts';
