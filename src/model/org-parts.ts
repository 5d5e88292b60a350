/**
 * The organization-wide parts of a `BehaviourModel` in a form that does not depend on one
 * model's token ids: every part a count keyed by text (a token's name, a target, a network).
 * Partitioned detection (src/workers/) learns each partition's identities in its own model,
 * with its own token ids; what the organization as a whole did is kept here, summed over the
 * partitions once a day, and put back into every partition's model before its next day, so a
 * partition's identities are compared with the organization, not with the partition.
 *
 * Covered: the vocabulary (its size smooths every probability), the organization's n-gram
 * table, how many identities did each token, how many identities there are, the accounts,
 * share destinations, targets and context (networks, clients, regions, hours) the
 * organization knows; and apart (a sequence, not counts) its history of raw scores, the
 * baseline of identities with little history of their own (`installOrgHistory`). Not covered:
 * peer groups and role families (clustered from every identity's own table) and stories.
 *
 * A part's change over a day is a delta (`orgDelta`); the next day's parts are the previous
 * ones plus every partition's delta (`mergeOrgParts`). With one partition that is exactly the
 * model's own parts, so one partition still decides as one process does.
 */
import { ScoreHistory } from './calibration.ts';
import { ContextProfile } from './context.ts';
import { type BehaviourModel, type IdentityModel, ORG_HISTORY_CAPACITY, roleFamily } from './model.ts';
import { NGramCounts } from './ngram.ts';
import { BOS, TOKEN_BITS } from './tokens.ts';

const SECTIONS = [
  'vocab',
  'scalars',
  'tokenIdentities',
  'accounts',
  'shares',
  'targets',
  'nets',
  'wideNets',
  'asns',
  'clients',
  'regions',
  'uni',
  'bi',
  'tri',
  'families',
  'famUni',
  'famBi',
  'famTri',
  'known',
] as const;
type Section = (typeof SECTIONS)[number];
/** Sections that are sets: a member counts 1. */
const PRESENCE: ReadonlySet<Section> = new Set(['vocab', 'accounts', 'shares', 'families', 'known']);

/** Each section: (key, count) in a stable order; a set's members count 1 or more. */
export type OrgParts = Record<Section, Array<[string, number]>>;

/** The start symbol's name here: a token's name always holds a `:` (`service:Action`), this cannot. */
const START = '<start>';

export function emptyOrgParts(): OrgParts {
  return Object.fromEntries(SECTIONS.map((s) => [s, []])) as unknown as OrgParts;
}

/** The organization's count of identities and its context's counters, those not 0. */
function scalarsOf(model: BehaviourModel): Array<[string, number]> {
  const c = model.orgContext;
  const scalars: Array<[string, number]> = [
    ['identities', model.orgIdentityCount],
    ['ctx.journeys', c.journeys],
    ['ctx.mfaJourneys', c.mfaJourneys],
    ['ctx.mfaKnownJourneys', c.mfaKnownJourneys],
    ['ctx.errors', c.errors],
    ['ctx.events', c.events],
    ...c.hours.map((n, h): [string, number] => [`ctx.h${h}`, n]),
    ...c.days.map((n, d): [string, number] => [`ctx.d${d}`, n]),
  ];
  return scalars.filter(([, n]) => n !== 0);
}

/** The model's organization-wide parts, as text. */
export function orgParts(model: BehaviourModel): OrgParts {
  const name = (w: number) => (w === BOS ? START : model.vocab.name(w));
  const out = emptyOrgParts();
  out.vocab = model.vocab.names.slice(1).map((n) => [n, 1]);
  out.scalars = scalarsOf(model);
  const c = model.orgContext;
  out.tokenIdentities = [...model.tokenIdentities].map(([w, n]) => [name(w), n]);
  out.accounts = [...model.orgAccounts].map((a) => [a, 1]);
  out.shares = [...model.shareDestinations.accounts].map((a) => [a, 1]);
  out.targets = [...model.orgTargets.counts];
  out.nets = [...c.nets];
  out.wideNets = [...c.wideNets];
  out.asns = [...c.asns].map(([a, n]) => [String(a), n]);
  out.clients = [...c.clients];
  out.regions = [...c.regions];
  model.org.forEachGram(
    (w, n) => out.uni.push([name(w), n]),
    (h1, w, n) => out.bi.push([JSON.stringify([name(h1), name(w)]), n]),
    (ctx, w, n) => {
      const [a, b] = model.pairs.pair(ctx);
      out.tri.push([JSON.stringify([name(a), name(b), name(w)]), n]);
    },
  );
  for (const [fam, f] of model.families) {
    for (const k of f.members) out.families.push([JSON.stringify([fam, k]), 1]);
    f.ngram.forEachGram(
      (w, n) => out.famUni.push([JSON.stringify([fam, name(w)]), n]),
      (h1, w, n) => out.famBi.push([JSON.stringify([fam, name(h1), name(w)]), n]),
      (ctx, w, n) => {
        const [a, b] = model.pairs.pair(ctx);
        out.famTri.push([JSON.stringify([fam, name(a), name(b), name(w)]), n]);
      },
    );
  }
  for (const m of model.identities.values())
    for (const w of knownTokens(m)) out.known.push([JSON.stringify([m.key, name(w)]), 1]);
  for (const [k, tokens] of model.otherKnown)
    if (!model.identities.has(k)) for (const t of tokens) out.known.push([JSON.stringify([k, t]), 1]);
  return out;
}

/**
 * The tokens an identity did or did in a held-back alert, when it has a role family: what its
 * family's members in other partitions are counted by (`BehaviourModel.otherKnown`).
 */
function knownTokens(m: IdentityModel): Iterable<number> {
  if (roleFamily(m) === null) return [];
  const out = new Set<number>(m.ngram.uni.keys());
  for (const w of m.heldBack) out.add(w);
  return out;
}

/** A snapshot's parts, read once for every job that installs them. */
export class PreparedOrgParts {
  readonly parts: OrgParts;
  /** The n-gram keys split into their tokens' names. */
  readonly bi: ReadonlyArray<readonly [string, string, number]>;
  readonly tri: ReadonlyArray<readonly [string, string, string, number]>;
  /** The family sections' keys split: [family, member] and [family, ...token names]. */
  readonly families: ReadonlyArray<readonly [string[], number]>;
  readonly famUni: ReadonlyArray<readonly [string[], number]>;
  readonly famBi: ReadonlyArray<readonly [string[], number]>;
  readonly famTri: ReadonlyArray<readonly [string[], number]>;
  /** Identity key -> names of the tokens it did: shared, read-only, by every job's model. */
  readonly known: ReadonlyMap<string, ReadonlySet<string>>;
  readonly #maps = new Map<Section, Map<string, number>>();

  constructor(parts: OrgParts) {
    this.parts = parts;
    const split = (entries: Array<[string, number]>) =>
      entries.map(([key, n]) => [JSON.parse(key) as string[], n] as const);
    this.families = split(parts.families);
    this.famUni = split(parts.famUni);
    this.famBi = split(parts.famBi);
    this.famTri = split(parts.famTri);
    const known = new Map<string, Set<string>>();
    for (const [[k, t]] of split(parts.known)) {
      let tokens = known.get(k as string);
      if (!tokens) {
        tokens = new Set();
        known.set(k as string, tokens);
      }
      tokens.add(t as string);
    }
    this.known = known;
    this.bi = parts.bi.map(([key, n]) => {
      const [a, b] = JSON.parse(key) as [string, string];
      return [a, b, n] as const;
    });
    this.tri = parts.tri.map(([key, n]) => {
      const [a, b, w] = JSON.parse(key) as [string, string, string];
      return [a, b, w, n] as const;
    });
  }

  /** Section `s` as a map (built on first use). */
  map(s: Section): ReadonlyMap<string, number> {
    let m = this.#maps.get(s);
    if (!m) {
      m = new Map(this.parts[s]);
      this.#maps.set(s, m);
    }
    return m;
  }
}

/**
 * What a model held once parts were installed, in its own token ids: `orgDeltaSince` compares
 * numbers with it and writes text only for what changed.
 */
export interface OrgBaseline {
  prepared: PreparedOrgParts;
  vocabSize: number;
  tokenIdentities: Map<number, number>;
  org: NGramCounts;
  families: Map<string, NGramCounts>;
}

/** Replaces the model's organization-wide parts with `prepared`'s (in its own token ids). */
export function installOrgParts(model: BehaviourModel, prepared: PreparedOrgParts): OrgBaseline {
  const parts = prepared.parts;
  const id = (n: string) => (n === START ? BOS : model.vocab.id(n));
  for (const [n] of parts.vocab) model.vocab.id(n);
  const scalars = prepared.map('scalars');
  const scalar = (k: string) => scalars.get(k) ?? 0;
  model.otherIdentities = Math.max(0, scalar('identities') - model.identities.size);
  model.tokenIdentities.clear();
  for (const [n, k] of parts.tokenIdentities) model.tokenIdentities.set(id(n), k);
  model.resetOrgAccounts(parts.accounts.map(([a]) => a));
  model.shareDestinations.accounts.clear();
  for (const [a] of parts.shares) model.shareDestinations.accounts.add(a);
  model.orgTargets.counts.clear();
  for (const [t, n] of parts.targets) model.orgTargets.counts.set(t, n);
  const c = model.orgContext;
  const fill = <K>(m: Map<K, number>, entries: Array<[string, number]>, key: (k: string) => K) => {
    m.clear();
    for (const [k, n] of entries) m.set(key(k), n);
  };
  fill(c.nets, parts.nets, String);
  fill(c.wideNets, parts.wideNets, String);
  fill(c.asns, parts.asns, Number);
  fill(c.clients, parts.clients, String);
  fill(c.regions, parts.regions, String);
  c.journeys = scalar('ctx.journeys');
  c.mfaJourneys = scalar('ctx.mfaJourneys');
  c.mfaKnownJourneys = scalar('ctx.mfaKnownJourneys');
  c.errors = scalar('ctx.errors');
  c.events = scalar('ctx.events');
  for (let h = 0; h < c.hours.length; h++) c.hours[h] = scalar(`ctx.h${h}`);
  for (let d = 0; d < c.days.length; d++) c.days[d] = scalar(`ctx.d${d}`);
  const uni = parts.uni.map(([n, k]) => [id(n), k] as const);
  const bi = prepared.bi.map(([a, b, k]) => [id(a), id(b), k] as const);
  const tri = prepared.tri.map(([a, b, w, k]) => [model.pairs.id(id(a), id(b)), id(w), k] as const);
  const org = new NGramCounts(model.org.maxNgrams);
  org.addGrams(uni, bi, tri);
  (model as { org: NGramCounts }).org = org;
  model.families.clear();
  model.forgetPeerCounts();
  const family = (fam: string) => {
    let f = model.families.get(fam);
    if (!f) {
      f = { members: [], ngram: new NGramCounts() };
      model.families.set(fam, f);
    }
    return f;
  };
  for (const [[fam, k]] of prepared.families) family(fam as string).members.push(k as string);
  const grams = new Map<
    string,
    { uni: Array<[number, number]>; bi: Array<[number, number, number]>; tri: Array<[number, number, number]> }
  >();
  const gramsOf = (fam: string) => {
    let g = grams.get(fam);
    if (!g) {
      g = { uni: [], bi: [], tri: [] };
      grams.set(fam, g);
    }
    return g;
  };
  for (const [[fam, a], n] of prepared.famUni) gramsOf(fam as string).uni.push([id(a as string), n]);
  for (const [[fam, a, b], n] of prepared.famBi) gramsOf(fam as string).bi.push([id(a as string), id(b as string), n]);
  for (const [[fam, a, b, w], n] of prepared.famTri)
    gramsOf(fam as string).tri.push([model.pairs.id(id(a as string), id(b as string)), id(w as string), n]);
  const families = new Map<string, NGramCounts>();
  for (const [fam, g] of grams) {
    const f = family(fam);
    f.ngram.addGrams(g.uni, g.bi, g.tri);
    families.set(fam, f.ngram.clone());
  }
  // The partition's own identities in it are read from their models (`#did`).
  model.otherKnown = prepared.known;
  return {
    prepared,
    vocabSize: model.vocab.size,
    tokenIdentities: new Map(model.tokenIdentities),
    org: org.clone(),
    families,
  };
}

/**
 * Drops the organization-wide parts a partition's saved state need not carry: its next job
 * installs them from the snapshot. The history of raw scores too when `history`.
 */
export function clearOrgParts(model: BehaviourModel, history: boolean): void {
  (model as { org: NGramCounts }).org = new NGramCounts(model.org.maxNgrams);
  (model as { orgContext: ContextProfile }).orgContext = new ContextProfile(model.orgContext.maxValues);
  model.tokenIdentities.clear();
  model.resetOrgAccounts();
  model.shareDestinations.accounts.clear();
  model.orgTargets.counts.clear();
  model.families.clear();
  model.forgetPeerCounts();
  model.otherKnown = new Map();
  if (history) (model as { orgHistory: ScoreHistory }).orgHistory = new ScoreHistory(ORG_HISTORY_CAPACITY);
}

/** Adds to `out` what moved from `base` to `after` (keys as text by `key`, back by `unkey`). */
function diffInto<K>(
  out: Array<[string, number]>,
  after: ReadonlyMap<K, number>,
  base: ReadonlyMap<string, number>,
  key: (k: K) => string,
  unkey: (k: string) => K,
): void {
  for (const [k, n] of after) {
    const text = key(k);
    const d = n - (base.get(text) ?? 0);
    if (d !== 0) out.push([text, d]);
  }
  for (const [text, n] of base) if (!after.has(unkey(text))) out.push([text, -n]);
}

/**
 * Pushes what changed from `was` to `now` (an n-gram table) into `uni`, `bi` and `tri`, as signed
 * counts keyed by `key` of the gram's tokens; a gram pruned past the cap counts as gone.
 */
function diffGrams(
  now: NGramCounts,
  was: NGramCounts,
  pair: (ctx: number) => readonly [number, number],
  key: (...tokens: number[]) => string,
  uni: Array<[string, number]>,
  bi: Array<[string, number]>,
  tri: Array<[string, number]>,
): void {
  const triKey = (ctx: number, w: number) => key(...pair(ctx), w);
  now.forEachGram(
    (w, n) => {
      const d = n - was.count(w);
      if (d !== 0) uni.push([key(w), d]);
    },
    (h1, w, n) => {
      const d = n - was.bi.get(h1 * TOKEN_BITS + w);
      if (d !== 0) bi.push([key(h1, w), d]);
    },
    (ctx, w, n) => {
      const d = n - was.tri.get(ctx * TOKEN_BITS + w);
      if (d !== 0) tri.push([triKey(ctx, w), d]);
    },
  );
  was.forEachGram(
    (w, n) => {
      if (!now.uni.has(w)) uni.push([key(w), -n]);
    },
    (h1, w, n) => {
      if (!now.bi.has(h1 * TOKEN_BITS + w)) bi.push([key(h1, w), -n]);
    },
    (ctx, w, n) => {
      if (!now.tri.has(ctx * TOKEN_BITS + w)) tri.push([triKey(ctx, w), -n]);
    },
  );
}

/** `orgDelta(orgParts(model), installed parts)`, computed by numbers where they are: a partition's day in its parts. */
export function orgDeltaSince(model: BehaviourModel, baseline: OrgBaseline): OrgParts {
  const name = (w: number) => (w === BOS ? START : model.vocab.name(w));
  const prep = baseline.prepared;
  const out = emptyOrgParts();
  out.vocab = model.vocab.names.slice(baseline.vocabSize).map((n) => [n, 1]);
  diffInto(out.scalars, new Map(scalarsOf(model)), prep.map('scalars'), String, String);
  for (const [w, n] of model.tokenIdentities) {
    const d = n - (baseline.tokenIdentities.get(w) ?? 0);
    if (d !== 0) out.tokenIdentities.push([name(w), d]);
  }
  for (const [w, n] of baseline.tokenIdentities)
    if (!model.tokenIdentities.has(w)) out.tokenIdentities.push([name(w), -n]);
  const accounts = prep.map('accounts');
  for (const a of model.orgAccounts) if (!accounts.has(a)) out.accounts.push([a, 1]);
  const shares = prep.map('shares');
  for (const a of model.shareDestinations.accounts) if (!shares.has(a)) out.shares.push([a, 1]);
  diffInto(out.targets, model.orgTargets.counts, prep.map('targets'), String, String);
  const c = model.orgContext;
  diffInto(out.nets, c.nets, prep.map('nets'), String, String);
  diffInto(out.wideNets, c.wideNets, prep.map('wideNets'), String, String);
  diffInto(out.asns, c.asns, prep.map('asns'), String, Number);
  diffInto(out.clients, c.clients, prep.map('clients'), String, String);
  diffInto(out.regions, c.regions, prep.map('regions'), String, String);
  const pairKey = (ctx: number) => model.pairs.pair(ctx);
  // The organization's unigrams are keyed by the bare token name, its longer grams by a JSON list.
  const orgKey = (...t: number[]) => (t.length === 1 ? name(t[0] as number) : JSON.stringify(t.map(name)));
  diffGrams(model.org, baseline.org, pairKey, orgKey, out.uni, out.bi, out.tri);
  const members = prep.map('families');
  const knownBefore = prep.map('known');
  for (const [fam, f] of model.families) {
    for (const k of f.members) {
      const key = JSON.stringify([fam, k]);
      if (!members.has(key)) out.families.push([key, 1]);
    }
    const key = (...tokens: number[]) => JSON.stringify([fam, ...tokens.map(name)]);
    diffGrams(
      f.ngram,
      baseline.families.get(fam) ?? new NGramCounts(),
      pairKey,
      key,
      out.famUni,
      out.famBi,
      out.famTri,
    );
  }
  for (const m of model.identities.values())
    for (const w of knownTokens(m)) {
      const key = JSON.stringify([m.key, name(w)]);
      if (!knownBefore.has(key)) out.known.push([key, 1]);
    }
  return out;
}

/** What changed from `before` to `after`, section by section: counts that moved, by how much. */
export function orgDelta(after: OrgParts, before: OrgParts): OrgParts {
  const out = emptyOrgParts();
  for (const s of SECTIONS) {
    const was = new Map(before[s]);
    const delta: Array<[string, number]> = [];
    for (const [k, n] of after[s]) {
      const d = n - (was.get(k) ?? 0);
      was.delete(k);
      if (d !== 0) delta.push([k, d]);
    }
    // Gone (pruned, evicted): a negative count that takes it away again.
    for (const [k, n] of was) delta.push([k, -n]);
    out[s] = delta;
  }
  return out;
}

/**
 * `base` plus every delta, in order: a key keeps its place, new keys follow in the order the
 * deltas bring them, and a count that falls to 0 or below is gone.
 */
export function mergeOrgParts(base: OrgParts, deltas: readonly OrgParts[]): OrgParts {
  const out = emptyOrgParts();
  for (const s of SECTIONS) {
    const m = new Map(base[s]);
    for (const d of deltas) for (const [k, n] of d[s]) m.set(k, (m.get(k) ?? 0) + n);
    // A member two partitions brought the same day is one member.
    out[s] = [...m].filter(([, n]) => n > 0).map(([k, n]) => [k, PRESENCE.has(s) ? 1 : n]);
  }
  return out;
}

/** Replaces the model's history of raw scores with a saved one (`ScoreHistory.toJSON`). */
export function installOrgHistory(model: BehaviourModel, saved: unknown): void {
  (model as { orgHistory: ScoreHistory }).orgHistory = ScoreHistory.fromJSON(saved, ORG_HISTORY_CAPACITY);
}

/** The history of raw scores after `saved` (or none) took `added`, in order. */
export function extendOrgHistory(saved: unknown, added: Iterable<readonly [number, number]>): unknown {
  const h =
    saved === undefined ? new ScoreHistory(ORG_HISTORY_CAPACITY) : ScoreHistory.fromJSON(saved, ORG_HISTORY_CAPACITY);
  for (const [, raw] of added) h.add(raw);
  return h.toJSON();
}
