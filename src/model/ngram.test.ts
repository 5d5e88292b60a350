import { describe, expect, it } from 'vitest';
import { prng } from '../util/prng.ts';
import { CountMap, contextIds, NGramCounts, PairIndex } from './ngram.ts';
import { TOKEN_BITS } from './tokens.ts';

describe('CountMap', () => {
  it('counts like a Map across growth, with keys past 2^31 and 0', () => {
    const rand = prng(3);
    const sut = new CountMap(1);
    const expected = new Map<number, number>();
    for (let i = 0; i < 20_000; i++) {
      // Packed trigram-like keys up to ~2^40, many repeats, and the smallest key.
      const key = i % 97 === 0 ? 0 : Math.floor(rand() * 5000) * TOKEN_BITS + Math.floor(rand() * 40);
      const v = sut.add(key, 1 + (i % 3));
      expected.set(key, (expected.get(key) ?? 0) + 1 + (i % 3));
      expect(v).toBe(expected.get(key));
    }
    expect(sut.size).toBe(expected.size);
    for (const [k, v] of expected) expect(sut.get(k)).toBe(v);
    expect(sut.get(123 * TOKEN_BITS + 999_999)).toBe(0);
    expect(sut.has(123 * TOKEN_BITS + 999_999)).toBe(false);
    expect(sut.pairs()).toEqual([...expected].sort((a, b) => a[0] - b[0]));
  });

  it('keeps several columns per key apart', () => {
    const sut = new CountMap(2);
    sut.add(7, 5, 0);
    sut.add(7, 1, 1);
    sut.add(7, 2, 0);
    expect([sut.get(7, 0), sut.get(7, 1)]).toEqual([7, 1]);
    sut.set(7, 3, 1);
    expect(sut.pairs(1)).toEqual([[7, 3]]);
    let seen = 0;
    sut.forEach((k, v0, v1) => {
      seen++;
      expect([k, v0, v1]).toEqual([7, 7, 3]);
    });
    expect(seen).toBe(1);
  });
});

describe('NGramCounts', () => {
  it('round-trips through JSON and merges to the same table as counting both sequences', () => {
    const pairs = new PairIndex();
    const a = [1, 2, 3, 1, 2, 4];
    const b = [2, 3, 1, 2, 3];
    const x = new NGramCounts();
    x.add(a, pairs);
    const y = new NGramCounts();
    y.add(b, pairs, 3);
    const both = new NGramCounts();
    both.add(a, pairs);
    both.add(b, pairs, 3);
    const merged = new NGramCounts();
    merged.merge(x);
    merged.merge(y);
    expect(merged.toJSON()).toEqual(both.toJSON());
    const again = NGramCounts.fromJSON(JSON.parse(JSON.stringify(both.toJSON())));
    expect(again.toJSON()).toEqual(both.toJSON());
    // States saved before the flat form: [key, value] pairs, N and T apart.
    const earlier = {
      u: [...both.uni],
      ut: both.uniTotal,
      b: both.bi.pairs(),
      bn: both.biCtx.pairs(0),
      bt: both.biCtx.pairs(1),
      t: both.tri.pairs(),
      tn: both.triCtx.pairs(0),
      tt: both.triCtx.pairs(1),
    };
    expect(NGramCounts.fromJSON(JSON.parse(JSON.stringify(earlier))).toJSON()).toEqual(both.toJSON());
    const ctx = contextIds(b, pairs);
    for (let i = 0; i < b.length; i++)
      expect(again.prob(b[i] as number, i > 0 ? (b[i - 1] as number) : 0, ctx[i], 0.01)).toBe(
        both.prob(b[i] as number, i > 0 ? (b[i - 1] as number) : 0, ctx[i], 0.01),
      );
  });

  it('keeps a pair index stable through JSON (ids are positions)', () => {
    const sut = new PairIndex();
    const ids = [sut.id(0, 0), sut.id(0, 5), sut.id(5, 9), sut.id(0, 5)];
    expect(ids).toEqual([1, 2, 3, 2]);
    const again = PairIndex.fromJSON(sut.toJSON());
    expect([again.peek(5, 9), again.peek(0, 5), again.peek(9, 9)]).toEqual([3, 2, undefined]);
    expect(again.size).toBe(3);
  });

  it('stays within its cap, keeping the habitual sequences and consistent context counts', () => {
    const pairs = new PairIndex();
    const sut = new NGramCounts(64);
    const habit = [1, 2, 3, 4, 5];
    const rand = prng(9);
    for (let j = 0; j < 400; j++) {
      sut.add(habit, pairs);
      // A scanner's walk: random tokens in random order, nearly every trigram new.
      sut.add(
        Array.from({ length: 6 }, () => 10 + Math.floor(rand() * 500)),
        pairs,
      );
      expect(sut.tri.size).toBeLessThanOrEqual(64);
      expect(sut.bi.size).toBeLessThanOrEqual(64);
    }
    // The habit's every trigram is still counted in full.
    const ctx = contextIds(habit, pairs);
    for (let i = 0; i < habit.length; i++)
      expect(sut.tri.get((ctx[i] as number) * TOKEN_BITS + (habit[i] as number))).toBe(400);
    // N and T of every context are the sum and the number of its kept trigrams.
    for (const [grams, contexts] of [
      [sut.tri, sut.triCtx],
      [sut.bi, sut.biCtx],
    ] as const) {
      const n = new Map<number, number>();
      const t = new Map<number, number>();
      grams.forEach((k, v) => {
        const c = Math.floor(k / TOKEN_BITS);
        n.set(c, (n.get(c) ?? 0) + v);
        t.set(c, (t.get(c) ?? 0) + 1);
      });
      expect(contexts.pairs(0)).toEqual([...n].sort((a, b) => a[0] - b[0]));
      expect(contexts.pairs(1)).toEqual([...t].sort((a, b) => a[0] - b[0]));
    }
  });
});
