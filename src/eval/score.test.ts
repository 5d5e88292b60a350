import { describe, expect, it } from 'vitest';
import { aggregateScores, scoreDetector } from './score.ts';
import type { DetectedAlert, EvalMeta, LabelForScore } from './types.ts';

const DAY = 86_400_000;
const meta: EvalMeta = { start: 0, learningEnd: 21 * DAY, end: 42 * DAY, learningDays: 21 };
const at = (d: number, h = 0) => d * DAY + h * 3_600_000;
const label = (attackId: string, actor: string, day: number, eventIds: string[]): LabelForScore => ({
  attackId,
  scenario: attackId,
  category: 'exfiltration',
  mode: 'stolen',
  routine: false,
  actor,
  start: new Date(at(day, 10)).toISOString(),
  end: new Date(at(day, 11)).toISOString(),
  eventIds,
});
const alert = (actor: string, start: number, end: number, eventIds: string[]): DetectedAlert => ({
  actor,
  start,
  end,
  eventIds,
});

describe('scoreDetector', () => {
  const labels = [label('A1', 'alice', 25, ['e1', 'e2']), label('A2', 'bob', 30, ['e3'])];

  it('counts an attack detected when an alert holds one of its eventIDs', () => {
    const sut = scoreDetector('x', [alert('someone-else', at(25, 10), at(25, 10), ['e2'])], labels, [], meta);
    expect(sut.attacks.map((a) => a.detected)).toEqual([true, false]);
    expect(sut.recall).toBe(0.5);
    expect(sut.precision).toBe(1);
    expect(sut.falseAlerts).toBe(0);
  });

  it('counts an alert about the same actor overlapping the attack window, but not one outside it', () => {
    const sut = scoreDetector(
      'x',
      [alert('bob', at(30, 10.5), at(30, 12), ['zz']), alert('bob', at(31, 10), at(31, 11), ['zz2'])],
      labels,
      [],
      meta,
    );
    expect(sut.attacks.map((a) => a.detected)).toEqual([false, true]);
    expect(sut.falseAlerts).toBe(1);
  });

  it('uses the actor keys the store resolved for the attack events', () => {
    const sut = scoreDetector(
      'x',
      [alert('arn:role/alice', at(25, 10.2), at(25, 10.3), ['other'])],
      labels,
      [],
      meta,
      new Map([['A1', new Set(['arn:role/alice'])]]),
    );
    expect(sut.detected).toBe(1);
  });

  it('ignores alerts of the learning period and reports false alerts per test week and by benign surprise', () => {
    const alerts = [
      alert('carol', at(5), at(5), ['b0']),
      alert('carol', at(22), at(22), ['b1']),
      alert('dave', at(23), at(23), ['b2']),
      alert('erin', at(24), at(24), ['n']),
    ];
    const sut = scoreDetector('x', alerts, labels, [{ kind: 'key-rotation', eventIds: ['b1', 'b2'] }], meta);
    expect(sut.alerts).toBe(3);
    expect(sut.falseAlerts).toBe(3);
    expect(sut.falseAlertsPerWeek).toBe(1);
    expect(sut.precision).toBe(0);
    expect(sut.falseByBenign).toEqual({ 'key-rotation': 2, '(none)': 1 });
  });

  it('attributes a false alert to a benign event when it is about one of its actors while that actor was doing it', () => {
    const alerts = [
      alert('vendor-role', at(24, 3), at(24, 4), ['x1']),
      alert('vendor-role', at(20, 3), at(21, 1), ['x2']),
      alert('frank', at(24, 3), at(24, 4), ['x3']),
    ];
    const benign = [{ kind: 'vendor-scans', eventIds: ['v1', 'v2'] }];
    const spans = [new Map([['vendor-role', { start: at(22), end: at(30) }]])];
    const sut = scoreDetector('x', alerts, labels, benign, meta, new Map(), spans);
    expect(sut.alerts).toBe(3);
    expect(sut.falseByBenign).toEqual({ 'vendor-scans': 1, '(none)': 2 });
  });

  it('counts the first alert on a benign event that expects a notice apart, and any further one as false', () => {
    const benign = [
      { kind: 'vendor-onboarding', eventIds: ['o1', 'o2'], expect: 'notice' as const },
      { kind: 'vendor-onboarding', eventIds: ['o3'], expect: 'notice' as const },
      { kind: 'role-upkeep', eventIds: ['u1'] },
    ];
    const spans = [new Map([['sec', { start: at(22), end: at(30) }]]), new Map(), new Map()];
    const alerts = [
      // The onboarding's alert, grown with the vendor's first scans.
      alert('sec', at(24, 3), at(25, 4), ['o1', 's1', 's2']),
      alert('stackset', at(24, 3), at(24, 4), ['o2']),
      alert('admin', at(26, 3), at(26, 4), ['u1', 'o3']),
      alert('admin', at(27, 3), at(27, 4), ['u1']),
      // Its person's other work while the event lasted: overlap by actor and time is no notice.
      alert('sec', at(28, 3), at(28, 4), ['z1']),
    ];
    const sut = scoreDetector('x', alerts, labels, benign, meta, new Map(), spans);
    expect(sut.alerts).toBe(5);
    expect(sut.notices).toBe(2);
    expect(sut.noticesByBenign).toEqual({ 'vendor-onboarding': 2 });
    expect(sut.falseAlerts).toBe(3);
    expect(sut.falseByBenign).toEqual({ 'vendor-onboarding': 2, 'role-upkeep': 1 });
    expect(sut.falseAlertsPerWeek).toBeCloseTo(1);
    const both = aggregateScores([sut, sut]);
    expect([both.notices, both.falseAlerts, both.noticesByBenign]).toEqual([4, 6, { 'vendor-onboarding': 4 }]);
  });

  it('counts every alert on a benign event that expects none as false', () => {
    const benign = [{ kind: 'vendor-onboarding', eventIds: ['o1'] }];
    const sut = scoreDetector('x', [alert('sec', at(24, 3), at(24, 4), ['o1'])], labels, benign, meta);
    expect([sut.notices, sut.falseAlerts]).toEqual([0, 1]);
  });

  it('reports each attack with its style: the company style, else library scenario or injected source', () => {
    const styled = [
      { ...label('C1', 'alice', 25, ['e1']), style: 'low-and-slow' },
      label('A2', 'bob', 30, ['e3']),
      { ...label('I3', 'carol', 31, ['e4']), source: 'stratus' },
    ];
    const sut = scoreDetector('x', [alert('alice', at(25, 10.5), at(25, 10.5), ['e1'])], styled, [], meta);
    expect(sut.attacks.map((a) => [a.style, a.detected])).toEqual([
      ['low-and-slow', true],
      ['library scenario', false],
      ['injected (stratus)', false],
    ]);
  });

  it('aggregates seeds by summing attacks, alerts and weeks', () => {
    const a = scoreDetector('x', [alert('alice', at(25, 10.5), at(25, 10.5), ['e1'])], labels, [], meta);
    const b = scoreDetector('x', [alert('z', at(26), at(26), ['q'])], labels, [], meta);
    const sut = aggregateScores([a, b]);
    expect(sut.total).toBe(4);
    expect(sut.detected).toBe(1);
    expect(sut.alerts).toBe(2);
    expect(sut.testWeeks).toBe(6);
    expect(sut.falseAlertsPerWeek).toBeCloseTo(1 / 6);
    expect(sut.precision).toBe(0.5);
  });
});
