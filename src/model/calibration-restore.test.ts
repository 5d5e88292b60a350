import { describe, expect, it } from 'vitest';
import { prng } from '../util/prng.ts';
import { ScoreHistory } from './calibration.ts';

describe('ScoreHistory restored from JSON', () => {
  it('answers exactly as the original from any point, the lagging sorted copy included', () => {
    const rng = prng(9);
    for (let cut = 0; cut < 400; cut += 7) {
      const original = new ScoreHistory(100);
      const feed = (h: ScoreHistory, from: number, to: number, out: number[]) => {
        const r = prng(from * 31 + to);
        for (let i = from; i < to; i++) {
          h.add(Math.round(r() * 1000) / 10);
          // Queries between adds, as scoring does: they decide when the copy is re-sorted.
          if (i % 3 === 0) out.push(h.quantile(0.9), h.tail(50));
        }
      };
      feed(original, 0, cut, []);
      const restored = ScoreHistory.fromJSON(JSON.parse(JSON.stringify(original.toJSON())), 100);
      const a: number[] = [];
      const b: number[] = [];
      const end = cut + 150 + Math.floor(rng() * 50);
      feed(original, cut, end, a);
      feed(restored, cut, end, b);
      expect(b).toEqual(a);
    }
  });
});
