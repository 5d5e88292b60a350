/** Reading alerts for the CLI, the server and the outputs. */
import type { Alert, StoredAlert } from '../domain/alert.ts';
import { Repositories, type Store } from '../store/index.ts';

/** Every alert (optionally those ending at or after `since`), newest start first, then by id. */
export function listAlerts(store: Store, options: { since?: number | undefined } = {}): Promise<Alert[]> {
  return new Repositories(store).alerts.list(options);
}

export function getStoredAlert(store: Store, id: string): Promise<StoredAlert | null> {
  return new Repositories(store).alerts.get(id);
}

/** The alert with this id, or with an id starting with this prefix when it is unambiguous (else NotFoundError). */
export function findAlert(store: Store, id: string): Promise<StoredAlert> {
  return new Repositories(store).alerts.find(id);
}
