import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/testing.ts';
import { normalizeRecord } from '../normalize/index.ts';
import { streamFor } from '../sim/prng.ts';
import { listFiles, readTrail, simulateTo } from '../sim/test-helpers.ts';
import { type InjectedLabel, injectInto, injectionEntries } from './inject.ts';
import { type AttackSequence, loadSequences } from './sequences.ts';
import { mainActorOf, transplant } from './transplant.ts';

const STRATUS = 'fixtures/stratus-red-team';
const PANTHER = 'fixtures/panther';
const SCENARIOS = 'fixtures/panther/panther_test_scenarios.jsonl';

function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) strings(v, out);
  return out;
}

describe('loadSequences', () => {
  it('makes one attack of each Stratus detonation log, with the tactic of its technique id as category', async () => {
    const { sequences, summary } = await loadSequences([STRATUS]);
    expect(summary.sequences).toBe(37);
    expect(summary.records).toBe(312);
    expect(summary.quarantined).toEqual({});
    const stop = sequences.find((s) => s.id === 'stratus:aws.defense-evasion.cloudtrail-stop');
    expect(stop?.category).toBe('defense-evasion');
    expect(stop?.source).toBe('stratus');
    expect(stop?.records.map((r) => r.raw.eventName)).toEqual(['StopLogging']);
    for (const s of sequences)
      for (let i = 1; i < s.records.length; i++)
        expect(s.records[i]?.time ?? 0).toBeGreaterThanOrEqual(s.records[i - 1]?.time ?? 0);
  });

  it('groups Panther scenarios by scenario (attack records only) and rule tests one per firing test; quarantines what ingest would', async () => {
    const { sequences, summary } = await loadSequences([PANTHER]);
    const root = sequences.find((s) => s.id === 'panther:compromised-root-creds');
    expect(root?.records).toHaveLength(12);
    expect(sequences.find((s) => s.id === 'panther:enrichment-example')?.records).toHaveLength(7);
    const ruleTests = sequences.filter((s) => s.id.includes('#'));
    expect(ruleTests.every((s) => s.records.length === 1 && s.records[0]?.raw._expected_result === true)).toBe(true);
    expect(ruleTests.every((s) => s.scenario === `panther:${String(s.records[0]?.raw._source_rule)}`)).toBe(true);
    // 489 records: 8 benign scenario records and the negative tests are not attacks; records
    // without eventID or with a bad eventTime are quarantined, as the ingest would.
    const quarantined = Object.values(summary.quarantined).reduce((n, x) => n + x, 0);
    expect(summary.records).toBe(489);
    expect(quarantined).toBeGreaterThan(0);
    expect(summary.quarantined['missing-field']).toBeGreaterThan(0);
    const inSequences = sequences.reduce((n, s) => n + s.records.length, 0);
    expect(inSequences + quarantined + summary.notAttacks).toBe(489);
    expect(new Set(sequences.map((s) => s.id)).size).toBe(sequences.length);
  });
});

describe('transplant', () => {
  let stratus: AttackSequence[] = [];
  let root: AttackSequence;
  beforeAll(async () => {
    stratus = (await loadSequences([STRATUS])).sequences;
    root = (await loadSequences([SCENARIOS])).sequences.find(
      (s) => s.id === 'panther:compromised-root-creds',
    ) as AttackSequence;
  });
  const byId = (id: string) => stratus.find((s) => s.id === id) as AttackSequence;
  const target = { accountId: '482910375610', region: 'eu-west-1', start: Date.parse('2026-02-03T10:00:00Z') };

  it('keeps the order and spacing of the records, from the chosen start', () => {
    const sut = transplant(root, { ...target, stolen: null }, streamFor(1, 't'));
    expect(sut.map((r) => r.eventName)).toEqual(root.records.map((r) => r.raw.eventName));
    const t0 = root.records[0]?.time ?? 0;
    expect(sut.map((r) => Date.parse(String(r.eventTime)) - target.start)).toEqual(
      root.records.map((r) => r.time - t0),
    );
    // A day and a half of failed sign-ins, then the takeover: the spacing is part of the attack.
    expect(Date.parse(String(sut.at(-1)?.eventTime)) - target.start).toBeGreaterThan(86_400_000);
  });

  it('moves every record into the target account and region, wherever the old account appears', () => {
    const seq = byId('stratus:aws.credential-access.ec2-get-password-data');
    const sut = transplant(seq, { ...target, stolen: null }, streamFor(1, 't'));
    expect(sut).toHaveLength(34);
    const text = strings(sut).join('\n');
    expect(text).not.toContain('457448411975');
    expect(text).not.toContain('apiso-northsouth-3r');
    for (const r of sut) {
      expect(r.recipientAccountId).toBe(target.accountId);
      expect(['eu-west-1', 'us-east-1']).toContain(r.awsRegion);
      const ui = r.userIdentity as { accountId: string; arn: string };
      expect(ui.accountId).toBe(target.accountId);
      expect(ui.arn).toContain(`::${target.accountId}:`);
    }
    // New to the organization: the real attacker principal and the role it assumed, moved.
    const actors = new Set(sut.map((r) => (r.userIdentity as { arn: string }).arn));
    expect(actors).toEqual(
      new Set([
        `arn:aws:iam::${target.accountId}:user/christophe`,
        `arn:aws:sts::${target.accountId}:assumed-role/stratus-red-team-ec2-get-password-data-role/aws-go-sdk-1722375070115152000`,
      ]),
    );
  });

  it('gives every record a fresh eventID and drops fields that are not CloudTrail', async () => {
    const panther = (await loadSequences([PANTHER])).sequences;
    const ids = new Set<string>();
    const rng = streamFor(1, 't');
    let n = 0;
    for (const seq of panther) {
      for (const r of transplant(seq, { ...target, stolen: null }, rng)) {
        ids.add(String(r.eventID));
        n++;
        expect(Object.keys(r).filter((k) => k.startsWith('_') || k.startsWith('p_'))).toEqual([]);
        expect(normalizeRecord(r).ok).toBe(true);
      }
    }
    // Panther's tests reuse ids such as "1": the transplanted ones are all distinct.
    expect(ids.size).toBe(n);
    expect(ids.has('1')).toBe(false);
  });

  it('is deterministic for a seed, and another seed draws other ids', () => {
    const seq = byId('stratus:aws.execution.ssm-send-command');
    const a = transplant(seq, { ...target, stolen: null }, streamFor(7, 't'));
    const b = transplant(seq, { ...target, stolen: null }, streamFor(7, 't'));
    const c = transplant(seq, { ...target, stolen: null }, streamFor(8, 't'));
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(c.map((r) => r.eventID)).not.toEqual(a.map((r) => r.eventID));
  });

  it('stolen: the attacker principal becomes the existing identity, principals it assumed stay', () => {
    const seq = byId('stratus:aws.credential-access.ec2-get-password-data');
    const arn = `arn:aws:sts::${target.accountId}:assumed-role/AWSReservedSSO_PlatformAdmin_fde0a8f9241d8f21/peggy.fischer@acme-corp.com`;
    const userIdentity = {
      type: 'AssumedRole',
      principalId: 'AROAEXAMPLE:peggy.fischer@acme-corp.com',
      arn,
      accountId: target.accountId,
      accessKeyId: 'ASIAOLDSESSION000001',
      sessionContext: {
        sessionIssuer: {
          type: 'Role',
          principalId: 'AROAEXAMPLE',
          arn: `arn:aws:iam::${target.accountId}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_PlatformAdmin_fde0a8f9241d8f21`,
          accountId: target.accountId,
          userName: 'AWSReservedSSO_PlatformAdmin_fde0a8f9241d8f21',
        },
        attributes: { creationDate: '2026-01-20T09:00:00Z', mfaAuthenticated: 'false' },
      },
    };
    const sut = transplant(seq, { ...target, stolen: { userIdentity, arn } }, streamFor(1, 't'));
    const main = mainActorOf(seq);
    const keys = sut.map((r) => {
      const n = normalizeRecord(r);
      return n.ok ? n.event.actor.key : null;
    });
    const expected = normalizeRecord({ ...(sut[0] as Record<string, unknown>), userIdentity });
    const stolenKey = expected.ok ? expected.event.actor.key : '';
    seq.records.forEach((r, i) => {
      if (r.actorKey === main?.key) {
        expect(keys[i]).toBe(stolenKey);
        const ui = sut[i]?.userIdentity as {
          accessKeyId: string;
          sessionContext: { attributes: { creationDate: string } };
        };
        // A session minted shortly before the attack, not the owner's old one.
        expect(ui.accessKeyId).not.toBe('ASIAOLDSESSION000001');
        expect(Date.parse(ui.sessionContext.attributes.creationDate)).toBeLessThanOrEqual(target.start);
        expect(Date.parse(ui.sessionContext.attributes.creationDate)).toBeGreaterThan(target.start - 3_600_000);
      } else expect(keys[i]).toContain('stratus-red-team-ec2-get-password-data-role');
    });
    expect(strings(sut).join('\n')).not.toContain('user/christophe');
  });
});

describe('injectInto a simulated organization', () => {
  let base = '';
  const dirs: string[] = [];
  let sequences: AttackSequence[] = [];
  beforeAll(async () => {
    base = simulateTo({ weeks: 2, seed: 3, scale: 0.2, attacks: 'none' }).dir;
    sequences = (await loadSequences([STRATUS, SCENARIOS])).sequences;
  });
  afterAll(() => {
    for (const d of [base, ...dirs]) rmSync(d, { recursive: true, force: true });
  });
  const copy = () => {
    const d = mkdtempSync(join(tmpdir(), 'trailhound-inject-'));
    cpSync(base, d, { recursive: true });
    dirs.push(d);
    return d;
  };

  it('takes the seed’s share of the library, both modes, each sequence once per mode over the whole list', () => {
    const entries = injectionEntries(sequences, 'both');
    expect(
      entries
        .filter((e) => e.mode === 'new-identity')
        .map((e) => e.seq.id)
        .sort(),
    ).toEqual(sequences.map((s) => s.id).sort());
    expect(entries.filter((e) => e.mode === 'stolen')).toHaveLength(sequences.length);
    const sut = injectInto(copy(), { sequences, seed: 1, perWeek: 4 });
    // One test week at four a week.
    expect(sut.labels).toHaveLength(4);
    expect(sut.labels.map((l) => l.mode)).toEqual(['stolen', 'stolen', 'new-identity', 'new-identity']);
    expect(sut.labels.map((l) => l.source)).toEqual(['stratus', 'panther', 'stratus', 'panther']);
    expect(new Set(sut.labels.map((l) => l.scenario)).size).toBe(4);
    const next = injectInto(copy(), { sequences, seed: 2, perWeek: 4 });
    expect(next.labels.map((l) => l.attackId.slice(5))).not.toEqual(sut.labels.map((l) => l.attackId.slice(5)));
  });

  it('writes delivery files in the simulator layout and labels the attacks, identically for the same seed', () => {
    const a = copy();
    const b = copy();
    const before = new Set(listFiles(join(a, 'AWSLogs')).map((p) => relative(a, p)));
    const sut = injectInto(a, { sequences, seed: 5, perWeek: 'all' });
    injectInto(b, { sequences, seed: 5, perWeek: 'all' });
    const meta = JSON.parse(readFileSync(join(a, 'meta.json'), 'utf8')) as { learningEnd: string; end: string };
    const labels = JSON.parse(readFileSync(join(a, 'labels.json'), 'utf8')) as InjectedLabel[];
    expect(labels).toEqual(JSON.parse(readFileSync(join(b, 'labels.json'), 'utf8')));
    expect(labels).toHaveLength(sut.labels.length);
    expect(sut.labels.length).toBe(2 * 39);
    const trail = readTrail(a);
    const added = trail.filter((f) => !before.has(f.path));
    expect(added.map((f) => f.path)).toEqual(
      readTrail(b)
        .filter((f) => !before.has(f.path))
        .map((f) => f.path),
    );
    expect(added).toHaveLength(sut.files);
    const count = new Map<string, number>();
    for (const f of trail)
      for (const r of f.records) count.set(String(r.eventID), (count.get(String(r.eventID)) ?? 0) + 1);
    for (const f of added) {
      const [, acct, region] =
        /^AWSLogs\/o-7kq2x9vd4m\/(\d{12})\/CloudTrail\/([a-z0-9-]+)\/\d{4}\/\d{2}\/\d{2}\/\1_CloudTrail_\2_\d{8}T\d{4}Z_[A-Z0-9]{16}\.json\.gz$/.exec(
          f.path,
        ) ?? [];
      expect(acct).toBeDefined();
      for (const r of f.records) {
        expect(r.recipientAccountId).toBe(acct);
        expect(r.awsRegion ?? 'us-east-1').toBe(region);
      }
    }
    for (const l of sut.labels) {
      for (const id of l.eventIds) expect(count.get(id)).toBe(1);
      expect(Date.parse(l.start)).toBeGreaterThanOrEqual(Date.parse(meta.learningEnd));
      expect(Date.parse(l.start)).toBeLessThan(Date.parse(meta.end));
    }
  });

  it('stolen attacks are signed by a person with history in the learning period, never by a simulated attack’s identity', () => {
    const dir = copy();
    const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as { learningEnd: string };
    const known = new Set<string>();
    for (const f of readTrail(dir))
      for (const r of f.records) {
        const n = normalizeRecord(r);
        if (n.ok && n.event.time < Date.parse(meta.learningEnd)) known.add(n.event.actor.key);
      }
    const sut = injectInto(dir, { sequences, seed: 2, perWeek: 'all', modes: 'stolen' });
    expect(sut.labels.length).toBeGreaterThan(30);
    for (const l of sut.labels) {
      expect(l.mode).toBe('stolen');
      expect(known.has(l.actor)).toBe(true);
      expect(l.actor).not.toBe(l.originalActor);
    }
    const fresh = injectInto(copy(), { sequences, seed: 2, perWeek: 'all', modes: 'new-identity' });
    for (const l of fresh.labels) expect(known.has(l.actor)).toBe(false);
  });
});

describe('trailhound eval --inject', () => {
  it('simulates, injects, and reports the injected attacks beside the simulated ones', async () => {
    const sut = await runCli([
      'eval',
      '--weeks',
      '2',
      '--seeds',
      '4',
      '--scale',
      '0.2',
      '--detector',
      'rarity',
      '--inject',
      STRATUS,
      SCENARIOS,
      '--inject-rate',
      '6',
      '--format',
      'json',
    ]);
    expect(sut.code).toBe(0);
    expect(sut.stderr).toMatch(/inject: 39 attack sequences \(37 stratus, 2 panther\)/);
    const out = JSON.parse(sut.stdout) as {
      injection: { sequences: number };
      perSeed: Array<{ injected: { taken: number; records: number } }>;
      aggregate: Array<{ attacks: Array<{ source: string; mode: string; detected: boolean; scenario: string }> }>;
    };
    expect(out.injection.sequences).toBe(39);
    expect(out.perSeed[0]?.injected.taken).toBe(6);
    const injected = out.aggregate[0]?.attacks.filter((a) => a.source !== 'simulated') ?? [];
    expect(injected).toHaveLength(6);
    // Rarity alerts on every API a new identity calls: each attack by an identity new to the
    // organization is caught.
    const fresh = injected.filter((a) => a.mode === 'new-identity');
    expect(fresh.length).toBeGreaterThan(0);
    expect(fresh.every((a) => a.detected)).toBe(true);
  });

  it('prints the per-source table', async () => {
    const sut = await runCli([
      'eval',
      '--weeks',
      '2',
      '--seeds',
      '4',
      '--scale',
      '0.2',
      '--detector',
      'rules',
      '--inject',
      SCENARIOS,
      '--inject-rate',
      'all',
    ]);
    expect(sut.code).toBe(0);
    expect(sut.stdout).toContain('Per source and attacker identity');
    expect(sut.stdout).toMatch(/panther\s+new-identity\s+\d\/2/);
    expect(sut.stdout).toMatch(/panther:compromised-root-creds\s+stolen/);
  });

  it('refuses --inject with --data (a folder of the user’s is not rewritten)', async () => {
    const sut = await runCli(['eval', '--data', '.', '--inject', SCENARIOS]);
    expect(sut.code).toBe(2);
    expect(sut.stderr).toContain('--inject');
  });
});
