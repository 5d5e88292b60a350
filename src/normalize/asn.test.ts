import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { asnLabel, asnTableSize, loadAsnTable, lookupAsn, parseIPv4, parseIPv6, asnOf as sut } from './asn.ts';

// Expected values are rows of the pinned @ip-location-db/asn version (package.json).
describe('asnOf', () => {
  it.each([
    ['1.1.1.1', 13335, 'Cloudflare, Inc.'],
    ['8.8.8.8', 15169, 'Google LLC'],
    ['104.131.5.5', 14061, 'DigitalOcean, LLC'],
    ['3.213.88.41', 14618, 'Amazon.com, Inc.'],
    // A quoted name with "" escapes.
    ['2.26.200.1', 201907, 'LLC "SPUTNIK"'],
    ['2606:4700:4700::1111', 13335, 'Cloudflare, Inc.'],
    ['2001:4860:4860::8888', 15169, 'Google LLC'],
    ['2001:4860:4860:0:0:0:0:8888', 15169, 'Google LLC'],
    ['2606:4700:4700::1111'.toUpperCase(), 13335, 'Cloudflare, Inc.'],
    // A range that does not start on a /64 boundary.
    ['2001:500:30ff::30', 396552, 'VeriSign Global Registry Services'],
    // IPv4-mapped IPv6 answers from the IPv4 table.
    ['::ffff:1.1.1.1', 13335, 'Cloudflare, Inc.'],
  ])('%s is AS%i %s', (ip, asn, org) => {
    expect(sut(ip)).toEqual({ asn, org });
  });

  it.each([
    // Private, loopback, link-local, CGNAT, documentation, unspecified, broadcast.
    '10.0.0.1',
    '172.16.5.4',
    '192.168.1.1',
    '127.0.0.1',
    '169.254.169.254',
    '100.64.0.1',
    '203.0.113.5',
    '198.51.100.7',
    '0.0.0.0',
    '255.255.255.255',
    '::1',
    '::',
    'fe80::1',
    'fd00::1',
    '2001:db8::1',
    // Not addresses: AWS services call with their hostname.
    'ec2.amazonaws.com',
    'AWS Internal',
    '',
  ])('%s has no autonomous system', (ip) => {
    expect(sut(ip)).toBeNull();
  });

  it('null stays null', () => {
    expect(sut(null)).toBeNull();
  });

  it.each([
    ' 1.1.1.1',
    '1.1.1.1 ',
    '1.1.1.1\n',
    '1.1.1.1\u0000',
    '\u202e1.1.1.1',
    '1.1.1.256',
    '01.1.1.1',
    '1.1.1',
    '1.1.1.1.1',
    '1.1.1.1/24',
    '1.1.1.1:443',
    '2606:4700:4700::1111%eth0',
    '2606::4700::1111',
    ':2606:4700:4700::1111',
    '2606:4700:4700:1:2:3:4:5:6',
    '2606:4700:4700:00001::',
    '1.1.1.1::',
    `${'1.'.repeat(10_000)}1`,
    '<script>alert(1)</script>',
  ])('hostile or malformed %j is not looked up', (ip) => {
    expect(sut(ip)).toBeNull();
  });

  // The loader parses the numeric IPv4 file and the IPv6 text file with its own byte parsers, in
  // 1 MB chunks; this reads the IPv4 text file independently, checks that every line became a
  // range, and checks both ends of every 97th range.
  it('agrees with the data: every range loaded, both ends of sampled ranges', () => {
    const dir = dirname(createRequire(import.meta.url).resolve('@ip-location-db/asn/package.json'));
    const counts: number[] = [];
    for (const file of ['asn-ipv4.csv', 'asn-ipv6.csv']) {
      const lines = readFileSync(join(dir, file), 'utf8').split('\n').filter(Boolean);
      counts.push(lines.length);
      for (let i = 0; i < lines.length; i += 97) {
        const [start, end, asn] = (lines[i] as string).split(',');
        expect(sut(start as string)?.asn, `${file} line ${i + 1} start`).toBe(Number(asn));
        expect(sut(end as string)?.asn, `${file} line ${i + 1} end`).toBe(Number(asn));
      }
    }
    expect(asnTableSize()).toEqual({ v4: counts[0], v6: counts[1], systems: expect.any(Number) });
    expect(counts[0]).toBeGreaterThan(400_000);
    expect(counts[1]).toBeGreaterThan(100_000);
  });
});

describe('loadAsnTable', () => {
  it('reads quoted names, CRLF and a last line without a line end, and skips malformed lines', () => {
    const dir = mkdtempSync(join(tmpdir(), 'th-asn-'));
    try {
      writeFileSync(
        join(dir, 'asn-ipv4-num.csv'),
        [
          '16777216,16777471,13335,"Cloudflare, Inc."',
          'garbage',
          '16777472,,7,Empty end',
          '16777472,16777473,x,Bad AS',
          '16778240,16779263,38803,Gtelecom Pty Ltd\r',
          '16779264,16779264,201907,"LLC ""SPUTNIK"""',
        ].join('\n'),
      );
      writeFileSync(
        join(dir, 'asn-ipv6.csv'),
        ['2001::,2001::ffff:ffff:ffff:ffff:ffff:ffff,6939,Hurricane Electric LLC', '2001:zz::,2001::1,1,Bad', ''].join(
          '\n',
        ),
      );
      const table = loadAsnTable(dir);
      expect(table.v4Asn.length).toBe(3);
      expect(table.v6Asn.length).toBe(1);
      expect(lookupAsn(table, '1.0.0.255')).toEqual({ asn: 13335, org: 'Cloudflare, Inc.' });
      expect(lookupAsn(table, '1.0.1.0')).toBeNull();
      expect(lookupAsn(table, '1.0.7.255')).toEqual({ asn: 38803, org: 'Gtelecom Pty Ltd' });
      expect(lookupAsn(table, '1.0.8.0')).toEqual({ asn: 201907, org: 'LLC "SPUTNIK"' });
      expect(lookupAsn(table, '2001::1')).toEqual({ asn: 6939, org: 'Hurricane Electric LLC' });
      expect(lookupAsn(table, '2001:1::')).toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('parseIPv4', () => {
  it('reads a dotted quad as an unsigned number', () => {
    expect(parseIPv4('1.2.3.4')).toBe(0x01020304);
    expect(parseIPv4('255.255.255.255')).toBe(0xffffffff);
    expect(parseIPv4('1.2.3.04')).toBeNull();
    expect(parseIPv4('-1.2.3.4')).toBeNull();
  });
});

describe('parseIPv6', () => {
  it('expands :: and a trailing dotted IPv4 into four words', () => {
    expect([...(parseIPv6('2001:db8::1') ?? [])]).toEqual([0x20010db8, 0, 0, 1]);
    expect([...(parseIPv6('::') ?? [])]).toEqual([0, 0, 0, 0]);
    expect([...(parseIPv6('1:2:3:4:5:6:7::') ?? [])]).toEqual([0x10002, 0x30004, 0x50006, 0x70000]);
    expect([...(parseIPv6('::ffff:192.0.2.1') ?? [])]).toEqual([0, 0, 0xffff, 0xc0000201]);
    expect(parseIPv6('1:2:3:4:5:6:7:8::')).toBeNull();
    expect(parseIPv6('192.0.2.1::')).toBeNull();
  });
});

describe('asnLabel', () => {
  it('names the number and the organization', () => {
    expect(asnLabel({ asn: 14061, org: 'DigitalOcean, LLC' })).toBe('AS14061 DigitalOcean, LLC');
    expect(asnLabel({ asn: 64512, org: '' })).toBe('AS64512');
  });
});
