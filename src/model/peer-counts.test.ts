import { describe, expect, it } from 'vitest';
import { prng } from '../ingest/synthetic.ts';
import { PeerTokenCounts } from './peer-counts.ts';

/** A model's view in miniature: the tokens each held identity did. */
function heldBy(did: Map<string, Set<number>>) {
  return new PeerTokenCounts((key) => did.get(key) ?? null);
}

describe(PeerTokenCounts.name, () => {
  it('counts the held members who did each token, a member listed twice twice; others are left to the caller', () => {
    const did = new Map([
      ['a', new Set([1, 2])],
      ['b', new Set([2])],
      ['c', new Set<number>()],
    ]);
    const peers = heldBy(did).of(['a', 'b', 'c', 'b', 'remote']);
    expect(peers.counts.get(1)).toBe(1);
    expect(peers.counts.get(2)).toBe(3);
    expect(peers.counts.get(3)).toBeUndefined();
    expect(peers.listed.get('b')).toBe(2);
    expect(peers.remote).toEqual(['remote']);
  });

  it('adds what counted members do next, and counts members appended to the array when next asked', () => {
    const did = new Map([
      ['a', new Set([1])],
      ['b', new Set<number>()],
    ]);
    const counts = heldBy(did);
    const members = ['a'];
    expect(counts.of(members).counts.get(1)).toBe(1);
    did.get('a')?.add(5);
    counts.noteDid('a', [5]);
    // Not counted yet: its tokens are read when the array is next asked about, not noted twice.
    did.get('b')?.add(5);
    counts.noteDid('b', [5]);
    expect(counts.of(members).counts.get(5)).toBe(1);
    members.push('b');
    expect(counts.of(members).counts.get(5)).toBe(2);
    did.get('b')?.add(7);
    counts.noteDid('b', [7]);
    expect(counts.of(members).counts.get(7)).toBe(1);
  });

  it('forgets every count on clear: a replaced array is counted afresh, and an old one no longer fed', () => {
    const did = new Map([['a', new Set([1])]]);
    const counts = heldBy(did);
    const old = ['a'];
    const before = counts.of(old).counts;
    counts.clear();
    did.get('a')?.add(2);
    counts.noteDid('a', [2]);
    expect(before.get(2)).toBeUndefined();
    expect(counts.of(['a']).counts.get(2)).toBe(1);
  });

  it('agrees with counting member by member through random learning, appends and replacements', () => {
    const rand = prng(11);
    const pick = (n: number) => Math.floor(rand() * n);
    const keys = Array.from({ length: 30 }, (_, i) => `k${i}`);
    const did = new Map<string, Set<number>>();
    const counts = heldBy(did);
    let groups: string[][] = [[], [], []];
    for (let step = 0; step < 3000; step++) {
      const roll = rand();
      if (roll < 0.6) {
        const key = keys[pick(keys.length)] as string;
        let tokens = did.get(key);
        if (tokens === undefined) {
          tokens = new Set();
          did.set(key, tokens);
        }
        const fresh = new Set<number>();
        for (let i = pick(4); i >= 0; i--) {
          const w = pick(40);
          if (!tokens.has(w)) fresh.add(w);
        }
        for (const w of fresh) tokens.add(w);
        counts.noteDid(key, fresh);
      } else if (roll < 0.9) {
        (groups[pick(groups.length)] as string[]).push(keys[pick(keys.length)] as string);
      } else if (roll < 0.93) {
        groups = groups.map((g) => g.filter(() => rand() < 0.7));
        counts.clear();
      } else {
        const members = groups[pick(groups.length)] as string[];
        const peers = counts.of(members);
        for (let w = 0; w < 40; w++) {
          const expected = members.filter((k) => did.get(k)?.has(w) ?? false).length;
          const remote = peers.remote.filter((k) => did.get(k)?.has(w) ?? false).length;
          expect((peers.counts.get(w) ?? 0) + remote).toBe(expected);
        }
      }
    }
  });
});
