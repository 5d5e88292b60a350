/**
 * `trailhound serve`: the triage API and the built dashboard over one store, bound to
 * loopback by default. Builds nothing at run time; without `web/dist` it serves the API
 * and a page saying to run `npm run build:web`.
 */
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { UsageError } from '../errors.ts';
import { storeHealth } from '../ops/store-health.ts';
import type { Store } from '../store/index.ts';
import { createApp } from './app.ts';
import type { TriageRepositories } from './types.ts';
import { storeRepositories } from './wire.ts';

export { createApp } from './app.ts';
export { TriageService } from './service.ts';
export type { TriageRepositories } from './types.ts';

/** `web/dist` of this checkout. */
export const DEFAULT_STATIC_ROOT = fileURLToPath(new URL('../../web/dist', import.meta.url));

const LOOPBACK = ['127.0.0.1', 'localhost', '::1'];
const REFRESH_MS = 5000;

export function isLoopback(host: string): boolean {
  return LOOPBACK.includes(host) || /^127\./.test(host);
}

export interface ServeOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  staticRoot?: string | null | undefined;
  /** A store (production) or ready-made repositories (tests, demos). */
  store?: Store | undefined;
  repositories?: TriageRepositories | undefined;
  /** Required when `host` is not loopback: every API call must then carry it as a bearer token. */
  token?: string | null | undefined;
  /** A header an authenticating proxy sets to the analyst's name, recorded with each verdict. */
  analystHeader?: string | null | undefined;
  /** The detector's weekly alert budget and learning period, for the overview. */
  alertsPerWeek?: number | undefined;
  learningDays?: number | undefined;
}

/** Shortest token accepted: guessing 24 random characters is out of reach. */
export const MIN_TOKEN_LENGTH = 24;

/** Why these options must not start a server, or null when they may. */
export function refuseToServe(options: Pick<ServeOptions, 'host' | 'token'>): string | null {
  const token = options.token ?? null;
  if (token !== null && (token.length < MIN_TOKEN_LENGTH || !/^[\x21-\x7e]+$/.test(token)))
    return `The token must be at least ${MIN_TOKEN_LENGTH} printable characters without spaces (e.g. \`openssl rand -hex 24\`).`;
  if (!isLoopback(options.host) && token === null)
    return `Refusing to listen on ${options.host} without a token: set TRAILHOUND_TOKEN (e.g. \`export TRAILHOUND_TOKEN=$(openssl rand -hex 24)\`), or bind to 127.0.0.1.`;
  return null;
}

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const refusal = refuseToServe(options);
  if (refusal !== null) throw new UsageError(refusal);
  const repositories =
    options.repositories ??
    (options.store
      ? storeRepositories(options.store, { alertsPerWeek: options.alertsPerWeek, learningDays: options.learningDays })
      : undefined);
  if (repositories === undefined) throw new Error('startServer needs a store or repositories');
  // On loopback, answer only to loopback names: a DNS-rebinding page cannot reach the API.
  const allowedHosts = isLoopback(options.host) ? [...LOOPBACK, options.host] : undefined;
  const app = createApp({
    repositories,
    staticRoot: options.staticRoot === undefined ? DEFAULT_STATIC_ROOT : options.staticRoot,
    allowedHosts,
    token: options.token ?? null,
    analystHeader: options.analystHeader ?? null,
    ...(options.store ? { health: () => storeHealth(options.store as Store) } : {}),
  });
  // Counters catch up in the background (in small batches that yield), so no page waits for
  // a large store's first count; then every few seconds for what ingest added meanwhile.
  const refresh = repositories.refresh;
  let timer: NodeJS.Timeout | null = null;
  let closed = false;
  let inflight: Promise<void> = Promise.resolve();
  const stopCounting = new AbortController();
  if (refresh !== undefined) {
    const tick = () => {
      if (closed) return;
      inflight = refresh(stopCounting.signal)
        .catch((error: unknown) => {
          if (!closed) console.error('trailhound serve: counting events failed:', error);
        })
        .finally(() => {
          if (!closed) timer = setTimeout(tick, REFRESH_MS).unref();
        });
    };
    tick();
  }
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: options.host, port: options.port }, (info) => {
      const host = info.family === 'IPv6' ? `[${info.address}]` : info.address;
      resolve({
        url: `http://${host}:${info.port}`,
        port: info.port,
        close: () =>
          new Promise<void>((done, fail) => {
            closed = true;
            stopCounting.abort();
            if (timer !== null) clearTimeout(timer);
            // The store closes after this: let a running count finish its batch first.
            server.close((e) => (e ? fail(e) : void inflight.then(() => repositories.close?.()).then(done, fail)));
          }),
      });
    });
    server.once('error', reject);
  });
}
