/**
 * The events repository: the only code that writes or reads the `events` table.
 * Detection reads compact `EventRow`s (columns only); display reads full `Event`s
 * re-normalized from the stored raw JSON, so there is one source of truth per record.
 */
import { type Selectable, sql } from 'kysely';
import { sentenceOfEvent } from '../catalog/index.ts';
import type { EventRow } from '../domain/event.ts';
import type { Actor, ActorType, ComputeKind, Event } from '../normalize/event.ts';
import { normalizeRecord } from '../normalize/index.ts';
import type { Store } from './index.ts';
import { pgText } from './pg-text.ts';
import { RawRecordReader, type RawRef } from './raw.ts';
import type { EventsTable } from './schema.ts';

export type { EventRow } from '../domain/event.ts';

/**
 * An event ready to store: the normalized event, its catalog facts and risk, and where its
 * original record is kept: its file's blob and position, or (no blob) its JSON.
 */
export interface EventToStore {
  event: Event;
  facts: readonly string[];
  risk: number;
  /** Catalog targets; none when absent. */
  targets?: readonly string[];
  raw: string | null;
  blobId?: number | null;
  line?: number | null;
  index?: number | null;
  fileId: number | null;
  /** The catalog's sentence; built from `event` (as attributed when stored) when absent. */
  sentence?: string | null;
}

export interface EventQuery {
  actor?: string | undefined;
  /** Epoch ms, inclusive. */
  since?: number | undefined;
  /** Epoch ms, exclusive. */
  until?: number | undefined;
  limit?: number | undefined;
}

const bool = (v: boolean | null): number | null => (v === null ? null : v ? 1 : 0);

/**
 * The `events` columns an insert writes, in the order of `eventColumns`. Kept as a list beside
 * an array literal, not as the keys of an object whose values are then taken: `Object.values` of
 * a 35-key object cost ~0.5 us an event, an array literal next to nothing (the test of
 * `eventColumns` pins each value to its column by name).
 */
export const EVENT_COLUMNS = [
  'event_id',
  'time',
  'account_id',
  'region',
  'service',
  'action',
  'action_key',
  'event_type',
  'read_only',
  'success',
  'error_code',
  'source_ip',
  'client_class',
  'client_name',
  'mfa',
  'console',
  'actor_key',
  'actor_type',
  'actor_name',
  'actor_account',
  'role_arn',
  'session',
  'facts',
  'risk',
  'targets',
  'raw',
  'blob_id',
  'raw_line',
  'raw_index',
  'file_id',
  'person',
  'chain',
  'session_name',
  'compute',
  'sentence',
] as const satisfies ReadonlyArray<keyof EventsTable>;

/** Positions in an `eventColumns` row of what is known only when the row is written. */
export const EVENT_FILE_ID = EVENT_COLUMNS.indexOf('file_id');
export const EVENT_BLOB_ID = EVENT_COLUMNS.indexOf('blob_id');

const EVENT_ID_AT = EVENT_COLUMNS.indexOf('event_id');
const RAW_AT = EVENT_COLUMNS.indexOf('raw');
const LINE_AT = EVENT_COLUMNS.indexOf('raw_line');
const INDEX_AT = EVENT_COLUMNS.indexOf('raw_index');

/** Where a row's original record is kept (and its file), to read it back or build the row anew. */
export function storedAt(row: EventColumns): {
  ref: RawRef;
  fileId: number | null;
} {
  const num = (v: string | number | null | undefined) => (v === null || v === undefined ? null : Number(v));
  return {
    ref: {
      raw: (row[RAW_AT] as string | null) ?? null,
      blob_id: num(row[EVENT_BLOB_ID]),
      raw_line: num(row[LINE_AT]),
      raw_index: num(row[INDEX_AT]),
    },
    fileId: num(row[EVENT_FILE_ID]),
  };
}

const SESSION_AT = EVENT_COLUMNS.indexOf('session');
const ACTOR_AT = {
  key: EVENT_COLUMNS.indexOf('actor_key'),
  type: EVENT_COLUMNS.indexOf('actor_type'),
  accountId: EVENT_COLUMNS.indexOf('actor_account'),
  person: EVENT_COLUMNS.indexOf('person'),
};

/** A row's session, and the actor fields that say whether a credential chain fits it (see `traceFits`). */
export function sessionOf(row: EventColumns): {
  session: string | null;
  actor: Pick<Actor, 'key' | 'type' | 'accountId' | 'person'>;
} {
  return {
    session: row[SESSION_AT] as string | null,
    actor: {
      key: row[ACTOR_AT.key] as string,
      type: row[ACTOR_AT.type] as ActorType,
      accountId: row[ACTOR_AT.accountId] as string | null,
      person: row[ACTOR_AT.person] as string | null,
    },
  };
}

/** An event as its column values, in `EVENT_COLUMNS` order. */
export type EventColumns = Array<string | number | null>;

/**
 * The one place an event becomes its row: every insert path (SQLite, PostgreSQL COPY) binds
 * these values, and ingest builds them on its worker threads where the record is parsed.
 */
export function eventColumns(e: EventToStore): EventColumns {
  const { event } = e;
  const { actor } = event;
  return [
    event.eventId,
    event.time,
    event.accountId,
    event.region,
    event.service,
    event.action,
    event.actionKey,
    event.eventType,
    bool(event.readOnly),
    event.success ? 1 : 0,
    event.errorCode,
    event.sourceIp,
    event.client.class,
    event.client.name,
    bool(event.mfa),
    event.console ? 1 : 0,
    actor.key,
    actor.type,
    actor.name,
    actor.accountId,
    actor.roleArn,
    event.session,
    e.facts.join(' '),
    e.risk,
    e.targets !== undefined && e.targets.length > 0 ? JSON.stringify(e.targets) : null,
    e.raw,
    e.blobId ?? null,
    e.line ?? null,
    e.index ?? null,
    e.fileId,
    actor.person,
    actor.chain === null ? null : JSON.stringify(actor.chain),
    actor.sessionName,
    actor.compute,
    e.sentence === undefined ? sentenceOfEvent(event) : e.sentence,
  ];
}

/**
 * Inserts events, ignoring eventIDs already stored. Returns how many were new.
 * Runs inside the caller's transaction when there is one.
 */
export async function insertEvents(store: Store, events: readonly EventToStore[]): Promise<number> {
  return insertEventRows(store, events.map(eventColumns));
}

/**
 * Inserts rows built by `eventColumns`, ignoring eventIDs already stored; returns how many were
 * new. SQLite: one prepared statement, positional (~10x the rows/s of building each INSERT
 * through the query builder; ~15% faster than named parameters). PostgreSQL: `COPY`.
 */
export async function insertEventRows(store: Store, rows: readonly EventColumns[]): Promise<number> {
  if (rows.length === 0) return 0;
  if (store.sqlite) {
    const stmt = sqliteInsert(store);
    let inserted = 0;
    for (const row of rows) inserted += stmt.run(row).changes;
    return inserted;
  }
  return copyEventRows(store, rows);
}

/**
 * PostgreSQL: rows whose eventID is not stored yet (one lookup for the batch) are COPYed
 * straight into `events`; COPY cannot skip a known eventID, so should another writer store one
 * of them meanwhile, the COPY is rolled back to its savepoint and the rows go through a
 * temporary table and `INSERT ... SELECT ... ON CONFLICT DO NOTHING` instead (twice the work:
 * on 100,000 events the temporary table alone cost 35-45% of the write time).
 */
async function copyEventRows(store: Store, rows: readonly EventColumns[]): Promise<number> {
  if (!store.db.isTransaction)
    return store.db.transaction().execute((trx) => copyEventRows({ ...store, db: trx }, rows));
  const { copyRows } = await import('./pg-copy.ts');
  // As COPY stores them (a NUL cannot be sent): an eventID holding one is found, and skipped, as stored.
  const ids = rows.map((r) => pgText(r[EVENT_ID_AT] as string));
  const { rows: known } = await sql<{
    event_id: string;
  }>`SELECT event_id FROM events WHERE event_id = ANY(${ids})`.execute(store.db);
  const seen = new Set(known.map((r) => r.event_id));
  const fresh = rows.filter((_, i) => {
    const id = ids[i] as string;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
  if (fresh.length === 0) return 0;
  await sql`SAVEPOINT copy_events`.execute(store.db);
  try {
    await copyRows(store.db, 'events', EVENT_COLUMNS, fresh);
    await sql`RELEASE SAVEPOINT copy_events`.execute(store.db);
    return fresh.length;
  } catch (error) {
    // 23505: unique_violation, an eventID stored by another writer since the lookup.
    if ((error as { code?: string }).code !== '23505') throw error;
    await sql`ROLLBACK TO SAVEPOINT copy_events`.execute(store.db);
  }
  const columns = EVENT_COLUMNS.join(', ');
  await sql
    .raw(
      `CREATE TEMP TABLE IF NOT EXISTS events_incoming ON COMMIT DELETE ROWS AS SELECT 0::bigint AS ord, ${columns} FROM events WITH NO DATA`,
    )
    .execute(store.db);
  await copyRows(
    store.db,
    'events_incoming',
    ['ord', ...EVENT_COLUMNS],
    fresh.map((row, i) => [i, ...row]),
  );
  const result = await sql
    .raw(
      `INSERT INTO events (${columns}) SELECT ${columns} FROM events_incoming ORDER BY ord ON CONFLICT (event_id) DO NOTHING`,
    )
    .execute(store.db);
  await sql.raw('TRUNCATE events_incoming').execute(store.db);
  return Number(result.numAffectedRows ?? 0);
}

const statements = new WeakMap<object, import('better-sqlite3').Statement>();
function sqliteInsert(store: Store) {
  const handle = store.sqlite as NonNullable<Store['sqlite']>;
  let stmt = statements.get(handle);
  if (!stmt) {
    stmt = handle.prepare(
      `INSERT OR IGNORE INTO events (${EVENT_COLUMNS.join(', ')}) VALUES (${EVENT_COLUMNS.map(() => '?').join(', ')})`,
    );
    statements.set(handle, stmt);
  }
  return stmt;
}

export function toRow(r: Omit<Selectable<EventsTable>, NotRead>): EventRow {
  return {
    id: Number(r.id),
    eventId: r.event_id,
    time: Number(r.time),
    accountId: r.account_id,
    region: r.region,
    service: r.service,
    action: r.action,
    actionKey: r.action_key,
    eventType: r.event_type,
    readOnly: r.read_only === null ? null : r.read_only === 1,
    success: r.success === 1,
    errorCode: r.error_code,
    sourceIp: r.source_ip,
    clientClass: r.client_class,
    clientName: r.client_name,
    mfa: r.mfa === null ? null : r.mfa === 1,
    console: r.console === 1,
    actorKey: r.actor_key,
    actorType: r.actor_type,
    actorName: r.actor_name,
    actorAccount: r.actor_account,
    roleArn: r.role_arn,
    session: r.session,
    facts: r.facts === '' ? [] : r.facts.split(' '),
    risk: r.risk,
    targets: r.targets === null ? [] : (JSON.parse(r.targets) as string[]),
    person: r.person,
    sessionName: r.session_name,
    compute: r.compute as ComputeKind | null,
  };
}

/** Where the record is kept, its chain and its sentence: for display, not read by detection. */
type NotRead = 'raw' | 'blob_id' | 'raw_line' | 'raw_index' | 'file_id' | 'chain' | 'sentence';
const NOT_READ: ReadonlySet<string> = new Set<NotRead>([
  'raw',
  'blob_id',
  'raw_line',
  'raw_index',
  'file_id',
  'chain',
  'sentence',
]);

export const ROW_COLUMNS: ReadonlyArray<'id' | Exclude<(typeof EVENT_COLUMNS)[number], NotRead>> = [
  'id',
  ...EVENT_COLUMNS.filter((c): c is Exclude<(typeof EVENT_COLUMNS)[number], NotRead> => !NOT_READ.has(c)),
];

/**
 * Pages through the events matching `q` in (time, eventID) order with keyset pagination, so
 * memory stays bounded however large the table is.
 */
async function* pages<C extends keyof EventsTable & string>(
  store: Store,
  q: EventQuery,
  columns: readonly C[],
  batch: number,
): AsyncGenerator<Pick<Selectable<EventsTable>, C | 'time' | 'event_id'>> {
  let after: { time: number; eventId: string } | null = null;
  let emitted = 0;
  const select = [...new Set<keyof EventsTable & string>([...columns, 'time', 'event_id'])];
  for (;;) {
    let query = store.db.selectFrom('events').select(select as C[]);
    if (q.actor !== undefined) query = query.where('actor_key', '=', q.actor);
    if (q.since !== undefined) query = query.where('time', '>=', q.since);
    if (q.until !== undefined) query = query.where('time', '<', q.until);
    if (after) {
      const a = after;
      query = query.where((eb) =>
        eb.or([eb('time', '>', a.time), eb.and([eb('time', '=', a.time), eb('event_id', '>', a.eventId)])]),
      );
    }
    const rows = (await query.orderBy('time').orderBy('event_id').limit(batch).execute()) as unknown as Array<
      Pick<Selectable<EventsTable>, C | 'time' | 'event_id'>
    >;
    for (const r of rows) {
      yield r;
      if (q.limit !== undefined && ++emitted >= q.limit) return;
    }
    const last = rows.at(-1);
    if (!last || rows.length < batch) return;
    after = { time: Number(last.time), eventId: last.event_id };
  }
}

/** Every event in (time, eventID) order as compact rows (no JSON parsing). */
export async function* scanEventRows(store: Store, q: EventQuery & { batch?: number } = {}): AsyncGenerator<EventRow> {
  if (store.sqlite) {
    yield* sqliteScanRows(store.sqlite, q, q.batch ?? 5000);
    return;
  }
  for await (const r of pages(store, q, ROW_COLUMNS, q.batch ?? 5000)) yield toRow(r);
}

/**
 * `scanEventRows` as a synchronous iterator where the store allows it (SQLite), else null.
 * For hot loops: awaiting one promise per row cost ~25% of a detect scan.
 */
export function scanEventRowsSync(store: Store, q: EventQuery & { batch?: number } = {}): Generator<EventRow> | null {
  return store.sqlite ? sqliteScanRows(store.sqlite, q, q.batch ?? 5000) : null;
}

/** The SQLite conditions (and their bound values) of an actor and a time range, for raw prepared statements. */
export function sqliteEventFilter(q: Pick<EventQuery, 'actor' | 'since' | 'until'>): {
  where: string[];
  params: Array<string | number>;
} {
  const where: string[] = [];
  const params: Array<string | number> = [];
  if (q.actor !== undefined) {
    where.push('actor_key = ?');
    params.push(q.actor);
  }
  if (q.since !== undefined) {
    where.push('time >= ?');
    params.push(q.since);
  }
  if (q.until !== undefined) {
    where.push('time < ?');
    params.push(q.until);
  }
  return { where, params };
}

/**
 * SQLite fast path of `scanEventRows`: the same keyset pages as `pages`, through prepared
 * statements in raw (array) mode. Building each page through kysely and then one object per
 * row cost ~3x the rows/s (measured in scripts/bench-detect.ts --store). Pages, not one long
 * `iterate()`: the connection stays free between pages (no read transaction held open for the
 * whole scan, so the caller may write and WAL checkpoints are not blocked).
 */
function* sqliteScanRows(db: NonNullable<Store['sqlite']>, q: EventQuery, batch: number): Generator<EventRow> {
  const { where, params } = sqliteEventFilter(q);
  const sql = (after: boolean) =>
    `SELECT ${ROW_COLUMNS.join(', ')} FROM events WHERE ${[...where, ...(after ? ['(time, event_id) > (?, ?)'] : []), '1'].join(' AND ')} ORDER BY time, event_id LIMIT ?`;
  const first = db.prepare(sql(false)).raw(true);
  const next = db.prepare(sql(true)).raw(true);
  let emitted = 0;
  let rows = first.all(...params, batch) as unknown[][];
  for (;;) {
    for (const r of rows) {
      yield rawToRow(r);
      if (q.limit !== undefined && ++emitted >= q.limit) return;
    }
    const last = rows.at(-1);
    if (!last || rows.length < batch) return;
    rows = next.all(...params, last[2] as number, last[1] as string, batch) as unknown[][];
  }
}

/**
 * One copy of each recurring string (actors, services, actions, regions, networks): rows wait
 * in open journeys long enough to reach the old generation, where a fresh copy of the same
 * dozen strings per row was most of their weight. Cleared when large (then it starts again).
 */
const interned = new Map<string, string>();
function intern<S extends string | null>(s: S): S {
  if (s === null) return s;
  const known = interned.get(s);
  if (known !== undefined) return known as S;
  if (interned.size >= 65_536) interned.clear();
  interned.set(s, s);
  return s;
}

/** One `ROW_COLUMNS` array (raw mode) as an `EventRow`; same conversions as `toRow`. */
function rawToRow(r: unknown[]): EventRow {
  const readOnly = r[9] as number | null;
  const mfa = r[15] as number | null;
  const facts = r[23] as string;
  const targets = r[25] as string | null;
  return {
    id: Number(r[0]),
    eventId: r[1] as string,
    time: Number(r[2]),
    accountId: intern(r[3] as string),
    region: intern(r[4] as string),
    service: intern(r[5] as string),
    action: intern(r[6] as string),
    actionKey: intern(r[7] as string),
    eventType: intern(r[8] as string),
    readOnly: readOnly === null ? null : readOnly === 1,
    success: r[10] === 1,
    errorCode: intern(r[11] as string | null),
    sourceIp: intern(r[12] as string | null),
    clientClass: intern(r[13] as string),
    clientName: intern(r[14] as string | null),
    mfa: mfa === null ? null : mfa === 1,
    console: r[16] === 1,
    actorKey: intern(r[17] as string),
    actorType: intern(r[18] as string),
    actorName: intern(r[19] as string),
    actorAccount: intern(r[20] as string | null),
    roleArn: intern(r[21] as string | null),
    session: intern(r[22] as string | null),
    facts: facts === '' ? [] : facts.split(' '),
    risk: r[24] as number,
    targets: targets === null ? [] : (JSON.parse(targets) as string[]),
    person: intern(r[26] as string | null),
    sessionName: r[27] as string | null,
    compute: r[28] as ComputeKind | null,
  };
}

/** Full events in time order (for display and export), re-normalized from the original records. */
export async function* queryEvents(store: Store, q: EventQuery = {}): AsyncGenerator<Event> {
  const reader = new RawRecordReader(store);
  for await (const ref of pages(store, q, RAW_COLUMNS, 2000)) {
    const event = await normalizeRef(reader, ref);
    if (event) yield event;
  }
}

/** Full events by CloudTrail eventID, in time order (an alert's journey). */
export async function eventsById(store: Store, eventIds: readonly string[]): Promise<Event[]> {
  const reader = new RawRecordReader(store);
  const out: Event[] = [];
  for (let i = 0; i < eventIds.length; i += 500) {
    const refs = await store.db
      .selectFrom('events')
      .select(RAW_COLUMNS)
      .where('event_id', 'in', eventIds.slice(i, i + 500))
      .orderBy('blob_id')
      .execute();
    for (const ref of refs) {
      const event = await normalizeRef(reader, ref);
      if (event) out.push(event);
    }
  }
  return out.sort((a, b) => a.time - b.time || (a.eventId < b.eventId ? -1 : 1));
}

const RAW_COLUMNS = [
  'raw',
  'blob_id',
  'raw_line',
  'raw_index',
  'actor_key',
  'actor_name',
  'person',
  'chain',
  'compute',
] as const;

/** The stored attribution of an event: what the ingest traced through the credential chain. */
interface StoredAttribution {
  actor_key: string;
  actor_name: string;
  person: string | null;
  chain: string | null;
  compute: string | null;
}

/** The record re-normalized, as the record alone shows it. */
async function normalizeRaw(reader: RawRecordReader, ref: RawRef): Promise<Event | null> {
  const record = await reader.read(ref);
  if (!record) return null;
  const result = normalizeRecord(record);
  return result.ok ? result.event : null;
}

/**
 * The record re-normalized, with the attribution the store holds: the record alone cannot say
 * who obtained its credential, the `credentials` table can (and may have learned it later).
 */
async function normalizeRef(reader: RawRecordReader, ref: RawRef & StoredAttribution): Promise<Event | null> {
  const event = await normalizeRaw(reader, ref);
  if (event === null) return null;
  if (ref.chain !== null || ref.actor_key !== event.actor.key) {
    event.actor = {
      ...event.actor,
      key: ref.actor_key,
      name: ref.actor_name,
      person: ref.person ?? event.actor.person,
      chain: ref.chain === null ? null : (JSON.parse(ref.chain) as string[]),
      compute: (ref.compute as ComputeKind | null) ?? event.actor.compute,
    };
  }
  return event;
}

/** A stored event made with one of the given sessions: the record's own event and what the store attributes it to. */
export interface SessionEvent {
  id: number;
  /** As the record alone shows it (no traced attribution). */
  event: Event;
  stored: { actorKey: string; person: string | null; chain: string | null; compute: string | null };
}

/** The highest row id stored: rows inserted after it are this batch's. */
export async function lastEventRowId(store: Store): Promise<number> {
  const row = await store.db
    .selectFrom('events')
    .select((eb) => eb.fn.max('id').as('m'))
    .executeTakeFirst();
  return Number(row?.m ?? 0);
}

/**
 * Stored events (row id at most `upToId`) made with one of these sessions (access keys), a page
 * at a time in row order: a busy session may hold many events before its issuing call arrives.
 */
export async function* eventsOfSessions(
  store: Store,
  sessions: readonly string[],
  upToId: number,
  pageSize = 2000,
): AsyncGenerator<SessionEvent[]> {
  const reader = new RawRecordReader(store);
  for (let i = 0; i < sessions.length; i += 500) {
    const chunk = sessions.slice(i, i + 500);
    let after = 0;
    for (;;) {
      const refs = await store.db
        .selectFrom('events')
        .select(['id', ...RAW_COLUMNS])
        .where('session', 'in', chunk)
        .where('id', '<=', upToId)
        .where('id', '>', after)
        // Ordered by an expression, not the key: ordered by id, PostgreSQL walked the primary key
        // hoping to fill the page early and filtered on session, so a chunk of keys few events
        // used read every event (228 ms against 18 ms through events_session for 500 keys over
        // 147k events; the workers' plan retraces every key, 26 chunks there).
        .orderBy(sql`id + 0`)
        .limit(pageSize)
        .execute();
      const page: SessionEvent[] = [];
      for (const ref of refs) {
        const event = await normalizeRaw(reader, ref);
        if (event)
          page.push({
            id: Number(ref.id),
            event,
            stored: { actorKey: ref.actor_key, person: ref.person, chain: ref.chain, compute: ref.compute },
          });
      }
      if (page.length > 0) yield page;
      const last = refs.at(-1);
      if (last === undefined || refs.length < pageSize) break;
      after = Number(last.id);
    }
  }
}

/** New attribution of a stored event, with the catalog output that depends on it. */
export interface Reattribution {
  id: number;
  event: Event;
  facts: readonly string[];
  risk: number;
  targets: readonly string[];
}

/** Rewrites the actor columns (and facts, risk, targets) of stored events. */
export async function updateAttribution(store: Store, updates: readonly Reattribution[]): Promise<void> {
  for (const u of updates) {
    const a = u.event.actor;
    await store.db
      .updateTable('events')
      .set({
        actor_key: a.key,
        actor_name: a.name,
        person: a.person,
        chain: a.chain === null ? null : JSON.stringify(a.chain),
        compute: a.compute,
        facts: u.facts.join(' '),
        risk: u.risk,
        targets: u.targets.length > 0 ? JSON.stringify(u.targets) : null,
        sentence: sentenceOfEvent(u.event),
      })
      .where('id', '=', u.id)
      .execute();
  }
}

/** What `detect` needs to know before it scans: how far the table goes, and what is new. */
export interface EventBounds {
  /** Largest `events.id` (insertion order), 0 when empty. */
  maxId: number;
  /** Earliest and latest event time in the table, null when empty. */
  minTime: number | null;
  maxTime: number | null;
  /** Earliest time among events with `id > afterId` (inserted since), null when none. */
  newSince: number | null;
}

export async function eventBounds(store: Store, afterId: number): Promise<EventBounds> {
  const all = await store.db
    .selectFrom('events')
    .select((eb) => [eb.fn.max('id').as('maxId'), eb.fn.min('time').as('minTime'), eb.fn.max('time').as('maxTime')])
    .executeTakeFirst();
  const fresh = await store.db
    .selectFrom('events')
    .select((eb) => eb.fn.min('time').as('t'))
    .where('id', '>', afterId)
    .executeTakeFirst();
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return {
    maxId: num(all?.maxId) ?? 0,
    minTime: num(all?.minTime),
    maxTime: num(all?.maxTime),
    newSince: num(fresh?.t),
  };
}
