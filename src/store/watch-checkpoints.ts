/** The watch checkpoints repository (`watch_checkpoints`): the last S3 key ingested under each day prefix. */
import type { Store } from './index.ts';
import { askedAs, pgText } from './pg-text.ts';

export interface WatchCheckpoint {
  prefix: string;
  lastKey: string;
}

export class WatchCheckpointsRepository {
  private readonly store: Store;
  constructor(store: Store) {
    this.store = store;
  }

  /**
   * The checkpoints of one account/region folder, oldest day first. On PostgreSQL a last key
   * holding U+FFFD may have held NUL, which sorts first where U+FFFD sorts late: listing after
   * the stored key could pass objects not yet read, so the key is cut before its first U+FFFD
   * (what is listed again was finished, and `finished` says so).
   */
  async forBase(base: string): Promise<WatchCheckpoint[]> {
    const rows = await this.store.db
      .selectFrom('watch_checkpoints')
      .select(['prefix', 'last_key'])
      .where('base', '=', base)
      .orderBy('prefix')
      .execute();
    if (this.store.dialect !== 'postgres') return rows.map((r) => ({ prefix: r.prefix, lastKey: r.last_key }));
    return rows.map((r) => {
      const cut = r.last_key.indexOf('\uFFFD');
      return { prefix: r.prefix, lastKey: cut < 0 ? r.last_key : r.last_key.slice(0, cut) };
    });
  }

  /** Moves a day's checkpoint forward (never back) and forgets days before `keepFrom`. */
  async advance(base: string, prefix: string, lastKey: string, keepFrom: string, now: number): Promise<void> {
    await this.store.transaction(async ({ store: { db: tx } }) => {
      const row = await tx
        .selectFrom('watch_checkpoints')
        .select('last_key')
        .where('prefix', '=', prefix)
        .executeTakeFirst();
      if (row === undefined)
        await tx.insertInto('watch_checkpoints').values({ prefix, base, last_key: lastKey, updated_at: now }).execute();
      else if (row.last_key < (this.store.dialect === 'postgres' ? pgText(lastKey) : lastKey))
        await tx
          .updateTable('watch_checkpoints')
          .set({ last_key: lastKey, updated_at: now })
          .where('prefix', '=', prefix)
          .execute();
      await tx.deleteFrom('watch_checkpoints').where('base', '=', base).where('prefix', '<', keepFrom).execute();
    });
  }

  /** Which of these file names ingest already finished (re-listed inside the lateness margin). */
  async finished(names: readonly string[]): Promise<Set<string>> {
    const done = new Set<string>();
    const asked = askedAs(names);
    for (let i = 0; i < names.length; i += 500) {
      const rows = await this.store.db
        .selectFrom('files')
        .select('name')
        .where('name', 'in', names.slice(i, i + 500))
        .where('status', '=', 'done')
        .execute();
      for (const r of rows) for (const name of asked(r.name)) done.add(name);
    }
    return done;
  }
}
