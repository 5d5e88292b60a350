/** A journey as the detector scored it: what `journeys` rows hold, and the engine's output. */
export interface JourneyRecord {
  id: string;
  actorKey: string;
  actorName: string;
  session: string | null;
  start: number;
  end: number;
  eventIds: string[];
  raw: number;
  excess: number;
  alertId: string | null;
  decision: 'learning' | 'normal' | 'alert' | 'merged' | 'suppressed' | 'skipped';
}
