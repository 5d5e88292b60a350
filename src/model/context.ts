/**
 * Context profiles: where, with what and when an identity works, and the organization-wide
 * view of the same. A journey's context is compared with its identity's profile (new network,
 * new client, new region, unusual hour, no MFA when it always has MFA, error storm) and with
 * the organization (a network or client no identity here ever used). Networks are IP prefixes
 * and the autonomous systems (AS) they belong to (bundled offline data, src/normalize/asn.ts).
 */

import type { EventRow } from '../domain/event.ts';
import { type AsnInfo, asnOf } from '../normalize/asn.ts';

/** IPv4 /24 and /16, IPv6 /48 and /32; AWS service hostnames stay as they are. */
export function networkKeys(ip: string | null): [string, string] | null {
  if (!ip) return null;
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.\d{1,3}$/.exec(ip);
  if (v4) return [`${v4[1]}.${v4[2]}.${v4[3]}.0/24`, `${v4[1]}.${v4[2]}.0.0/16`];
  if (ip.includes(':')) {
    const groups = ip.toLowerCase().split(':');
    const g = (i: number) => groups[i] || '0';
    return [`${g(0)}:${g(1)}:${g(2)}::/48`, `${g(0)}:${g(1)}::/32`];
  }
  return [ip, ip];
}

export function clientKey(row: Pick<EventRow, 'clientClass' | 'clientName'>): string {
  return row.clientName ? `${row.clientClass}/${row.clientName}` : row.clientClass;
}

/** What one journey's context is, collected once. */
export interface JourneyContext {
  nets: Map<string, number>;
  /** The autonomous system of each of `nets` that has one (from the first address seen in it). */
  netAsns: Map<string, AsnInfo>;
  wideNets: Set<string>;
  /** The wider prefix (/16, IPv6 /32) of each of `nets`. */
  netWide: Map<string, string>;
  clients: Map<string, number>;
  regions: Set<string>;
  hour: number;
  /** UTC day of the week the journey started, 0 = Sunday. */
  day: number;
  mfaKnown: number;
  mfaYes: number;
  errors: number;
  events: number;
}

// Per-event regex and string building was 10% of detect time; a few thousand distinct
// addresses and clients cover an organization, so remember them (cleared when large). The AS
// lookup rides on the same per-address entry: it costs nothing per event.
const netCache = new Map<string, [string, string, AsnInfo | null] | null>();
const clientCache = new Map<string, Map<string | null, string>>();

function cachedNetworkKeys(ip: string | null): [string, string, AsnInfo | null] | null {
  if (ip === null) return null;
  let k = netCache.get(ip);
  if (k === undefined) {
    if (netCache.size > 100_000) netCache.clear();
    const keys = networkKeys(ip);
    k = keys ? [keys[0], keys[1], asnOf(ip)] : null;
    netCache.set(ip, k);
  }
  return k;
}

function cachedClientKey(r: Pick<EventRow, 'clientClass' | 'clientName'>): string {
  let byName = clientCache.get(r.clientClass);
  if (!byName) {
    byName = new Map();
    clientCache.set(r.clientClass, byName);
  }
  let k = byName.get(r.clientName);
  if (k === undefined) {
    if (byName.size > 10_000) byName.clear();
    k = clientKey(r);
    byName.set(r.clientName, k);
  }
  return k;
}

export function journeyContext(rows: readonly EventRow[]): JourneyContext {
  const c: JourneyContext = {
    nets: new Map(),
    netAsns: new Map(),
    wideNets: new Set(),
    netWide: new Map(),
    clients: new Map(),
    regions: new Set(),
    hour: 0,
    day: 0,
    mfaKnown: 0,
    mfaYes: 0,
    errors: 0,
    events: rows.length,
  };
  for (const r of rows) {
    const nk = cachedNetworkKeys(r.sourceIp);
    if (nk) {
      const seen = c.nets.get(nk[0]);
      c.nets.set(nk[0], (seen ?? 0) + 1);
      if (seen === undefined) {
        c.netWide.set(nk[0], nk[1]);
        if (nk[2] !== null) c.netAsns.set(nk[0], nk[2]);
      }
      c.wideNets.add(nk[1]);
    }
    const ck = cachedClientKey(r);
    c.clients.set(ck, (c.clients.get(ck) ?? 0) + 1);
    c.regions.add(r.region);
    if (r.mfa !== null) {
      c.mfaKnown++;
      if (r.mfa) c.mfaYes++;
    }
    if (!r.success) c.errors++;
  }
  const first = rows[0];
  c.hour = first ? new Date(first.time).getUTCHours() : 0;
  c.day = first ? new Date(first.time).getUTCDay() : 0;
  return c;
}

/**
 * Most distinct values one profile map keeps (networks, /16s, ASes, clients, regions), unless
 * its owner asks for fewer. A CI runner on fresh cloud addresses adds a network most runs (the
 * seed-1 simulated org: 257 for one identity, 1,029 for the organization in 6 weeks).
 */
export const MAX_CONTEXT_VALUES = 8192;

function inc<K>(m: Map<K, number>, k: K, cap: number): void {
  const v = m.get(k);
  if (v !== undefined) {
    m.set(k, v + 1);
    return;
  }
  if (m.size >= cap) evictOne(m);
  m.set(k, 1);
}

/**
 * Makes room for a new value: the value seen once longest ago (a Map iterates in first-seen
 * order). Trading one value seen once for another keeps the count of values seen once, which
 * is what the surprise of a new value is estimated from (Good-Turing, `surpriseOfNew`). With
 * none seen once, the least used, oldest first.
 */
function evictOne<K>(m: Map<K, number>): void {
  let victim: K | undefined;
  let least = Number.POSITIVE_INFINITY;
  for (const [k, c] of m) {
    if (c === 1) {
      m.delete(k);
      return;
    }
    if (c < least) {
      least = c;
      victim = k;
    }
  }
  if (victim !== undefined) m.delete(victim);
}

/** Counts in journeys (not events), so a burst does not outweigh habit. */
export class ContextProfile {
  /** Most distinct values each map keeps. */
  readonly maxValues: number;
  readonly nets = new Map<string, number>();
  readonly wideNets = new Map<string, number>();
  /** AS number -> journeys that used it. */
  readonly asns = new Map<number, number>();
  readonly clients = new Map<string, number>();
  readonly regions = new Map<string, number>();
  readonly hours = new Array<number>(24).fill(0);
  /** Journeys started on each UTC day of the week, 0 = Sunday. */
  readonly days = new Array<number>(7).fill(0);
  journeys = 0;
  mfaJourneys = 0;
  mfaKnownJourneys = 0;
  errors = 0;
  events = 0;

  constructor(maxValues = MAX_CONTEXT_VALUES) {
    this.maxValues = maxValues;
  }

  learn(c: JourneyContext): void {
    const cap = this.maxValues;
    this.journeys++;
    for (const k of c.nets.keys()) inc(this.nets, k, cap);
    for (const k of c.wideNets) inc(this.wideNets, k, cap);
    const asns = new Set<number>();
    for (const a of c.netAsns.values()) asns.add(a.asn);
    for (const a of asns) inc(this.asns, a, cap);
    for (const k of c.clients.keys()) inc(this.clients, k, cap);
    for (const k of c.regions) inc(this.regions, k, cap);
    this.hours[c.hour] = (this.hours[c.hour] ?? 0) + 1;
    this.days[c.day] = (this.days[c.day] ?? 0) + 1;
    if (c.mfaKnown > 0) {
      this.mfaKnownJourneys++;
      if (c.mfaYes === c.mfaKnown) this.mfaJourneys++;
    }
    this.errors += c.errors;
    this.events += c.events;
  }

  /** Share of journeys that started within an hour of `hour` (circular), add-one smoothed. */
  hourShare(hour: number): number {
    const near = (this.hours[hour] ?? 0) + (this.hours[(hour + 1) % 24] ?? 0) + (this.hours[(hour + 23) % 24] ?? 0);
    return (near + 0.5) / (this.journeys + 1);
  }

  /** Journeys counted by day of the week (fewer than `journeys` for a state saved before days were kept). */
  get dayJourneys(): number {
    return this.days.reduce((a, b) => a + b, 0);
  }

  /** Share of journeys that started on UTC day `day`, add-one smoothed. */
  dayShare(day: number): number {
    return ((this.days[day] ?? 0) + 0.5) / (this.dayJourneys + 1);
  }

  toJSON(): unknown {
    return [
      [...this.nets],
      [...this.wideNets],
      [...this.clients],
      [...this.regions],
      this.hours,
      this.journeys,
      this.mfaJourneys,
      this.mfaKnownJourneys,
      this.errors,
      this.events,
      [...this.asns],
      this.days,
    ];
  }

  static fromJSON(j: unknown, maxValues?: number): ContextProfile {
    const [nets, wide, clients, regions, hours, journeys, mfa, mfaKnown, errors, events, asns, days] = j as [
      Array<[string, number]>,
      Array<[string, number]>,
      Array<[string, number]>,
      Array<[string, number]>,
      number[],
      number,
      number,
      number,
      number,
      number,
      Array<[number, number]> | undefined,
      number[] | undefined,
    ];
    const p = new ContextProfile(maxValues);
    for (const [k, v] of nets) p.nets.set(k, v);
    for (const [k, v] of wide) p.wideNets.set(k, v);
    for (const [k, v] of clients) p.clients.set(k, v);
    for (const [k, v] of regions) p.regions.set(k, v);
    hours.forEach((h, i) => {
      p.hours[i] = h;
    });
    // A state saved before days were kept starts them at 0: the day reason waits for enough of them.
    days?.forEach((d, i) => {
      p.days[i] = d;
    });
    p.journeys = journeys;
    p.mfaJourneys = mfa;
    p.mfaKnownJourneys = mfaKnown;
    p.errors = errors;
    p.events = events;
    if (asns) for (const [k, v] of asns) p.asns.set(k, v);
    else p.#asnsFromNets();
    return p;
  }

  /**
   * A profile saved before ASNs were kept: rebuilt from its networks (the AS of each prefix's
   * first address; a journey count is at least the largest of its prefixes' counts), so an
   * upgrade does not make every network's AS look new to every identity and the organization.
   */
  #asnsFromNets(): void {
    for (const [net, count] of this.nets) {
      const slash = net.lastIndexOf('/');
      const a = slash > 0 ? asnOf(net.slice(0, slash)) : null;
      if (a !== null && count > (this.asns.get(a.asn) ?? 0)) this.asns.set(a.asn, count);
    }
  }
}
