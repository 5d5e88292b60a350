/**
 * Trailhound's own detector behind the evaluation `Detector` interface: `detect()` through
 * the data (as `trailhound detect` does), then `listAlerts()`. Imported statically, so a
 * rename or a changed signature in src/app/detect.ts fails the type check instead of turning the
 * evaluation's Trailhound column into "not available" at run time.
 */

import { listAlerts } from '../../app/alerts.ts';
import { detect } from '../../app/detect.ts';
import { DEFAULT_ALERTS_PER_WEEK } from '../../domain/defaults.ts';
import type { Store } from '../../store/index.ts';
import type { DetectedAlert, Detector, EvalMeta } from '../types.ts';

export function trailhoundDetector(alertsPerWeek = DEFAULT_ALERTS_PER_WEEK): Detector {
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

/**
 * The detector, in the shape the harness asks for. The `unavailable` branch of the type is
 * the harness's contract for detectors that may be missing; this one is always present.
 */
export async function loadTrailhoundDetector(
  alertsPerWeek = DEFAULT_ALERTS_PER_WEEK,
): Promise<Detector | { unavailable: string }> {
  return trailhoundDetector(alertsPerWeek);
}
