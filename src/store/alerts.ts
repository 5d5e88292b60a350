/**
 * The alerts repository: the only code that writes or reads the `alerts` table. Indexed
 * columns for listing, the full alert as JSON in `body` (the `trailhound alerts --format json`
 * contract).
 */
import type { Alert, AlertStatus, StoredAlert } from '../domain/alert.ts';
import { NotFoundError } from '../errors.ts';
import type { Store } from './index.ts';

export class AlertsRepository {
  readonly #store: Store;
  constructor(store: Store) {
    this.#store = store;
  }

  /** Inserts the alert, or rewrites its body and times (the analyst's status and note stay). */
  async save(alert: StoredAlert, now = Date.now()): Promise<void> {
    const row = {
      id: alert.id,
      actor_key: alert.actor,
      start: Date.parse(alert.start),
      end: Date.parse(alert.end),
      score: alert.score,
      severity: alert.severity,
      status: alert.status,
      note: alert.note,
      body: JSON.stringify(alert),
      created_at: now,
      updated_at: now,
    };
    await this.#store.db
      .insertInto('alerts')
      .values(row)
      .onConflict((oc) =>
        oc.column('id').doUpdateSet({
          end: row.end,
          start: row.start,
          score: row.score,
          severity: row.severity,
          body: row.body,
          updated_at: now,
        }),
      )
      .execute();
  }

  async get(id: string): Promise<StoredAlert | null> {
    const row = await this.#store.db
      .selectFrom('alerts')
      .select(['body', 'status', 'note'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) return null;
    const alert = JSON.parse(row.body) as StoredAlert;
    alert.status = row.status as AlertStatus;
    alert.note = row.note;
    return alert;
  }

  /** Every alert (optionally those ending at or after `since`), newest start first, then by id. */
  async list(options: { since?: number | undefined } = {}): Promise<Alert[]> {
    let q = this.#store.db.selectFrom('alerts').select(['body', 'status', 'note']);
    if (options.since !== undefined) q = q.where('end', '>=', options.since);
    const rows = await q.orderBy('start', 'desc').orderBy('id').execute();
    return rows.map((r) => {
      const alert = JSON.parse(r.body) as StoredAlert;
      alert.status = r.status as AlertStatus;
      alert.note = r.note;
      return alert;
    });
  }

  /** The alert with this id, or with an id starting with this prefix when it is unambiguous. */
  async find(id: string): Promise<StoredAlert> {
    const exact = await this.get(id);
    if (exact) return exact;
    if (id.length >= 4) {
      const rows = await this.#store.db
        .selectFrom('alerts')
        .select('id')
        .where('id', 'like', `${id.replace(/[%_\\]/g, '')}%`)
        .limit(2)
        .execute();
      if (rows.length === 1) {
        const found = await this.get((rows[0] as { id: string }).id);
        if (found) return found;
      }
    }
    throw new NotFoundError('alert', id);
  }

  async setStatus(id: string, status: AlertStatus, note: string | null): Promise<void> {
    await this.#store.db
      .updateTable('alerts')
      .set({ status, note, updated_at: Date.now() })
      .where('id', '=', id)
      .execute();
  }

  /** The CloudTrail eventIDs any alert cites (retention keeps them). */
  async citedEventIds(): Promise<Set<string>> {
    const cited = new Set<string>();
    for (const row of await this.#store.db.selectFrom('alerts').select('body').execute()) {
      const body = JSON.parse(row.body) as { events?: Array<{ eventId: string }> };
      for (const e of body.events ?? []) cited.add(e.eventId);
    }
    return cited;
  }
}
