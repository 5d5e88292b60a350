/**
 * Renders an evaluation as text tables (overall, per category, per scenario, false alerts
 * by benign surprise) or as JSON with per-seed and aggregate figures.
 */
import { renderTable } from '../util/table.ts';
import type { EvaluateResult } from './index.ts';
import { type DetectorScore, NO_BENIGN } from './score.ts';

const pct = (x: number | null): string => (x === null ? '-' : `${(x * 100).toFixed(x < 0.1 && x > 0 ? 1 : 0)}%`);

function group(
  scores: readonly DetectorScore[],
  key: (a: DetectorScore['attacks'][number]) => string,
): Array<[string, Map<string, { d: number; n: number }>]> {
  const rows = new Map<string, Map<string, { d: number; n: number }>>();
  for (const s of scores) {
    for (const a of s.attacks) {
      const k = key(a);
      let row = rows.get(k);
      if (!row) {
        row = new Map();
        rows.set(k, row);
      }
      const cell = row.get(s.detector) ?? { d: 0, n: 0 };
      cell.n++;
      if (a.detected) cell.d++;
      row.set(s.detector, cell);
    }
  }
  return [...rows.entries()].sort((a, b) => a[0].localeCompare(b[0]));
}

export function renderEvalTable(r: EvaluateResult): string {
  const out: string[] = [];
  const seeds = r.seeds.map((s) => (s === null ? 'data' : String(s))).join(',');
  const first = r.perSeed[0];
  const learningWeeks = first ? (first.meta.learningEnd - first.meta.start) / (7 * 86_400_000) : 0;
  const testWeeks = first ? (first.meta.end - first.meta.learningEnd) / (7 * 86_400_000) : 0;
  const events = r.perSeed.reduce((n, s) => n + s.events, 0);
  const attacks = r.aggregate[0]?.total ?? 0;
  const injected = r.aggregate[0]?.attacks.filter((a) => a.source !== 'simulated').length ?? 0;
  out.push(
    `Evaluation: seeds ${seeds}; ${learningWeeks} learning + ${testWeeks} test weeks each; ${events} events; ${attacks} attacks${
      injected ? ` (${attacks - injected} simulated, ${injected} injected)` : ''
    }`,
  );
  if (r.injection) {
    const inj = r.injection;
    const q = Object.entries(inj.quarantined)
      .map(([k, v]) => `${v} ${k}`)
      .join(', ');
    out.push(
      `Injected from ${inj.paths.join(' ')}: ${inj.sequences} attack sequences (${Object.entries(inj.bySource)
        .map(([k, v]) => `${v} ${k}`)
        .join(', ')}) of ${inj.records} records (quarantined: ${q || 'none'}; not attacks: ${inj.notAttacks}); ${
        inj.perWeek === 'all' ? 'all of them' : `${inj.perWeek} per test week`
      } per seed, modes: ${inj.modes}`,
    );
  }
  out.push('');
  const names = [...r.detectors, ...Object.keys(r.unavailable)];
  out.push(
    renderTable(
      ['detector', 'attacks detected', 'recall', 'alerts (test)', 'false alerts/week', 'expected notices', 'precision'],
      names.map((n) => {
        const s = r.aggregate.find((x) => x.detector === n);
        if (!s) return [n, 'not available', '-', '-', '-', '-', '-'];
        return [
          n,
          `${s.detected}/${s.total}`,
          pct(s.recall),
          s.alerts,
          s.falseAlertsPerWeek.toFixed(1),
          s.notices,
          pct(s.precision),
        ];
      }),
    ),
  );
  for (const [n, why] of Object.entries(r.unavailable)) out.push(`${n}: not available (${why})`);
  if (r.aggregate.some((s) => s.notices > 0))
    out.push(
      'Expected notices: the first alert about a benign event that trusts a new outside party (a vendor, a partner), which should alert once; counted neither as false nor as a detection. False alerts with them: ' +
        r.aggregate
          .map((s) => `${s.detector} ${((s.falseAlerts + s.notices) / (s.testWeeks || 1)).toFixed(1)}/week`)
          .join(', '),
    );
  if (injected > 0) {
    out.push('', 'Per source and attacker identity (detected/attacks):');
    out.push(
      renderTable(
        ['source', 'mode', ...r.detectors],
        group(r.aggregate, (a) => `${a.source}\u0000${a.source === 'simulated' ? 'all' : a.mode}`).map(([k, row]) => [
          ...k.split('\u0000'),
          ...r.detectors.map((d) => `${row.get(d)?.d ?? 0}/${row.get(d)?.n ?? 0}`),
        ]),
      ),
    );
  }
  const styles = new Set(r.aggregate[0]?.attacks.map((a) => a.style) ?? []);
  if (attacks > 0 && (styles.size > 1 || !styles.has('library scenario'))) {
    out.push('', 'Per attack style (detected/attacks):');
    out.push(
      renderTable(
        ['style', ...r.detectors],
        group(r.aggregate, (a) => a.style).map(([k, row]) => [
          k,
          ...r.detectors.map((d) => `${row.get(d)?.d ?? 0}/${row.get(d)?.n ?? 0}`),
        ]),
      ),
    );
  }
  if (attacks > 0) {
    out.push('', 'Per category (detected/attacks):');
    out.push(
      renderTable(
        ['category', ...r.detectors],
        group(r.aggregate, (a) => a.category).map(([k, row]) => [
          k,
          ...r.detectors.map((d) => `${row.get(d)?.d ?? 0}/${row.get(d)?.n ?? 0}`),
        ]),
      ),
    );
    out.push('', 'Per scenario (detected/attacks):');
    out.push(
      renderTable(
        ['scenario', 'mode', ...r.detectors],
        group(r.aggregate, (a) => `${a.scenario}\u0000${a.mode}${a.routine ? ' (routine calls)' : ''}`).map(
          ([k, row]) => [
            ...k.split('\u0000'),
            ...r.detectors.map((d) => `${row.get(d)?.d ?? 0}/${row.get(d)?.n ?? 0}`),
          ],
        ),
      ),
    );
  }
  // The false alerts overlapping no benign event last, so each benign event's cost reads first.
  const kinds = [
    ...new Set(r.aggregate.flatMap((s) => [...Object.keys(s.falseByBenign), ...Object.keys(s.noticesByBenign)])),
  ]
    .filter((k) => k !== NO_BENIGN)
    .sort();
  if (kinds.length) kinds.push(NO_BENIGN);
  if (kinds.length) {
    out.push(
      '',
      'False alerts by the benign event they overlap (its events, or its actor while doing it; test period, all seeds):',
    );
    out.push(
      renderTable(
        ['benign event', ...r.detectors],
        kinds.map((k) => [
          k,
          ...r.detectors.map((d) => {
            const s = r.aggregate.find((x) => x.detector === d);
            const notices = s?.noticesByBenign[k] ?? 0;
            return `${s?.falseByBenign[k] ?? 0}${notices > 0 ? ` (+${notices} notice${notices > 1 ? 's' : ''})` : ''}`;
          }),
        ]),
      ),
    );
  }
  return out.join('\n');
}

export function renderEvalJson(r: EvaluateResult): string {
  return JSON.stringify(
    {
      weeks: r.weeks,
      seeds: r.seeds,
      unavailable: r.unavailable,
      ...(r.injection ? { injection: r.injection } : {}),
      aggregate: r.aggregate,
      perSeed: r.perSeed.map((s) => ({
        seed: s.seed,
        // Deleted after the run unless --keep.
        dir: s.dir,
        events: s.events,
        learningEnd: new Date(s.meta.learningEnd).toISOString(),
        seconds: s.seconds,
        ...(s.injected ? { injected: s.injected } : {}),
        scores: s.scores,
      })),
    },
    null,
    2,
  );
}
