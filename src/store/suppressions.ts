/** The suppressions repository (from `feedback --suppress`): the only code that reads or writes them. */
import type { Suppression } from '../domain/suppression.ts';
import type { Store } from './index.ts';

export interface SuppressionToAdd {
  actorKey: string;
  tokens: readonly string[];
  owner: string;
  expires: number;
  alertId: string | null;
  note: string | null;
}

export class SuppressionsRepository {
  readonly #store: Store;
  constructor(store: Store) {
    this.#store = store;
  }

  async list(): Promise<Suppression[]> {
    const rows = await this.#store.db
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

  async add(s: SuppressionToAdd): Promise<void> {
    await this.#store.db
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
}
