/** Scoped suppressions (from `feedback --suppress`): the only code that reads or writes them. */
import type { Store } from '../store/index.ts';
import type { Suppression } from './engine.ts';

export async function loadSuppressions(store: Store): Promise<Suppression[]> {
  const rows = await store.db
    .selectFrom('suppressions')
    .select(['id', 'actor_key', 'tokens', 'owner', 'expires'])
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: Number(r.id),
    actorKey: r.actor_key,
    tokens: JSON.parse(r.tokens) as string[],
    owner: r.owner,
    expires: Number(r.expires),
  }));
}

export async function addSuppression(
  store: Store,
  s: {
    actorKey: string;
    tokens: readonly string[];
    owner: string;
    expires: number;
    alertId: string | null;
    note: string | null;
  },
): Promise<void> {
  await store.db
    .insertInto('suppressions')
    .values({
      actor_key: s.actorKey,
      tokens: JSON.stringify(s.tokens),
      owner: s.owner,
      expires: s.expires,
      alert_id: s.alertId,
      note: s.note,
      created_at: Date.now(),
    })
    .execute();
}
