/**
 * The event search behind the dashboard: stored events newest first, filtered by any indexed
 * or plain column, one page at a time with a (time, eventID) cursor. Every query is bounded:
 * rows are taken from the `events_time` or `events_actor_time` index in windows of at most
 * `window` rows, the other filters apply inside the window (in SQL, ASN in code), and a page
 * examines at most `budget` rows before it ends with a cursor to where it stopped. With
 * better-sqlite3 each query runs synchronously on the caller's thread, so a rare filter must
 * never turn into one scan of the whole table.
 *
 * Sentences come from the `sentence` column (written when the row is built). Rows stored
 * before migration 0009 have none: their sentence is built from the re-read record, and a page
 * re-reads at most `maxFilesPerPage` stored files for them.
 */
import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import { sentenceOfEvent } from '../catalog/index.ts';
import { asnLabel, asnOf } from '../normalize/asn.ts';
import { eventsById } from './events.ts';
import type { Store } from './index.ts';
import { runPrepared } from './prepared.ts';
import { RawRecordReader } from './raw.ts';
import type { ReaderSearchPage, SqliteReaders } from './readers.ts';
import type { Database } from './schema.ts';

/** One stored event as the dashboard shows it: who, what, outcome and the catalog sentence. */
export interface EventSummary {
  eventId: string;
  /** ISO-8601. */
  time: string;
  actor: string;
  actorName: string;
  action: string;
  success: boolean;
  errorCode: string | null;
  sourceIp: string | null;
  /** The source address's autonomous system, e.g. `AS14061 DigitalOcean, LLC`, when known. */
  sourceAs: string | null;
  accountId: string;
  region: string;
  sentence: string;
}

/** A position in the newest-first order: the page continues with older events. */
export interface EventCursor {
  time: number;
  eventId: string;
}

/** An event search: every field narrows it; results come newest first. */
export interface EventSearch {
  actor?: string | undefined;
  /** `service:Action` or just `Action` (exact, as stored: `iam:CreateAccessKey`). */
  action?: string | undefined;
  service?: string | undefined;
  account?: string | undefined;
  region?: string | undefined;
  sourceIp?: string | undefined;
  /** Autonomous system number. */
  asn?: number | undefined;
  outcome?: 'success' | 'failure' | undefined;
  /** Epoch ms, inclusive. */
  since?: number | undefined;
  /** Epoch ms, exclusive. */
  until?: number | undefined;
  /** Continue after this event (from a previous page's `next`). */
  after?: EventCursor | undefined;
  limit: number;
}

export interface EventPage {
  events: EventSummary[];
  /** Where the next page starts, or null when the search reached the oldest event. */
  next: EventCursor | null;
  /** Events examined for this page: a rare filter stops after a bounded number and says so. */
  scanned: number;
}

/** An `EventPage` with its events already as a JSON array (what the API sends). */
export interface EventPageJson {
  events: string;
  next: EventCursor | null;
  scanned: number;
}

export interface EventSearchOptions {
  /**
   * Rows one query examines at most (default 5,000 on the caller's SQLite connection; on reader
   * threads or PostgreSQL, which block nothing, the whole budget: a page is then two queries).
   */
  window?: number | undefined;
  /** Rows one page examines at most (default 20,000). */
  budget?: number | undefined;
  /** Stored files a page may re-read for rows without a stored sentence (default 6). */
  maxFilesPerPage?: number | undefined;
  /** SQLite: run the search's queries on these reader threads instead of the caller's. */
  readers?: SqliteReaders | null | undefined;
}

const COLUMNS = [
  'event_id',
  'time',
  'actor_key',
  'actor_name',
  'service',
  'action_key',
  'success',
  'error_code',
  'source_ip',
  'account_id',
  'region',
  'sentence',
  'blob_id',
] as const;

interface Row {
  event_id: string;
  time: number;
  actor_key: string;
  actor_name: string;
  service: string;
  action_key: string;
  success: number;
  error_code: string | null;
  source_ip: string | null;
  account_id: string;
  region: string;
  sentence: string | null;
  blob_id: number | null;
}

/** The JSON of a source address's autonomous-system label, per address (a page repeats few). */
const asLabels = new Map<string, string>();
function asLabelJson(ip: string | null): string {
  if (ip === null) return 'null';
  let label = asLabels.get(ip);
  if (label === undefined) {
    const as = asnOf(ip);
    label = as ? JSON.stringify(asnLabel(as)) : 'null';
    if (asLabels.size >= 10_000) asLabels.clear();
    asLabels.set(ip, label);
  }
  return label;
}

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** `iam:CreateAccessKey`, `CreateAccessKey`, or the raw eventName, as the column holding it. */
function actionFilter(eb: ExpressionBuilder<Database, 'events'>, action: string): Expression<SqlBool> {
  const colon = action.indexOf(':');
  const alternatives = [eb('action_key', '=', action), eb('action', '=', action)];
  if (colon > 0) {
    const service = action.slice(0, colon);
    const name = action.slice(colon + 1);
    alternatives.push(
      eb.and([eb('service', '=', service), eb.or([eb('action_key', '=', name), eb('action', '=', name)])]),
    );
  }
  return eb.or(alternatives);
}

/** The filters that narrow rows inside a window (everything but actor, time and ASN). */
function narrowing(eb: ExpressionBuilder<Database, 'events'>, q: EventSearch): Expression<SqlBool>[] {
  const out: Expression<SqlBool>[] = [];
  if (q.service !== undefined) out.push(eb('service', '=', q.service));
  if (q.action !== undefined) out.push(actionFilter(eb, q.action));
  if (q.account !== undefined) out.push(eb('account_id', '=', q.account));
  if (q.region !== undefined) out.push(eb('region', '=', q.region));
  if (q.sourceIp !== undefined) out.push(eb('source_ip', '=', q.sourceIp));
  if (q.outcome !== undefined) out.push(eb('success', '=', q.outcome === 'success' ? 1 : 0));
  return out;
}

/**
 * The search's filters as SQL for a reader thread: `indexed` (actor and time range, which the
 * time indexes serve) and `narrow` (the rest but ASN), each a conjunction of fixed column
 * conditions with `?` parameters, the same conditions `#indexed` and `narrowing` build.
 */
function readerFilters(q: EventSearch): Pick<ReaderSearchPage, 'indexed' | 'narrow'> {
  const indexed = { sql: [] as string[], params: [] as unknown[] };
  const narrow = { sql: [] as string[], params: [] as unknown[] };
  const add = (to: typeof indexed, sql: string, ...params: unknown[]) => {
    to.sql.push(sql);
    to.params.push(...params);
  };
  if (q.actor !== undefined) add(indexed, 'actor_key = ?', q.actor);
  if (q.since !== undefined) add(indexed, 'time >= ?', q.since);
  if (q.until !== undefined) add(indexed, 'time < ?', q.until);
  if (q.service !== undefined) add(narrow, 'service = ?', q.service);
  if (q.action !== undefined) {
    const colon = q.action.indexOf(':');
    if (colon > 0) {
      const name = q.action.slice(colon + 1);
      add(
        narrow,
        '(action_key = ? OR action = ? OR (service = ? AND (action_key = ? OR action = ?)))',
        q.action,
        q.action,
        q.action.slice(0, colon),
        name,
        name,
      );
    } else {
      add(narrow, '(action_key = ? OR action = ?)', q.action, q.action);
    }
  }
  if (q.account !== undefined) add(narrow, 'account_id = ?', q.account);
  if (q.region !== undefined) add(narrow, 'region = ?', q.region);
  if (q.sourceIp !== undefined) add(narrow, 'source_ip = ?', q.sourceIp);
  if (q.outcome !== undefined) add(narrow, 'success = ?', q.outcome === 'success' ? 1 : 0);
  return {
    indexed: { sql: indexed.sql.length === 0 ? '1' : indexed.sql.join(' AND '), params: indexed.params },
    narrow: narrow.sql.length === 0 ? null : { sql: narrow.sql.join(' AND '), params: narrow.params },
  };
}

export class EventSearchRepository {
  readonly #store: Store;
  readonly #window: number;
  readonly #budget: number;
  readonly #maxFiles: number;
  readonly #reader: RawRecordReader;
  readonly #readers: SqliteReaders | null;

  constructor(store: Store, options: EventSearchOptions = {}) {
    this.#store = store;
    this.#readers = options.readers ?? null;
    this.#budget = options.budget ?? 20_000;
    // Only a query on the caller's SQLite connection blocks the event loop while it runs.
    const blocking = store.sqlite !== null && this.#readers === null;
    this.#window = options.window ?? (blocking ? 5000 : this.#budget);
    this.#maxFiles = options.maxFilesPerPage ?? 6;
    // A parsed file holds ~1,000 records (a few MB of objects): few are kept.
    this.#reader = new RawRecordReader(store, 16);
  }

  /**
   * The (time, eventID) bound of the indexed part of the search: actor, time range and
   * cursor. Written as `time <= t AND (time < t OR event_id < id)` so the time index serves it.
   */
  #indexed(eb: ExpressionBuilder<Database, 'events'>, q: EventSearch, after: EventCursor | null) {
    const out: Expression<SqlBool>[] = [];
    if (q.actor !== undefined) out.push(eb('actor_key', '=', q.actor));
    if (q.since !== undefined) out.push(eb('time', '>=', q.since));
    if (q.until !== undefined) out.push(eb('time', '<', q.until));
    if (after !== null)
      out.push(eb('time', '<=', after.time), eb.or([eb('time', '<', after.time), eb('event_id', '<', after.eventId)]));
    return out;
  }

  /**
   * Matching rows of the next window (newest first, at most `take`), and where the window
   * ended: null when it held every row left. Without filters beyond actor and time the index
   * order is the answer; with them, the window's oldest row is found from the index first and
   * the filters apply to the rows between, so no query examines more than `window` rows.
   */
  async #windowOf(
    q: EventSearch,
    after: EventCursor | null,
    take: number,
  ): Promise<{ rows: Row[]; windowEnd: EventCursor | null; examined: number }> {
    const { db } = this.#store;
    const newestFirst = <T extends { orderBy: (c: 'time' | 'event_id', d: 'desc') => T }>(query: T) =>
      query.orderBy('time', 'desc').orderBy('event_id', 'desc');
    const filtered = [q.service, q.action, q.account, q.region, q.sourceIp, q.outcome, q.asn].some(
      (v) => v !== undefined,
    );
    if (!filtered) {
      const rows = await runPrepared<Row>(
        this.#store,
        newestFirst(
          db
            .selectFrom('events')
            .select(COLUMNS)
            .where((eb) => eb.and(this.#indexed(eb, q, after))),
        ).limit(take),
        this.#readers,
      );
      const last = rows.at(-1);
      const windowEnd =
        rows.length < take || last === undefined ? null : { time: Number(last.time), eventId: last.event_id };
      return { rows, windowEnd, examined: rows.length };
    }
    const end = await runPrepared<{ time: number; event_id: string }>(
      this.#store,
      newestFirst(
        db
          .selectFrom('events')
          .select(['time', 'event_id'])
          .where((eb) => eb.and(this.#indexed(eb, q, after))),
      )
        .limit(1)
        .offset(this.#window - 1),
      this.#readers,
    );
    const oldest = end[0];
    const windowEnd = oldest === undefined ? null : { time: Number(oldest.time), eventId: oldest.event_id };
    const rows = await runPrepared<Row>(
      this.#store,
      newestFirst(
        db
          .selectFrom('events')
          .select(COLUMNS)
          .where((eb) => {
            const all = [...this.#indexed(eb, q, after), ...narrowing(eb, q)];
            if (windowEnd !== null)
              all.push(
                eb('time', '>=', windowEnd.time),
                eb.or([eb('time', '>', windowEnd.time), eb('event_id', '>=', windowEnd.eventId)]),
              );
            return eb.and(all);
          }),
      ).limit(take),
      this.#readers,
    );
    return { rows, windowEnd, examined: windowEnd === null ? rows.length : this.#window };
  }

  /** One page of `q` as a reader thread runs it. */
  #readerPage(q: EventSearch): ReaderSearchPage {
    return {
      ...readerFilters(q),
      after: q.after ?? null,
      limit: q.limit,
      window: this.#window,
      budget: this.#budget,
      maxFiles: this.#maxFiles,
    };
  }

  async search(q: EventSearch): Promise<EventPage> {
    // On reader threads a page is one message: the reader runs the windows below itself.
    // The ASN is looked up here, so a search by it pages from here.
    if (this.#readers !== null && q.asn === undefined) {
      const { rows, next, scanned } = await this.#readers.searchPage<Row>(this.#readerPage(q));
      return { events: await this.#summaries(rows), next, scanned };
    }
    const matched: Row[] = [];
    let after = q.after ?? null;
    let scanned = 0;
    let exhausted = false;
    // Files this page must re-read for rows without a stored sentence: bounded.
    const files = new Set<number>();
    let cut = false;
    while (matched.length < q.limit && scanned < this.#budget) {
      const want = q.limit - matched.length;
      // The ASN is looked up in code: take the whole filtered window, then keep the matches.
      const { rows, windowEnd, examined } = await this.#windowOf(q, after, q.asn === undefined ? want : this.#window);
      scanned += examined;
      let taken = 0;
      for (const r of rows) {
        if (q.asn !== undefined && asnOf(r.source_ip)?.asn !== q.asn) continue;
        if (r.sentence === null && r.blob_id !== null && !files.has(Number(r.blob_id))) {
          if (files.size >= this.#maxFiles) {
            cut = true;
            break;
          }
          files.add(Number(r.blob_id));
        }
        matched.push(r);
        taken += 1;
        if (matched.length >= q.limit) break;
      }
      if (cut || matched.length >= q.limit) {
        const last = matched.at(-1);
        after = last === undefined ? after : { time: Number(last.time), eventId: last.event_id };
        break;
      }
      // Every match of this window is taken: continue after the window.
      if (windowEnd === null) {
        exhausted = true;
        break;
      }
      after = windowEnd;
      if (taken < want) await yieldToLoop();
    }
    return { events: await this.#summaries(matched), next: exhausted ? null : after, scanned };
  }

  /**
   * The page `search` gives, with its events as JSON text. On reader threads the reader writes
   * each row's JSON, and the event loop only adds the autonomous system (and a sentence for a
   * row stored without one): no rows are parsed, built and serialized again here.
   */
  async searchJson(q: EventSearch): Promise<EventPageJson> {
    if (this.#readers === null || q.asn !== undefined) {
      const page = await this.search(q);
      return { events: JSON.stringify(page.events), next: page.next, scanned: page.scanned };
    }
    const { parts, ips, missing, next, scanned } = await this.#readers.searchPageText(this.#readerPage(q));
    const wanted = missing.filter((id): id is string => id !== null);
    const built = new Map<string, string>();
    if (wanted.length > 0)
      for (const e of await eventsById(this.#store, wanted)) built.set(e.eventId, sentenceOfEvent(e));
    const out: string[] = [];
    for (let i = 0; i < parts.length; i++) {
      const id = missing[i] ?? null;
      let sentence = '';
      if (id !== null) {
        const text = built.get(id);
        if (text === undefined) continue;
        sentence = `,"sentence":${JSON.stringify(text)}`;
      }
      out.push(`${parts[i]}${sentence},"sourceAs":${asLabelJson(ips[i] ?? null)}}`);
    }
    return { events: `[${out.join(',')}]`, next, scanned };
  }

  /** Summaries in the order given; rows without a stored sentence get one from their record. */
  async #summaries(rows: readonly Row[]): Promise<EventSummary[]> {
    const missing = rows.filter((r) => r.sentence === null).map((r) => r.event_id);
    const built = new Map<string, string>();
    if (missing.length > 0)
      for (const e of await eventsById(this.#store, missing)) built.set(e.eventId, sentenceOfEvent(e));
    return rows.flatMap((r) => {
      const sentence = r.sentence ?? built.get(r.event_id);
      if (sentence === undefined) return [];
      const as = asnOf(r.source_ip);
      return [
        {
          eventId: r.event_id,
          time: new Date(Number(r.time)).toISOString(),
          actor: r.actor_key,
          actorName: r.actor_name,
          action: `${r.service}:${r.action_key}`,
          success: Number(r.success) === 1,
          errorCode: r.error_code,
          sourceIp: r.source_ip,
          sourceAs: as ? asnLabel(as) : null,
          accountId: r.account_id,
          region: r.region,
          sentence,
        },
      ];
    });
  }

  /** The record exactly as received (parsed JSON), or null for an unknown eventID. */
  async record(eventId: string): Promise<Record<string, unknown> | null> {
    // A CloudTrail file's record, found on a reader thread with its place; any other shape, here.
    if (this.#readers !== null) {
      const found = await this.#readers.recordOf(eventId);
      if (found === null) return null;
      return found.record ?? this.#reader.read(found.ref);
    }
    const ref = await this.#store.db
      .selectFrom('events')
      .select(['raw', 'blob_id', 'raw_line', 'raw_index'])
      .where('event_id', '=', eventId)
      .executeTakeFirst();
    if (ref === undefined) return null;
    return this.#reader.read(ref);
  }
}
