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
import { type BehaviourModel, ORG_HISTORY_CAPACITY } from './model.ts';
import { NGramCounts } from './ngram.ts';
import { BOS } from './tokens.ts';

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
] as const;
type Section = (typeof SECTIONS)[number];

/** Each section: (key, count) in a stable order; a set's members count 1 or more. */
export type OrgParts = Record<Section, Array<[string, number]>>;

/** The start symbol's name here: a token's name always holds a `:` (`service:Action`), this cannot. */
const START = '<start>';

export function emptyOrgParts(): OrgParts {
  return Object.fromEntries(SECTIONS.map((s) => [s, []])) as unknown as OrgParts;
}

/** The model's organization-wide parts, as text. */
export function orgParts(model: BehaviourModel): OrgParts {
  const name = (w: number) => (w === BOS ? START : model.vocab.name(w));
  const out = emptyOrgParts();
  out.vocab = model.vocab.names.slice(1).map((n) => [n, 1]);
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
  out.scalars = scalars.filter(([, n]) => n !== 0);
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
  return out;
}

/** Replaces the model's organization-wide parts with `parts` (in its own token ids). */
export function installOrgParts(model: BehaviourModel, parts: OrgParts): void {
  const id = (n: string) => (n === START ? BOS : model.vocab.id(n));
  for (const [n] of parts.vocab) model.vocab.id(n);
  const scalars = new Map(parts.scalars);
  const scalar = (k: string) => scalars.get(k) ?? 0;
  model.otherIdentities = Math.max(0, scalar('identities') - model.identities.size);
  model.tokenIdentities.clear();
  for (const [n, k] of parts.tokenIdentities) model.tokenIdentities.set(id(n), k);
  model.orgAccounts.clear();
  for (const [a] of parts.accounts) model.orgAccounts.add(a);
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
  const org = new NGramCounts(model.org.maxNgrams);
  org.addGrams(
    parts.uni.map(([n, k]) => [id(n), k] as const),
    parts.bi.map(([key, k]) => {
      const [a, b] = JSON.parse(key) as [string, string];
      return [id(a), id(b), k] as const;
    }),
    parts.tri.map(([key, k]) => {
      const [a, b, w] = JSON.parse(key) as [string, string, string];
      return [model.pairs.id(id(a), id(b)), id(w), k] as const;
    }),
  );
  (model as { org: NGramCounts }).org = org;
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
    out[s] = [...m].filter(([, n]) => n > 0);
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
