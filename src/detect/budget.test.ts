/**
 * The headline promise, "a few alerts a week", rests on the weekly budget setting the
 * ordinary-alert threshold. These tests pin that: with the budget ignored by `threshold()`
 * (a constant in its place) the thresholds of different budgets are equal and they fail.
 */
import { describe, expect, it } from 'vitest';
import { prng } from '../util/prng.ts';
import { DetectionEngine } from './engine.ts';

const HOUR = 3_600_000;
const WEEK = 7 * 24 * HOUR;
const T0 = Date.UTC(2026, 0, 5);
const WEEKS = 4;
const PER_WEEK = 1_000;

/**
 * An engine whose recent non-alerting journeys are four weeks of 1,000 a week, their excess
 * surprise exponential with mean 5 bits (a long tail, as real scores have).
 */
function engineWith(alertsPerWeek: number): { engine: DetectionEngine; scores: number[]; now: number } {
  const engine = new DetectionEngine({ learningDays: 14, alertsPerWeek });
  const random = prng(7);
  const scores: number[] = [];
  const n = WEEKS * PER_WEEK;
  for (let i = 0; i < n; i++) {
    const excess = -5 * Math.log(1 - random());
    scores.push(excess);
    engine.recent.push(T0 + (i * WEEKS * WEEK) / n, excess);
  }
  return { engine, scores, now: T0 + WEEKS * WEEK };
}

describe('the weekly alert budget', () => {
  const budgets = [1, 3, 10, 30];
  const measured = budgets.map((budget) => {
    const { engine, scores, now } = engineWith(budget);
    const threshold = engine.threshold(now);
    const abovePerWeek = scores.filter((s) => s >= threshold).length / WEEKS;
    return { budget, threshold, abovePerWeek };
  });

  it('sets a strictly higher threshold for a smaller budget', () => {
    for (let i = 1; i < measured.length; i++)
      expect(measured[i - 1]?.threshold).toBeGreaterThan(measured[i]?.threshold as number);
  });

  it.each(budgets)('lets about %d journey(s) a week over the threshold', (budget) => {
    const m = measured.find((x) => x.budget === budget);
    expect(m?.abovePerWeek).toBeGreaterThanOrEqual(budget / 2);
    expect(m?.abovePerWeek).toBeLessThanOrEqual(budget * 2);
  });

  it('follows a budget changed on a running engine (as `detect --alerts-per-week` sets it)', () => {
    const { engine, now } = engineWith(3);
    const before = engine.threshold(now);
    engine.alertsPerWeek = 30;
    // The threshold is cached for 6 hours of data time.
    const after = engine.threshold(now + 7 * HOUR);
    expect(after).toBeLessThan(before);
  });
});
