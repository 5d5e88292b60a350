import { describe, expect, it } from 'vitest';
import type { CredentialIssuance } from '../normalize/identity.ts';
import { EVENT_COLUMNS, type EventColumns } from '../store/events.ts';
import { packItems, unpackItems } from './packed-items.ts';
import type { PreparedItem } from './prepare.ts';

const row = (n: number): EventColumns =>
  EVENT_COLUMNS.map((c, i) => (i % 3 === 0 ? null : i % 3 === 1 ? n * 100 + i : `${c}-${n}`));
const event = (n: number, issuance: CredentialIssuance | null = null): PreparedItem => ({
  kind: 'event',
  row: row(n),
  issuance,
});
const issuance = (key: string) =>
  ({ accessKey: key, eventId: `e-${key}`, time: 1, expiration: null }) as unknown as CredentialIssuance;
const problem = (line: number): PreparedItem => ({
  kind: 'problem',
  problem: { file: 'f.json.gz', line, index: null, code: 'bad-json', reason: 'broken', excerpt: '{' },
  quiet: false,
  retryable: false,
});

describe(packItems.name, () => {
  it('gives back every item in its place: events with and without issuances among other items', () => {
    const items: PreparedItem[] = [
      { kind: 'content', blob: new Uint8Array([1, 2, 3]) },
      event(1),
      problem(2),
      event(2, issuance('ASIA1')),
      event(3),
      { kind: 'insight', eventId: 'i-1', time: 5, raw: '{}' },
      event(4, issuance('ASIA2')),
      problem(7),
      { kind: 'problems-beyond-cap', counts: [['bad-json', 3]] },
    ];
    const packed = packItems(items);
    expect(packed.count).toBe(items.length);
    expect(packed.values).toHaveLength(4 * EVENT_COLUMNS.length);
    expect(packed.issuances.map(([at]) => at)).toEqual([1, 3]);
    expect(unpackItems(structuredClone(packed))).toEqual(items);
  });

  it('packs a chunk of no items, of events only, and of other items only', () => {
    for (const items of [[], [event(1), event(2)], [problem(1), problem(2)]] as PreparedItem[][])
      expect(unpackItems(structuredClone(packItems(items)))).toEqual(items);
  });

  it('refuses a row of the wrong width and a packed chunk that does not add up', () => {
    expect(() => packItems([{ kind: 'event', row: [1, 2], issuance: null }])).toThrow(/row of 2 values/);
    const packed = packItems([event(1), event(2)]);
    expect(() => unpackItems({ ...packed, count: 1 })).toThrow(/does not add up/);
    expect(() => unpackItems({ ...packed, issuances: [[5, issuance('ASIA3')]] })).toThrow(/does not add up/);
  });
});
