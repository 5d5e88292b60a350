/**
 * A database of a test's own on the local PostgreSQL (127.0.0.1:5432 with trust auth on this
 * machine kind and in CI; `TRAILHOUND_TEST_PG` names another server's admin URL): created before
 * the test file runs and dropped after, so runs side by side never share one.
 */
import pg from 'pg';

const ADMIN_URL = process.env.TRAILHOUND_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  readonly url: string;
  create(): Promise<void>;
  /** Drops it even while a pool still holds connections. */
  drop(): Promise<void>;
}

export function testDatabase(label: string): TestDatabase {
  const name = `trailhound_test_${label}_${process.pid}_${Date.now()}`;
  return {
    url: ADMIN_URL.replace(/\/[^/]*$/, `/${name}`),
    create: () => adminStatement(ADMIN_URL, `CREATE DATABASE ${name}`),
    drop: () => adminStatement(ADMIN_URL, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

/** Runs one statement on its own connection (CREATE and DROP DATABASE cannot run in a pool's transaction). */
export async function adminStatement(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
