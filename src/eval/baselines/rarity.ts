/**
 * The "rarity" baseline: one alert per first call of an API (`service:ActionKey`) by an
 * identity after the learning period, as single-event UEBA ("first time user did X") fires.
 * An identity first seen after learning alerts on each API it calls for the first time.
 */
import { scanEventRows } from '../../store/events.ts';
import type { DetectedAlert, Detector, EvalMeta, RowScanner } from '../types.ts';

export function rarityDetector(): Detector {
  const scanner = (meta: EvalMeta): RowScanner => {
    const seen = new Map<string, Set<string>>();
    const alerts: DetectedAlert[] = [];
    return {
      push(r) {
        let set = seen.get(r.actorKey);
        if (!set) {
          set = new Set();
          seen.set(r.actorKey, set);
        }
        const token = `${r.service}:${r.actionKey}`;
        if (set.has(token)) return;
        set.add(token);
        if (r.time >= meta.learningEnd)
          alerts.push({ actor: r.actorKey, start: r.time, end: r.time, eventIds: [r.eventId] });
      },
      finish: () => alerts,
    };
  };
  return {
    name: 'rarity',
    scanner,
    async run(store, meta) {
      const s = scanner(meta);
      for await (const r of scanEventRows(store)) s.push(r);
      return s.finish();
    },
  };
}
