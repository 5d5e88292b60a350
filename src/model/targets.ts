/**
 * Target profiles: which accounts and SSM documents an identity (and the organization) aimed
 * its calls at (catalog targets, `account:111122223333`). A routine share to the usual DR
 * account is nothing; the same call to an account nobody here ever used is the exfiltration.
 * Counts are bounded: the least-used target gives way past `cap`, so a profile stays a few
 * KB whatever the volume.
 */
import { splitTarget } from '../catalog/index.ts';

export class TargetProfile {
  readonly counts = new Map<string, number>();
  readonly #cap: number;

  constructor(cap = 256) {
    this.#cap = cap;
  }

  has(target: string): boolean {
    return this.counts.has(target);
  }

  add(target: string, by = 1): void {
    const prev = this.counts.get(target);
    if (prev === undefined && this.counts.size >= this.#cap) this.#evict();
    this.counts.set(target, (prev ?? 0) + by);
  }

  /**
   * Bits of surprise that this profile meets a value of `kind` it never used, from how often it
   * met new ones before (Good-Turing, as for networks): the SRE who shared with the DR account
   * six times gets log2(8) = 3 bits; someone who shares with a new partner each time gets ~0.
   * 0 when it never used the kind at all (then the action itself is new, scored elsewhere).
   */
  surpriseOfNew(kind: string): number {
    let uses = 0;
    let once = 0;
    for (const [t, c] of this.counts) {
      if (splitTarget(t)[0] !== kind) continue;
      uses += c;
      if (c <= 1) once++;
    }
    return uses === 0 ? 0 : -Math.log2((once + 1) / (uses + 2));
  }

  /** Known values of `kind`, most used first (for the evidence text). */
  top(kind: string, n: number): Array<[string, number]> {
    return [...this.counts]
      .filter(([t]) => splitTarget(t)[0] === kind)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, n)
      .map(([t, c]) => [splitTarget(t)[1], c]);
  }

  #evict(): void {
    let victim: string | null = null;
    let least = Number.POSITIVE_INFINITY;
    for (const [t, c] of this.counts)
      if (c < least) {
        least = c;
        victim = t;
      }
    if (victim !== null) this.counts.delete(victim);
  }

  toJSON(): Array<[string, number]> {
    return [...this.counts];
  }

  static fromJSON(j: unknown, cap?: number): TargetProfile {
    const p = new TargetProfile(cap);
    if (Array.isArray(j)) for (const [t, c] of j as Array<[string, number]>) p.counts.set(t, c);
    return p;
  }
}
