/**
 * The events repository's reads, as one object for detection, display and evaluation (the
 * queries themselves are in events.ts beside the insert path; this adds the evaluation's).
 */
import type { EventRow } from '../domain/event.ts';
import type { Event } from '../normalize/event.ts';
import {
  type EventBounds,
  type EventQuery,
  eventBounds,
  eventsById,
  queryEvents,
  scanEventRows,
  scanEventRowsSync,
} from './events.ts';
import type { Store } from './index.ts';

const CHUNK = 500;

export class EventsRepository {
  readonly #store: Store;
  constructor(store: Store) {
    this.#store = store;
  }

  /** Event rows in time order (then eventID), filtered and paged. */
  scanRows(q: EventQuery & { batch?: number } = {}): AsyncGenerator<EventRow> {
    return scanEventRows(this.#store, q);
  }

  /** The same rows synchronously where the store allows it (SQLite), else null. */
  scanRowsSync(q: EventQuery & { batch?: number } = {}): Generator<EventRow> | null {
    return scanEventRowsSync(this.#store, q);
  }

  /** Full events, re-normalized from their stored records, in time order. */
  query(q: EventQuery = {}): AsyncGenerator<Event> {
    return queryEvents(this.#store, q);
  }

  byIds(eventIds: readonly string[]): Promise<Event[]> {
    return eventsById(this.#store, eventIds);
  }

  /** The largest row id, and the earliest time and newest time of rows after `afterId`. */
  bounds(afterId: number): Promise<EventBounds> {
    return eventBounds(this.#store, afterId);
  }

  /** The actor key and time of each stored event among these eventIDs (absent ones are left out). */
  async actorsOf(eventIds: readonly string[]): Promise<Array<{ actorKey: string; time: number }>> {
    const out: Array<{ actorKey: string; time: number }> = [];
    for (let i = 0; i < eventIds.length; i += CHUNK) {
      const rows = await this.#store.db
        .selectFrom('events')
        .select(['actor_key', 'time'])
        .where('event_id', 'in', eventIds.slice(i, i + CHUNK))
        .execute();
      for (const r of rows) out.push({ actorKey: r.actor_key, time: Number(r.time) });
    }
    return out;
  }
}
