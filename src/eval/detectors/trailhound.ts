/**
 * Trailhound's own detector behind the evaluation `Detector` interface: `detect()` through
 * the data (as `trailhound detect` does), then `listAlerts()`. Loaded with a guarded dynamic
 * import so the harness still runs (and says "not available") when the detector is absent.
 */
import type { Store } from '../../store/index.ts';
import type { DetectedAlert, Detector, EvalMeta } from '../types.ts';

interface DetectModule {
  detect(store: Store, options: { learningDays?: number; alertsPerWeek?: number; flush?: boolean }): Promise<unknown>;
  listAlerts(
    store: Store,
  ): Promise<Array<{ actor: string; start: string; end: string; events: Array<{ eventId: string }> }>>;
}

/** The detector, or the reason it cannot be loaded. */
export async function loadTrailhoundDetector(alertsPerWeek = 3): Promise<Detector | { unavailable: string }> {
  let mod: Partial<DetectModule>;
  try {
    const path = '../../detect/index.ts';
    mod = (await import(path)) as Partial<DetectModule>;
  } catch (e) {
    return {
      unavailable: `src/detect/index.ts cannot be loaded (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`,
    };
  }
  const { detect, listAlerts } = mod;
  if (typeof detect !== 'function' || typeof listAlerts !== 'function')
    return { unavailable: 'src/detect/index.ts does not export detect and listAlerts' };
  return {
    name: 'trailhound',
    async run(store: Store, meta: EvalMeta): Promise<DetectedAlert[]> {
      await detect(store, { learningDays: meta.learningDays, alertsPerWeek, flush: true });
      const alerts = await listAlerts(store);
      return alerts.map((a) => ({
        actor: a.actor,
        start: Date.parse(a.start),
        end: Date.parse(a.end),
        eventIds: a.events.map((e) => e.eventId),
      }));
    },
  };
}
