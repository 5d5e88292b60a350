/**
 * Cost of late files: a simulated organization (default 4 weeks) is ingested with some files
 * held back, detected, then the held-back files arrive and `detect` replays from the
 * checkpoint before them. Reports the time of each run, what it replayed, the checkpoints'
 * size, and whether the end result equals one ingest + one detect (alerts and journeys).
 *
 *   npx tsx scripts/bench-history.ts [-- --weeks 4 --scale 1 --seed 1]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DetectSummary, detect } from '../src/app/detect.ts';
import { ingest } from '../src/ingest/index.ts';
import { simulate } from '../src/sim/index.ts';
import { listFiles } from '../src/sim/test-helpers.ts';
import { openStore, type Store } from '../src/store/index.ts';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const DAY = 86_400_000;
const weeks = arg('weeks', 4);
const dir = mkdtempSync(join(tmpdir(), 'th-bench-history-'));
try {
  const t0 = performance.now();
  const { meta } = simulate({ out: dir, weeks, scale: arg('scale', 1), seed: arg('seed', 1), fileMinutes: 60 });
  const start = Date.parse(meta.start);
  const days = Math.round(weeks * 7);
  console.log(
    `simulated ${meta.counts.events} events, ${meta.counts.files} files, ${meta.counts.identities} identities, ${days} days in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  const files = listFiles(join(dir, 'AWSLogs'));
  const dayOf = (f: string) => {
    const m = /(\d{4})[\\/](\d\d)[\\/](\d\d)[\\/]/.exec(f);
    return m ? Math.round((Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) - start) / DAY) : -1;
  };
  const partOf = (f: string) => /(\d{12})[\\/]CloudTrail[\\/]([a-z0-9-]+)/.exec(f)?.slice(1).join('/') ?? '';
  // The busiest account and region: its file of a day is the late one.
  const perPart = new Map<string, number>();
  for (const f of files) perPart.set(partOf(f), (perPart.get(partOf(f)) ?? 0) + 1);
  const onePart = [...perPart].sort((a, b) => b[1] - a[1])[0]?.[0] as string;
  const lastDay = files.filter((f) => dayOf(f) === days - 1);
  const late3 = files.filter((f) => dayOf(f) === days - 4 && partOf(f) === onePart);
  const lateOld = files.filter((f) => dayOf(f) === 2 && partOf(f) === onePart);
  const held = new Set([...lastDay, ...late3, ...lateOld]);
  const now = () => Date.parse(meta.end) + DAY;
  const options = { learningDays: Number(meta.learningEnd ? (Date.parse(meta.learningEnd) - start) / DAY : 14), now };

  const line = (label: string, s: DetectSummary, ms: number) =>
    console.log(
      `  ${label.padEnd(44)} ${(ms / 1000).toFixed(1).padStart(6)} s  ${String(s.eventsScanned).padStart(8)} events scanned  ${String(s.journeysScored).padStart(6)} journeys (${s.journeysReplayed} rescored) from ${s.replayedFrom ?? '-'}`,
    );
  const timed = async (store: Store, label: string, paths: string[] | null) => {
    if (paths) await ingest(store, paths);
    const t = performance.now();
    const s = await detect(store, options);
    line(label, s, performance.now() - t);
    return s;
  };

  const whole = await openStore({ db: join(dir, 'whole.db') });
  await ingest(whole, [join(dir, 'AWSLogs')]);
  console.log(
    `detect runs (SQLite; load average ${(loadavg()[0] as number).toFixed(1)} on ${availableParallelism()} cores):`,
  );
  await timed(whole, 'one ingest, one detect', null);

  const store = await openStore({ db: join(dir, 'late.db') });
  await timed(
    store,
    `all but ${held.size} files`,
    files.filter((f) => !held.has(f)),
  );
  await timed(store, `the last day (${lastDay.length} files)`, lastDay);
  await timed(store, `${onePart} of day ${days - 3}, late (${late3.length} files)`, late3);
  await timed(store, `${onePart} of day 3, late (${lateOld.length} files)`, lateOld);
  await timed(store, 'nothing new', null);
  const sizes = await store.db
    .selectFrom('detect_checkpoints')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.sum<number>(eb.fn('length', ['state'])).as('bytes')])
    .executeTakeFirstOrThrow();
  console.log(`checkpoints: ${sizes.n}, ${(Number(sizes.bytes) / 1e6).toFixed(1)} MB of state`);

  const rows = async (s: Store) =>
    JSON.stringify(
      await s.db
        .selectFrom('journeys')
        .select(['id', 'decision', 'raw', 'excess', 'event_ids'])
        .orderBy('id')
        .execute(),
    );
  const alerts = async (s: Store) =>
    JSON.stringify(
      (await s.db.selectFrom('alerts').select(['id', 'severity', 'score', 'body']).orderBy('id').execute())
        .map((a) => ({ ...a, body: JSON.parse(a.body) as { withdrawn?: unknown; events: unknown } }))
        .filter((a) => !a.body.withdrawn)
        .map((a) => [a.id, a.severity, a.score, a.body.events]),
    );
  console.log(
    `same journeys as one pass: ${(await rows(store)) === (await rows(whole))}; same alerts: ${(await alerts(store)) === (await alerts(whole))}`,
  );
  await store.close();
  await whole.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
