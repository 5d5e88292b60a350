import { describe, expect, it } from 'vitest';
import { escapeForTerminal as sut } from './terminal.ts';

describe('escapeForTerminal', () => {
  it('leaves ordinary text, including non-Latin letters, unchanged', () => {
    expect(sut('alice@example.com arn:aws:iam::1:user/ü-名前')).toBe('alice@example.com arn:aws:iam::1:user/ü-名前');
  });

  it('renders an ANSI escape sequence visibly', () => {
    const out = sut('bob\u001b[2K\u001b[1Gadmin');
    expect(out).toBe('bob\\x1b[2K\\x1b[1Gadmin');
    expect(out).not.toContain('\u001b');
  });

  it('renders newlines, carriage returns and tabs as their escapes', () => {
    expect(sut('a\nb\rc\td')).toBe('a\\nb\\rc\\td');
  });

  it('renders DEL, C1 controls (one-byte CSI) and NUL', () => {
    expect(sut('\u007f\u009b31m\u0000')).toBe('\\x7f\\x9b31m\\x00');
  });

  it('renders bidi overrides, isolates, marks and line separators', () => {
    expect(sut('user\u202egnp.exe')).toBe('user\\u202egnp.exe');
    expect(sut('\u2066x\u2069\u200f\u2028')).toBe('\\u2066x\\u2069\\u200f\\u2028');
  });

  it('renders zero-width characters and the BOM that hide text', () => {
    expect(sut('ad\u200bmin\ufeff')).toBe('ad\\u200bmin\\ufeff');
  });

  it('is stable when called twice in a row (no regex lastIndex leak)', () => {
    expect(sut('x\ny')).toBe('x\\ny');
    expect(sut('x\ny')).toBe('x\\ny');
  });
});
