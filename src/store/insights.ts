/** The insights repository: CloudTrail Insights events, kept apart from API events, once per eventID. */
import type { Store } from './index.ts';

export interface InsightToStore {
  eventId: string;
  time: number | null;
  raw: string;
}

export async function insertInsights(store: Store, insights: readonly InsightToStore[]): Promise<void> {
  for (const { eventId, time, raw } of insights)
    await store.db
      .insertInto('insights')
      .values({ event_id: eventId, time, raw })
      .onConflict((oc) => oc.column('event_id').doNothing())
      .execute();
}
