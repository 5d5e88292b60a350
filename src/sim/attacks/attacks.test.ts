import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildOrg } from '../org.ts';
import { createRng } from '../prng.ts';
import { resourcesOf } from '../resources.ts';
import { SCENARIOS } from './library.ts';
import { planAttacks } from './run.ts';
import type { AttackContext } from './types.ts';

/** Real Stratus Red Team detonations (Apache-2.0, see fixtures/stratus-red-team/SOURCE.md). */
const STRATUS = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'stratus-red-team');

function detonationTokens(id: string): Set<string> {
  const raw = JSON.parse(readFileSync(join(STRATUS, `${id}.json`), 'utf8')) as unknown;
  const records = (Array.isArray(raw) ? raw : [raw]) as Array<{
    eventSource: string;
    eventName: string;
    errorCode?: string;
  }>;
  return new Set(records.map((r) => `${r.eventSource.split('.')[0]}:${r.eventName}${r.errorCode ? '!' : ''}`));
}

function scenarioTokens(stepsOf: (ctx: AttackContext) => ReturnType<(typeof SCENARIOS)[number]['steps']>): {
  tokens: Set<string>;
  counts: Map<string, number>;
} {
  const ctx: AttackContext = {
    rng: createRng(1),
    res: resourcesOf('prod'),
    accountId: '482910375610',
    region: 'us-east-1',
    foreignAccount: '999988887777',
    self: 'alice',
    drAccountId: '826354179405',
  };
  const tokens = new Set<string>();
  const counts = new Map<string, number>();
  for (const s of stepsOf(ctx)) {
    const t = `${s.action}${s.error ? '!' : ''}`;
    tokens.add(t);
    counts.set(t, (counts.get(t) ?? 0) + (s.repeat ?? 1));
  }
  return { tokens, counts };
}

describe('attack library', () => {
  it('has at least 30 scenarios with unique ids over all ten categories, mapped to ATT&CK', () => {
    expect(SCENARIOS.length).toBeGreaterThanOrEqual(30);
    expect(new Set(SCENARIOS.map((s) => s.id)).size).toBe(SCENARIOS.length);
    expect(new Set(SCENARIOS.map((s) => s.category))).toEqual(
      new Set([
        'iam-creation',
        'security-configuration',
        'network-exposure',
        'permission-change',
        'defense-evasion',
        'exfiltration',
        'credential-access',
        'discovery',
        'execution',
        'impact',
      ]),
    );
    for (const s of SCENARIOS) {
      expect(s.techniques.length, s.id).toBeGreaterThan(0);
      for (const t of s.techniques) expect(t, s.id).toMatch(/^T\d{4}(\.\d{3})?$/);
    }
  });

  it('can run every scenario as stolen credentials or as an insider, and has routine-call scenarios', () => {
    const modes = new Set(SCENARIOS.flatMap((s) => s.modes));
    expect(modes).toEqual(new Set(['stolen', 'insider']));
    expect(SCENARIOS.filter((s) => s.routine).map((s) => s.id)).toEqual(
      expect.arrayContaining(['rds-snapshot-share-unknown', 'ssm-send-command', 'iam-access-key-other-user']),
    );
  });

  const stratus = SCENARIOS.filter((s) => s.stratus !== null);
  it.each(stratus.map((s) => [s.id, s] as const))(
    '%s makes the calls of the real Stratus detonation (names and failures)',
    (_id, s) => {
      const real = detonationTokens(s.stratus ?? '');
      const { tokens } = scenarioTokens(s.steps);
      for (const t of real) expect(tokens, `${s.id} misses ${t}`).toContain(t);
    },
  );

  it('reproduces the call counts of the bulk detonations', () => {
    const count = (id: string, token: string) =>
      scenarioTokens((SCENARIOS.find((s) => s.id === id) ?? { steps: () => [] }).steps).counts.get(token);
    expect(count('secrets-burst', 'secretsmanager:GetSecretValue')).toBe(20);
    expect(count('ec2-get-password-data', 'ec2:GetPasswordData!')).toBe(30);
    expect(count('ssm-send-command', 'ssm:DescribeInstanceInformation')).toBe(51);
    expect(count('ec2-download-user-data', 'ec2:DescribeInstanceAttribute!')).toBe(15);
  });
});

describe('planAttacks', () => {
  const org = buildOrg(createRng(1), 1, 21);
  const start = Date.parse('2026-01-05T00:00:00Z');

  it('schedules a few attacks a month, only after the learning period', () => {
    let total = 0;
    for (let seed = 1; seed <= 10; seed++) {
      const plan = planAttacks(createRng(seed), seed, 'rate', 21, 42, org.people, start);
      total += plan.length;
      for (const p of plan) expect(p.day).toBeGreaterThan(21);
    }
    // 3 test weeks at ~1.2 a week: 2-6 per seed on average.
    expect(total / 10).toBeGreaterThanOrEqual(2);
    expect(total / 10).toBeLessThanOrEqual(6);
  });

  it('covers the library across seeds, and runs every scenario with --attacks all', () => {
    const seen = new Set<string>();
    for (let seed = 1; seed <= 12; seed++)
      for (const p of planAttacks(createRng(seed), seed, 'rate', 21, 42, org.people, start)) seen.add(p.scenario.id);
    expect(seen.size).toBeGreaterThanOrEqual(30);
    expect(planAttacks(createRng(1), 1, 'all', 21, 42, org.people, start).length).toBe(SCENARIOS.length);
    expect(planAttacks(createRng(1), 1, 'none', 21, 42, org.people, start)).toEqual([]);
  });

  it('forces the listed scenarios and rejects unknown ids', () => {
    const plan = planAttacks(createRng(1), 1, 'cloudtrail-stop,secrets-burst', 21, 42, org.people, start);
    expect(plan.map((p) => p.scenario.id)).toEqual(['cloudtrail-stop', 'secrets-burst']);
    expect(() => planAttacks(createRng(1), 1, 'no-such-attack', 21, 42, org.people, start)).toThrow(
      /unknown attack scenario/,
    );
  });
});
