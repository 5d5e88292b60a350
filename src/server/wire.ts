/**
 * Production repositories: the triage API over a real store, through the detector's alert
 * repository and feedback (a benign verdict teaches the model, exactly as `trailhound
 * feedback` does), the events repository with catalog sentences, the activity counters and the
 * detector's saved model (read only, reloaded when a detect run saves a new one).
 *
 * Speed: every query is an index lookup or reads a maintained counter; an event search with a
 * filter no index serves examines a bounded window of events per page and says where it
 * stopped; answers that need the whole model are cached until the store changes.
 */

import type { StoredAlert } from '../alerts/build.ts';
import type { Alert, AlertStatus } from '../alerts/types.ts';
import { getStoredAlert, listAlerts } from '../app/alerts.ts';
import { loadState } from '../app/detect.ts';
import { feedback } from '../app/feedback.ts';
import { describeEvent } from '../catalog/index.ts';
import type { SavedState } from '../detect/state.ts';
import { DEFAULT_ALERTS_PER_WEEK, DEFAULT_LEARNING_DAYS } from '../domain/defaults.ts';
import { asnLabel, asnOf } from '../normalize/asn.ts';
import type { Event } from '../normalize/event.ts';
import { normalizeRecord } from '../normalize/index.ts';
import { ActivityCounters } from '../store/activity.ts';
import { queryEvents, sqliteEventFilter } from '../store/events.ts';
import type { Store } from '../store/index.ts';
import { RawRecordReader } from '../store/raw.ts';
import type { StoreStats } from '../store/stats.ts';
import type {
  EventPage,
  EventSearch,
  EventSummary,
  IdentityProfile,
  Overview,
  TriageRepositories,
  Verdict,
  VerdictRecord,
} from './types.ts';

/** Only the fields of the `Alert` contract: stored alerts carry detector internals. */
function toContract(a: Alert): Alert {
  return {
    id: a.id,
    severity: a.severity,
    score: a.score,
    title: a.title,
    summary: a.summary,
    actor: a.actor,
    actorName: a.actorName,
    peerGroup: a.peerGroup,
    start: a.start,
    end: a.end,
    reasons: a.reasons,
    techniques: a.techniques,
    events: a.events,
    typicalJourney: a.typicalJourney,
    status: a.status,
    note: a.note,
    ...(a.response === undefined ? {} : { response: a.response }),
  };
}

export interface WireOptions {
  /** The detector's weekly alert budget and learning period, as `detect` runs with them. */
  alertsPerWeek?: number | undefined;
  learningDays?: number | undefined;
  /** Events a search examines per page at most (default 20,000). */
  searchBudget?: number | undefined;
}

const DAY = 86_400_000;
const SEARCH_WINDOW = 2000;
const SUMMARY_CACHE = 50_000;
/**
 * Stored files a search page may re-read (each ~1,000 records, ~15 ms to parse on an idle core):
 * an identity's events spread over many files end the page early, with a cursor to the rest.
 */
const MAX_FILES_PER_PAGE = 6;

interface WindowRow {
  event_id: string;
  time: number;
  service: string;
  action: string;
  action_key: string;
  account_id: string;
  region: string;
  source_ip: string | null;
  success: number;
  blob_id: number | null;
}
const iso = (t: number | null | undefined) =>
  t === null || t === undefined ? null : new Date(Number(t)).toISOString();
const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export function toSummary(e: Event): EventSummary {
  const as = asnOf(e.sourceIp);
  return {
    eventId: e.eventId,
    time: e.eventTime,
    actor: e.actor.key,
    actorName: e.actor.name,
    action: `${e.service}:${e.actionKey}`,
    success: e.success,
    errorCode: e.errorCode,
    sourceIp: e.sourceIp,
    sourceAs: as ? asnLabel(as) : null,
    accountId: e.accountId,
    region: e.region,
    sentence: describeEvent(e).sentence,
  };
}

/** Monday 00:00 UTC of the week holding `t`, as `YYYY-MM-DD`. */
export function weekOf(t: number): string {
  const day = Math.floor(t / DAY);
  const monday = day - ((day + 3) % 7);
  return new Date(monday * DAY).toISOString().slice(0, 10);
}

/** The detector's saved model, reloaded only when a detect run has saved a newer one. */
class ModelSnapshot {
  readonly #store: Store;
  #version: number | null = null;
  #state: SavedState | null = null;
  #loading: Promise<SavedState | null> | null = null;

  constructor(store: Store) {
    this.#store = store;
  }

  async version(): Promise<number | null> {
    const row = await this.#store.db
      .selectFrom('detect_state')
      .select('updated_at')
      .where('id', '=', 1)
      .executeTakeFirst();
    return row ? Number(row.updated_at) : null;
  }

  async get(): Promise<SavedState | null> {
    const version = await this.version();
    if (version === null) return null;
    if (version === this.#version) return this.#state;
    this.#loading ??= loadState(this.#store, {})
      .then((state) => {
        this.#state = state;
        this.#version = version;
        return state;
      })
      .finally(() => {
        this.#loading = null;
      });
    return this.#loading;
  }
}

/** A few answers kept until the store's version changes. */
class VersionedCache<T> {
  readonly #entries = new Map<string, { version: string; value: Promise<T> }>();
  readonly #capacity: number;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  get(key: string, version: string, compute: () => Promise<T>): Promise<T> {
    const hit = this.#entries.get(key);
    if (hit !== undefined && hit.version === version) return hit.value;
    const value = compute();
    // A failed answer is not kept.
    value.catch(() => this.#entries.delete(key));
    this.#entries.delete(key);
    if (this.#entries.size >= this.#capacity) this.#entries.delete(this.#entries.keys().next().value as string);
    this.#entries.set(key, { version, value });
    return value;
  }
}

export function storeRepositories(store: Store, options: WireOptions = {}): TriageRepositories {
  const { db } = store;
  const counters = new ActivityCounters(store);
  const model = new ModelSnapshot(store);
  // A parsed file holds ~1,000 records (a few MB of objects): few are kept; summaries are small.
  const reader = new RawRecordReader(store, 16);
  const summaries = new Map<string, EventSummary>();
  const identityCache = new VersionedCache<IdentityProfile | null>(256);
  const overviewCache = new VersionedCache<Overview>(1);
  const statsCache = new VersionedCache<StoreStats>(1);
  const budget = options.alertsPerWeek ?? DEFAULT_ALERTS_PER_WEEK;
  const learningDays = options.learningDays ?? DEFAULT_LEARNING_DAYS;
  const searchBudget = options.searchBudget ?? 20_000;

  /** Cheap fingerprint of everything the overview and identity pages show. */
  const storeVersion = async (): Promise<string> => {
    const [events, alerts, state, quarantine, verdicts] = await Promise.all([
      db.selectFrom('events').select('id').orderBy('id', 'desc').limit(1).executeTakeFirst(),
      db
        .selectFrom('alerts')
        .select((eb) => eb.fn.max('updated_at').as('t'))
        .executeTakeFirst(),
      model.version(),
      db.selectFrom('quarantine').select('id').orderBy('id', 'desc').limit(1).executeTakeFirst(),
      db.selectFrom('alert_verdicts').select('id').orderBy('id', 'desc').limit(1).executeTakeFirst(),
    ]);
    return [events?.id, alerts?.t, state, quarantine?.id, verdicts?.id].map((v) => String(v ?? '')).join('/');
  };

  const fullEvents = async (eventIds: readonly string[]): Promise<Map<string, Event>> => {
    const out = new Map<string, Event>();
    if (eventIds.length === 0) return out;
    const refs = await db
      .selectFrom('events')
      .select(['event_id', 'raw', 'blob_id', 'raw_line', 'raw_index'])
      .where('event_id', 'in', [...eventIds])
      .orderBy('blob_id')
      .execute();
    let blob: number | null = null;
    for (const ref of refs) {
      // Parsing a file is the costly part: let other requests run between files.
      if (ref.blob_id !== null && ref.blob_id !== blob) {
        if (blob !== null) await yieldToLoop();
        blob = ref.blob_id;
      }
      const record = await reader.read(ref);
      const result = record ? normalizeRecord(record) : null;
      if (result?.ok) out.set(ref.event_id, result.event);
    }
    return out;
  };

  /** Summaries with catalog sentences; each needs its record re-read, so recent ones are kept. */
  const summarize = async (eventIds: readonly string[]): Promise<Map<string, EventSummary>> => {
    const out = new Map<string, EventSummary>();
    const missing: string[] = [];
    for (const id of eventIds) {
      const hit = summaries.get(id);
      if (hit) out.set(id, hit);
      else missing.push(id);
    }
    for (const [id, e] of await fullEvents(missing)) {
      const summary = toSummary(e);
      out.set(id, summary);
      if (summaries.size >= SUMMARY_CACHE) summaries.delete(summaries.keys().next().value as string);
      summaries.set(id, summary);
    }
    return out;
  };

  const statements = new Map<string, import('better-sqlite3').Statement>();

  /** One window of rows (newest first, before `after`): SQLite through a raw prepared statement. */
  const window = async (q: EventSearch, after: { time: number; eventId: string } | null): Promise<WindowRow[]> => {
    if (store.sqlite) {
      const { where, params } = sqliteEventFilter(q);
      if (after !== null) {
        where.push('(time < ? OR (time = ? AND event_id < ?))');
        params.push(after.time, after.time, after.eventId);
      }
      const text = `SELECT event_id, time, service, action, action_key, account_id, region, source_ip, success, blob_id FROM events WHERE ${[...where, '1'].join(' AND ')} ORDER BY time DESC, event_id DESC LIMIT ?`;
      let stmt = statements.get(text);
      if (stmt === undefined) {
        stmt = store.sqlite.prepare(text);
        statements.set(text, stmt);
      }
      return stmt.all(...params, SEARCH_WINDOW) as WindowRow[];
    }
    let query = db
      .selectFrom('events')
      .select([
        'event_id',
        'time',
        'service',
        'action',
        'action_key',
        'account_id',
        'region',
        'source_ip',
        'success',
        'blob_id',
      ]);
    if (q.actor !== undefined) query = query.where('actor_key', '=', q.actor);
    if (q.since !== undefined) query = query.where('time', '>=', q.since);
    if (q.until !== undefined) query = query.where('time', '<', q.until);
    if (after !== null) {
      const a = after;
      query = query.where((eb) =>
        eb.or([eb('time', '<', a.time), eb.and([eb('time', '=', a.time), eb('event_id', '<', a.eventId)])]),
      );
    }
    return query.orderBy('time', 'desc').orderBy('event_id', 'desc').limit(SEARCH_WINDOW).execute();
  };

  const search = async (q: EventSearch): Promise<EventPage> => {
    const matched: Array<{ eventId: string; time: number }> = [];
    let after = q.after ?? null;
    let scanned = 0;
    let exhausted = false;
    let cut = false;
    // Files this page must re-read for its sentences: bounded, so one page never parses dozens.
    const files = new Set<number>();
    const wantAction = q.action;
    while (matched.length < q.limit && scanned < searchBudget && !cut) {
      const rows = await window(q, after);
      for (const r of rows) {
        scanned += 1;
        after = { time: Number(r.time), eventId: r.event_id };
        if (q.service !== undefined && r.service !== q.service) continue;
        if (
          wantAction !== undefined &&
          wantAction !== `${r.service}:${r.action_key}` &&
          wantAction !== `${r.service}:${r.action}` &&
          wantAction !== r.action_key &&
          wantAction !== r.action
        )
          continue;
        if (q.account !== undefined && r.account_id !== q.account) continue;
        if (q.region !== undefined && r.region !== q.region) continue;
        if (q.sourceIp !== undefined && r.source_ip !== q.sourceIp) continue;
        if (q.outcome !== undefined && (Number(r.success) === 1) !== (q.outcome === 'success')) continue;
        if (q.asn !== undefined && asnOf(r.source_ip)?.asn !== q.asn) continue;
        if (r.blob_id !== null && !summaries.has(r.event_id) && !files.has(Number(r.blob_id))) {
          if (files.size >= MAX_FILES_PER_PAGE) {
            // The page ends at the last event it holds; the next one starts with this event.
            const last = matched.at(-1);
            after = last === undefined ? after : { time: last.time, eventId: last.eventId };
            cut = true;
            break;
          }
          files.add(Number(r.blob_id));
        }
        matched.push({ eventId: r.event_id, time: Number(r.time) });
        if (matched.length >= q.limit) break;
      }
      if (cut) break;
      if (rows.length < SEARCH_WINDOW && matched.length < q.limit) {
        exhausted = true;
        break;
      }
      if (matched.length < q.limit) await yieldToLoop();
    }
    const full = await summarize(matched.map((m) => m.eventId));
    const events = matched.flatMap((m) => {
      const e = full.get(m.eventId);
      return e ? [e] : [];
    });
    return { events, next: exhausted ? null : after, scanned };
  };

  const identity = async (key: string): Promise<IdentityProfile | null> => {
    const latest = await db
      .selectFrom('events')
      .select(['actor_type', 'actor_name', 'actor_account', 'role_arn', 'time'])
      .where('actor_key', '=', key)
      .orderBy('time', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (latest === undefined) return null;
    const first = await db
      .selectFrom('events')
      .select('time')
      .where('actor_key', '=', key)
      .orderBy('time')
      .limit(1)
      .executeTakeFirst();
    await counters.catchUp();
    const [activity, hoursOfWeek, alertRows, verdicts, state] = await Promise.all([
      counters.days(key),
      counters.hoursOfWeek(key),
      db
        .selectFrom('alerts')
        .select(['id', 'body', 'status', 'note', 'start', 'severity'])
        .where('actor_key', '=', key)
        .orderBy('start', 'desc')
        .execute(),
      verdictsOf(key),
      model.get(),
    ]);
    const assumedBy = new Map<string, string>();
    const alerts = alertRows.map((r) => {
      const body = JSON.parse(r.body) as StoredAlert;
      if (body.assumedBy) assumedBy.set(body.assumedBy.actor, body.assumedBy.name);
      return {
        id: r.id,
        severity: r.severity as Alert['severity'],
        title: body.title,
        start: iso(Number(r.start)) as string,
        status: r.status as AlertStatus,
        note: r.note,
      };
    });
    const roleArn = latest.role_arn;
    const person = roleArn && key.startsWith(`${roleArn}/`) ? key.slice(roleArn.length + 1) : null;
    const m = state?.engine.model.identities.get(key);
    let profileModel: IdentityProfile['model'] = null;
    if (state && m) {
      const names = state.engine.model.vocab;
      const group = m.group === null ? null : state.engine.model.groups.get(m.group);
      const top = <K>(map: ReadonlyMap<K, number>, n: number) =>
        [...map].sort((a, b) => b[1] - a[1] || (String(a[0]) < String(b[0]) ? -1 : 1)).slice(0, n);
      const systems = top(m.context.asns, 12).map(([asn, journeys]) => {
        const label = [...m.context.nets.keys()]
          .map((net) => asnOf(net.slice(0, net.lastIndexOf('/'))))
          .find((a) => a?.asn === asn);
        return { as: label ? asnLabel(label) : `AS${asn}`, journeys };
      });
      profileModel = {
        journeys: m.journeys,
        peerGroup: group
          ? {
              name: group.name,
              members: group.members.map((k) => ({ key: k, name: state.engine.model.identities.get(k)?.name ?? k })),
            }
          : null,
        typicalJourneys: [...m.medoids.medoids]
          .sort((a, b) => b.count - a.count || b.last - a.last)
          .slice(0, 6)
          .map((d) => ({ tokens: d.tokens.map((t) => names.name(t)), journeys: d.count, last: iso(d.last) as string })),
        networks: top(m.context.nets, 12).map(([network, journeys]) => ({ network, journeys })),
        systems,
        clients: top(m.context.clients, 12).map(([client, journeys]) => ({ client, journeys })),
        regions: top(m.context.regions, 12).map(([region, journeys]) => ({ region, journeys })),
      };
    }
    return {
      key,
      name: latest.actor_name,
      type: latest.actor_type,
      accountId: latest.actor_account,
      roleArn,
      person,
      assumedBy: [...assumedBy].map(([actor, name]) => ({ actor, name })),
      firstEvent: iso(first?.time),
      lastEvent: iso(latest.time),
      events: activity.reduce((n, d) => n + d.events, 0),
      failures: activity.reduce((n, d) => n + d.failures, 0),
      model: profileModel,
      hoursOfWeek,
      activity,
      alerts,
      verdicts,
    };
  };

  const verdictsOf = async (key: string): Promise<VerdictRecord[]> => {
    const rows = await db
      .selectFrom('alert_verdicts')
      .selectAll()
      .where('actor_key', '=', key)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(200)
      .execute();
    return rows.map((r) => ({
      alertId: r.alert_id,
      verdict: r.verdict as Verdict,
      note: r.note,
      analyst: r.analyst,
      suppressedUntil: iso(r.suppressed_until),
      at: iso(r.created_at) as string,
    }));
  };

  const overview = async (): Promise<Overview> => {
    await counters.catchUp();
    const [
      eventsPerDay,
      identities,
      alertRows,
      state,
      newestEvent,
      newestFile,
      quarantine,
      accounts,
      regions,
      services,
    ] = await Promise.all([
      counters.days(),
      counters.identities(),
      db.selectFrom('alerts').select(['start', 'status']).execute(),
      model.get(),
      db.selectFrom('events').select('time').orderBy('time', 'desc').limit(1).executeTakeFirst(),
      db
        .selectFrom('files')
        .select((eb) => eb.fn.max('finished_at').as('t'))
        .executeTakeFirst(),
      db
        .selectFrom('quarantine')
        .select(['code', (eb) => eb.fn.countAll().as('n')])
        .groupBy('code')
        .orderBy('code')
        .execute(),
      counters.values('account'),
      counters.values('region'),
      counters.values('service'),
    ]);
    const weeks = new Map<string, { week: string; alerts: number; malicious: number; benign: number }>();
    for (const a of alertRows) {
      const week = weekOf(Number(a.start));
      const w = weeks.get(week) ?? { week, alerts: 0, malicious: 0, benign: 0 };
      w.alerts += 1;
      if (a.status === 'malicious') w.malicious += 1;
      if (a.status === 'benign') w.benign += 1;
      weeks.set(week, w);
    }
    const newest = newestEvent ? Number(newestEvent.time) : null;
    const firstEvent = state?.engine.firstEvent ?? null;
    const until = firstEvent === null ? null : firstEvent + learningDays * DAY;
    const detectedUntil = state?.resumeFrom ?? null;
    const byCode = Object.fromEntries(quarantine.map((r) => [r.code, Number(r.n)]));
    return {
      alertsPerWeek: [...weeks.values()].sort((a, b) => (a.week < b.week ? -1 : 1)),
      budgetPerWeek: budget,
      eventsPerDay,
      events: eventsPerDay.reduce((n, d) => n + d.events, 0),
      identities,
      peerGroups: state ? state.engine.model.groups.size : null,
      learning: { until: iso(until), learning: until === null || newest === null || newest < until },
      lag: {
        newestEvent: iso(newest),
        newestFile: iso(newestFile?.t === null || newestFile?.t === undefined ? null : Number(newestFile.t)),
        detectedUntil: iso(detectedUntil),
        behindMs: newest !== null && detectedUntil !== null ? Math.max(0, newest - detectedUntil) : null,
      },
      quarantine: { count: Object.values(byCode).reduce((a, b) => a + b, 0), byCode },
      openAlerts: alertRows.filter((a) => a.status === 'new').length,
      choices: {
        accounts: accounts.map((v) => v.value),
        regions: regions.map((v) => v.value),
        services: services.map((v) => v.value),
      },
    };
  };

  /** `trailhound stats` totals from the counters and indexes (the CLI's version counts every event). */
  const totals = async (): Promise<StoreStats> => {
    await counters.catchUp();
    const [actors, accounts, regions, oldest, newest, files, insights, quarantine] = await Promise.all([
      counters.identities(),
      counters.values('account'),
      counters.values('region'),
      db.selectFrom('events').select('time').orderBy('time').limit(1).executeTakeFirst(),
      db.selectFrom('events').select('time').orderBy('time', 'desc').limit(1).executeTakeFirst(),
      db
        .selectFrom('files')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('status', '=', 'done')
        .executeTakeFirstOrThrow(),
      db
        .selectFrom('insights')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow(),
      db
        .selectFrom('quarantine')
        .select(['code', (eb) => eb.fn.countAll().as('n')])
        .groupBy('code')
        .orderBy('code')
        .execute(),
    ]);
    const quarantineByCode = Object.fromEntries(quarantine.map((r) => [r.code, Number(r.n)]));
    return {
      events: accounts.reduce((n, a) => n + a.events, 0),
      actors,
      accounts: accounts.length,
      regions: regions.length,
      from: iso(oldest ? Number(oldest.time) : null),
      to: iso(newest ? Number(newest.time) : null),
      quarantined: Object.values(quarantineByCode).reduce((a, b) => a + b, 0),
      files: Number(files.n),
      insights: Number(insights.n),
      quarantineByCode,
    };
  };

  return {
    alerts: {
      list: async (query) => (await listAlerts(store, query)).map(toContract),
      get: async (id) => {
        const alert = await getStoredAlert(store, id);
        return alert === null ? null : toContract(alert);
      },
      recordFeedback: async (id, verdict, note, extras = {}) => {
        const suppress =
          extras.suppressUntil === undefined
            ? undefined
            : { owner: extras.analyst ?? 'dashboard', expires: extras.suppressUntil };
        await feedback(store, id, verdict, { note, suppress });
        const alert = await getStoredAlert(store, id);
        await db
          .insertInto('alert_verdicts')
          .values({
            alert_id: id,
            actor_key: alert?.actor ?? '',
            verdict,
            note,
            analyst: extras.analyst ?? null,
            suppressed_until: extras.suppressUntil ?? null,
            created_at: Date.now(),
          })
          .execute();
      },
      verdicts: verdictsOf,
    },
    events: {
      list: async (query) => {
        const out: EventSummary[] = [];
        for await (const e of queryEvents(store, query)) {
          out.push(toSummary(e));
          if (out.length >= query.limit) break;
        }
        return out;
      },
      search,
      record: async (eventId) => {
        const ref = await db
          .selectFrom('events')
          .select(['raw', 'blob_id', 'raw_line', 'raw_index'])
          .where('event_id', '=', eventId)
          .executeTakeFirst();
        return ref ? reader.read(ref) : null;
      },
    },
    stats: { stats: async () => statsCache.get('stats', await storeVersion(), totals) },
    identities: {
      get: async (key) => identityCache.get(key, await storeVersion(), () => identity(key)),
    },
    overview: {
      overview: async () => overviewCache.get('overview', await storeVersion(), overview),
    },
    refresh: async (signal) => {
      await counters.catchUp(signal);
    },
    quarantine: {
      list: async (limit) => {
        const rows = await db
          .selectFrom('quarantine')
          .select(['file', 'line', 'code', 'reason', 'created_at'])
          .orderBy('id', 'desc')
          .limit(limit)
          .execute();
        return rows.map((r) => ({
          file: r.file,
          line: r.line === null ? null : Number(r.line),
          code: r.code,
          reason: r.reason,
          at: iso(Number(r.created_at)) as string,
        }));
      },
    },
  };
}
