/**
 * Day-one behaviour on real captures (scripts/day-one.ts): a Stratus Red Team detonation alone
 * in a fresh store, one day, no history, default options.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CaseResult, type DayOneCase, loadCases, runDayOne } from '../../scripts/day-one.ts';
import type { DetectOptions } from '../app/detect.ts';
import { isAwsAs } from '../model/signals.ts';
import { asnOf } from '../normalize/asn.ts';

const STRATUS = join(import.meta.dirname, '..', '..', 'fixtures', 'stratus-red-team');

let cases: DayOneCase[] | null = null;
async function run(technique: string, plainClient = false, options: DetectOptions = {}): Promise<CaseResult> {
  cases ??= await loadCases([STRATUS]);
  const c = cases.find((x) => x.id === `stratus:aws.${technique}`);
  if (!c) throw new Error(`no Stratus case ${technique}`);
  return runDayOne(c, plainClient, options);
}

describe('day one on real Stratus Red Team detonations', () => {
  it('CloudTrail stopped or deleted: a learning-period alert, also without the toolkit’s user agent', async () => {
    for (const technique of ['defense-evasion.cloudtrail-stop', 'defense-evasion.cloudtrail-delete']) {
      const recorded = await run(technique);
      expect(recorded.alerts, technique).toBe(1);
      expect(recorded.learningPeriod, technique).toBe(true);
      expect(recorded.signals, technique).toEqual(['cloudtrail-disabled', 'offensive-client']);
      expect(recorded.titles[0], technique).toMatch(/^Learning period: christophe: CloudTrail logging switched off/);
      const plain = await run(technique, true);
      expect(plain.alerts, technique).toBe(1);
      expect(plain.signals, technique).toEqual(['cloudtrail-disabled']);
    }
  });

  it('a snapshot, image, database snapshot, function or role opened to an outside account: a learning-period alert on day one', async () => {
    for (const technique of [
      'exfiltration.ec2-share-ebs-snapshot',
      'exfiltration.ec2-share-ami',
      'exfiltration.rds-share-snapshot',
      'persistence.lambda-backdoor-function',
      'persistence.iam-backdoor-role',
      'persistence.iam-create-backdoor-role',
    ]) {
      const plain = await run(technique, true);
      expect(plain.alerts, technique).toBe(1);
      expect(plain.learningPeriod, technique).toBe(true);
      expect(plain.signals, technique).toEqual(['shared-outside-organization']);
    }
    // The same share with an account declared the organization's own (the capture's trail is of
    // one account, so its sibling accounts are unknown to it until declared): no exposure.
    const declared = await run('exfiltration.ec2-share-ebs-snapshot', true, { organizationAccounts: ['098797384747'] });
    expect(declared.signals).not.toContain('shared-outside-organization');
    expect(declared.alerts).toBe(0);
    // Reading secrets shares nothing: still silent on day one without the toolkit's name.
    expect((await run('credential-access.secretsmanager-retrieve-secrets', true)).alerts).toBe(0);
  });

  it('instance credentials stolen: alerts on the toolkit; the thief called from inside AWS', async () => {
    const recorded = await run('credential-access.ec2-steal-instance-credentials');
    expect(recorded.alerts).toBeGreaterThanOrEqual(1);
    expect(recorded.learningPeriod).toBe(true);
    expect(recorded.signals).toContain('offensive-client');
    // The detonation's calls with the instance's credentials come from an EC2 address (AS16509):
    // "outside AWS" cannot fire on this capture, only a client or a second network could.
    cases ??= await loadCases([STRATUS]);
    const c = cases.find((x) => x.id === 'stratus:aws.credential-access.ec2-steal-instance-credentials');
    const roleCalls = (c?.sequences[0]?.records ?? []).filter((r) => r.actorType === 'assumed-role');
    expect(roleCalls.length).toBeGreaterThan(0);
    for (const r of roleCalls) {
      const as = asnOf(String(r.raw.sourceIPAddress));
      expect(as !== null && isAwsAs(as)).toBe(true);
    }
  });
});
