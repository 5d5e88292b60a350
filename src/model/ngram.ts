/**
 * Smoothed n-gram counts (uni/bi/trigram over action tokens) and Witten-Bell interpolation
 * across levels: identity -> peer group -> organization -> uniform. Witten-Bell needs no
 * tuning (it trusts a context in proportion to how many distinct tokens followed it), and
 * its probability table is its own explanation ("alice: 0 of 212 journeys; peers: 1 of 340").
 *
 * Trigram contexts (a pair of tokens) are interned to ints by a shared `PairIndex` so every
 * key is a plain number: measured ~3x faster than string keys in the research bench.
 */
import { BOS, TOKEN_BITS } from './tokens.ts';

const EMPTY = -1;

/** murmur3's 32-bit finalizer: every input bit moves every output bit. */
function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * A hash map from non-negative integer keys (below 2^53: packed token pairs and triples) to
 * `width` numeric columns, open addressing with linear probing in one Float64Array laid out
 * [key, column 0, column 1, ...]. Against a Map<number, number>: ~3x less memory per entry
 * (no entry objects, no boxed keys above 2^31) and no allocation per lookup, which the n-gram
 * tables do for every event at three levels.
 */
export class CountMap {
  readonly width: number;
  #slots: Float64Array;
  #mask: number;
  #size = 0;

  constructor(width = 1, capacity = 8) {
    this.width = width;
    let n = 8;
    while (n < capacity) n *= 2;
    this.#mask = n - 1;
    this.#slots = new Float64Array(n * (width + 1)).fill(EMPTY);
  }

  get size(): number {
    return this.#size;
  }

  /** The slot where `key` is or would go. */
  #probe(key: number): number {
    const slots = this.#slots;
    const stride = this.width + 1;
    let i = mix32((key >>> 0) ^ mix32((key / 4294967296) >>> 0)) & this.#mask;
    for (;;) {
      const k = slots[i * stride] as number;
      if (k === key || k === EMPTY) return i;
      i = (i + 1) & this.#mask;
    }
  }

  /** Column `col` of `key`, 0 when absent. */
  get(key: number, col = 0): number {
    const stride = this.width + 1;
    const at = this.#probe(key) * stride;
    return this.#slots[at] === key ? (this.#slots[at + 1 + col] as number) : 0;
  }

  has(key: number): boolean {
    return this.#slots[this.#probe(key) * (this.width + 1)] === key;
  }

  /** Adds `by` to column `col` of `key` (inserting it with zeros); returns the new value. */
  add(key: number, by: number, col = 0): number {
    const stride = this.width + 1;
    let at = this.#probe(key) * stride;
    if (this.#slots[at] !== key) {
      // Grow at 3/4 full: linear probing stays short.
      if ((this.#size + 1) * 4 > (this.#mask + 1) * 3) {
        this.#grow();
        at = this.#probe(key) * stride;
      }
      this.#slots[at] = key;
      for (let c = 1; c < stride; c++) this.#slots[at + c] = 0;
      this.#size++;
    }
    const v = (this.#slots[at + 1 + col] as number) + by;
    this.#slots[at + 1 + col] = v;
    return v;
  }

  /** Sets column `col` of `key`. */
  set(key: number, value: number, col = 0): void {
    this.add(key, value - this.get(key, col), col);
  }

  #grow(): void {
    this.#rehash((this.#mask + 1) * 2, () => true);
  }

  /** Moves the entries `keep` accepts into a table of `capacity` slots. */
  #rehash(capacity: number, keep: (key: number, v0: number, v1: number) => boolean): void {
    const old = this.#slots;
    const stride = this.width + 1;
    this.#slots = new Float64Array(capacity * stride).fill(EMPTY);
    this.#mask = capacity - 1;
    this.#size = 0;
    for (let at = 0; at < old.length; at += stride) {
      const k = old[at] as number;
      if (k === EMPTY || !keep(k, old[at + 1] as number, stride > 2 ? (old[at + 2] as number) : 0)) continue;
      const to = this.#probe(k) * stride;
      for (let c = 0; c < stride; c++) this.#slots[to + c] = old[at + c] as number;
      this.#size++;
    }
  }

  /** An independent copy. */
  clone(): CountMap {
    const c = new CountMap(this.width);
    c.#slots = this.#slots.slice();
    c.#mask = this.#mask;
    c.#size = this.#size;
    return c;
  }

  /** Makes room for `entries` without growing step by step (a copy into an empty table). */
  reserve(entries: number): void {
    let n = this.#mask + 1;
    while (entries * 4 > n * 3) n *= 2;
    if (n > this.#mask + 1) this.#rehash(n, () => true);
  }

  /** Keeps only the entries `keep` accepts (and shrinks the table to fit them); `keep` runs twice per entry. */
  retain(keep: (key: number, v0: number, v1: number) => boolean): void {
    let kept = 0;
    this.forEach((k, v0, v1) => {
      if (keep(k, v0, v1)) kept++;
    });
    let n = 8;
    while (kept * 4 > n * 3) n *= 2;
    this.#rehash(n, keep);
  }

  /** Calls `fn(key, column0, column1)` for every entry, in slot order. */
  forEach(fn: (key: number, v0: number, v1: number) => void): void {
    const slots = this.#slots;
    const stride = this.width + 1;
    for (let at = 0; at < slots.length; at += stride) {
      const k = slots[at] as number;
      if (k !== EMPTY) fn(k, slots[at + 1] as number, stride > 2 ? (slots[at + 2] as number) : 0);
    }
  }

  /** `[key, column col]` pairs sorted by key: a canonical order for JSON, whatever the history. */
  pairs(col = 0): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    this.forEach((k, v0, v1) => {
      out.push([k, col === 0 ? v0 : v1]);
    });
    return out.sort((a, b) => a[0] - b[0]);
  }

  /**
   * Every entry as `key, column 0, column 1, ...` in one flat array, sorted by key: the JSON
   * form (a canonical order whatever the history; no array per entry, which cost ~60 bytes
   * each while a state of a million entries was serialized).
   */
  flat(): number[] {
    const keys = new Float64Array(this.#size);
    let i = 0;
    this.forEach((k) => {
      keys[i++] = k;
    });
    keys.sort();
    const stride = this.width + 1;
    const out = new Array<number>(this.#size * stride);
    for (let e = 0; e < keys.length; e++) {
      const k = keys[e] as number;
      const at = this.#probe(k) * stride;
      out[e * stride] = k;
      for (let c = 1; c < stride; c++) out[e * stride + c] = this.#slots[at + c] as number;
    }
    return out;
  }

  /** Adds the entries of a `flat()` array. */
  addFlat(flat: readonly number[]): void {
    const stride = this.width + 1;
    this.reserve(this.#size + flat.length / stride);
    for (let at = 0; at < flat.length; at += stride)
      for (let c = 1; c < stride; c++) this.add(flat[at] as number, flat[at + c] as number, c - 1);
  }
}

export class PairIndex {
  readonly #ids = new CountMap(1);
  /** Keys in id order (id = position + 1): the JSON form. */
  readonly #keys: number[] = [];
  id(a: number, b: number): number {
    const key = a * TOKEN_BITS + b;
    let id = this.#ids.get(key);
    if (id === 0) {
      this.#keys.push(key);
      id = this.#keys.length;
      this.#ids.set(key, id);
    }
    return id;
  }
  peek(a: number, b: number): number | undefined {
    const id = this.#ids.get(a * TOKEN_BITS + b);
    return id === 0 ? undefined : id;
  }
  /** Distinct contexts interned. */
  get size(): number {
    return this.#keys.length;
  }
  /** The two tokens of context `id`. */
  pair(id: number): [number, number] {
    const key = this.#keys[id - 1] as number;
    return [Math.floor(key / TOKEN_BITS), key % TOKEN_BITS];
  }
  toJSON(): number[] {
    return [...this.#keys];
  }
  static fromJSON(keys: readonly number[]): PairIndex {
    const p = new PairIndex();
    for (const k of keys) {
      p.#keys.push(k);
      p.#ids.set(k, p.#keys.length);
    }
    return p;
  }
}

function inc(m: Map<number, number>, k: number, by: number): number {
  const v = (m.get(k) ?? 0) + by;
  m.set(k, v);
  return v;
}

/** The interned trigram context (previous two tokens) of each position: computed once per journey, shared by every level. */
export function contextIds(tokens: ArrayLike<number>, pairs: PairIndex): Int32Array {
  const out = new Int32Array(tokens.length);
  let h2 = BOS;
  let h1 = BOS;
  for (let i = 0; i < tokens.length; i++) {
    out[i] = pairs.id(h2, h1);
    h2 = h1;
    h1 = tokens[i] as number;
  }
  return out;
}

/** Column 0: tokens counted after a context (N); column 1: distinct tokens after it (T). */
const N = 0;
const T = 1;

/**
 * Most distinct bigrams, and most distinct trigrams, one table keeps. Tables grow with distinct
 * behaviour, not events, but a scanner walking thousands of APIs in ever new orders would
 * never stop adding trigrams. The seed-1 simulated org's largest identity table holds ~2,900
 * trigrams after 6 weeks, its organization table ~4,200: the cap is far above ordinary use.
 */
export const MAX_NGRAMS = 1 << 16;

function pruneRarest(grams: CountMap, contexts: CountMap, cap: number): void {
  const counts = new Float64Array(grams.size);
  let i = 0;
  grams.forEach((_, v) => {
    counts[i++] = v;
  });
  counts.sort();
  const theta = counts[grams.size - Math.floor((cap * 3) / 4) - 1] as number;
  grams.forEach((k, v) => {
    if (v > theta) return;
    const ctx = Math.floor(k / TOKEN_BITS);
    contexts.add(ctx, -v, N);
    contexts.add(ctx, -1, T);
  });
  grams.retain((_, v) => v > theta);
  contexts.retain((_, __, t) => t > 0);
}

export class NGramCounts {
  readonly maxNgrams: number;
  readonly uni: Map<number, number> = new Map();
  uniTotal = 0;
  /** (previous token, token) packed as `h1 * TOKEN_BITS + w` -> count. */
  readonly bi: CountMap = new CountMap(1);
  /** Previous token -> N and T of the tokens after it. */
  readonly biCtx: CountMap = new CountMap(2);
  /** (context id, token) packed as `ctx * TOKEN_BITS + w` -> count. */
  readonly tri: CountMap = new CountMap(1);
  /** Context id -> N and T. */
  readonly triCtx: CountMap = new CountMap(2);

  constructor(maxNgrams = MAX_NGRAMS) {
    this.maxNgrams = maxNgrams;
  }

  /** Counts one journey's token sequence (with a start symbol as the first context). */
  add(
    tokens: ArrayLike<number>,
    pairs: PairIndex,
    weight = 1,
    contexts: ArrayLike<number> = contextIds(tokens, pairs),
  ): void {
    let h1 = BOS;
    for (let i = 0; i < tokens.length; i++) {
      const w = tokens[i] as number;
      inc(this.uni, w, weight);
      this.uniTotal += weight;
      if (this.bi.add(h1 * TOKEN_BITS + w, weight) === weight) this.biCtx.add(h1, 1, T);
      this.biCtx.add(h1, weight, N);
      const ctx = contexts[i] as number;
      if (this.tri.add(ctx * TOKEN_BITS + w, weight) === weight) this.triCtx.add(ctx, 1, T);
      this.triCtx.add(ctx, weight, N);
      h1 = w;
    }
    this.#bound();
  }

  /**
   * Lossy counting (Manku & Motwani, VLDB 2002) past the cap: every n-gram counted at most
   * theta times is dropped, theta the smallest count that brings the table to 3/4 of its cap,
   * and its context's N and T lose it. What remains is an exact Witten-Bell model of the kept
   * counts; what went are the rarest sequences, the least evidence of what is habitual (a
   * dropped one seen again is new again, as it nearly was).
   */
  #bound(): void {
    if (this.bi.size > this.maxNgrams) pruneRarest(this.bi, this.biCtx, this.maxNgrams);
    if (this.tri.size > this.maxNgrams) pruneRarest(this.tri, this.triCtx, this.maxNgrams);
  }

  /** Adds another table's counts (peer-group aggregation). */
  merge(other: NGramCounts): void {
    for (const [k, v] of other.uni) inc(this.uni, k, v);
    this.uniTotal += other.uniTotal;
    // A group's table is rebuilt by merging its members into an empty one: size it once.
    if (this.bi.size === 0) this.bi.reserve(other.bi.size);
    if (this.biCtx.size === 0) this.biCtx.reserve(other.biCtx.size);
    if (this.tri.size === 0) this.tri.reserve(other.tri.size);
    if (this.triCtx.size === 0) this.triCtx.reserve(other.triCtx.size);
    other.bi.forEach((k, v) => {
      if (this.bi.add(k, v) === v) this.biCtx.add(Math.floor(k / TOKEN_BITS), 1, T);
    });
    other.biCtx.forEach((k, n) => {
      this.biCtx.add(k, n, N);
    });
    other.tri.forEach((k, v) => {
      if (this.tri.add(k, v) === v) this.triCtx.add(Math.floor(k / TOKEN_BITS), 1, T);
    });
    other.triCtx.forEach((k, n) => {
      this.triCtx.add(k, n, N);
    });
    this.#bound();
  }

  count(w: number): number {
    return this.uni.get(w) ?? 0;
  }

  /**
   * Every counted gram: `uni(w, n)`, `bi(h1, w, n)` and `tri(context id, w, n)`. The contexts'
   * N and T follow from these (`fromGrams`).
   */
  forEachGram(
    uni: (w: number, n: number) => void,
    bi: (h1: number, w: number, n: number) => void,
    tri: (ctx: number, w: number, n: number) => void,
  ): void {
    for (const [w, n] of this.uni) uni(w, n);
    this.bi.forEach((k, n) => {
      bi(Math.floor(k / TOKEN_BITS), k % TOKEN_BITS, n);
    });
    this.tri.forEach((k, n) => {
      tri(Math.floor(k / TOKEN_BITS), k % TOKEN_BITS, n);
    });
  }

  /** An independent copy. */
  clone(): NGramCounts {
    const c = new NGramCounts(this.maxNgrams);
    const w = c as { -readonly [K in 'uni' | 'bi' | 'biCtx' | 'tri' | 'triCtx']: NGramCounts[K] };
    w.uni = new Map(this.uni);
    c.uniTotal = this.uniTotal;
    w.bi = this.bi.clone();
    w.biCtx = this.biCtx.clone();
    w.tri = this.tri.clone();
    w.triCtx = this.triCtx.clone();
    return c;
  }

  /**
   * Counts grams into this table as `add` counts them (a gram counted twice adds up), pruned
   * past the cap as `add` prunes: a table rebuilt from another model's grams in this model's ids.
   */
  addGrams(
    uni: Iterable<readonly [number, number]>,
    bi: ReadonlyArray<readonly [number, number, number]>,
    tri: ReadonlyArray<readonly [number, number, number]>,
  ): void {
    this.bi.reserve(this.bi.size + bi.length);
    this.biCtx.reserve(this.biCtx.size + bi.length);
    this.tri.reserve(this.tri.size + tri.length);
    this.triCtx.reserve(this.triCtx.size + tri.length);
    for (const [w, n] of uni) {
      inc(this.uni, w, n);
      this.uniTotal += n;
    }
    for (const [h1, w, n] of bi) {
      if (this.bi.add(h1 * TOKEN_BITS + w, n) === n) this.biCtx.add(h1, 1, T);
      this.biCtx.add(h1, n, N);
    }
    for (const [ctx, w, n] of tri) {
      if (this.tri.add(ctx * TOKEN_BITS + w, n) === n) this.triCtx.add(ctx, 1, T);
      this.triCtx.add(ctx, n, N);
    }
    this.#bound();
  }

  /**
   * Witten-Bell interpolated P(w | h2 h1) at this level, backing off to `base` (the parent
   * level's probability of the same token in the same context).
   */
  prob(w: number, h1: number, ctx: number | undefined, base: number): number {
    let p = base;
    if (this.uniTotal > 0) {
      const t = this.uni.size;
      p = ((this.uni.get(w) ?? 0) + t * p) / (this.uniTotal + t);
    }
    // Counts are positive: N = 0 means the context was never seen here.
    const nb = this.biCtx.get(h1, N);
    if (nb !== 0) {
      const t = this.biCtx.get(h1, T);
      p = (this.bi.get(h1 * TOKEN_BITS + w) + t * p) / (nb + t);
    }
    if (ctx !== undefined) {
      const nt = this.triCtx.get(ctx, N);
      if (nt !== 0) {
        const t = this.triCtx.get(ctx, T);
        p = (this.tri.get(ctx * TOKEN_BITS + w) + t * p) / (nt + t);
      }
    }
    return p;
  }

  /**
   * `{ f: 1, u, ut, b, bc, t, tc }`: flat arrays (`uni` in its insertion order, which peer
   * clustering iterates; the others sorted by key, context columns as key, N, T). `fromJSON`
   * also reads the earlier form of `[key, value]` pairs (`bn`/`bt`/`tn`/`tt`).
   */
  toJSON(): unknown {
    const u: number[] = [];
    for (const [k, v] of this.uni) u.push(k, v);
    return {
      f: 1,
      u,
      ut: this.uniTotal,
      b: this.bi.flat(),
      bc: this.biCtx.flat(),
      t: this.tri.flat(),
      tc: this.triCtx.flat(),
    };
  }

  static fromJSON(j: unknown): NGramCounts {
    const o = j as Record<string, unknown>;
    const n = new NGramCounts();
    n.uniTotal = o.ut as number;
    if (o.f === 1) {
      const u = o.u as number[];
      for (let i = 0; i < u.length; i += 2) n.uni.set(u[i] as number, u[i + 1] as number);
      n.bi.addFlat(o.b as number[]);
      n.biCtx.addFlat(o.bc as number[]);
      n.tri.addFlat(o.t as number[]);
      n.triCtx.addFlat(o.tc as number[]);
      return n;
    }
    for (const [k, v] of o.u as Array<[number, number]>) n.uni.set(k, v);
    const fill = (m: CountMap, a: unknown, col: number) => {
      for (const [k, v] of a as Array<[number, number]>) m.add(k, v, col);
    };
    fill(n.bi, o.b, 0);
    fill(n.biCtx, o.bn, N);
    fill(n.biCtx, o.bt, T);
    fill(n.tri, o.t, 0);
    fill(n.triCtx, o.tn, N);
    fill(n.triCtx, o.tt, T);
    return n;
  }
}

/** Per-event probabilities of a token sequence at three levels. */
export interface LevelProbs {
  self: Float64Array;
  peer: Float64Array;
  org: Float64Array;
}

/**
 * Scores each token of a journey: P_org backs off to uniform over the vocabulary, P_peer to
 * P_org, P_self to P_peer. `peer` may be null (no peer group yet): then P_peer = P_org.
 */
export function levelProbs(
  tokens: ArrayLike<number>,
  pairs: PairIndex,
  vocabSize: number,
  self: NGramCounts | null,
  peer: NGramCounts | null,
  org: NGramCounts,
): LevelProbs {
  const n = tokens.length;
  const out: LevelProbs = { self: new Float64Array(n), peer: new Float64Array(n), org: new Float64Array(n) };
  const uniform = 1 / (vocabSize + 1);
  let h2 = BOS;
  let h1 = BOS;
  for (let i = 0; i < n; i++) {
    const w = tokens[i] as number;
    const ctx = pairs.peek(h2, h1);
    const po = org.prob(w, h1, ctx, uniform);
    const pp = peer ? peer.prob(w, h1, ctx, po) : po;
    const ps = self ? self.prob(w, h1, ctx, pp) : pp;
    out.org[i] = po;
    out.peer[i] = pp;
    out.self[i] = ps;
    h2 = h1;
    h1 = w;
  }
  return out;
}
