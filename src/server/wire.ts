/**
 * Production repositories: the triage API over a real store, through the detector's alert
 * repository and feedback (a benign verdict teaches the model, exactly as `trailhound
 * feedback` does), the store's event search, overview and identity repositories, the
 * activity counters and the detector's saved model (read only, reloaded when a detect run
 * saves a new one). No SQL here: every query lives in a store repository.
 *
 * Speed: every query is an index lookup, a bounded window of the time index or a maintained
 * counter; answers that need the whole model are cached until the store changes; a request
 * never waits for the counters to catch up on a large backlog (it answers from them as they
 * stand and says it is still counting).
 */

import type { StoredAlert } from '../alerts/build.ts';
import type { Alert, AlertStatus } from '../alerts/types.ts';
import { getStoredAlert, listAlerts } from '../app/alerts.ts';
import { loadState } from '../app/detect.ts';
import { feedback } from '../app/feedback.ts';
import type { SavedState } from '../detect/state.ts';
import { DEFAULT_ALERTS_PER_WEEK, DEFAULT_LEARNING_DAYS } from '../domain/defaults.ts';
import { asnLabel, asnOf } from '../normalize/asn.ts';
import { ActivityCounters } from '../store/activity.ts';
import { EventSearchRepository } from '../store/event-search.ts';
import { IdentitiesRepository, type VerdictRow } from '../store/identities.ts';
import type { Store } from '../store/index.ts';
import { OverviewRepository } from '../store/overview.ts';
import { SqliteReaders } from '../store/readers.ts';
import type { StoreStats } from '../store/stats.ts';
import type { IdentityProfile, Overview, TriageRepositories, Verdict, VerdictRecord } from './types.ts';

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
  /** Events one search query examines at most (default 5,000). */
  searchWindow?: number | undefined;
  /**
   * Uncounted events a request counts before it answers (default 20,000); beyond that it
   * answers from the counters as they stand: counting a large store takes seconds.
   */
  countNowAtMost?: number | undefined;
  /**
   * SQLite: reader threads the event search runs on (default 2; 0 runs it on the event loop).
   * A store in memory has none.
   */
  readers?: number | undefined;
}

const DAY = 86_400_000;
/** Peer group members an identity page lists (a synthetic million-event store had one group of 1,600). */
const PEERS_SHOWN = 50;
const iso = (t: number | null | undefined) =>
  t === null || t === undefined ? null : new Date(Number(t)).toISOString();

/** Monday 00:00 UTC of the week holding `t`, as `YYYY-MM-DD`. */
export function weekOf(t: number): string {
  const day = Math.floor(t / DAY);
  const monday = day - ((day + 3) % 7);
  return new Date(monday * DAY).toISOString().slice(0, 10);
}

/** The detector's saved model, reloaded only when a detect run has saved a newer one. */
class ModelSnapshot {
  readonly #store: Store;
  readonly #overview: OverviewRepository;
  #version: number | null = null;
  #state: SavedState | null = null;
  #loading: Promise<SavedState | null> | null = null;

  constructor(store: Store, overview: OverviewRepository) {
    this.#store = store;
    this.#overview = overview;
  }

  async get(): Promise<SavedState | null> {
    const version = await this.#overview.modelVersion();
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

const toVerdict = (r: VerdictRow): VerdictRecord => ({
  alertId: r.alertId,
  verdict: r.verdict as Verdict,
  note: r.note,
  analyst: r.analyst,
  suppressedUntil: iso(r.suppressedUntil),
  at: iso(r.at) as string,
});

export function storeRepositories(store: Store, options: WireOptions = {}): TriageRepositories {
  const counters = new ActivityCounters(store);
  const overviews = new OverviewRepository(store);
  const identities = new IdentitiesRepository(store);
  const readers = SqliteReaders.forStore(store, options.readers ?? 2);
  const events = new EventSearchRepository(store, {
    budget: options.searchBudget,
    window: options.searchWindow,
    readers,
  });
  const model = new ModelSnapshot(store, overviews);
  const identityCache = new VersionedCache<IdentityProfile | null>(256);
  const overviewCache = new VersionedCache<Overview>(1);
  const statsCache = new VersionedCache<StoreStats>(1);
  const alertsCache = new VersionedCache<Alert[]>(8);
  const budget = options.alertsPerWeek ?? DEFAULT_ALERTS_PER_WEEK;
  const learningDays = options.learningDays ?? DEFAULT_LEARNING_DAYS;
  const countNowAtMost = options.countNowAtMost ?? 20_000;

  /**
   * Counts what is left when it is little (a request then shows every stored event); a larger
   * backlog (a store ingested while no server ran) is counted in the background, and the
   * answer says so. True when the counters hold every stored event.
   */
  const counted = async (): Promise<boolean> => {
    if ((await counters.behind()) > countNowAtMost) return false;
    await counters.catchUp();
    return true;
  };

  const alertsSince = async (since: number | undefined) =>
    alertsCache.get(String(since ?? ''), await overviews.version(), async () =>
      (await listAlerts(store, { since })).map(toContract),
    );
  const allAlerts = () => alertsSince(undefined);

  const identity = async (key: string): Promise<IdentityProfile | null> => {
    const seen = await identities.events(key);
    if (seen === null) return null;
    await counted();
    const [activity, hoursOfWeek, alertRows, verdicts, state] = await Promise.all([
      counters.days(key),
      counters.hoursOfWeek(key),
      identities.alerts(key),
      identities.verdicts(key),
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
        start: iso(r.start) as string,
        status: r.status as AlertStatus,
        note: r.note,
      };
    });
    const roleArn = seen.roleArn;
    const person = seen.person ?? (roleArn && key.startsWith(`${roleArn}/`) ? key.slice(roleArn.length + 1) : null);
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
              size: group.members.length,
              members: [key, ...group.members.filter((k) => k !== key)]
                .slice(0, PEERS_SHOWN)
                .map((k) => ({ key: k, name: state.engine.model.identities.get(k)?.name ?? k })),
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
      name: seen.name,
      type: seen.type,
      accountId: seen.accountId,
      roleArn,
      person,
      assumedBy: [...assumedBy].map(([actor, name]) => ({ actor, name })),
      firstEvent: iso(seen.first),
      lastEvent: iso(seen.last),
      events: activity.reduce((n, d) => n + d.events, 0),
      failures: activity.reduce((n, d) => n + d.failures, 0),
      model: profileModel,
      hoursOfWeek,
      activity,
      alerts,
      verdicts: verdicts.map(toVerdict),
    };
  };

  const overview = async (): Promise<Overview> => {
    const complete = await counted();
    const [eventsPerDay, identityCount, alertRows, state, times, newestFile, byCode, accounts, regions, services] =
      await Promise.all([
        counters.days(),
        counters.identities(),
        overviews.alertStarts(),
        model.get(),
        overviews.eventTimes(),
        overviews.newestFileFinished(),
        overviews.quarantineByCode(),
        counters.values('account'),
        counters.values('region'),
        counters.values('service'),
      ]);
    const weeks = new Map<string, { week: string; alerts: number; malicious: number; benign: number }>();
    for (const a of alertRows) {
      const week = weekOf(a.start);
      const w = weeks.get(week) ?? { week, alerts: 0, malicious: 0, benign: 0 };
      w.alerts += 1;
      if (a.status === 'malicious') w.malicious += 1;
      if (a.status === 'benign') w.benign += 1;
      weeks.set(week, w);
    }
    const newest = times.newest;
    const firstEvent = state?.engine.firstEvent ?? null;
    const until = firstEvent === null ? null : firstEvent + learningDays * DAY;
    // The oldest journey still open; with none open, the newest event the detector has read.
    const detectedUntil = state ? (state.resumeFrom ?? state.builder?.newest ?? null) : null;
    return {
      alertsPerWeek: [...weeks.values()].sort((a, b) => (a.week < b.week ? -1 : 1)),
      budgetPerWeek: budget,
      eventsPerDay,
      events: eventsPerDay.reduce((n, d) => n + d.events, 0),
      counting: !complete,
      identities: identityCount,
      peerGroups: state ? state.engine.model.groups.size : null,
      learning: { until: iso(until), learning: until === null || newest === null || newest < until },
      lag: {
        newestEvent: iso(newest),
        newestFile: iso(newestFile),
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

  /** `trailhound stats` totals from the counters and index ends (the CLI's version counts every event). */
  const totals = async (): Promise<StoreStats> => {
    await counted();
    const [actors, accounts, regions, times, files, insights, quarantineByCode] = await Promise.all([
      counters.identities(),
      counters.values('account'),
      counters.values('region'),
      overviews.eventTimes(),
      overviews.finishedFiles(),
      overviews.insights(),
      overviews.quarantineByCode(),
    ]);
    return {
      events: accounts.reduce((n, a) => n + a.events, 0),
      actors,
      accounts: accounts.length,
      regions: regions.length,
      from: iso(times.oldest),
      to: iso(times.newest),
      quarantined: Object.values(quarantineByCode).reduce((a, b) => a + b, 0),
      files,
      insights,
      quarantineByCode,
    };
  };

  return {
    alerts: {
      list: async (query) => (query.since === undefined ? allAlerts() : alertsSince(query.since)),
      // From the cached list: an alert's body (its whole journey) is parsed once per store version.
      get: async (id) => (await allAlerts()).find((a) => a.id === id) ?? null,
      recordFeedback: async (id, verdict, note, extras = {}) => {
        const suppress =
          extras.suppressUntil === undefined
            ? undefined
            : { owner: extras.analyst ?? 'dashboard', expires: extras.suppressUntil };
        await feedback(store, id, verdict, { note, suppress });
        const alert = await getStoredAlert(store, id);
        await identities.recordVerdict({
          alertId: id,
          actorKey: alert?.actor ?? '',
          verdict,
          note,
          analyst: extras.analyst ?? null,
          suppressedUntil: extras.suppressUntil ?? null,
          at: Date.now(),
        });
      },
      verdicts: async (key) => (await identities.verdicts(key)).map(toVerdict),
    },
    events: {
      search: (q) => events.search(q),
      searchJson: (q) => events.searchJson(q),
      record: (eventId) => events.record(eventId),
    },
    stats: { stats: async () => statsCache.get('stats', await overviews.version(), totals) },
    identities: {
      get: async (key) => identityCache.get(key, await overviews.version(), () => identity(key)),
    },
    overview: {
      overview: async () => overviewCache.get('overview', await overviews.version(), overview),
    },
    refresh: async (signal) => {
      await counters.catchUp(signal);
      // Load a newly saved model now rather than in the first request that needs it.
      if (!signal.aborted) await model.get();
    },
    quarantine: { list: (limit) => overviews.quarantined(limit) },
    close: async () => {
      await readers?.close();
    },
  };
}
