/**
 * How a prepare worker's chunk of items crosses to the main thread: the event rows' values laid
 * end to end in one array, and the few other items (content, problems, insights) and credential
 * issuances beside it with their positions. Structured clone pays per object on both sides; one
 * array instead of an object and an array per event halved the main thread's share (deserialize
 * and rebuild the rows: 84 -> 41 ms for 20,000 rows of the synthetic trail; serialize unchanged).
 */
import type { CredentialIssuance } from '../normalize/identity.ts';
import { EVENT_COLUMNS, type EventColumns } from '../store/events.ts';
import type { PreparedItem } from './prepare.ts';

const WIDTH = EVENT_COLUMNS.length;

export interface PackedItems {
  /** Items in the chunk, events and others. */
  count: number;
  /** Each event's row, `EVENT_COLUMNS.length` values, in item order. */
  values: EventColumns;
  /** Issuances of the events that handed out a credential: [event's ordinal among the events, issuance]. */
  issuances: Array<[number, CredentialIssuance]>;
  /** The items that are not events: [position in the chunk, item]. */
  others: Array<[number, PreparedItem]>;
}

export function packItems(items: readonly PreparedItem[]): PackedItems {
  let events = 0;
  for (const item of items) if (item.kind === 'event') events++;
  const values: EventColumns = new Array(events * WIDTH);
  const issuances: PackedItems['issuances'] = [];
  const others: PackedItems['others'] = [];
  let at = 0;
  for (let i = 0; i < items.length; i++) {
    const item = items[i] as PreparedItem;
    if (item.kind !== 'event') {
      others.push([i, item]);
      continue;
    }
    const { row } = item;
    if (row.length !== WIDTH) throw new Error(`an event row of ${row.length} values, not ${WIDTH}`);
    if (item.issuance !== null) issuances.push([at / WIDTH, item.issuance]);
    for (let c = 0; c < WIDTH; c++) values[at++] = row[c] as string | number | null;
  }
  return { count: items.length, values, issuances, others };
}

export function unpackItems(packed: PackedItems): PreparedItem[] {
  const { count, values, issuances, others } = packed;
  const items = new Array<PreparedItem>(count);
  let other = 0;
  let issued = 0;
  let event = 0;
  for (let i = 0; i < count; i++) {
    const next = others[other];
    if (next !== undefined && next[0] === i) {
      items[i] = next[1];
      other++;
      continue;
    }
    const issuance = issuances[issued];
    const mine = issuance !== undefined && issuance[0] === event;
    if (mine) issued++;
    items[i] = {
      kind: 'event',
      row: values.slice(event * WIDTH, (event + 1) * WIDTH),
      issuance: mine ? issuance[1] : null,
    };
    event++;
  }
  if (event * WIDTH !== values.length || other !== others.length || issued !== issuances.length)
    throw new Error('a packed chunk does not add up: its events, issuances or other items are out of place');
  return items;
}
