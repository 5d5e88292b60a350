import { describe, expect, it } from 'vitest';
import { potThreshold, TimedScores } from './calibration.ts';

describe('TimedScores', () => {
  it('keeps pairs oldest first and drops those before a time', () => {
    const sut = new TimedScores(8);
    for (let t = 0; t < 5; t++) sut.push(t * 10, t);
    sut.dropBefore(20);
    expect(sut.size).toBe(3);
    expect(sut.oldestTime()).toBe(20);
    expect([...sut.scores()]).toEqual([2, 3, 4]);
    expect(sut.toJSON()).toEqual([
      [20, 2],
      [30, 3],
      [40, 4],
    ]);
  });

  it('holds at most its capacity: the oldest gives way, across growth and wrap-around', () => {
    const sut = new TimedScores(3000);
    for (let t = 0; t < 2000; t++) sut.push(t, t * 2);
    // Dropped while still growing: the ring's head moves before it reaches its capacity.
    sut.dropBefore(500);
    expect(sut.size).toBe(1500);
    for (let t = 2000; t < 10_000; t++) sut.push(t, t * 2);
    expect(sut.size).toBe(3000);
    expect(sut.oldestTime()).toBe(7000);
    const scores = sut.scores();
    expect(scores[0]).toBe(14_000);
    expect(scores[2999]).toBe(19_998);
    sut.dropBefore(9990);
    expect(sut.size).toBe(10);
  });

  it('round-trips through JSON', () => {
    const sut = new TimedScores(4);
    for (let t = 0; t < 6; t++) sut.push(t, -t);
    const again = TimedScores.fromJSON(JSON.parse(JSON.stringify(sut.toJSON())), 4);
    expect(again.toJSON()).toEqual(sut.toJSON());
    expect(again.toJSON()).toEqual([
      [2, -2],
      [3, -3],
      [4, -4],
      [5, -5],
    ]);
  });
});

describe('potThreshold', () => {
  it('gives the same threshold from a typed array as from a plain array', () => {
    const values = Array.from({ length: 5000 }, (_, i) => ((i * 7919) % 1000) / 37 - 3);
    expect(potThreshold(Float64Array.from(values), 0.002)).toBe(potThreshold(values, 0.002));
    expect(potThreshold(values, 0.3)).toBeCloseTo(values.slice().sort((a, b) => a - b)[3499] as number, 10);
  });
});
