import { describe, expect, it } from 'vitest';
import { seq, T0 } from '../journeys/rows.fixture.ts';
import { ContextProfile, journeyContext } from './context.ts';
import { surpriseOfNew } from './model.ts';

/** One journey from `ip`. */
const from = (ip: string) => journeyContext(seq(['s3:GetObject'], T0, { sourceIp: ip }));

describe('ContextProfile caps', () => {
  it('keeps at most its cap of networks: a fresh address per run trades the oldest seen-once one', () => {
    const sut = new ContextProfile(16);
    for (let k = 0; k < 5; k++) sut.learn(from('198.51.100.7')); // the office, habitual
    for (let run = 0; run < 100; run++) sut.learn(from(`10.${run}.1.9`)); // a CI runner's fresh addresses
    expect(sut.nets.size).toBe(16);
    expect(sut.wideNets.size).toBe(16);
    expect(sut.nets.get('198.51.100.0/24')).toBe(5);
    // The newest are kept, the oldest seen-once went.
    expect(sut.nets.has('10.99.1.0/24')).toBe(true);
    expect(sut.nets.has('10.0.1.0/24')).toBe(false);
    // A new value stays as unsurprising as it was: the count of values seen once is kept.
    expect(surpriseOfNew(sut.nets, sut.journeys, 10)).toBeCloseTo(-Math.log2((15 + 1) / (105 + 2)), 10);
  });

  it('with nothing seen once, makes room by the least used, oldest first; keeps its cap through JSON', () => {
    const sut = new ContextProfile(3);
    for (const ip of ['10.1.1.1', '10.2.1.1', '10.3.1.1']) {
      sut.learn(from(ip));
      sut.learn(from(ip));
    }
    sut.learn(from('10.1.1.1'));
    sut.learn(from('10.4.1.1'));
    expect([...sut.nets.keys()]).toEqual(['10.1.1.0/24', '10.3.1.0/24', '10.4.1.0/24']);
    const again = ContextProfile.fromJSON(JSON.parse(JSON.stringify(sut.toJSON())), 3);
    again.learn(from('10.5.1.1'));
    expect([...again.nets.keys()]).toEqual(['10.1.1.0/24', '10.3.1.0/24', '10.5.1.0/24']);
  });
});
