import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Event, normalizeRecord } from '../normalize/index.ts';
import type { SimulateResult } from './index.ts';
import { listFiles, readTrail, SHORT_SIM, type SimRecordFile, simulateTo } from './test-helpers.ts';

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
};

const FILE_NAME =
  /^AWSLogs\/o-[a-z0-9]{10}\/(\d{12})\/CloudTrail\/([a-z]{2}-[a-z]+-\d)\/(\d{4})\/(\d{2})\/(\d{2})\/\1_CloudTrail_\2_(\d{8}T\d{4}Z)_[A-Z0-9]{16}\.json\.gz$/;

describe('simulate (four days, forced attacks)', () => {
  let dir = '';
  let result: SimulateResult;
  let files: SimRecordFile[] = [];
  const records = () => files.flatMap((f) => f.records);

  beforeAll(() => {
    const run = simulateTo({
      ...SHORT_SIM,
      attacks: 'iam-create-admin-user,rds-snapshot-share-unknown,accessdenied-enumeration',
    });
    dir = run.dir;
    result = run.result;
    files = readTrail(dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the S3 delivery layout with about five minutes per account and region per file', () => {
    expect(files.length).toBeGreaterThan(100);
    const wrong: string[] = [];
    for (const f of files) {
      const m = FILE_NAME.exec(f.path);
      if (!m) {
        wrong.push(`name ${f.path}`);
        continue;
      }
      const [, account, region, y, mo, d, stamp] = m;
      const end = Date.parse(
        `${stamp?.slice(0, 4)}-${stamp?.slice(4, 6)}-${stamp?.slice(6, 8)}T${stamp?.slice(9, 11)}:${stamp?.slice(11, 13)}:00Z`,
      );
      // Every record belongs to the five minutes before the file's stamp, in its account and region.
      for (const r of f.records) {
        const t = Date.parse(String(r.eventTime));
        if (t >= end || t < end - 5 * 60_000 || r.recipientAccountId !== account || r.awsRegion !== region)
          wrong.push(`${f.path}: ${String(r.eventID)}`);
      }
      if (`${y}-${mo}-${d}` !== new Date(end - 5 * 60_000).toISOString().slice(0, 10)) wrong.push(`folder ${f.path}`);
    }
    expect(wrong).toEqual([]);
  });

  it('leaves records unordered inside a file, as AWS does', () => {
    const big = files.filter((f) => f.records.length >= 10);
    const sorted = big.filter((f) =>
      f.records.every((r, i) => i === 0 || String(f.records[i - 1]?.eventTime) <= String(r.eventTime)),
    );
    expect(big.length).toBeGreaterThan(10);
    expect(sorted.length / big.length).toBeLessThan(0.2);
  });

  it('writes full records that the real normalizer accepts, with every userIdentity variant', () => {
    const all = records();
    const types = new Set<string>();
    const refused: string[] = [];
    const missing = new Set<string>();
    for (const r of all) {
      const n = normalizeRecord(r);
      if (!n.ok) refused.push(`${n.code}: ${JSON.stringify(r).slice(0, 200)}`);
      types.add(String((r.userIdentity as Record<string, unknown>).type));
      for (const k of [
        'eventVersion',
        'userIdentity',
        'eventTime',
        'eventSource',
        'eventName',
        'awsRegion',
        'sourceIPAddress',
        'userAgent',
        'requestID',
        'eventID',
        'readOnly',
        'eventType',
        'managementEvent',
        'recipientAccountId',
        'eventCategory',
      ])
        if (!(k in r)) missing.add(k);
    }
    expect(refused).toEqual([]);
    expect([...missing]).toEqual([]);
    expect([...types].sort()).toEqual([
      'AWSAccount',
      'AWSService',
      'AssumedRole',
      'IAMUser',
      'Root',
      'WebIdentityUser',
    ]);
    const sso = all.find((r) => String((r.userIdentity as { arn?: string }).arn).includes('AWSReservedSSO_'));
    expect(sso).toBeDefined();
    const ctx = (
      (sso as Record<string, unknown>).userIdentity as {
        sessionContext: {
          sessionIssuer: { arn: string };
          attributes: { creationDate: string; mfaAuthenticated: string };
        };
      }
    ).sessionContext;
    expect(ctx.sessionIssuer.arn).toMatch(
      /:role\/aws-reserved\/sso\.amazonaws\.com\/AWSReservedSSO_[A-Za-z]+_[0-9a-f]{16}$/,
    );
    expect(ctx.attributes.creationDate).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(all.some((r) => r.sessionCredentialFromConsole === 'true')).toBe(true);
    expect(all.some((r) => r.eventType === 'AwsConsoleSignIn' && r.eventName === 'ConsoleLogin')).toBe(true);
    expect(all.some((r) => r.eventType === 'AwsServiceEvent')).toBe(true);
    expect(all.some((r) => r.errorCode === 'AccessDenied' && typeof r.errorMessage === 'string')).toBe(true);
    expect(
      all.some(
        (r) =>
          r.eventName === 'AssumeRoleWithWebIdentity' &&
          (r.userIdentity as { identityProvider?: string }).identityProvider === 'token.actions.githubusercontent.com',
      ),
    ).toBe(true);
    // Cross-account: a principal of one account calling into another.
    expect(
      all.some(
        (r) =>
          (r.userIdentity as { accountId?: string }).accountId !== undefined &&
          (r.userIdentity as { accountId?: string }).accountId !== r.recipientAccountId,
      ),
    ).toBe(true);
  });

  it('labels each attack with its eventIDs, actor key as normalized, and ATT&CK ids', () => {
    const labels = JSON.parse(readFileSync(join(dir, 'labels.json'), 'utf8')) as Array<{
      scenario: string;
      actor: string;
      eventIds: string[];
      techniques: string[];
      start: string;
    }>;
    expect(labels.map((l) => l.scenario).sort()).toEqual([
      'accessdenied-enumeration',
      'iam-create-admin-user',
      'rds-snapshot-share-unknown',
    ]);
    const byId = new Map(records().map((r) => [String(r.eventID), r]));
    for (const l of labels) {
      expect(l.eventIds.length).toBeGreaterThan(0);
      for (const id of l.eventIds) {
        const r = byId.get(id);
        expect(r, id).toBeDefined();
        const n = normalizeRecord(r as Record<string, unknown>);
        expect(n.ok && n.event.actor.key).toBe(l.actor);
      }
      for (const t of l.techniques) expect(t).toMatch(/^T\d{4}(\.\d{3})?$/);
      expect(Date.parse(l.start)).toBeGreaterThanOrEqual(Date.parse(result.meta.learningEnd));
    }
  });

  describe('realism (stated ranges)', () => {
    // Normal activity only: the injected attacks are meant to be unusual.
    let cached: Event[] | null = null;
    const events = (): Event[] => {
      if (cached) return cached;
      const attack = new Set(result.labels.flatMap((l) => l.eventIds));
      const out: Event[] = [];
      for (const r of records()) {
        const n = normalizeRecord(r);
        if (n.ok && !attack.has(n.event.eventId)) out.push(n.event);
      }
      cached = out.sort((a, b) => a.time - b.time);
      return cached;
    };
    const human = (e: Event) => e.actor.key.includes('AWSReservedSSO_');

    it('people make 20-400 calls on a working day, in sessions of 3-80 calls lasting 1-90 minutes (medians)', () => {
      const perPersonDay = new Map<string, number>();
      const perPerson = new Map<string, Event[]>();
      for (const e of events().filter(human)) {
        const who = e.actor.person ?? e.actor.key;
        const k = `${who}|${e.eventTime.slice(0, 10)}`;
        perPersonDay.set(k, (perPersonDay.get(k) ?? 0) + 1);
        perPerson.set(who, [...(perPerson.get(who) ?? []), e]);
      }
      expect(median([...perPersonDay.values()])).toBeGreaterThanOrEqual(20);
      expect(median([...perPersonDay.values()])).toBeLessThanOrEqual(400);
      const lengths: number[] = [];
      const minutes: number[] = [];
      for (const list of perPerson.values()) {
        let start = 0;
        for (let i = 1; i <= list.length; i++) {
          if (i === list.length || (list[i]?.time ?? 0) - (list[i - 1]?.time ?? 0) > 30 * 60_000) {
            lengths.push(i - start);
            minutes.push(((list[i - 1]?.time ?? 0) - (list[start]?.time ?? 0)) / 60_000);
            start = i;
          }
        }
      }
      expect(median(lengths)).toBeGreaterThanOrEqual(3);
      expect(median(lengths)).toBeLessThanOrEqual(80);
      expect(median(minutes)).toBeGreaterThanOrEqual(1);
      expect(median(minutes)).toBeLessThanOrEqual(90);
    });

    it('people see 0.3-5% errors and 60-97% reads; the whole trail (machines read all day) 75-99.5% reads', () => {
      const all = events();
      const people = all.filter(human);
      const errorRate = people.filter((e) => !e.success).length / people.length;
      const readShare = (list: Event[]) => list.filter((e) => e.readOnly === true).length / list.length;
      expect(errorRate).toBeGreaterThanOrEqual(0.003);
      expect(errorRate).toBeLessThanOrEqual(0.05);
      expect(readShare(people)).toBeGreaterThanOrEqual(0.6);
      expect(readShare(people)).toBeLessThanOrEqual(0.97);
      expect(readShare(all)).toBeGreaterThanOrEqual(0.75);
      expect(readShare(all)).toBeLessThanOrEqual(0.995);
    });

    it('machines call around the clock; CI deploys on weekdays; the scanner bursts hundreds of reads on Sunday', () => {
      const all = events();
      const hours = new Set(
        all.filter((e) => e.actor.key.includes('api-task-role')).map((e) => new Date(e.time).getUTCHours()),
      );
      expect(hours.size).toBe(24);
      const ci = all.filter((e) => e.actor.roleArn?.endsWith('role/github-actions-terraform'));
      expect(ci.length).toBeGreaterThan(100);
      expect(ci.every((e) => ![0, 6].includes(new Date(e.time).getUTCDay()))).toBe(true);
      const scan = all.filter((e) => e.actor.roleArn?.endsWith('role/ProwlerScanRole'));
      expect(scan.length).toBeGreaterThan(300);
      expect(scan.every((e) => new Date(e.time).getUTCDay() === 0)).toBe(true);
      expect(scan.filter((e) => e.readOnly).length / scan.length).toBeGreaterThan(0.95);
      expect(((scan.at(-1)?.time ?? 0) - (scan[0]?.time ?? 0)) / 60_000).toBeLessThan(60);
    });
  });

  it('writes meta.json with the learning end and counts that match the files', () => {
    const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as SimulateResult['meta'];
    expect(meta.seed).toBe(11);
    expect(meta.start).toBe('2026-01-09T00:00:00.000Z');
    expect(meta.learningEnd).toBe('2026-01-10T00:00:00.000Z');
    expect(meta.counts.events).toBe(records().length);
    expect(meta.counts.files).toBe(files.length);
    expect(meta.counts.attacks).toBe(3);
    expect(new Set(records().map((r) => r.eventID)).size).toBe(records().length);
  });
});

describe('simulate determinism', () => {
  const opts = { weeks: 1 / 7, start: '2026-01-06T00:00:00Z', learningDays: 1, scale: 0.1 } as const;
  const digest = (dir: string) => {
    const h = createHash('sha256');
    for (const p of listFiles(dir)) h.update(p.slice(dir.length)).update(readFileSync(p));
    return h.digest('hex');
  };

  it('writes byte-identical output for the same seed and different output for another seed', () => {
    const a = simulateTo({ ...opts, seed: 5 });
    const b = simulateTo({ ...opts, seed: 5 });
    const c = simulateTo({ ...opts, seed: 6 });
    try {
      expect(digest(a.dir)).toBe(digest(b.dir));
      expect(digest(a.dir)).not.toBe(digest(c.dir));
    } finally {
      for (const d of [a.dir, b.dir, c.dir]) rmSync(d, { recursive: true, force: true });
    }
  });
});
