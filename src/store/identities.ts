/**
 * What the identity page reads of one identity besides the activity counters and the model:
 * its newest and oldest event (ends of the `events_actor_time` index), its alerts (the
 * `alerts_actor` index) and the analysts' verdicts on them (`alert_verdicts_actor`).
 */
import type { Store } from './index.ts';

export interface IdentityEvents {
  type: string;
  name: string;
  accountId: string | null;
  roleArn: string | null;
  /** The person behind it, as the newest event's credential chain says. */
  person: string | null;
  /** Epoch ms of the oldest and newest event. */
  first: number;
  last: number;
}

export interface IdentityAlertRow {
  id: string;
  severity: string;
  status: string;
  note: string | null;
  /** Epoch ms. */
  start: number;
  /** The stored alert as JSON. */
  body: string;
}

export interface VerdictRow {
  alertId: string;
  verdict: string;
  note: string | null;
  analyst: string | null;
  /** Epoch ms, null when the verdict added no suppression. */
  suppressedUntil: number | null;
  /** Epoch ms. */
  at: number;
}

export class IdentitiesRepository {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  /** Who the identity is as its newest event says, and the time of its first and last event; null when unknown. */
  async events(key: string): Promise<IdentityEvents | null> {
    const { db } = this.#store;
    const latest = await db
      .selectFrom('events')
      .select(['actor_type', 'actor_name', 'actor_account', 'role_arn', 'person', 'time'])
      .where('actor_key', '=', key)
      .orderBy('time', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (latest === undefined) return null;
    const first = await db
      .selectFrom('events')
      .select('time')
      .where('actor_key', '=', key)
      .orderBy('time')
      .limit(1)
      .executeTakeFirst();
    return {
      type: latest.actor_type,
      name: latest.actor_name,
      accountId: latest.actor_account,
      roleArn: latest.role_arn,
      person: latest.person,
      first: Number(first?.time ?? latest.time),
      last: Number(latest.time),
    };
  }

  /** The identity's alerts, newest first. */
  async alerts(key: string): Promise<IdentityAlertRow[]> {
    const rows = await this.#store.db
      .selectFrom('alerts')
      .select(['id', 'body', 'status', 'note', 'start', 'severity'])
      .where('actor_key', '=', key)
      .orderBy('start', 'desc')
      .execute();
    return rows.map((r) => ({ ...r, start: Number(r.start) }));
  }

  /** The latest verdicts given on the identity's alerts (at most `limit`), newest first. */
  async verdicts(key: string, limit = 200): Promise<VerdictRow[]> {
    const rows = await this.#store.db
      .selectFrom('alert_verdicts')
      .selectAll()
      .where('actor_key', '=', key)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      alertId: r.alert_id,
      verdict: r.verdict,
      note: r.note,
      analyst: r.analyst,
      suppressedUntil: r.suppressed_until === null ? null : Number(r.suppressed_until),
      at: Number(r.created_at),
    }));
  }

  /** Logs a verdict given on one of the identity's alerts. */
  async recordVerdict(v: VerdictRow & { actorKey: string }): Promise<void> {
    await this.#store.db
      .insertInto('alert_verdicts')
      .values({
        alert_id: v.alertId,
        actor_key: v.actorKey,
        verdict: v.verdict,
        note: v.note,
        analyst: v.analyst,
        suppressed_until: v.suppressedUntil,
        created_at: v.at,
      })
      .execute();
  }
}
