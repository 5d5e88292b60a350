/**
 * `/healthz` for `serve`: the server is healthy when its store answers. A locked SQLite file,
 * a PostgreSQL that went away or a full disk show up here, not only as failing API calls.
 */
import { Repositories, type Store } from '../store/index.ts';
import type { Health } from './routes.ts';

/** Longer than this and the store counts as not answering (a probe must not hang with it). */
const STORE_TIMEOUT_MS = 5000;

export async function storeHealth(store: Store, timeoutMs = STORE_TIMEOUT_MS): Promise<Health> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([new Repositories(store).health.ping(), timeout]);
    return { ok: true, detail: { store: { dialect: store.dialect, answered: true, ms: elapsed(started) } } };
  } catch (error) {
    return {
      ok: false,
      detail: {
        store: { dialect: store.dialect, answered: false, ms: elapsed(started), error: (error as Error).message },
      },
    };
  } finally {
    clearTimeout(timer);
  }
}

const elapsed = (started: number) => Math.round((performance.now() - started) * 10) / 10;
