import { type Kysely, sql } from 'kysely';
import type { Dialect } from './index.ts';

// PostgreSQL only (SQLite already compares text bytewise and keeps blobs as given):
// - `events.event_id` and `events.session` compared bytewise (COLLATE "C"): the UNIQUE key and the
//   session index take every row at a random place, and each comparison on the way down went
//   through the locale's strcoll. Both are only ever looked up by equality or ordered for a stable
//   page order, which bytewise order gives as well (as SQLite orders them). Indexes are rebuilt,
//   the table is not rewritten (100,000 events: 0.8 s). `actor_key` keeps its collation: bytewise
//   it cost no less (within noise), and the generated `identity_hash` reads it (a change of its
//   type means dropping that column and rewriting the table);
// - `raw_blobs.data` stored out of line uncompressed: the bytes are gzip already, and TOAST's
//   compression of them only spent CPU to find nothing to save. Applies to blobs written from now on.
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  if (dialect !== 'postgres') return;
  await sql`ALTER TABLE events ALTER COLUMN event_id TYPE text COLLATE "C", ALTER COLUMN session TYPE text COLLATE "C"`.execute(
    db,
  );
  await sql`ALTER TABLE raw_blobs ALTER COLUMN data SET STORAGE EXTERNAL`.execute(db);
}
