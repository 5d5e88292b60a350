/** Stored events for display (`events`). */
import type { Event } from '../normalize/event.ts';
import type { EventQuery } from '../store/events.ts';
import { Repositories, type Store } from '../store/index.ts';

export type { EventQuery };

/** Full events, re-normalized from their stored records, in time order. */
export function listEvents(store: Store, query: EventQuery): AsyncGenerator<Event> {
  return new Repositories(store).events.query(query);
}
