/**
 * The detection state repository: the only code that reads or writes `detect_state` (the
 * serialized engine at the end of the last run, one row) and `detect_checkpoints` (the state at
 * UTC day starts, for replays), and the rescore mark in `kv`. States are opaque text here;
 * `detect/state.ts` parses and serializes them.
 */
import type { Store } from './index.ts';
import { clearRescoreFrom, type RescoreMark, readRescoreFrom } from './rescore.ts';

/** One checkpoint: the state before the first event at or after `at`, and the alerts open then. */
export interface Checkpoint {
  at: number;
  state: string;
  /** JSON array of stored alerts (bodies) a journey scored after `at` could still grow. */
  alerts: string;
}

export class DetectionStateRepository {
  readonly #store: Store;
  constructor(store: Store) {
    this.#store = store;
  }

  /** The serialized state at the end of the last run, or null before the first. */
  async read(): Promise<string | null> {
    const row = await this.#store.db.selectFrom('detect_state').select('state').where('id', '=', 1).executeTakeFirst();
    return row ? row.state : null;
  }

  /** Whether a run has saved a state (cheaper than reading it). */
  async exists(): Promise<boolean> {
    const row = await this.#store.db.selectFrom('detect_state').select('id').where('id', '=', 1).executeTakeFirst();
    return row !== undefined;
  }

  async save(state: string, now = Date.now()): Promise<void> {
    await this.#store.db
      .insertInto('detect_state')
      .values({ id: 1, state, updated_at: now })
      .onConflict((oc) => oc.column('id').doUpdateSet({ state, updated_at: now }))
      .execute();
  }

  /** The latest checkpoint at or before `time`, or null. */
  async checkpointBefore(time: number): Promise<Checkpoint | null> {
    const row = await this.#store.db
      .selectFrom('detect_checkpoints')
      .select(['at', 'state', 'alerts'])
      .where('at', '<=', time)
      .orderBy('at', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row ? { at: Number(row.at), state: row.state, alerts: row.alerts } : null;
  }

  async saveCheckpoint(c: Checkpoint, now = Date.now()): Promise<void> {
    await this.#store.db
      .insertInto('detect_checkpoints')
      .values({ at: c.at, state: c.state, alerts: c.alerts, created_at: now })
      .onConflict((oc) => oc.column('at').doUpdateSet({ state: c.state, alerts: c.alerts, created_at: now }))
      .execute();
  }

  /** Drops the checkpoints after `at` (a replay from `at` writes them again). */
  async dropCheckpointsAfter(at: number): Promise<void> {
    await this.#store.db.deleteFrom('detect_checkpoints').where('at', '>', at).execute();
  }

  /**
   * Bounded history: every day's checkpoint within `dailyMs` of the newest one, one a week
   * (days since the epoch divisible by 7) before that, and of the checkpoints between day
   * starts (the tail one each run takes) only the newest. Events later than that cost a longer
   * replay, never a wrong one.
   */
  async pruneCheckpoints(dailyMs: number, dayMs: number): Promise<void> {
    const { db } = this.#store;
    const ats = (await db.selectFrom('detect_checkpoints').select('at').execute()).map((r) => Number(r.at));
    if (ats.length === 0) return;
    const newest = Math.max(...ats);
    const newestTail = Math.max(...ats.filter((at) => at % dayMs !== 0), Number.NEGATIVE_INFINITY);
    const drop = ats.filter((at) =>
      at % dayMs !== 0 ? at !== newestTail : at < newest - dailyMs && Math.floor(at / dayMs) % 7 !== 0,
    );
    for (let i = 0; i < drop.length; i += 500)
      await db
        .deleteFrom('detect_checkpoints')
        .where('at', 'in', drop.slice(i, i + 500))
        .execute();
  }

  /** The earliest time a later stage asked to rescore from (see rescore.ts), or null. */
  rescoreMark(): Promise<RescoreMark | null> {
    return readRescoreFrom(this.#store);
  }

  /** Clears `mark` if it is still the stored one. */
  clearRescoreMark(mark: RescoreMark): Promise<void> {
    return clearRescoreFrom(this.#store, mark);
  }
}
