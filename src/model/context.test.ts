import { describe, expect, it } from 'vitest';
import { seq, T0 } from '../journeys/rows.fixture.ts';
import { ContextProfile, journeyContext } from './context.ts';

describe('journeyContext', () => {
  it('keeps the autonomous system of each network, none for private addresses and service hostnames', () => {
    const sut = journeyContext([
      ...seq(['s3:ListBuckets', 's3:GetObject'], T0, { sourceIp: '167.99.3.4' }),
      ...seq(['s3:GetObject'], T0, { sourceIp: '10.1.2.3' }),
      ...seq(['s3:GetObject'], T0, { sourceIp: 'ec2.amazonaws.com' }),
    ]);
    expect([...sut.nets]).toEqual([
      ['167.99.3.0/24', 2],
      ['10.1.2.0/24', 1],
      ['ec2.amazonaws.com', 1],
    ]);
    expect([...sut.netAsns]).toEqual([['167.99.3.0/24', { asn: 14061, org: 'DigitalOcean, LLC' }]]);
  });

  it('maps each network to its wider prefix, IPv4 /16 and IPv6 /32 alike', () => {
    const sut = journeyContext([
      ...seq(['s3:GetObject'], T0, { sourceIp: '198.51.100.7' }),
      ...seq(['s3:GetObject'], T0, { sourceIp: '2001:db8:7:1::5' }),
    ]);
    expect([...sut.netWide]).toEqual([
      ['198.51.100.0/24', '198.51.0.0/16'],
      ['2001:db8:7::/48', '2001:db8::/32'],
    ]);
  });
});

describe('ContextProfile', () => {
  it('counts the journeys that used each autonomous system, and round-trips them through JSON', () => {
    const sut = new ContextProfile();
    sut.learn(journeyContext(seq(['s3:GetObject'], T0, { sourceIp: '73.45.3.7' })));
    sut.learn(journeyContext(seq(['s3:GetObject'], T0, { sourceIp: '24.91.5.10' })));
    sut.learn(journeyContext(seq(['s3:GetObject'], T0, { sourceIp: '167.99.3.4' })));
    expect([...sut.asns]).toEqual([
      [7922, 2],
      [14061, 1],
    ]);
    expect([...ContextProfile.fromJSON(JSON.parse(JSON.stringify(sut))).asns]).toEqual([...sut.asns]);
  });

  it('rebuilds the autonomous systems of a profile saved before they were kept, from its networks', () => {
    const saved = [
      [
        ['73.45.3.0/24', 5],
        ['24.91.5.0/24', 9],
        ['167.99.3.0/24', 1],
        ['10.1.2.0/24', 4],
        ['ec2.amazonaws.com', 2],
      ],
      [],
      [],
      [],
      new Array(24).fill(0),
      12,
      0,
      0,
      0,
      0,
    ];
    const sut = ContextProfile.fromJSON(saved);
    expect([...sut.asns]).toEqual([
      [7922, 9],
      [14061, 1],
    ]);
  });
});

describe('ContextProfile days of the week', () => {
  // T0 is a Monday.
  const weekdays = (n: number) =>
    Array.from({ length: n }, (_, i) => journeyContext(seq(['s3:GetObject'], T0 + (i % 5) * 86_400_000)));

  it('learns which UTC days an identity works, so a Sunday is rare for a weekday worker', () => {
    const sut = new ContextProfile();
    for (const c of weekdays(30)) sut.learn(c);
    expect(sut.dayJourneys).toBe(30);
    expect(sut.dayShare(1)).toBeGreaterThan(0.15);
    expect(sut.dayShare(0)).toBeLessThan(0.02);
  });

  it('round-trips the days, and starts them at 0 for a state saved before they were kept', () => {
    const sut = new ContextProfile();
    for (const c of weekdays(10)) sut.learn(c);
    expect(ContextProfile.fromJSON(JSON.parse(JSON.stringify(sut))).days).toEqual(sut.days);
    const old = (JSON.parse(JSON.stringify(sut)) as unknown[]).slice(0, 11);
    const restored = ContextProfile.fromJSON(old);
    expect(restored.journeys).toBe(10);
    expect(restored.dayJourneys).toBe(0);
  });
});
