/**
 * The delivery log's contract (exactly once per destination) lives in the domain module; the
 * store's `OutputDeliveriesRepository` keeps it in the database. This one keeps it in memory.
 */
import type { DeadLetter, DeliveryLog, DeliveryState } from '../../domain/delivery.ts';

export type { DeadLetter, DeliveryLog, DeliveryState };

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
