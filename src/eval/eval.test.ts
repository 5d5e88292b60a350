import { rmSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../cli/main.ts';
import { simulateTo } from '../sim/test-helpers.ts';
import { loadTrailhoundDetector } from './detectors/trailhound.ts';
import { evaluate } from './index.ts';
import { renderEvalJson, renderEvalTable } from './report.ts';

function captureIo() {
  const chunks = { out: '', err: '' };
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  stdout.on('data', (d) => {
    chunks.out += String(d);
  });
  stderr.on('data', (d) => {
    chunks.err += String(d);
  });
  return { io: { stdout, stderr, stdin: new PassThrough(), env: {} }, chunks };
}

describe('evaluate over a labelled directory (ingest, detect, score)', () => {
  let dir = '';
  beforeAll(() => {
    dir = simulateTo({
      weeks: 3 / 7,
      seed: 4,
      scale: 0.1,
      start: '2026-01-06T00:00:00Z',
      learningDays: 1,
      attacks: 'cloudtrail-stop,iam-create-admin-user,secrets-burst',
    }).dir;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('scores the rules baseline: it fires on StopLogging and CreateUser but not on a GetSecretValue burst', async () => {
    const sut = await evaluate({ data: dir, detector: 'rules' });
    const rules = sut.aggregate[0];
    expect(rules?.detector).toBe('rules');
    const byScenario = Object.fromEntries((rules?.attacks ?? []).map((a) => [a.scenario, a.detected]));
    expect(byScenario['cloudtrail-stop']).toBe(true);
    expect(byScenario['iam-create-admin-user']).toBe(true);
    expect(byScenario['secrets-burst']).toBe(false);
    expect(rules?.total).toBe(3);
    expect(rules?.alerts).toBeGreaterThan(0);
    expect(renderEvalTable(sut)).toMatch(/rules\s+\d+\/3/);
    expect(JSON.parse(renderEvalJson(sut)).perSeed[0].scores[0].detector).toBe('rules');
  });

  it('scores the rarity baseline: first calls after learning catch every attack, with many false alerts', async () => {
    const sut = await evaluate({ data: dir, detector: 'rarity' });
    const rarity = sut.aggregate[0];
    expect(rarity?.detected).toBe(3);
    expect(rarity?.falseAlerts).toBeGreaterThan(rarity?.matchedAlerts ?? 0);
  });

  it('runs from the command line and prints the table', async () => {
    const { io, chunks } = captureIo();
    const code = await main(['node', 'trailhound', 'eval', '--data', dir, '--detector', 'rules'], io);
    expect(code).toBe(0);
    expect(chunks.out).toContain('attacks detected');
    expect(chunks.out).toContain('Per scenario');
  });
});

describe('evaluate a small company organization', () => {
  let dir = '';
  beforeAll(() => {
    dir = simulateTo({
      org: 'company',
      weeks: 10 / 7,
      seed: 5,
      scale: 0.1,
      learningDays: 4,
      attacks: 'none',
      fileMinutes: 60,
    }).dir;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reports recall per attack style and false alerts by the benign event they overlap', async () => {
    const sut = await evaluate({ data: dir, detector: 'rules' });
    const rules = sut.aggregate[0];
    expect(new Set(rules?.attacks.map((a) => a.style))).toEqual(
      new Set([
        'session-riding',
        'low-and-slow',
        'role-chaining',
        'vendor-abuse',
        'incident-cover',
        'ci-unexpected-branch',
      ]),
    );
    // The rules baseline fires on the vendor's StackSet role creation and its snapshot shares.
    expect(rules?.falseByBenign['vendor-onboarding']).toBeGreaterThan(0);
    expect(rules?.falseByBenign['vendor-scans']).toBeGreaterThan(0);
    const table = renderEvalTable(sut);
    expect(table).toMatch(/Per attack style[\s\S]*session-riding\s+\d\/2/);
    expect(table).toMatch(/False alerts by the benign event[\s\S]*vendor-scans/);
  });

  it('refuses an unknown organization on the command line', async () => {
    const { io, chunks } = captureIo();
    const code = await main(['node', 'trailhound', 'eval', '--org', 'startup'], io);
    expect(code).not.toBe(0);
    expect(chunks.err).toContain('--org startup is not one of default, company');
  });
});

describe('loadTrailhoundDetector', () => {
  it('returns a detector or the reason it is unavailable, never throws', async () => {
    const sut = await loadTrailhoundDetector();
    if ('unavailable' in sut) expect(sut.unavailable).toMatch(/detect/);
    else expect(sut.name).toBe('trailhound');
  });
});
