import { describe, expect, it } from 'vitest';
import { parseTime as sut } from './time.ts';

describe('parseTime', () => {
  const T = Date.UTC(2024, 6, 30, 21, 31, 10);

  it.each([
    ['ISO with Z (S3 delivery)', '2024-07-30T21:31:10Z', T, '2024-07-30T21:31:10Z'],
    ['ISO with milliseconds', '2024-07-30T21:31:10.250Z', T + 250, '2024-07-30T21:31:10.250Z'],
    ['ISO with microseconds, truncated to ms', '2024-07-30T21:31:10.123999Z', T + 123, '2024-07-30T21:31:10.123Z'],
    ['ISO with +02:00 offset', '2024-07-30T23:31:10+02:00', T, '2024-07-30T21:31:10Z'],
    ['ISO with -0530 offset', '2024-07-30T16:01:10-0530', T, '2024-07-30T21:31:10Z'],
    ['ISO without zone (UTC)', '2024-07-30T21:31:10', T, '2024-07-30T21:31:10Z'],
    ['space, nanoseconds (Stratus bedrock export)', '2024-07-30 21:31:10.000000000', T, '2024-07-30T21:31:10Z'],
    ['space, plain seconds (Athena)', '2024-07-30 21:31:10', T, '2024-07-30T21:31:10Z'],
    ['space, milliseconds', '2024-07-30 21:31:10.500', T + 500, '2024-07-30T21:31:10.500Z'],
    ['space with Z', '2024-07-30 21:31:10Z', T, '2024-07-30T21:31:10Z'],
    ['epoch seconds as number', T / 1000, T, '2024-07-30T21:31:10Z'],
    ['epoch milliseconds as number', T + 7, T + 7, '2024-07-30T21:31:10.007Z'],
    ['epoch seconds as string', String(T / 1000), T, '2024-07-30T21:31:10Z'],
    ['epoch milliseconds as string', String(T), T, '2024-07-30T21:31:10Z'],
    ['leap day', '2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29), '2024-02-29T00:00:00Z'],
  ])('parses %s', (_label, input, ms, iso) => {
    expect(sut(input)).toEqual({ ok: true, ms, iso });
  });

  it.each([
    ['placeholder "..."', '...'],
    ['"redacted"', 'redacted'],
    ['empty string', ''],
    ['month 13', '2024-13-01T00:00:00Z'],
    ['31 April', '2024-04-31T00:00:00Z'],
    ['29 Feb in a common year', '2023-02-29T00:00:00Z'],
    ['hour 24', '2024-07-30T24:00:00Z'],
    ['letters in the digits', '2024-07-3OT21:31:10Z'],
    ['date only', '2024-07-30'],
    ['US format', '07/30/2024 21:31:10'],
    ['trailing junk', '2024-07-30T21:31:10Zjunk'],
    ['negative epoch', -5],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['beyond year 9999', 1e17],
    ['a boolean', true],
    ['an object', { time: '2024-07-30T21:31:10Z' }],
    ['a 1 MB string', `2024-07-30T21:31:10Z${'x'.repeat(1 << 20)}`],
  ])('refuses %s with bad-time', (_label, input) => {
    expect(sut(input)).toEqual({ ok: false, code: 'bad-time' });
  });
});
