/**
 * The one data-access layer: a kysely database over SQLite (embedded default,
 * `./trailhound.db`) or PostgreSQL (`postgres://...`, for running on several machines).
 * Every SQL statement in Trailhound goes through here or a repository beside it.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, type MigrationProvider, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import { StoreError } from '../errors.ts';
import { restoreEventIndexes } from './bulk-load.ts';
import { type Dialect, migrationsFor } from './migrations/index.ts';
import { Repositories } from './repositories.ts';
import type { Database } from './schema.ts';

export type { Dialect } from './migrations/index.ts';
export { Repositories } from './repositories.ts';
export type { Database } from './schema.ts';

export interface StoreOptions {
  /** SQLite file path, `:memory:`, or a `postgres://` URL. Default: `TRAILHOUND_DB`, else `./trailhound.db`. */
  db?: string | undefined;
  /**
   * PostgreSQL: commit without waiting for the WAL to reach the disk (`synchronous_commit =
   * off` for this store's sessions). For writers whose every transaction is redone when lost:
   * a server crash can lose the last commits (a fraction of a second of them, never a part of
   * one, never an earlier one while keeping a later), it cannot corrupt anything.
   */
  asyncCommit?: boolean;
}

export interface Store {
  readonly db: Kysely<Database>;
  readonly dialect: Dialect;
  /** The better-sqlite3 handle for the ingest fast path (SQLite only). */
  readonly sqlite: BetterSqlite3.Database | null;
  /** Where the data lives, for messages. */
  readonly location: string;
  /**
   * Runs `fn` in one transaction and commits when it resolves (rolls back when it throws). The
   * repositories `fn` is handed write inside that transaction; inside one already, `fn` joins it.
   */
  transaction<T>(fn: (tx: Repositories) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** `Store.transaction` for every store object (a method on `this`, so a store bound to a transaction joins it). */
function transaction<T>(this: Store, fn: (tx: Repositories) => Promise<T>): Promise<T> {
  if (this.db.isTransaction) return fn(new Repositories(this));
  return this.db.transaction().execute((trx) => fn(new Repositories({ ...this, db: trx })));
}

/** Resolves the database location from an option and the environment. */
export function resolveDbLocation(db: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return db ?? env.TRAILHOUND_DB ?? 'trailhound.db';
}

export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

let bigintParserSet = false;

/** Server settings (libpq `options`) of a session that does not wait for its commits to reach the disk. */
export const ASYNC_COMMIT = '-c synchronous_commit=off';

/** Page size of a new SQLite store. */
const PAGE_SIZE = 16_384;
/** WAL size at which SQLite checkpoints on its own. */
const CHECKPOINT_BYTES = 40_960_000;

/** Opens (and migrates) a store. */
export async function openStore(options: StoreOptions = {}): Promise<Store> {
  const location = resolveDbLocation(options.db);
  let store: Store;
  if (isPostgresUrl(location)) {
    // Imported here: the driver and the COPY streams cost ~50 ms of start-up that an embedded
    // store never needs.
    const [{ default: pg }, { trackCopyClients }, { PgTextPlugin }] = await Promise.all([
      import('pg'),
      import('./pg-copy.ts'),
      import('./pg-text-plugin.ts'),
    ]);
    if (!bigintParserSet) {
      // Epoch milliseconds fit in a double until year 287396; pg returns int8 as strings by default.
      pg.types.setTypeParser(20, (v) => Number(v));
      bigintParserSet = true;
    }
    const pool = new pg.Pool({
      connectionString: location,
      max: 4,
      ...(options.asyncCommit ? { options: ASYNC_COMMIT } : {}),
    });
    // An idle client the server closed (a restart, an administrator's termination) emits 'error'
    // on the pool; unhandled, that ends the process. The pool drops the client and the next
    // query opens a new one, so there is nothing to do but not crash.
    pool.on('error', () => {});
    trackCopyClients(pool);
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), plugins: [new PgTextPlugin()] });
    store = { db, dialect: 'postgres', sqlite: null, location, transaction, close: () => db.destroy() };
  } else {
    let handle: BetterSqlite3.Database;
    try {
      if (location !== ':memory:') mkdirSync(dirname(resolve(location)), { recursive: true });
      handle = new BetterSqlite3(location);
      // A new store gets 16 KiB pages (an existing one keeps its own: WAL mode cannot change it).
      // Fewer, fuller pages per index: inserting 100,000 ingest rows took 0.79x the CPU of 4 KiB
      // pages (scripts/bench-insert.ts, median of 5); the file is 4% smaller.
      handle.pragma(`page_size = ${PAGE_SIZE}`);
      // WAL lets the CLI, the server and a worker share one file; NORMAL sync is crash-safe
      // in WAL mode (a power loss may lose the last commit, never corrupt the database).
      handle.pragma('journal_mode = WAL');
      handle.pragma('synchronous = NORMAL');
      // Checkpoints (which fsync) every ~40 MB of WAL instead of 4 MB: commits during ingest
      // took 117 ms each with the default, 75 ms with this (7,769 small files, loaded machine).
      // The setting counts pages, so it follows the page size the file actually has.
      const pageSize = Number(handle.pragma('page_size', { simple: true }));
      handle.pragma(`wal_autocheckpoint = ${Math.ceil(CHECKPOINT_BYTES / pageSize)}`);
      handle.pragma('busy_timeout = 10000');
      handle.pragma('cache_size = -65536');
    } catch (error) {
      throw new StoreError(
        `Cannot open the SQLite database ${location}: ${(error as Error).message}. Check the path and its permissions, or pass --db.`,
        { cause: error },
      );
    }
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: handle }) });
    store = { db, dialect: 'sqlite', sqlite: handle, location, transaction, close: () => db.destroy() };
  }
  await migrate(store);
  // A first load killed before it built the indexes it deferred: built now, before anyone reads.
  restoreEventIndexes(store);
  return store;
}

async function migrate(store: Store): Promise<void> {
  const provider: MigrationProvider = { getMigrations: async () => migrationsFor(store.dialect) };
  const migrator = new Migrator({
    db: store.db,
    provider,
    migrationTableName: 'th_migration',
    migrationLockTableName: 'th_migration_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    await store.close();
    throw new StoreError(
      `Cannot prepare the database ${store.location} (migration ${failed}): ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}
