/**
 * `trailhound serve`: the triage API and the built dashboard over one store, bound to
 * loopback by default. Builds nothing at run time; without `web/dist` it serves the API
 * and a page saying to run `npm run build:web`.
 */
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
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
}

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const repositories = options.repositories ?? (options.store ? storeRepositories(options.store) : undefined);
  if (repositories === undefined) throw new Error('startServer needs a store or repositories');
  // On loopback, answer only to loopback names: a DNS-rebinding page cannot reach the API.
  const allowedHosts = isLoopback(options.host) ? [...LOOPBACK, options.host] : undefined;
  const app = createApp({
    repositories,
    staticRoot: options.staticRoot === undefined ? DEFAULT_STATIC_ROOT : options.staticRoot,
    allowedHosts,
  });
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: options.host, port: options.port }, (info) => {
      const host = info.family === 'IPv6' ? `[${info.address}]` : info.address;
      resolve({
        url: `http://${host}:${info.port}`,
        port: info.port,
        close: () => new Promise<void>((done, fail) => server.close((e) => (e ? fail(e) : done()))),
      });
    });
    server.once('error', reject);
  });
}
