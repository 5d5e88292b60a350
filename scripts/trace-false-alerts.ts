/**
 * Re-runs detection on stores an evaluation kept (`eval --keep`: each seed's folder holds
 * eval.db, labels.json, benign.json, meta.json) and prints every alert that matches no attack
 * (`OTHER`: a false alert, or the expected notice of a benign event that asks for one; the totals
 * tell them apart) with the benign event it overlaps and its reasons, and every attack missed: to
 * trace false alerts to their cause without simulating and ingesting again. Works on a copy of
 * each store.
 *
 *   npx tsx scripts/trace-false-alerts.ts DIR... [--quiet] [--alerts-per-week N]
 */
import { copyFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { listAlerts } from '../src/app/alerts.ts';
import { detect } from '../src/app/detect.ts';
import { DEFAULT_ALERTS_PER_WEEK } from '../src/domain/defaults.ts';
import { aggregateScores, type DetectorScore, scoreDetector } from '../src/eval/score.ts';
import type { BenignForScore, BenignSpans, EvalMeta, LabelForScore } from '../src/eval/types.ts';
import { openStore } from '../src/store/index.ts';

const args = process.argv.slice(2);
const quiet = args.includes('--quiet');
const budgetAt = args.indexOf('--alerts-per-week');
const alertsPerWeek = budgetAt >= 0 ? Number(args[budgetAt + 1]) : DEFAULT_ALERTS_PER_WEEK;
if (!(alertsPerWeek > 0)) throw new Error('--alerts-per-week: a positive number');
const dirs = args.filter((a, i) => !a.startsWith('--') && (budgetAt < 0 || i !== budgetAt + 1));
if (dirs.length === 0) {
  process.stderr.write('usage: trace-false-alerts.ts DIR... [--quiet]\n');
  process.exit(2);
}
const scores: DetectorScore[] = [];
for (const dir of dirs) {
  const src = join(dir, 'eval.db');
  if (!existsSync(src)) throw new Error(`${src}: no store (run eval with --keep)`);
  const work = join(dir, 'trace.db');
  for (const s of ['', '-wal', '-shm']) rmSync(`${work}${s}`, { force: true });
  copyFileSync(src, work);
  const m = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8'));
  const labels = JSON.parse(readFileSync(join(dir, 'labels.json'), 'utf8')) as LabelForScore[];
  const benign = JSON.parse(readFileSync(join(dir, 'benign.json'), 'utf8')) as BenignForScore[];
  const start = Date.parse(m.start);
  const learningEnd = Date.parse(m.learningEnd);
  const meta: EvalMeta = {
    start,
    learningEnd,
    end: Date.parse(m.end),
    learningDays: Math.round((learningEnd - start) / 86_400_000),
  };
  const store = await openStore({ db: work });
  try {
    for (const t of ['alerts', 'journeys', 'detect_state', 'detect_checkpoints', 'alert_verdicts'] as const)
      await store.db.deleteFrom(t).execute();
    const t0 = performance.now();
    await detect(store, { learningDays: meta.learningDays, alertsPerWeek, flush: true });
    const secs = (performance.now() - t0) / 1000;
    const alerts = await listAlerts(store);
    const actorKeys = new Map<string, Set<string>>();
    for (const l of labels) {
      const keys = new Set<string>();
      for (let i = 0; i < l.eventIds.length; i += 500) {
        const rows = await store.db
          .selectFrom('events')
          .select('actor_key')
          .where('event_id', 'in', l.eventIds.slice(i, i + 500))
          .execute();
        for (const r of rows) keys.add(r.actor_key);
      }
      actorKeys.set(l.attackId, keys);
    }
    const spans: BenignSpans[] = [];
    for (const b of benign) {
      const sp = new Map<string, { start: number; end: number }>();
      for (let i = 0; i < b.eventIds.length; i += 500) {
        const rows = await store.db
          .selectFrom('events')
          .select(['actor_key', 'time'])
          .where('event_id', 'in', b.eventIds.slice(i, i + 500))
          .execute();
        for (const r of rows) {
          const t = Number(r.time);
          const s = sp.get(r.actor_key);
          if (!s) sp.set(r.actor_key, { start: t, end: t });
          else {
            s.start = Math.min(s.start, t);
            s.end = Math.max(s.end, t);
          }
        }
      }
      spans.push(sp);
    }
    const detected = alerts.map((a) => ({
      actor: a.actor,
      start: Date.parse(a.start),
      end: Date.parse(a.end),
      eventIds: a.events.map((e) => e.eventId),
    }));
    const score = scoreDetector('trailhound', detected, labels, benign, meta, actorKeys, spans);
    scores.push(score);
    console.log(
      `== ${dir}: ${score.detected}/${score.total} attacks, ${score.alerts} alerts, ${score.falseAlerts} false, ${score.notices} expected notices (${secs.toFixed(0)} s)`,
    );
    for (const r of score.attacks) if (!r.detected) console.log(`  MISSED ${r.attackId} ${r.scenario} ${r.style}`);
    if (quiet) continue;
    const attackEvents = new Set(labels.flatMap((l) => l.eventIds));
    for (const a of alerts) {
      const end = Date.parse(a.end);
      if (end < learningEnd) continue;
      const aStart = Date.parse(a.start);
      const isAttack =
        a.events.some((e) => attackEvents.has(e.eventId)) ||
        labels.some(
          (l) =>
            (l.actor === a.actor || actorKeys.get(l.attackId)?.has(a.actor)) &&
            aStart <= Date.parse(l.end) &&
            end >= Date.parse(l.start),
        );
      const kinds = new Set<string>();
      const ids = new Set(a.events.map((e) => e.eventId));
      benign.forEach((b, i) => {
        const sp = spans[i]?.get(a.actor);
        if (b.eventIds.some((id) => ids.has(id)) || (sp && aStart <= sp.end && end >= sp.start)) kinds.add(b.kind);
      });
      const actions = [...new Set(a.events.map((e) => e.action))];
      console.log(
        `\n  ${isAttack ? 'ATTACK' : 'OTHER '} ${a.id} ${a.severity} ${a.score} ${a.start} .. ${a.end} [${[...kinds].join(',') || '(none)'}]`,
      );
      console.log(`    actor ${a.actorName} (${a.actor}) peer ${a.peerGroup}; ${a.events.length} events`);
      console.log(`    actions ${actions.slice(0, 25).join(' ')}${actions.length > 25 ? ' ...' : ''}`);
      for (const r of a.reasons.slice(0, 10)) console.log(`    - [${r.kind} ${r.weight}] ${r.text.slice(0, 300)}`);
    }
  } finally {
    await store.close();
  }
}
const agg = aggregateScores(scores);
console.log(
  `\nTOTAL ${agg.detected}/${agg.total} attacks, ${agg.alerts} alerts, ${agg.falseAlerts} false, ${agg.falseAlertsPerWeek.toFixed(2)}/week, ${agg.notices} expected notices`,
);
console.log(`by benign: ${JSON.stringify(agg.falseByBenign)}; notices: ${JSON.stringify(agg.noticesByBenign)}`);
const styles = new Map<string, [number, number]>();
for (const r of agg.attacks) {
  const s = styles.get(r.style) ?? [0, 0];
  s[0] += r.detected ? 1 : 0;
  s[1]++;
  styles.set(r.style, s);
}
console.log(`by style: ${[...styles].map(([k, [d, n]]) => `${k} ${d}/${n}`).join(', ')}`);
