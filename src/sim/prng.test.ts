import { describe, expect, it } from 'vitest';
import { createRng, streamFor } from './prng.ts';

describe('createRng', () => {
  it('gives the same sequence for the same seed and a different one for another seed', () => {
    const a = createRng(7);
    const b = createRng(7);
    const c = createRng(8);
    const seqA = Array.from({ length: 20 }, () => a.next());
    expect(Array.from({ length: 20 }, () => b.next())).toEqual(seqA);
    expect(Array.from({ length: 20 }, () => c.next())).not.toEqual(seqA);
  });

  it('draws uniform values in [0,1) with a mean near 0.5 and unique uuids', () => {
    const sut = createRng(1);
    let sum = 0;
    for (let i = 0; i < 5000; i++) {
      const x = sut.next();
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
      sum += x;
    }
    expect(sum / 5000).toBeCloseTo(0.5, 1);
    const ids = new Set(Array.from({ length: 3000 }, () => sut.uuid()));
    expect(ids.size).toBe(3000);
    expect([...ids][0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('draws Poisson counts with the requested mean', () => {
    const sut = createRng(3);
    const n = 2000;
    let small = 0;
    let large = 0;
    for (let i = 0; i < n; i++) {
      small += sut.poisson(3);
      large += sut.poisson(50);
    }
    expect(small / n).toBeGreaterThan(2.8);
    expect(small / n).toBeLessThan(3.2);
    expect(large / n).toBeGreaterThan(48);
    expect(large / n).toBeLessThan(52);
  });
});

describe('streamFor', () => {
  it('depends on seed and label only', () => {
    expect(streamFor(1, 'person:3:10').uuid()).toBe(streamFor(1, 'person:3:10').uuid());
    expect(streamFor(1, 'person:3:10').uuid()).not.toBe(streamFor(1, 'person:3:11').uuid());
    expect(streamFor(1, 'person:3:10').uuid()).not.toBe(streamFor(2, 'person:3:10').uuid());
  });
});
