/**
 * Exactly once per destination. Before sending, a process claims (destination, alert) with a
 * lease; after the destination accepts, it marks the row `sent` (and records it in
 * `output_sends`) in one transaction. Two processes cannot both hold a live lease, so nothing
 * is sent twice in normal operation; a process that dies between sending and marking leaves a
 * lease that expires, and the alert is sent again (at-least-once on a crash, never lost).
 * Alerts whose retries ran out are `dead` until `trailhound outputs retry` requeues them.
 */
import type { DeadLetter, DeliveryLog, DeliveryState } from '../domain/delivery.ts';
import type { Store } from './index.ts';

/** The delivery log in the store (tables `output_deliveries` and `output_sends`). */
export class OutputDeliveriesRepository implements DeliveryLog {
  private readonly store: Store;
  constructor(store: Store) {
    this.store = store;
  }

  async settled(output: string): Promise<Map<string, DeliveryState>> {
    const rows = await this.store.db
      .selectFrom('output_deliveries')
      .select(['alert_id', 'state'])
      .where('output', '=', output)
      .where('state', 'in', ['sent', 'dead'])
      .execute();
    return new Map(rows.map((r) => [r.alert_id, r.state as DeliveryState]));
  }

  async claim(output: string, alertId: string, owner: string, now: number, leaseMs: number): Promise<boolean> {
    const result = await this.store.db
      .insertInto('output_deliveries')
      .values({
        output,
        alert_id: alertId,
        state: 'pending',
        owner,
        lease_until: now + leaseMs,
        attempts: 0,
        last_error: null,
        updated_at: now,
      })
      .onConflict((oc) =>
        oc
          .columns(['output', 'alert_id'])
          .doUpdateSet({ owner, lease_until: now + leaseMs, updated_at: now })
          .where('output_deliveries.state', '=', 'pending')
          .where('output_deliveries.lease_until', '<', now),
      )
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
  }

  async markSent(output: string, alertId: string, owner: string, now: number): Promise<void> {
    await this.store.transaction(async ({ store: { db: tx } }) => {
      await tx
        .updateTable('output_deliveries')
        .set((eb) => ({ state: 'sent', lease_until: 0, attempts: eb('attempts', '+', 1), updated_at: now }))
        .where('output', '=', output)
        .where('alert_id', '=', alertId)
        .where('owner', '=', owner)
        .execute();
      await tx
        .insertInto('output_sends')
        .values({ output, alert_id: alertId, sent_at: now })
        .onConflict((oc) => oc.columns(['output', 'alert_id']).doNothing())
        .execute();
    });
  }

  async markFailed(
    output: string,
    alertId: string,
    owner: string,
    now: number,
    error: string,
    dead: boolean,
  ): Promise<void> {
    await this.store.db
      .updateTable('output_deliveries')
      .set((eb) => ({
        state: dead ? 'dead' : 'pending',
        ...(dead ? { lease_until: 0 } : {}),
        attempts: eb('attempts', '+', 1),
        last_error: error.slice(0, 2000),
        updated_at: now,
      }))
      .where('output', '=', output)
      .where('alert_id', '=', alertId)
      .where('owner', '=', owner)
      .execute();
  }

  async deadLetters(output?: string): Promise<DeadLetter[]> {
    let q = this.store.db
      .selectFrom('output_deliveries')
      .select(['output', 'alert_id', 'attempts', 'last_error', 'updated_at'])
      .where('state', '=', 'dead');
    if (output !== undefined) q = q.where('output', '=', output);
    const rows = await q.orderBy('updated_at').orderBy('alert_id').execute();
    return rows.map((r) => ({
      output: r.output,
      alertId: r.alert_id,
      attempts: Number(r.attempts),
      lastError: r.last_error,
      at: Number(r.updated_at),
    }));
  }

  async requeueDead(output: string, now: number): Promise<number> {
    const result = await this.store.db
      .updateTable('output_deliveries')
      .set({ state: 'pending', lease_until: 0, owner: null, updated_at: now })
      .where('output', '=', output)
      .where('state', '=', 'dead')
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }
}
