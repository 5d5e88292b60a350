/**
 * Micro-personas: identities clustered by what they do, not by org chart (Bolton & Hand's
 * peer group analysis). Each identity is a TF-IDF vector over its action tokens (log counts,
 * so one chatty API does not dominate), compared by cosine. Deterministic leader clustering
 * in a fixed order (most active first, then key), recomputed periodically and sticky: an
 * identity stays with the group it used to resemble while it still resembles it, so a
 * hijacked account keeps being compared with its former peers.
 */
import { withoutNul } from '../domain/text.ts';
import { stableHash } from '../journeys/builder.ts';

export type SparseVector = Map<number, number>;

export interface PeerInput {
  key: string;
  /** Token -> count. */
  counts: ReadonlyMap<number, number>;
  /** The group it had before this recomputation. */
  previous: string | null;
}

export interface PeerOptions {
  /** Cosine to a group's centroid needed to join it. */
  join?: number;
  /** Cosine to its previous group's centroid needed to stay (lower: membership is sticky). */
  stay?: number;
}

export function tfidfVectors(inputs: readonly PeerInput[]): SparseVector[] {
  const df = new Map<number, number>();
  for (const i of inputs) for (const t of i.counts.keys()) df.set(t, (df.get(t) ?? 0) + 1);
  const n = inputs.length;
  return inputs.map((i) => {
    const v: SparseVector = new Map();
    let norm = 0;
    for (const [t, c] of i.counts) {
      // Smoothed idf: a token everyone uses still counts a little (shared habits matter).
      const w = Math.log1p(c) * (Math.log((1 + n) / (1 + (df.get(t) ?? 0))) + 1);
      v.set(t, w);
      norm += w * w;
    }
    norm = Math.sqrt(norm) || 1;
    for (const [t, w] of v) v.set(t, w / norm);
    return v;
  });
}

export function cosine(a: SparseVector, b: SparseVector): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let dot = 0;
  for (const [t, w] of small) {
    const x = large.get(t);
    if (x !== undefined) dot += w * x;
  }
  return dot;
}

interface Cluster {
  id: string;
  sum: SparseVector;
  norm: number;
  members: string[];
}

function addTo(c: Cluster, v: SparseVector): void {
  for (const [t, w] of v) c.sum.set(t, (c.sum.get(t) ?? 0) + w);
  let n = 0;
  for (const w of c.sum.values()) n += w * w;
  c.norm = Math.sqrt(n) || 1;
}

function similarity(c: Cluster, v: SparseVector): number {
  return cosine(c.sum, v) / c.norm;
}

/** Assigns each identity a group id. Same inputs, same output. */
export function clusterPeers(inputs: readonly PeerInput[], options: PeerOptions = {}): Map<string, string> {
  const join = options.join ?? 0.45;
  const stay = options.stay ?? 0.3;
  const order = inputs
    .map((input, index) => ({ input, index, total: [...input.counts.values()].reduce((a, b) => a + b, 0) }))
    .sort((a, b) => b.total - a.total || (a.input.key < b.input.key ? -1 : 1));
  const vectors = tfidfVectors(inputs);
  const clusters = new Map<string, Cluster>();
  // Seed the previous groups with the members that still resemble them.
  const prevMembers = new Map<string, number[]>();
  for (const { input, index } of order)
    if (input.previous) prevMembers.set(input.previous, [...(prevMembers.get(input.previous) ?? []), index]);
  const result = new Map<string, string>();
  for (const [id, members] of [...prevMembers].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    // A group of one is no peer group: let its member find real peers.
    if (members.length < 2) continue;
    const c: Cluster = { id, sum: new Map(), norm: 1, members: [] };
    for (const i of members) addTo(c, vectors[i] as SparseVector);
    const keep: number[] = [];
    for (const i of members) if (similarity(c, vectors[i] as SparseVector) >= stay) keep.push(i);
    if (keep.length === 0) continue;
    const kept: Cluster = { id, sum: new Map(), norm: 1, members: [] };
    for (const i of keep) {
      addTo(kept, vectors[i] as SparseVector);
      kept.members.push((inputs[i] as PeerInput).key);
      result.set((inputs[i] as PeerInput).key, id);
    }
    clusters.set(id, kept);
  }
  // Leader pass. Only a group sharing a token with the identity can reach `join` (> 0), so
  // an inverted index (token -> groups holding it) picks the candidates: comparing every
  // identity with every group was O(identities x groups) and 17% of detect time with 2,000
  // identities. Candidates are visited in the groups' creation order, as a full scan would.
  const list = [...clusters.values()];
  const ordinals = new Map(list.map((c, o) => [c.id, o]));
  const holders = new Map<number, number[]>();
  const index = (ordinal: number, v: SparseVector) => {
    const c = list[ordinal] as Cluster;
    for (const t of v.keys()) {
      if (c.sum.has(t)) continue;
      const h = holders.get(t);
      if (h) h.push(ordinal);
      else holders.set(t, [ordinal]);
    }
  };
  for (let o = 0; o < list.length; o++) {
    const c = list[o] as Cluster;
    for (const t of c.sum.keys()) {
      const h = holders.get(t);
      if (h) h.push(o);
      else holders.set(t, [o]);
    }
  }
  const stamp: number[] = [];
  let round = 0;
  for (const { input, index: i } of order) {
    if (result.has(input.key)) continue;
    const v = vectors[i] as SparseVector;
    round++;
    const candidates: number[] = [];
    for (const t of v.keys())
      for (const o of holders.get(t) ?? []) {
        if (stamp[o] === round) continue;
        stamp[o] = round;
        candidates.push(o);
      }
    candidates.sort((a, b) => a - b);
    let best: number | null = null;
    let bestSim = join;
    for (const o of candidates) {
      const s = similarity(list[o] as Cluster, v);
      if (s >= bestSim) {
        best = o;
        bestSim = s;
      }
    }
    if (best === null) {
      const fresh: Cluster = {
        id: `g-${stableHash(withoutNul(input.key)).slice(0, 8)}`,
        sum: new Map(),
        norm: 1,
        members: [],
      };
      // An id already taken (a hash prefix collision) replaces that group in its place, as
      // Map.set does: the full scan this replaces saw it there.
      best = ordinals.get(fresh.id) ?? list.length;
      list[best] = fresh;
      ordinals.set(fresh.id, best);
      clusters.set(fresh.id, fresh);
    }
    const c = list[best] as Cluster;
    index(best, v);
    addTo(c, v);
    c.members.push(input.key);
    result.set(input.key, c.id);
  }
  return result;
}
