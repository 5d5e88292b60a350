import { afterEach, describe, expect, it } from 'vitest';
import { attack, ORG_START, routine, storeRecords } from '../detect/org.fixture.ts';
import type { Event } from '../normalize/event.ts';
import { EVENT_COLUMNS, type EventRow, eventColumns, scanEventRows, scanEventRowsSync } from './events.ts';
import { openStore, type Store } from './index.ts';

const DAY = 86_400_000;
let store: Store | null = null;
afterEach(async () => {
  await store?.close();
  store = null;
});

async function collect(rows: AsyncIterable<EventRow>): Promise<EventRow[]> {
  const out: EventRow[] = [];
  for await (const r of rows) out.push(r);
  return out;
}

/** Routine days, an attack (facts and targets), and bursts of events sharing one timestamp. */
async function fixtureStore(): Promise<Store> {
  const s = await openStore({ db: ':memory:' });
  const records = [...routine(3), ...attack(ORG_START + 2 * DAY + 5 * 3_600_000)];
  // Ties on time: the keyset pages must order and resume by eventID within one millisecond.
  const ties = records
    .slice(0, 40)
    .flatMap((r, i) => [1, 2, 3].map((k) => ({ ...r, eventID: `tie-${i}-${k}`, eventTime: records[40]?.eventTime })));
  await storeRecords(s, [...records, ...ties]);
  return s;
}

describe('scanEventRows on SQLite', () => {
  it('yields the same rows in the same order as the query-builder path, across page boundaries and filters', async () => {
    store = await fixtureStore();
    const viaBuilder = { ...store, sqlite: null };
    const actor = (await collect(scanEventRows(store, { limit: 1 })))[0]?.actorKey as string;
    const queries = [
      { batch: 7 },
      { batch: 5000 },
      { batch: 13, since: ORG_START + DAY, until: ORG_START + 2 * DAY + 6 * 3_600_000 },
      { batch: 5, actor },
      { batch: 3, limit: 20 },
    ];
    for (const q of queries) {
      const expected = await collect(scanEventRows(viaBuilder, q));
      const sut = await collect(scanEventRows(store, q));
      expect(sut.length).toBeGreaterThan(0);
      expect(sut).toEqual(expected);
      expect([...(scanEventRowsSync(store, q) as Iterable<EventRow>)]).toEqual(expected);
    }
  });

  it('orders by time then eventID, and keeps facts and targets', async () => {
    store = await fixtureStore();
    const sut = await collect(scanEventRows(store, { batch: 4 }));
    for (let i = 1; i < sut.length; i++) {
      const a = sut[i - 1] as EventRow;
      const b = sut[i] as EventRow;
      expect(a.time < b.time || (a.time === b.time && a.eventId < b.eventId)).toBe(true);
    }
    expect(sut.filter((r) => r.eventId.startsWith('tie-'))).toHaveLength(120);
    expect(sut.some((r) => r.facts.length > 0)).toBe(true);
  });

  it('has no synchronous scan on a store without a SQLite handle', async () => {
    store = await fixtureStore();
    expect(scanEventRowsSync({ ...store, sqlite: null })).toBeNull();
  });
});

describe(eventColumns.name, () => {
  it('puts each value under its own column', () => {
    const event = {
      eventId: 'E',
      time: 1,
      accountId: 'ACC',
      region: 'REG',
      service: 'SVC',
      action: 'ACT',
      actionKey: 'AK',
      eventType: 'ET',
      readOnly: true,
      success: false,
      errorCode: 'ERR',
      sourceIp: 'IP',
      client: { class: 'CC', name: 'CN' },
      mfa: false,
      console: true,
      session: 'S',
      actor: {
        key: 'K',
        type: 'T',
        name: 'N',
        accountId: 'AA',
        roleArn: 'RA',
        person: 'P',
        chain: ['x', 'y'],
        sessionName: 'SN',
        compute: 'ec2',
      },
    } as unknown as Event;
    const row = eventColumns({
      event,
      facts: ['a', 'b'],
      risk: 0.5,
      targets: ['t1'],
      raw: 'RAW',
      blobId: 7,
      line: 8,
      index: 9,
      fileId: 10,
      sentence: 'SENT',
    });
    expect(Object.fromEntries(EVENT_COLUMNS.map((c, i) => [c, row[i]]))).toEqual({
      event_id: 'E',
      time: 1,
      account_id: 'ACC',
      region: 'REG',
      service: 'SVC',
      action: 'ACT',
      action_key: 'AK',
      event_type: 'ET',
      read_only: 1,
      success: 0,
      error_code: 'ERR',
      source_ip: 'IP',
      client_class: 'CC',
      client_name: 'CN',
      mfa: 0,
      console: 1,
      actor_key: 'K',
      actor_type: 'T',
      actor_name: 'N',
      actor_account: 'AA',
      role_arn: 'RA',
      session: 'S',
      facts: 'a b',
      risk: 0.5,
      targets: '["t1"]',
      raw: 'RAW',
      blob_id: 7,
      raw_line: 8,
      raw_index: 9,
      file_id: 10,
      person: 'P',
      chain: '["x","y"]',
      session_name: 'SN',
      compute: 'ec2',
      sentence: 'SENT',
    });
    expect(row).toHaveLength(EVENT_COLUMNS.length);
  });

  it('names every column of the events table but its id', async () => {
    const store = await openStore({ db: ':memory:' });
    try {
      const columns = (store.sqlite?.prepare("SELECT name FROM pragma_table_info('events')").pluck().all() ??
        []) as string[];
      expect([...EVENT_COLUMNS].sort()).toEqual(columns.filter((c) => c !== 'id').sort());
    } finally {
      await store.close();
    }
  });
});
