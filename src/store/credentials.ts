/**
 * The credentials repository: the only code that reads or writes the `credentials` table.
 *
 * Every temporary credential an STS call handed out is kept by its access key with the call
 * that issued it. Tracing a session walks up from its access key: the issuing call's own access
 * key is the next hop up when that is a traced credential too (role chaining), else the issuing
 * call's caller is the origin (an IAM user, a federated subject, an external account, a compute).
 * Nothing is resolved at write time, so an issuing call stored after the calls it enabled, or
 * after a credential it issued, changes every trace below it at once.
 */
import { sql } from 'kysely';
import type { CredentialIssuer } from '../domain/credential.ts';
import type { ComputeKind, CredentialIssuance, CredentialTrace } from '../normalize/identity.ts';
import type { Store } from './index.ts';
import { pgText } from './pg-text.ts';
import type { CredentialsTable } from './schema.ts';

/** Longer chains than this are cut (AWS caps role chaining sessions at one hour; real chains are short). */
const MAX_HOPS = 16;

export type { CredentialIssuer };

function toRow(c: CredentialIssuance): CredentialsTable {
  return {
    access_key: c.accessKey,
    event_id: c.eventId,
    time: c.time,
    expiration: c.expiration,
    account_id: c.accountId,
    issuer_key: c.issuerKey,
    issuer_session: c.issuerSession,
    identity: c.identity,
    session_name: c.sessionName,
    source_identity: c.sourceIdentity,
    origin_hops: JSON.stringify(c.originHops),
    origin_person: c.originPerson,
    compute: c.compute,
  };
}

/** An issuance as PostgreSQL stores it (see `pgText`): what it returns as new then names stored keys. */
function pgIssuance(c: CredentialIssuance): CredentialIssuance {
  const text = <T extends string | null>(v: T): T => (v === null ? v : (pgText(v) as T));
  return {
    ...c,
    accessKey: pgText(c.accessKey),
    eventId: pgText(c.eventId),
    accountId: pgText(c.accountId),
    issuerKey: pgText(c.issuerKey),
    issuerSession: text(c.issuerSession),
    identity: pgText(c.identity),
    sessionName: text(c.sessionName),
    sourceIdentity: text(c.sourceIdentity),
    originHops: c.originHops.map(pgText),
    originPerson: text(c.originPerson),
  };
}

/** The issuing call names its caller only by account (the role account's copy of a cross-account AssumeRole). */
function isAccountOnly(c: CredentialIssuance): boolean {
  return c.issuerKey.startsWith('account:');
}

function lastPart(key: string): string {
  return key.slice(key.lastIndexOf('/') + 1);
}

const selects = new WeakMap<object, import('better-sqlite3').Statement>();

export class CredentialsRepository {
  readonly #store: Store;
  /** Rows and traces looked up through this instance (one ingest batch, one alert build). */
  readonly #rows = new Map<string, CredentialsTable | null>();
  readonly #traces = new Map<string, CredentialTrace | null>();

  constructor(store: Store) {
    this.#store = store;
  }

  /**
   * Stores the issued credentials not yet known (by access key); returns the new or improved ones.
   * A cross-account AssumeRole is logged in both accounts: the role's account sees the caller
   * only as `account:<id>`, the caller's account sees who it was. Whichever arrives first, the
   * caller's copy replaces the other, so attribution does not depend on the order.
   */
  async insert(issued: readonly CredentialIssuance[]): Promise<CredentialIssuance[]> {
    const unique = new Map<string, CredentialIssuance>();
    for (const c of this.#store.dialect === 'postgres' ? issued.map(pgIssuance) : issued) {
      const known = unique.get(c.accessKey);
      if (known === undefined || (isAccountOnly(known) && !isAccountOnly(c))) unique.set(c.accessKey, c);
    }
    if (unique.size === 0) return [];
    const fresh = new Set<string>();
    const all = [...unique.values()];
    for (let i = 0; i < all.length; i += 500) {
      const chunk = all.slice(i, i + 500);
      const rows = await this.#store.db
        .insertInto('credentials')
        .values(chunk.map(toRow))
        .onConflict((oc) => oc.column('access_key').doNothing())
        .returning('access_key')
        .execute();
      for (const r of rows) fresh.add(r.access_key);
      const better = chunk.filter((c) => !fresh.has(c.accessKey) && !isAccountOnly(c)).map((c) => c.accessKey);
      if (better.length === 0) continue;
      const accountOnly = await this.#store.db
        .selectFrom('credentials')
        .select('access_key')
        .where('access_key', 'in', better)
        .where('issuer_key', 'like', 'account:%')
        .execute();
      for (const { access_key } of accountOnly) {
        const { access_key: _, ...columns } = toRow(unique.get(access_key) as CredentialIssuance);
        await this.#store.db.updateTable('credentials').set(columns).where('access_key', '=', access_key).execute();
        fresh.add(access_key);
      }
    }
    // New rows change traces cached before them.
    this.#traces.clear();
    for (const key of fresh) this.#rows.delete(key);
    return all.filter((c) => fresh.has(c.accessKey));
  }

  /** Loads the rows of these access keys into the cache (one query per 500). */
  async #load(keys: Iterable<string>): Promise<void> {
    const missing = [...new Set(keys)].filter((k) => !this.#rows.has(k));
    const handle = this.#store.sqlite;
    if (handle) {
      // One prepared lookup per key: an IN list of 500 compiled through kysely and prepared anew
      // for every chunk was ~15% of an ingest of 100,000 events with a session each.
      let select = selects.get(handle);
      if (!select) {
        select = handle.prepare('SELECT * FROM credentials WHERE access_key = ?');
        selects.set(handle, select);
      }
      for (const k of missing) {
        const r = select.get(k) as CredentialsTable | undefined;
        this.#rows.set(k, r === undefined ? null : { ...r, time: Number(r.time) });
      }
      return;
    }
    // PostgreSQL: one query with the keys as one array parameter (an IN list of 500 per query
    // was 20 round trips for a batch of 10,000 sessions).
    if (missing.length === 0) return;
    const rows = await this.#store.db
      .selectFrom('credentials')
      .selectAll()
      .where(sql<boolean>`access_key = ANY(${missing.map(pgText)})`)
      .execute();
    const stored = new Map(rows.map((r) => [r.access_key, r]));
    for (const k of missing) {
      const r = stored.get(pgText(k));
      this.#rows.set(k, r === undefined ? null : { ...r, time: Number(r.time) });
    }
  }

  /**
   * Traces of these sessions, walking up each chain; a session whose credential was not issued
   * in a stored call is absent. Loads one level of every chain per query.
   */
  async traceAll(sessions: Iterable<string>): Promise<Map<string, CredentialTrace>> {
    const wanted = [...new Set(sessions)];
    let level = wanted;
    for (let hop = 0; hop < MAX_HOPS && level.length > 0; hop++) {
      await this.#load(level);
      level = level
        .map((k) => this.#rows.get(k)?.issuer_session ?? null)
        .filter((k): k is string => k !== null && !this.#rows.has(k));
    }
    const out = new Map<string, CredentialTrace>();
    for (const s of wanted) {
      const t = this.#trace(s, 0);
      if (t !== null) out.set(s, t);
    }
    return out;
  }

  #trace(key: string, depth: number): CredentialTrace | null {
    const cached = this.#traces.get(key);
    if (cached !== undefined) return cached;
    const row = this.#rows.get(key) ?? null;
    if (row === null) return null;
    // Loops cannot happen in AWS (a credential exists before what it issues); a forged trail may still hold one.
    this.#traces.set(key, null);
    const parent =
      row.issuer_session !== null && row.issuer_session !== key && depth < MAX_HOPS
        ? this.#trace(row.issuer_session, depth + 1)
        : null;
    let trace: CredentialTrace;
    if (parent !== null) {
      const chain = parent.chain.at(-1) === row.identity ? parent.chain : [...parent.chain, row.identity];
      trace = { chain, person: parent.person, compute: parent.compute };
    } else {
      const hops = JSON.parse(row.origin_hops) as string[];
      const chain = hops.at(-1) === row.identity ? hops : [...hops, row.identity];
      trace = { chain, person: row.origin_person, compute: row.compute as ComputeKind | null };
    }
    this.#traces.set(key, trace);
    return trace;
  }

  /** These credentials and every credential issued with them, recursively. */
  async withDescendants(keys: readonly string[]): Promise<string[]> {
    const all = new Set(keys);
    let level = [...keys];
    for (let hop = 0; hop < MAX_HOPS && level.length > 0; hop++) {
      const next: string[] = [];
      for (let i = 0; i < level.length; i += 500) {
        const rows = await this.#store.db
          .selectFrom('credentials')
          .select('access_key')
          .where('issuer_session', 'in', level.slice(i, i + 500))
          .execute();
        for (const r of rows)
          if (!all.has(r.access_key)) {
            all.add(r.access_key);
            next.push(r.access_key);
          }
      }
      level = next;
    }
    return [...all];
  }

  /** The call that issued a session's credential and the chain behind it, or null when not stored. */
  async issuerOf(session: string | null): Promise<CredentialIssuer | null> {
    if (session === null) return null;
    const trace = (await this.traceAll([session])).get(session);
    const row = this.#rows.get(session);
    if (!trace || !row) return null;
    return { actor: row.issuer_key, name: lastPart(row.issuer_key), eventId: row.event_id, chain: trace.chain };
  }
}
