import { describe, expect, it } from 'vitest';
import { admit, type Budgets, mergeByTime } from './detect-jobs.ts';

describe('mergeByTime: the partitions’ scores into the organization’s tail', () => {
  it('gives one partition’s list back as the engine took it, out-of-order times included', () => {
    // A journey that closes late (its gap ran out after a later one's) comes after it in the engine.
    const one: Array<[number, number]> = [
      [10, 1],
      [30, 2],
      [20, 3],
      [40, 4],
    ];
    expect(mergeByTime([one])).toEqual(one);
  });

  it('interleaves partitions by time, never reorders within one, and breaks ties to the lower partition', () => {
    const merged = mergeByTime([
      [
        [10, 1],
        [30, 2],
        [25, 3],
      ],
      [
        [5, 4],
        [30, 5],
      ],
      [],
      [[30, 6]],
    ]);
    expect(merged).toEqual([
      [5, 4],
      [10, 1],
      [30, 2],
      [25, 3],
      [30, 5],
      [30, 6],
    ]);
  });

  it('merges nothing into nothing', () => {
    expect(mergeByTime([])).toEqual([]);
    expect(mergeByTime([[], []])).toEqual([]);
  });
});

describe('admit: the organization-wide budget finalize applies', () => {
  const DAY = 86_400_000;
  const config = { firstEvent: 0, alertsPerWeek: 1 };
  const spent = (): Budgets => ({ learningDaily: new Map(), learningWeekly: new Map(), weekly: new Map() });
  const ordinary = (first: number, pastCap = false) => ({ first, critical: false, pastCap, learningPeriod: false });

  it('admits ordinary alerts up to twice the weekly budget, then only one far past its threshold', () => {
    const s = spent();
    const day = 8 * DAY;
    expect([admit(ordinary(day), s, config), admit(ordinary(day + 1), s, config)]).toEqual([true, true]);
    expect(admit(ordinary(day + 2), s, config)).toBe(false);
    expect(admit(ordinary(day + 3, true), s, config)).toBe(true);
    expect(s.weekly.get(1)).toBe(3);
    // A new week has room again.
    expect(admit(ordinary(15 * DAY), s, config)).toBe(true);
  });

  it('admits a critical alert whatever the week spent, without taking room', () => {
    const s = spent();
    s.weekly.set(0, 10);
    expect(admit({ first: DAY, critical: true, pastCap: false, learningPeriod: false }, s, config)).toBe(true);
    expect(s.weekly.get(0)).toBe(10);
  });

  it('holds learning-period alerts to their own daily cap, not to the weekly one', () => {
    const s = spent();
    s.weekly.set(0, 10);
    const learning = { first: DAY, critical: false, pastCap: true, learningPeriod: true };
    const taken: boolean[] = [];
    for (let i = 0; i < 20; i++) taken.push(admit(learning, s, config));
    expect(taken.filter(Boolean).length).toBeGreaterThan(0);
    expect(taken.at(-1)).toBe(false);
    expect(s.weekly.get(0)).toBe(10);
  });
});
