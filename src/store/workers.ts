/**
 * What workers (src/workers/) keep in the store beside pg-boss's own tables: the keys enqueued
 * for ingest, and partitioned detection's state (migration 0011). PostgreSQL only: workers
 * coordinate several processes, which an embedded SQLite file cannot serve.
 */
import { CompiledQuery, type Kysely, sql, type Transaction } from 'kysely';
import pg from 'pg';
import { type EventRow, ROW_COLUMNS, toRow } from './events.ts';
import type { Store } from './index.ts';
import { askedAs } from './pg-text.ts';
import type { Database } from './schema.ts';

type WorkerTables = {
  worker_keys: { key: string; fingerprint: string; enqueued_at: number };
  worker_detect: { id: number; config: string };
  worker_partitions: { partition: number; day: number; state: string };
  worker_days: { day: number; done: number; finalized: number };
  worker_candidates: { day: number; partition: number; alert_id: string; body: string };
  worker_scores: { day: number; partition: number; scores: string };
  worker_snapshots: { day: number; threshold: number; body: string };
};

type Db = Kysely<Database & WorkerTables> | Transaction<Database & WorkerTables>;

const CHUNK = 500;

/** Files and S3 keys enqueued for ingest, by the fingerprint they had (size+mtime, ETag). */
export class WorkerKeysRepository {
  readonly #db: Db;
  constructor(store: Store) {
    this.#db = store.db.withTables<WorkerTables>();
  }

  /**
   * Records the keys not yet enqueued with the same fingerprint and returns them: a key
   * enqueued (or done) before is not queued again, unless its content changed.
   */
  async claim(keys: ReadonlyArray<{ key: string; fingerprint: string }>, now: number): Promise<Set<string>> {
    const fresh = new Set<string>();
    const asked = askedAs(keys.map((k) => k.key));
    for (let i = 0; i < keys.length; i += CHUNK) {
      const rows = await this.#db
        .insertInto('worker_keys')
        .values(keys.slice(i, i + CHUNK).map((k) => ({ key: k.key, fingerprint: k.fingerprint, enqueued_at: now })))
        .onConflict((oc) =>
          oc
            .column('key')
            .doUpdateSet((eb) => ({ fingerprint: eb.ref('excluded.fingerprint'), enqueued_at: now }))
            .where('worker_keys.fingerprint', '<>', (eb) => eb.ref('excluded.fingerprint')),
        )
        .returning('key')
        .execute();
      for (const r of rows) for (const key of asked(r.key)) fresh.add(key);
    }
    return fresh;
  }
}

/** Where jobs inserted through `WorkerDetectRepository.jobRunner` are announced. */
const JOBS_CHANNEL = 'trailhound_jobs';

/**
 * Calls `wake` whenever jobs inserted through `jobRunner` commit: a worker waiting between polls
 * takes the next day's partition jobs at once instead of when its wait ends (up to half a
 * second at every end of day, with every other worker idle meanwhile). A separate connection
 * to `url`; should it fail (a pooler that does not pass LISTEN on), workers only poll. Returns
 * a function that closes it.
 */
export async function listenForJobs(url: string, wake: () => void): Promise<() => Promise<void>> {
  const client = new pg.Client({ connectionString: url, application_name: 'trailhound-worker-wakeup' });
  client.on('error', () => {
    // A lost connection leaves the worker polling, as without it.
  });
  try {
    await client.connect();
    client.on('notification', () => wake());
    await client.query(`LISTEN ${JOBS_CHANNEL}`);
  } catch {
    await client.end().catch(() => {});
    return async () => {};
  }
  return async () => {
    await client.end().catch(() => {});
  };
}

/** The detection run's settings, fixed by its first plan. */
export interface WorkerDetectConfig {
  partitions: number;
  learningDays: number;
  alertsPerWeek: number;
  gapMs: number;
  /** Accounts declared the organization's own (`detect.organizationAccounts`); absent in plans before it. */
  organizationAccounts?: string[];
  /** Epoch ms of the organization's first event: the learning period and budget weeks count from it. */
  firstEvent: number;
  /** UTC day (epoch ms) the partitions score next, and the last day with events when planned. */
  nextDay: number;
  lastDay: number;
}

/** One partition's saved state, after the day it last scored. */
export interface PartitionState {
  day: number;
  state: string;
}

export class WorkerDetectRepository {
  readonly #db: Db;
  constructor(store: Store) {
    this.#store = store;
    this.#db = store.db.withTables<WorkerTables>();
  }

  readonly #store: Store;

  /**
   * Runs `fn` in one transaction (`store.transaction`), with this repository and the store bound
   * to it, so jobs that the job library inserts through `jobRunner` commit with the rest.
   */
  async transaction<T>(fn: (repo: WorkerDetectRepository, store: Store) => Promise<T>): Promise<T> {
    return this.#store.transaction((tx) => fn(new WorkerDetectRepository(tx.store), tx.store));
  }

  /**
   * Runs the job library's SQL (text with $n placeholders) on this repository's store or
   * transaction, and announces the jobs it inserts to idle workers (`listenForJobs`) once it
   * commits.
   */
  jobRunner(): (text: string, values: unknown[]) => Promise<{ rows: unknown[] }> {
    return async (text, values) => {
      const r = await this.#db.executeQuery(CompiledQuery.raw(text, values));
      await sql`SELECT pg_notify(${JOBS_CHANNEL}, '')`.execute(this.#db);
      return { rows: r.rows as unknown[] };
    };
  }

  async config(): Promise<WorkerDetectConfig | null> {
    const row = await this.#db.selectFrom('worker_detect').select('config').where('id', '=', 1).executeTakeFirst();
    return row ? (JSON.parse(row.config) as WorkerDetectConfig) : null;
  }

  /** Reads the config row locked until the transaction ends (one plan or finalize at a time). */
  async configForUpdate(): Promise<WorkerDetectConfig | null> {
    const row = await this.#db
      .selectFrom('worker_detect')
      .select('config')
      .where('id', '=', 1)
      .forUpdate()
      .executeTakeFirst();
    return row ? (JSON.parse(row.config) as WorkerDetectConfig) : null;
  }

  async saveConfig(config: WorkerDetectConfig): Promise<void> {
    const text = JSON.stringify(config);
    await this.#db
      .insertInto('worker_detect')
      .values({ id: 1, config: text })
      .onConflict((oc) => oc.column('id').doUpdateSet({ config: text }))
      .execute();
  }

  /** Time span of the stored events, epoch ms; nulls when there is none. */
  async eventSpan(): Promise<{ min: number | null; max: number | null }> {
    const row = await this.#db
      .selectFrom('events')
      .select((eb) => [eb.fn.min('time').as('min'), eb.fn.max('time').as('max')])
      .executeTakeFirst();
    return {
      min: row?.min === null || row?.min === undefined ? null : Number(row.min),
      max: row?.max === null || row?.max === undefined ? null : Number(row.max),
    };
  }

  /** Access keys of the credentials issued at or after `since` (epoch ms; null: all), in key order. */
  async credentialKeysSince(since: number | null): Promise<string[]> {
    let query = this.#db.selectFrom('credentials').select('access_key');
    if (since !== null) query = query.where('time', '>=', since);
    const rows = await query.orderBy('access_key').execute();
    return rows.map((r) => r.access_key);
  }

  /**
   * Locks the partition's row (created empty first) so one worker at a time scores it, and reads
   * in the same round trip what a partition job reads next: the run's settings and the day of
   * the newest snapshot before `day`. An upsert that updates locks the row it returns, as
   * SELECT ... FOR UPDATE would. Both reads see the statement's start, which may precede a wait
   * for the lock: only another run of the same job holds it that long, and it leaves the row
   * at `day` (the caller's "already done") or rolls back to what was there.
   */
  async openPartition(
    partition: number,
    day: number,
  ): Promise<{ saved: PartitionState | null; config: WorkerDetectConfig | null; snapshotDay: number | null }> {
    const { rows } = await sql<{
      day: string | number;
      state: string;
      config: string | null;
      snapshot_day: string | number | null;
    }>`
      WITH locked AS (
        INSERT INTO worker_partitions (partition, day, state) VALUES (${partition}, -1, '')
        ON CONFLICT (partition) DO UPDATE SET partition = excluded.partition
        RETURNING day, state)
      SELECT locked.day, locked.state,
        (SELECT config FROM worker_detect WHERE id = 1) AS config,
        (SELECT max(day) FROM worker_snapshots WHERE day < ${day}) AS snapshot_day
      FROM locked`.execute(this.#db);
    const row = rows[0];
    if (!row) throw new Error(`partition ${partition}: its row was neither inserted nor locked`);
    return {
      saved: row.state === '' ? null : { day: Number(row.day), state: row.state },
      config: row.config === null ? null : (JSON.parse(row.config) as WorkerDetectConfig),
      snapshotDay: row.snapshot_day === null ? null : Number(row.snapshot_day),
    };
  }

  /**
   * Ends a partition's day in one round trip: its summary for finalize saved, its state saved
   * after `day`, and one more partition counted done with `day`. Returns how many are.
   */
  async closePartition(partition: number, day: number, state: string, summary: string): Promise<number> {
    const { rows } = await sql<{ done: string | number }>`
      WITH summary AS (
        INSERT INTO worker_scores (day, partition, scores) VALUES (${day}, ${partition}, ${summary})
        ON CONFLICT (day, partition) DO UPDATE SET scores = excluded.scores),
      saved AS (
        UPDATE worker_partitions SET day = ${day}, state = ${state} WHERE partition = ${partition})
      UPDATE worker_days SET done = done + 1 WHERE day = ${day} RETURNING done`.execute(this.#db);
    const row = rows[0];
    if (!row) throw new Error(`day ${day} is not open: no worker_days row to count partition ${partition} done in`);
    return Number(row.done);
  }

  /** Lists days with no row yet as open, so partitions can count themselves done. */
  async openDay(day: number): Promise<void> {
    await this.#db
      .insertInto('worker_days')
      .values({ day, done: 0, finalized: 0 })
      .onConflict((oc) => oc.column('day').doNothing())
      .execute();
  }

  async dayFinalized(day: number): Promise<boolean> {
    const row = await this.#db.selectFrom('worker_days').select('finalized').where('day', '=', day).executeTakeFirst();
    return Number(row?.finalized ?? 0) === 1;
  }

  async markFinalized(day: number): Promise<void> {
    await this.#db.updateTable('worker_days').set({ finalized: 1 }).where('day', '=', day).execute();
  }

  async saveCandidates(
    day: number,
    partition: number,
    candidates: ReadonlyArray<{ id: string; body: string }>,
  ): Promise<void> {
    for (let i = 0; i < candidates.length; i += CHUNK)
      await this.#db
        .insertInto('worker_candidates')
        .values(candidates.slice(i, i + CHUNK).map((c) => ({ day, partition, alert_id: c.id, body: c.body })))
        .execute();
  }

  /** The day's candidates from every partition, in (partition, alert id) order. */
  async candidates(day: number): Promise<string[]> {
    const rows = await this.#db
      .selectFrom('worker_candidates')
      .select('body')
      .where('day', '=', day)
      .orderBy('partition')
      .orderBy('alert_id')
      .execute();
    return rows.map((r) => r.body);
  }

  /** The partitions' summaries of `day`, by partition. */
  async summaries(day: number): Promise<string[]> {
    const rows = await this.#db
      .selectFrom('worker_scores')
      .select('scores')
      .where('day', '=', day)
      .orderBy('partition')
      .execute();
    return rows.map((r) => r.scores);
  }

  /** The newest snapshot before `day`, or null. */
  async snapshotBefore(day: number): Promise<{ day: number; body: string } | null> {
    const row = await this.#db
      .selectFrom('worker_snapshots')
      .select(['day', 'body'])
      .where('day', '<', day)
      .orderBy('day', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row ? { day: Number(row.day), body: row.body } : null;
  }

  /** The day of the newest snapshot before `day` (a snapshot is written once), or null. */
  async snapshotDayBefore(day: number): Promise<number | null> {
    const row = await this.#db
      .selectFrom('worker_snapshots')
      .select('day')
      .where('day', '<', day)
      .orderBy('day', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row ? Number(row.day) : null;
  }

  /** Saves snapshot `day` and drops what no job reads any more (older snapshots, the day's inputs). */
  async saveSnapshot(day: number, threshold: number, body: string): Promise<void> {
    await this.#db
      .insertInto('worker_snapshots')
      .values({ day, threshold, body })
      .onConflict((oc) => oc.column('day').doUpdateSet({ threshold, body }))
      .execute();
    await this.#db.deleteFrom('worker_snapshots').where('day', '<', day).execute();
    await this.#db.deleteFrom('worker_scores').where('day', '<=', day).execute();
    await this.#db.deleteFrom('worker_candidates').where('day', '<=', day).execute();
  }

  /** Journeys that raised an alert the organization-wide budget then refused: kept, marked so. */
  async refuseAlert(alertId: string): Promise<void> {
    await this.#db
      .updateTable('journeys')
      .set({ decision: 'over-budget', alert_id: null })
      .where('alert_id', '=', alertId)
      .execute();
  }

  /**
   * Refreshes the planner's statistics of `events` and `credentials` when the row count it knows
   * is off by more than a tenth. Ingest jobs load faster than autovacuum looks (a minute apart):
   * right after them the planner took a 147k-event table for a few hundred rows and read every
   * event once per 500 credentials the plan retraces (5.1 s; 0.3 s analyzed). Only the columns
   * workers filter on are sampled (0.3 s against 1.7 s for every column, at any table size: the
   * sample is of fixed size).
   */
  async analyzeIfStale(): Promise<string[]> {
    const { rows } = await sql<{ relname: string }>`
      SELECT s.relname FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
      WHERE s.schemaname = current_schema() AND s.relname IN ('events', 'credentials')
        AND (c.reltuples < 0 OR abs(s.n_live_tup - c.reltuples) > 0.1 * c.reltuples + 1000)
      ORDER BY s.relname`.execute(this.#db);
    const columns: Record<string, string> = {
      events: 'id, time, session, identity_hash',
      credentials: 'access_key, issuer_session, time',
    };
    for (const { relname } of rows) await sql.raw(`ANALYZE ${relname} (${columns[relname]})`).execute(this.#db);
    return rows.map((r) => r.relname);
  }

  /**
   * Creates the index `partitionEvents` reads through for a store split into `partitions` (the
   * plan fixes P, so the index cannot be a migration's). Without it every partition job walked
   * the whole day in `events_time` and dropped the other partitions' rows: P reads of each day,
   * 2.3 ms for one partition of a 2,900-event day against 0.13 ms through this index; at 1B
   * events a day that is 64 scans of the whole day. Narrow (no eventID), so ingest pays little
   * for it: 1.4 MB for 51k events against 4.6 MB for `events_time`.
   */
  async ensurePartitionIndex(partitions: number): Promise<void> {
    if (!Number.isInteger(partitions) || partitions < 1) throw new Error(`invalid partition count ${partitions}`);
    try {
      await sql`CREATE INDEX IF NOT EXISTS ${sql.id(`events_partition_${partitions}`)} ON events ((mod(identity_hash, ${sql.lit(partitions)})), time)`.execute(
        this.#db,
      );
    } catch (error) {
      // Two plans creating it at the same moment: IF NOT EXISTS does not cover the loser of
      // that race (23505 on the catalog), and the winner's index serves both.
      if ((error as { code?: string }).code !== '23505') throw error;
    }
  }

  /**
   * The events of one partition in [since, until), in (time, eventID) order, in pages. The
   * partition is a hash of the person behind the identity: a role session traced to a person
   * (key `role/person`) goes with that person; every other identity by its own key
   * (`events.identity_hash`, migration 0011).
   */
  async *partitionEvents(
    partitions: number,
    partition: number,
    since: number,
    until: number,
    batch = 5000,
  ): AsyncGenerator<EventRow> {
    let after: { time: number; eventId: string } | null = null;
    for (;;) {
      let query = this.#db
        .selectFrom('events')
        .select([...ROW_COLUMNS])
        .where('time', '>=', since)
        .where('time', '<', until)
        // P as a literal: the expression must read as the index's (`ensurePartitionIndex`).
        .where(sql<boolean>`mod(identity_hash, ${sql.lit(partitions)}) = ${partition}`);
      if (after) {
        const a = after;
        query = query.where((eb) =>
          eb.or([eb('time', '>', a.time), eb.and([eb('time', '=', a.time), eb('event_id', '>', a.eventId)])]),
        );
      }
      const rows = await query.orderBy('time').orderBy('event_id').limit(batch).execute();
      for (const r of rows) yield toRow(r);
      const last = rows.at(-1);
      if (!last || rows.length < batch) return;
      after = { time: Number(last.time), eventId: last.event_id };
    }
  }
}
