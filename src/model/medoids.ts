/**
 * Typical journeys: a small set of medoids per identity, not an average. Leader clustering
 * on Jaccard distance over each journey's set of tokens and token bigrams: a journey joins
 * the nearest medoid within `radius`, otherwise it becomes a new medoid (at most `max`; when
 * full, the least-used medoid gives way). Deterministic, one pass, O(medoids) per journey.
 */
import { TOKEN_BITS } from './tokens.ts';

export interface Medoid {
  /** Sorted distinct features: token ids and bigram keys (negative, to keep them apart). */
  features: number[];
  /** The journey's tokens for display, consecutive repeats collapsed, at most 40. */
  tokens: number[];
  /** Journeys assigned to it. */
  count: number;
  /** When it was last matched (epoch ms). */
  last: number;
}

/** The set of tokens and bigrams of a journey, sorted. */
export function journeyFeatures(tokens: ArrayLike<number>): number[] {
  const set = new Set<number>();
  let prev = -1;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as number;
    set.add(t);
    if (prev >= 0 && prev !== t) set.add(-(prev * TOKEN_BITS + t) - 1);
    prev = t;
  }
  return [...set].sort((a, b) => a - b);
}

/** Jaccard distance of two sorted feature arrays. */
export function jaccardDistance(a: readonly number[], b: readonly number[]): number {
  if (a.length === 0 && b.length === 0) return 0;
  let i = 0;
  let j = 0;
  let inter = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as number;
    const y = b[j] as number;
    if (x === y) {
      inter++;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return 1 - inter / (a.length + b.length - inter);
}

export function displayTokens(tokens: ArrayLike<number>, max = 40): number[] {
  const out: number[] = [];
  for (let i = 0; i < tokens.length && out.length < max; i++) {
    const t = tokens[i] as number;
    if (out[out.length - 1] !== t) out.push(t);
  }
  return out;
}

export class MedoidSet {
  readonly medoids: Medoid[] = [];
  readonly radius: number;
  readonly max: number;

  constructor(radius = 0.5, max = 12) {
    this.radius = radius;
    this.max = max;
  }

  /** The nearest medoid and its distance (distance 1 when there is none). */
  nearest(features: readonly number[]): { medoid: Medoid | null; distance: number } {
    let best: Medoid | null = null;
    let bestD = 1;
    for (const m of this.medoids) {
      const d = jaccardDistance(features, m.features);
      if (d < bestD || best === null) {
        best = m;
        bestD = d;
      }
    }
    return { medoid: best, distance: best ? bestD : 1 };
  }

  add(features: number[], tokens: ArrayLike<number>, time: number, weight = 1): void {
    const { medoid, distance } = this.nearest(features);
    if (medoid && distance <= this.radius) {
      medoid.count += weight;
      medoid.last = time;
      return;
    }
    const fresh: Medoid = { features, tokens: displayTokens(tokens), count: weight, last: time };
    if (this.medoids.length < this.max) {
      this.medoids.push(fresh);
      return;
    }
    // Full: the least-used (then least recent) medoid makes room, so a new habit can form.
    let victim = 0;
    for (let i = 1; i < this.medoids.length; i++) {
      const m = this.medoids[i] as Medoid;
      const v = this.medoids[victim] as Medoid;
      if (m.count < v.count || (m.count === v.count && m.last < v.last)) victim = i;
    }
    const v = this.medoids[victim] as Medoid;
    if (v.count <= weight) this.medoids[victim] = fresh;
    else if (medoid) {
      medoid.count += weight;
      medoid.last = time;
    }
  }

  toJSON(): unknown {
    return this.medoids.map((m) => [m.features, m.tokens, m.count, m.last]);
  }

  static fromJSON(j: unknown, radius?: number, max?: number): MedoidSet {
    const s = new MedoidSet(radius, max);
    for (const [features, tokens, count, last] of j as Array<[number[], number[], number, number]>)
      s.medoids.push({ features, tokens, count, last });
    return s;
  }
}
