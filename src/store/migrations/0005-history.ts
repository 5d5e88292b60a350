import type { Kysely } from 'kysely';

// Late files and history (dialect-neutral DDL). Detection is replayed from a checkpoint when
// events arrive older than what it already scored: `detect_checkpoints` holds the detector's
// serialized state at UTC day starts (and one on the hour near the newest event),
// `journeys.segment` the checkpoint a journey was scored after (0 before the first), so a
// replay from a checkpoint knows which rows it rewrites.
// Rows stored before this migration read as segment 0: the next `detect` replays everything.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('detect_checkpoints')
    .addColumn('at', 'bigint', (c) => c.primaryKey())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('alerts', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .alterTable('journeys')
    .addColumn('segment', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('journeys_segment').on('journeys').column('segment').execute();
}
