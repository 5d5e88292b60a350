/**
 * PostgreSQL `COPY FROM STDIN` for bulk inserts. Kysely hands out no raw client, and `COPY`
 * needs the very connection of the caller's transaction: every pooled client is registered by
 * its backend process id when it connects, and the transaction's own `pg_backend_pid()` names
 * it.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type Kysely, sql } from 'kysely';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

const clients = new Map<number, pg.PoolClient>();

/** Registers every client of `pool` as it connects (and forgets it when it goes). */
export function trackCopyClients(pool: pg.Pool): void {
  pool.on('connect', (client) => {
    const pid = (client as unknown as { processID: number | null }).processID;
    if (pid === null) return;
    clients.set(pid, client);
    client.on('end', () => clients.delete(pid));
  });
  pool.on('remove', (client) => {
    const pid = (client as unknown as { processID: number | null }).processID;
    if (pid !== null && clients.get(pid) === client) clients.delete(pid);
  });
}

/** The pooled client `db` (a transaction) runs on. */
async function clientOf<D>(db: Kysely<D>): Promise<pg.PoolClient> {
  const { rows } = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(db);
  const pid = Number(rows[0]?.pid);
  const client = clients.get(pid);
  if (client === undefined) throw new Error(`no pooled PostgreSQL client for backend ${pid}`);
  return client;
}

const SPECIAL = /[\\\t\n\r\0]/;
const SPECIALS = /[\\\t\n\r\0]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r', '\0': '\uFFFD' };

/**
 * Rows in COPY's text format: tab between values, a newline after each row, `\N` for null, and
 * backslash escapes for the characters the format gives meaning to (every CloudTrail string may
 * hold them). One loop of concatenation: `row.map(field).join('\t')` allocated two arrays a row
 * and took ~1.2x the CPU (70,000 ingest rows, median of 9: 203 ms against 167 ms).
 */
function encodeRows(rows: ReadonlyArray<ReadonlyArray<string | number | null>>, from: number, to: number): string {
  let text = '';
  for (let i = from; i < to; i++) {
    const row = rows[i] as ReadonlyArray<string | number | null>;
    for (let j = 0; j < row.length; j++) {
      const v = row[j] as string | number | null;
      if (j > 0) text += '\t';
      if (v === null) text += '\\N';
      else if (typeof v === 'number') text += v;
      else text += SPECIAL.test(v) ? v.replace(SPECIALS, (c) => ESCAPES[c] as string) : v;
    }
    text += '\n';
  }
  return text;
}

/** COPYs `rows` (values in `columns` order) into `table` on the transaction's connection. */
export async function copyRows<D>(
  db: Kysely<D>,
  table: string,
  columns: readonly string[],
  rows: ReadonlyArray<ReadonlyArray<string | number | null>>,
): Promise<void> {
  const client = await clientOf(db);
  const stream = client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`));
  const CHUNK = 500;
  await pipeline(
    Readable.from(
      (function* () {
        for (let i = 0; i < rows.length; i += CHUNK) yield encodeRows(rows, i, Math.min(i + CHUNK, rows.length));
      })(),
    ),
    stream,
  );
}
