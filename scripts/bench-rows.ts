/**
 * The rows the insert benchmarks write: a synthetic trail of 1,000-event files, ingested once into
 * a SQLite store under `root` and read back as `events` rows, so each variant inserts the same rows.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ingest } from '../src/ingest/index.ts';
import { SYNTHETIC_VERSION, writeSyntheticTrail } from '../src/ingest/synthetic.ts';
import { EVENT_COLUMNS, type EventColumns } from '../src/store/events.ts';
import { openStore, type Store } from '../src/store/index.ts';

export async function sourceRows(root: string, rowsWanted: number): Promise<EventColumns[]> {
  const files = Math.ceil(rowsWanted / 1000);
  const dir = join(root, `trail-${files}x1000-v${SYNTHETIC_VERSION}`);
  if (!existsSync(dir)) writeSyntheticTrail(dir, files, 1000, 42);
  const db = join(root, `source-${files}x1000-v${SYNTHETIC_VERSION}.db`);
  if (!existsSync(db)) {
    const store = await openStore({ db });
    await ingest(store, [dir], { prepareWorkers: 0 });
    await store.close();
  }
  const store = await openStore({ db });
  const rows = (store.sqlite as NonNullable<Store['sqlite']>)
    .prepare(`SELECT ${EVENT_COLUMNS.join(', ')} FROM events ORDER BY id LIMIT ?`)
    .raw(true)
    .all(rowsWanted) as EventColumns[];
  await store.close();
  return rows;
}
