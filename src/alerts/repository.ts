/**
 * The alerts table: the only code that writes or reads it. Indexed columns for listing,
 * the full alert as JSON in `body` (the `trailhound alerts --format json` contract).
 */
import { NotFoundError } from '../errors.ts';
import type { Store } from '../store/index.ts';
import type { StoredAlert } from './build.ts';
import type { Alert, AlertStatus } from './types.ts';

export async function saveAlert(store: Store, alert: StoredAlert, now = Date.now()): Promise<void> {
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
  await store.db
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

export async function getStoredAlert(store: Store, id: string): Promise<StoredAlert | null> {
  const row = await store.db
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

/** Every alert (optionally those ending at or after `since`), highest score first, then newest. */
export async function listAlerts(store: Store, options: { since?: number | undefined } = {}): Promise<Alert[]> {
  let q = store.db.selectFrom('alerts').select(['body', 'status', 'note']);
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
export async function findAlert(store: Store, id: string): Promise<StoredAlert> {
  const exact = await getStoredAlert(store, id);
  if (exact) return exact;
  if (id.length >= 4) {
    const rows = await store.db
      .selectFrom('alerts')
      .select('id')
      .where('id', 'like', `${id.replace(/[%_\\]/g, '')}%`)
      .limit(2)
      .execute();
    if (rows.length === 1) {
      const found = await getStoredAlert(store, (rows[0] as { id: string }).id);
      if (found) return found;
    }
  }
  throw new NotFoundError('alert', id);
}

export async function setAlertStatus(
  store: Store,
  id: string,
  status: AlertStatus,
  note: string | null,
): Promise<void> {
  await store.db.updateTable('alerts').set({ status, note, updated_at: Date.now() }).where('id', '=', id).execute();
}
