import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeRecord } from '../normalize/index.ts';
import type { BenignLabel, SimulateResult } from './index.ts';
import { buildOrg } from './org.ts';
import { COMPANY_COUNTS, COMPANY_GRANTS } from './personas.ts';
import { streamFor } from './prng.ts';
import { readTrail, type SimRecordFile, simulateTo } from './test-helpers.ts';

/** Ten days (four learning, six test) of a small company: every benign event and attack style still happens. */
const SMALL_COMPANY = {
  org: 'company' as const,
  weeks: 10 / 7,
  seed: 5,
  scale: 0.1,
  learningDays: 4,
  attacks: 'none',
  fileMinutes: 60,
};

const BENIGN_KINDS = [
  'vendor-onboarding',
  'vendor-scans',
  'new-team',
  'access-review',
  'terraform-refactor',
  'incident-night',
  'partner-bucket-policy',
  'dr-share-occasional',
  'role-upkeep',
  'team-change',
  'return-from-leave',
  'cli-upgrade',
  'travel',
];
const STYLES = [
  'session-riding',
  'low-and-slow',
  'role-chaining',
  'vendor-abuse',
  'incident-cover',
  'ci-unexpected-branch',
];

describe('simulate --org company (small scale)', () => {
  let dir = '';
  let result: SimulateResult;
  let files: SimRecordFile[] = [];
  let benign: BenignLabel[] = [];
  const records = () => files.flatMap((f) => f.records);

  beforeAll(() => {
    const run = simulateTo(SMALL_COMPANY);
    dir = run.dir;
    result = run.result;
    files = readTrail(dir);
    benign = JSON.parse(readFileSync(join(dir, 'benign.json'), 'utf8')) as BenignLabel[];
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('has ten roles at company scale, with ~100 people at scale 1', () => {
    const org = buildOrg(streamFor(1, 'org'), 1, 21, { counts: COMPANY_COUNTS, grants: COMPANY_GRANTS });
    expect(new Set(org.people.map((p) => p.persona)).size).toBe(10);
    expect(org.people.length).toBeGreaterThanOrEqual(100);
    expect(result.meta.org).toBe('company');
  });

  it('labels every benign event kind in the test period, with events that are in the trail', () => {
    const ids = new Set(records().map((r) => r.eventID as string));
    const learningEnd = Date.parse(result.meta.learningEnd);
    for (const kind of BENIGN_KINDS) {
      const labelled = benign.filter((b) => b.kind === kind);
      expect(labelled.length, kind).toBeGreaterThan(0);
      for (const b of labelled) {
        expect(Date.parse(b.end), kind).toBeGreaterThanOrEqual(learningEnd);
        expect(
          b.eventIds.every((id) => ids.has(id)),
          kind,
        ).toBe(true);
      }
    }
    expect(result.meta.benign.map((b) => b.kind)).toEqual(expect.arrayContaining(BENIGN_KINDS));
  });

  it('marks only the events that trust a new outside party as expecting a notice', () => {
    const expecting = new Set(benign.filter((b) => b.expect === 'notice').map((b) => b.kind));
    expect(expecting).toEqual(new Set(['vendor-onboarding', 'partner-bucket-policy']));
  });

  it('plays one attack of each style after learning, labelled with its style and the actor the normalizer resolves', () => {
    const byId = new Map(records().map((r) => [r.eventID as string, r]));
    const learningEnd = Date.parse(result.meta.learningEnd);
    expect(new Set(result.labels.map((l) => l.style))).toEqual(new Set(STYLES));
    for (const l of result.labels) {
      expect(Date.parse(l.start)).toBeGreaterThanOrEqual(learningEnd);
      const first = byId.get(l.eventIds[0] as string);
      expect(first, l.attackId).toBeDefined();
      const n = normalizeRecord(first as Record<string, unknown>);
      expect(n.ok && n.event.actor.key).toBe(l.actor);
    }
  });

  it("rides the victim's live session: the same access key and address as the victim's own calls that day", () => {
    const riding = result.labels.filter((l) => l.style === 'session-riding');
    expect(riding.length).toBe(2);
    const all = records();
    for (const l of riding) {
      const ids = new Set(l.eventIds);
      const attack = all.filter((r) => ids.has(r.eventID as string));
      const first = attack[0];
      expect(first, l.attackId).toBeDefined();
      const key = (first?.userIdentity as { accessKeyId?: string } | undefined)?.accessKeyId;
      expect(key).toMatch(/^ASIA/);
      const own = all.filter(
        (r) => !ids.has(r.eventID as string) && (r.userIdentity as { accessKeyId?: string }).accessKeyId === key,
      );
      expect(own.length, l.attackId).toBeGreaterThan(0);
      expect(new Set(own.map((r) => r.sourceIPAddress))).toContain(first?.sourceIPAddress);
    }
  });

  it('logs S3 object reads and writes as data events', () => {
    const data = records().filter((r) => r.eventName === 'GetObject' || r.eventName === 'PutObject');
    expect(data.length).toBeGreaterThan(100);
    for (const r of data) {
      expect(r.eventCategory).toBe('Data');
      expect(r.managementEvent).toBe(false);
    }
  });

  it('is deterministic per seed', () => {
    const again = simulateTo(SMALL_COMPANY);
    try {
      expect(again.result.meta).toEqual(result.meta);
      expect(again.result.labels).toEqual(result.labels);
    } finally {
      rmSync(again.dir, { recursive: true, force: true });
    }
  });

  it('refuses an unknown organization', () => {
    expect(() => simulateTo({ ...SMALL_COMPANY, org: 'startup' as 'company' })).toThrow(/unknown organization startup/);
  });
});
