/**
 * Exactly once per destination. Before sending, a process claims (destination, alert) with a
 * lease; after the destination accepts, it marks the row `sent` (and records it in
 * `output_sends`) in one transaction. Two processes cannot both hold a live lease, so nothing
 * is sent twice in normal operation; a process that dies between sending and marking leaves a
 * lease that expires, and the alert is sent again (at-least-once on a crash, never lost).
 * Alerts whose retries ran out are `dead` until `trailhound outputs retry` requeues them.
 */
import type { Store } from '../../store/index.ts';

export type DeliveryState = 'pending' | 'sent' | 'dead';

export interface DeadLetter {
  output: string;
  alertId: string;
  attempts: number;
  lastError: string | null;
  at: number;
}

export interface DeliveryLog {
  /** Alert ids this destination already has (sent) or that wait in the dead-letter queue. */
  settled(output: string): Promise<Map<string, DeliveryState>>;
  /** True when this owner now holds the alert for this destination until `now + leaseMs`. */
  claim(output: string, alertId: string, owner: string, now: number, leaseMs: number): Promise<boolean>;
  markSent(output: string, alertId: string, owner: string, now: number): Promise<void>;
  /** Records a failed attempt; `dead` moves the alert to the dead-letter queue, else the owner keeps its lease for the retry. */
  markFailed(output: string, alertId: string, owner: string, now: number, error: string, dead: boolean): Promise<void>;
  deadLetters(output?: string): Promise<DeadLetter[]>;
  /** Puts dead letters back in line; returns how many. */
  requeueDead(output: string, now: number): Promise<number>;
}

/** The delivery log in the store (tables `output_deliveries` and `output_sends`). */
export class OutputDeliveries implements DeliveryLog {
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
    await this.store.db.transaction().execute(async (tx) => {
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

/** A delivery log in memory, for tests and dry runs. */
export class MemoryDeliveries implements DeliveryLog {
  readonly rows = new Map<
    string,
    { state: DeliveryState; owner: string; leaseUntil: number; attempts: number; error: string | null; at: number }
  >();
  /** Sent (destination, alert id) pairs, in the order they were marked. */
  readonly entries: Array<{ output: string; alertId: string }> = [];
  private k = (output: string, alertId: string) => `${output}\u0000${alertId}`;

  async settled(output: string): Promise<Map<string, DeliveryState>> {
    const out = new Map<string, DeliveryState>();
    for (const [key, row] of this.rows) {
      const [o, id] = key.split('\u0000') as [string, string];
      if (o === output && row.state !== 'pending') out.set(id, row.state);
    }
    return out;
  }

  async claim(output: string, alertId: string, owner: string, now: number, leaseMs: number): Promise<boolean> {
    const row = this.rows.get(this.k(output, alertId));
    if (row && (row.state !== 'pending' || row.leaseUntil >= now)) return false;
    this.rows.set(this.k(output, alertId), {
      state: 'pending',
      owner,
      leaseUntil: now + leaseMs,
      attempts: row?.attempts ?? 0,
      error: row?.error ?? null,
      at: now,
    });
    return true;
  }

  async markSent(output: string, alertId: string, owner: string, now: number): Promise<void> {
    const row = this.rows.get(this.k(output, alertId));
    if (!row || row.owner !== owner) return;
    Object.assign(row, { state: 'sent', leaseUntil: 0, attempts: row.attempts + 1, at: now });
    this.entries.push({ output, alertId });
  }

  async markFailed(output: string, alertId: string, owner: string, now: number, error: string, dead: boolean) {
    const row = this.rows.get(this.k(output, alertId));
    if (!row || row.owner !== owner) return;
    Object.assign(row, { state: dead ? 'dead' : 'pending', attempts: row.attempts + 1, error, at: now });
  }

  async deadLetters(output?: string): Promise<DeadLetter[]> {
    return [...this.rows]
      .filter(([key, r]) => r.state === 'dead' && (output === undefined || key.startsWith(`${output}\u0000`)))
      .map(([key, r]) => {
        const [o, id] = key.split('\u0000') as [string, string];
        return { output: o, alertId: id, attempts: r.attempts, lastError: r.error, at: r.at };
      });
  }

  async requeueDead(output: string, now: number): Promise<number> {
    let n = 0;
    for (const [key, row] of this.rows)
      if (row.state === 'dead' && key.startsWith(`${output}\u0000`)) {
        Object.assign(row, { state: 'pending', leaseUntil: 0, owner: '', at: now });
        n += 1;
      }
    return n;
  }
}
