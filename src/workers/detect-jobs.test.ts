import { describe, expect, it } from 'vitest';
import { mergeByTime } from './detect-jobs.ts';

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
