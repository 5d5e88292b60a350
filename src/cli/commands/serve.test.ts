import { describe, expect, it } from 'vitest';
import { runCli } from '../testing.ts';

describe('trailhound serve', () => {
  it('refuses to listen beyond loopback without TRAILHOUND_TOKEN, naming the fix', async () => {
    const run = await runCli(['serve', '--host', '0.0.0.0', '--port', '0', '--db', ':memory:']);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('TRAILHOUND_TOKEN');
    expect(run.stdout).not.toContain('dashboard and API on');
  });

  it('refuses a bad analyst header name and a bad budget', async () => {
    const header = await runCli(['serve', '--analyst-header', 'X User', '--db', ':memory:']);
    expect(header.code).not.toBe(0);
    expect(header.stderr).toContain('--analyst-header');
    const budget = await runCli(['serve', '--alerts-per-week', '0', '--db', ':memory:']);
    expect(budget.code).not.toBe(0);
    expect(budget.stderr).toContain('--alerts-per-week');
  });
});
