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
