/**
 * Turning raw journey scores into decisions: a per-identity history of its own scores (so a
 * busy CI role and a quiet auditor compare), and the organization-wide alert threshold from
 * the tail of recent scores (peaks over threshold with a Generalized Pareto fit, Siffer et
 * al. KDD 2017), scaled so the expected ordinary alerts per week match the budget.
 */

/** A ring buffer of recent scores with quantiles and empirical tail probabilities. */
export class ScoreHistory {
  readonly values: number[] = [];
  readonly capacity: number;
  #next = 0;
  #sorted: Float64Array | null = null;
  /** Values added since the last sort: quantiles of a large history may lag by up to 5% of it. */
  #stale = 0;
  /** Values overwritten since the last sort (still in the sorted copy): to restore it exactly. */
  #replaced: number[] = [];

  constructor(capacity = 256) {
    this.capacity = capacity;
  }

  get size(): number {
    return this.values.length;
  }

  add(x: number): void {
    if (this.values.length < this.capacity) this.values.push(x);
    else {
      if (this.#sorted !== null) this.#replaced.push(this.values[this.#next] as number);
      this.values[this.#next] = x;
      this.#next = (this.#next + 1) % this.capacity;
    }
    // Re-sorting a 4,096-score history after every journey cost 40% of detect time (measured
    // on a 6-week simulated org); a quantile that lags by 5% of the history changes little.
    if (++this.#stale > this.values.length / 20) {
      this.#sorted = null;
      this.#replaced = [];
    }
  }

  #sortedValues(): Float64Array {
    if (!this.#sorted) {
      // A typed array sorts numerically without a comparator call per comparison (~5x faster).
      this.#sorted = Float64Array.from(this.values).sort();
      this.#stale = 0;
      this.#replaced = [];
    }
    return this.#sorted;
  }

  /** Linear-interpolated quantile, `fallback` when empty. */
  quantile(q: number, fallback = 0): number {
    const s = this.#sortedValues();
    if (s.length === 0) return fallback;
    const pos = Math.min(s.length - 1, Math.max(0, q * (s.length - 1)));
    const lo = Math.floor(pos);
    const hi = Math.ceil(pos);
    return (s[lo] as number) + ((s[hi] as number) - (s[lo] as number)) * (pos - lo);
  }

  /** P(X >= x) with add-one smoothing: never 0, so a short history is never overconfident. */
  tail(x: number): number {
    const s = this.#sortedValues();
    let lo = 0;
    let hi = s.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((s[mid] as number) < x) lo = mid + 1;
      else hi = mid;
    }
    return (s.length - lo + 1) / (s.length + 2);
  }

  /**
   * With what restores the lagging sorted copy exactly (how many values it lacks, and those it
   * still holds that were overwritten since): detect replays from checkpoints and must score as
   * one uninterrupted pass would.
   */
  toJSON(): unknown {
    if (this.#sorted === null) return [this.values, this.#next, -1];
    return [this.values, this.#next, this.#stale, this.#replaced];
  }

  static fromJSON(j: unknown, capacity?: number): ScoreHistory {
    const [values, next, stale, replaced] = j as [number[], number, number?, number[]?];
    const h = new ScoreHistory(capacity);
    h.values.push(...values);
    h.#next = next;
    if (stale !== undefined && stale >= 0) {
      // The sorted copy predates the last `stale` values added: those slots (just before
      // `next` once the ring is full, else the last ones) held the `replaced` values, or nothing.
      const n = h.values.length;
      const full = n === h.capacity;
      const skip = new Set<number>();
      for (let i = 0; i < stale; i++) skip.add(full ? (((next - 1 - i) % n) + n) % n : n - 1 - i);
      const before = h.values.filter((_, i) => !skip.has(i)).concat(replaced ?? []);
      h.#sorted = Float64Array.from(before).sort();
      h.#stale = stale;
      h.#replaced = [...(replaced ?? [])];
    }
    return h;
  }
}

/**
 * The score above which a fraction `q` of values lies, from a GPD fitted (method of
 * moments) to the excesses over the `level` quantile. Falls back to the empirical quantile
 * when the tail has too few points or the fit is degenerate.
 */
export function potThreshold(values: ArrayLike<number>, q: number, level = 0.95): number {
  const s = Float64Array.from(values).sort();
  const n = s.length;
  if (n === 0) return Number.POSITIVE_INFINITY;
  const empirical = s[Math.min(n - 1, Math.max(0, Math.ceil((1 - q) * n) - 1))] as number;
  const uIndex = Math.floor(level * (n - 1));
  const u = s[uIndex] as number;
  const excess: number[] = [];
  for (let i = uIndex + 1; i < n; i++) {
    const y = (s[i] as number) - u;
    if (y > 0) excess.push(y);
  }
  if (excess.length < 20 || q >= 1 - level) return empirical;
  const m = excess.reduce((a, b) => a + b, 0) / excess.length;
  const v = excess.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, excess.length - 1);
  if (!(v > 0) || !(m > 0)) return empirical;
  const xi = 0.5 * (1 - (m * m) / v);
  const sigma = 0.5 * m * ((m * m) / v + 1);
  const pu = excess.length / n;
  const z = Math.abs(xi) < 1e-6 ? u + sigma * Math.log(pu / q) : u + (sigma / xi) * ((q / pu) ** -xi - 1);
  // A heavy-tailed fit can extrapolate far past anything seen; never above 1.5x the maximum.
  const max = s[n - 1] as number;
  return Number.isFinite(z) ? Math.min(z, max + 0.5 * Math.abs(max - u)) : empirical;
}

/**
 * (time, score) pairs in arrival order, oldest first, in two typed-array rings: the recent
 * journeys the alert threshold is fitted on. Past `capacity` the oldest pair gives way, so
 * the window is "the last 4 weeks, or the last `capacity` journeys if fewer": the rate per
 * week is still right (measured over the span held), and the tail fit has thousands of
 * points to spare. 16 bytes a pair instead of ~70 for an array of [time, score] arrays.
 */
export class TimedScores {
  readonly capacity: number;
  #times: Float64Array;
  #scores: Float64Array;
  #head = 0;
  #size = 0;

  constructor(capacity = 65_536) {
    this.capacity = capacity;
    this.#times = new Float64Array(Math.min(capacity, 1024));
    this.#scores = new Float64Array(this.#times.length);
  }

  get size(): number {
    return this.#size;
  }

  push(time: number, score: number): void {
    if (this.#size === this.#times.length && this.#size < this.capacity) this.#grow();
    if (this.#size === this.capacity) {
      // Full: overwrite the oldest.
      this.#times[this.#head] = time;
      this.#scores[this.#head] = score;
      this.#head = (this.#head + 1) % this.capacity;
      return;
    }
    const at = (this.#head + this.#size) % this.#times.length;
    this.#times[at] = time;
    this.#scores[at] = score;
    this.#size++;
  }

  /** Drops pairs from the oldest while their time is before `since`. */
  dropBefore(since: number): void {
    while (this.#size > 0 && (this.#times[this.#head] as number) < since) {
      this.#head = (this.#head + 1) % this.#times.length;
      this.#size--;
    }
  }

  oldestTime(): number | undefined {
    return this.#size > 0 ? this.#times[this.#head] : undefined;
  }

  /** The scores, oldest first (a copy). */
  scores(): Float64Array {
    const out = new Float64Array(this.#size);
    for (let i = 0; i < this.#size; i++) out[i] = this.#scores[(this.#head + i) % this.#times.length] as number;
    return out;
  }

  #grow(): void {
    const length = Math.min(this.capacity, this.#times.length * 2);
    const times = new Float64Array(length);
    const scores = new Float64Array(length);
    for (let i = 0; i < this.#size; i++) {
      const from = (this.#head + i) % this.#times.length;
      times[i] = this.#times[from] as number;
      scores[i] = this.#scores[from] as number;
    }
    this.#times = times;
    this.#scores = scores;
    this.#head = 0;
  }

  toJSON(): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    for (let i = 0; i < this.#size; i++) {
      const at = (this.#head + i) % this.#times.length;
      out.push([this.#times[at] as number, this.#scores[at] as number]);
    }
    return out;
  }

  static fromJSON(pairs: ReadonlyArray<readonly [number, number]>, capacity?: number): TimedScores {
    const t = new TimedScores(capacity);
    for (const [time, score] of pairs) t.push(time, score);
    return t;
  }
}
