/**
 * The credential part of the ingest: every temporary credential an STS call hands out is
 * recorded, and every call made with one is attributed to the identity at the origin of its
 * chain (see store/credentials.ts). Order-free: an issuing call stored after the calls it
 * enabled (a later file, another region's file, another run) re-attributes them, and the calls
 * made with credentials they issued, and marks the detector to score again from the earliest.
 */
import { factsOf, riskOf, targetsOf } from '../catalog/index.ts';
import type { Actor } from '../normalize/event.ts';
import {
  type CredentialIssuance,
  type CredentialTrace,
  issuanceOf,
  traceFits,
  withTrace,
} from '../normalize/identity.ts';
import { normalizeRecord } from '../normalize/index.ts';
import { CredentialsRepository } from '../store/credentials.ts';
import {
  type EventColumns,
  type EventToStore,
  eventColumns,
  eventsOfSessions,
  type Reattribution,
  sessionOf,
  storedAt,
  updateAttribution,
} from '../store/events.ts';
import type { Store } from '../store/index.ts';
import { asStored } from '../store/pg-text.ts';
import { RawRecordReader } from '../store/raw.ts';
import { markRescoreFrom } from '../store/rescore.ts';
import type { PreparedEvent } from './prepare.ts';

/**
 * Whether `trace` (read back from the store) continues `actor` (from the record): compared as the
 * store holds strings, so a role or person whose name holds NUL is found on PostgreSQL too.
 */
function fits(
  store: Store,
  actor: Pick<Actor, 'type' | 'key' | 'accountId' | 'person'>,
  trace: CredentialTrace,
): boolean {
  const s = asStored(store.dialect);
  const n = (v: string | null) => (v === null ? null : s(v));
  return traceFits(
    { type: actor.type, key: s(actor.key), accountId: n(actor.accountId), person: n(actor.person) },
    trace,
  );
}

/**
 * Before a batch is inserted: stores the credentials its STS calls issued and attributes its
 * events through the chains known now (this batch's included). Returns the new access keys.
 */
export async function traceBatch(store: Store, events: readonly EventToStore[]): Promise<string[]> {
  const repo = new CredentialsRepository(store);
  const issued: CredentialIssuance[] = [];
  const sessions = new Set<string>();
  for (const e of events) {
    const c = issuanceOf(e.event);
    if (c !== null) issued.push(c);
    if (e.event.session !== null) sessions.add(e.event.session);
  }
  const fresh = await repo.insert(issued);
  if (sessions.size === 0) return fresh.map((c) => c.accessKey);
  const traces = await repo.traceAll(sessions);
  if (traces.size > 0)
    for (const e of events) {
      const trace = e.event.session === null ? undefined : traces.get(e.event.session);
      if (trace === undefined || !fits(store, e.event.actor, trace)) continue;
      e.event.actor = withTrace(e.event.actor, trace);
      e.facts = factsOf(e.event);
      e.risk = riskOf(e.event);
      e.targets = targetsOf(e.event);
    }
  return fresh.map((c) => c.accessKey);
}

/**
 * `traceBatch` for rows prepared off the main thread: a row whose session traces to a known
 * chain is built anew from its record (read back from the file kept in this transaction), with
 * the traced actor and the catalog output that depends on it.
 */
export async function traceRows(store: Store, events: readonly PreparedEvent[]): Promise<string[]> {
  const repo = new CredentialsRepository(store);
  const issued: CredentialIssuance[] = [];
  const sessions = new Set<string>();
  for (const e of events) {
    if (e.issuance !== null) issued.push(e.issuance);
    const { session } = sessionOf(e.row);
    if (session !== null) sessions.add(session);
  }
  const fresh = await repo.insert(issued);
  if (sessions.size === 0) return fresh.map((c) => c.accessKey);
  const traces = await repo.traceAll(sessions);
  if (traces.size > 0) {
    const reader = new RawRecordReader(store);
    for (const e of events) {
      const { session, actor } = sessionOf(e.row);
      const trace = session === null ? undefined : traces.get(session);
      if (trace === undefined || !fits(store, actor, trace)) continue;
      e.row = await tracedRow(reader, e.row, (actor) => withTrace(actor, trace));
    }
  }
  return fresh.map((c) => c.accessKey);
}

async function tracedRow(
  reader: RawRecordReader,
  row: EventColumns,
  trace: (actor: EventToStore['event']['actor']) => EventToStore['event']['actor'],
): Promise<EventColumns> {
  const { ref, fileId } = storedAt(row);
  const record = await reader.read(ref);
  const result = record === null ? null : normalizeRecord(record);
  if (result === null || !result.ok) throw new Error('a record stored in this batch could not be read back');
  const { event } = result;
  event.actor = trace(event.actor);
  return eventColumns({
    event,
    facts: factsOf(event),
    risk: riskOf(event),
    targets: targetsOf(event),
    raw: ref.raw,
    blobId: ref.blob_id,
    line: ref.raw_line,
    index: ref.raw_index,
    fileId,
  });
}

/**
 * After a batch is inserted: the stored events (row id at most `upToId`, i.e. from earlier
 * batches and runs) whose chain a new credential completes or changes are re-attributed, and
 * the detector is told to score again from the earliest of them. Returns how many changed.
 */
export async function retraceStored(store: Store, fresh: readonly string[], upToId: number): Promise<number> {
  if (fresh.length === 0 || upToId <= 0) return 0;
  const repo = new CredentialsRepository(store);
  const sessions = await repo.withDescendants(fresh);
  const stored = asStored(store.dialect);
  const storedOrNull = (v: string | null) => (v === null ? null : stored(v));
  let changed = 0;
  let earliest = Number.POSITIVE_INFINITY;
  for await (const page of eventsOfSessions(store, sessions, upToId)) {
    const traces = await repo.traceAll(page.map((s) => s.event.session as string));
    const updates: Reattribution[] = [];
    for (const { id, event, stored: was } of page) {
      const trace = traces.get(event.session as string);
      if (trace === undefined || !fits(store, event.actor, trace)) continue;
      event.actor = withTrace(event.actor, trace);
      const a = event.actor;
      const chain = a.chain === null ? null : JSON.stringify(a.chain);
      // Compared as they would be stored: on PostgreSQL the stored key of a name holding NUL
      // never equals the one computed from the record, and every retrace rewrote it.
      if (
        stored(a.key) === was.actorKey &&
        storedOrNull(a.person) === was.person &&
        storedOrNull(chain) === was.chain &&
        a.compute === was.compute
      )
        continue;
      updates.push({ id, event, facts: factsOf(event), risk: riskOf(event), targets: targetsOf(event) });
      if (event.time < earliest) earliest = event.time;
    }
    await updateAttribution(store, updates);
    changed += updates.length;
  }
  if (changed > 0) await markRescoreFrom(store, earliest);
  return changed;
}
