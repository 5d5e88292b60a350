/**
 * Whether a location already holds a Trailhound store, found out without creating
 * anything: commands that only read a store must refuse a mistyped `--db` rather than
 * open an empty store (and its parent folders) and report "no alerts".
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { StoreError, StoreNotFoundError } from '../errors.ts';

/** The table every Trailhound store has from its first migration on. */
const MIGRATION_TABLE = 'th_migration';

/** Throws `StoreNotFoundError` unless `location` (a SQLite path or a postgres:// URL) holds a Trailhound store. */
export async function assertStoreExists(location: string): Promise<void> {
  if (/^postgres(ql)?:\/\//i.test(location)) await assertPostgresStore(location);
  else if (location !== ':memory:') assertSqliteStore(location);
}

function assertSqliteStore(location: string): void {
  const path = resolve(location);
  const shown = path === location ? path : `${location} (${path})`;
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch {
    throw new StoreNotFoundError(shown, 'no such file');
  }
  if (!isFile) throw new StoreNotFoundError(shown, 'not a regular file');
  let handle: BetterSqlite3.Database | null = null;
  try {
    handle = new BetterSqlite3(path, { fileMustExist: true });
    const row = handle.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(MIGRATION_TABLE);
    if (!row) throw new StoreNotFoundError(shown, `a SQLite database without Trailhound's tables`);
  } catch (error) {
    if (error instanceof StoreNotFoundError) throw error;
    throw new StoreNotFoundError(shown, `not a SQLite database (${(error as Error).message})`);
  } finally {
    handle?.close();
  }
}

async function assertPostgresStore(location: string): Promise<void> {
  const shown = withoutPassword(location);
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: location });
  try {
    await client.connect();
  } catch (error) {
    // 3D000: invalid_catalog_name, the database does not exist.
    if ((error as { code?: string }).code === '3D000')
      throw new StoreNotFoundError(shown, 'the database does not exist');
    throw new StoreError(`Cannot connect to ${shown}: ${(error as Error).message}`, { cause: error });
  }
  try {
    const result = await client.query<{ present: boolean }>('SELECT to_regclass($1) IS NOT NULL AS present', [
      MIGRATION_TABLE,
    ]);
    if (!result.rows[0]?.present) throw new StoreNotFoundError(shown, 'the database has no Trailhound tables');
  } finally {
    await client.end();
  }
}

/** The URL as it may be printed: a password in it is replaced. */
export function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@');
  }
}
