/**
 * Detection, pure: the engine (journeys in, alert drafts out), its state's serialization, and
 * the history line. The run that reads and writes the store is `src/app/detect.ts`.
 */
import { DAY } from './engine.ts';

const iso = (t: number) => new Date(t).toISOString();

/** How much history detection has seen, for the line every run ends with. */
export interface HistorySummary {
  /** Epoch ms of the first and newest events scored, null before any. */
  firstEvent: number | null;
  newestEvent: number | null;
  learningDays: number;
  /** The newest event is older than lateness + gap by the clock: every journey was scored. */
  trailEnded: boolean;
}

/**
 * The line every `run`/`detect` ends with: how much history detection has seen and when
 * ordinary alerts start.
 */
export function historyLine(h: HistorySummary): string {
  if (h.firstEvent === null || h.newestEvent === null) return 'history: no events scored yet';
  const days = Math.max(1, Math.ceil((h.newestEvent - h.firstEvent) / DAY));
  const seen = `${days} day${days === 1 ? '' : 's'} seen`;
  const span = `${iso(h.firstEvent).slice(0, 10)} to ${iso(h.newestEvent).slice(0, 10)}`;
  if (h.learningDays <= 0)
    return `history: ${seen} (${span}); no learning period: ordinary alerts from the first event`;
  const until = h.firstEvent + h.learningDays * DAY;
  const when = `${iso(until).slice(0, 16).replace('T', ' ')} UTC`;
  const of = Number.isInteger(h.learningDays) ? String(h.learningDays) : h.learningDays.toFixed(1);
  if (h.newestEvent < until)
    return `learning until ${when}: ${Math.min(days, Math.ceil(h.learningDays))} of ${of} days seen (${span}); no ordinary alerts before then`;
  return `history: ${seen} (${span}); learned from the first ${of}, ordinary alerts since ${when}`;
}
