/**
 * `/metrics` (Prometheus text format) and `/healthz`, mounted by `serve` and served by `watch`.
 * Health is "the last watch cycle ended recently" for `watch`, "the store answers" for `serve`.
 */
import { Hono } from 'hono';
import { collectDefaultMetrics } from 'prom-client';
import { TrailhoundMetrics } from './metrics.ts';

export interface Health {
  ok: boolean;
  detail: Record<string, unknown>;
}

let processMetrics: TrailhoundMetrics | null = null;

/** One registry per process for `serve`, with Node's process metrics (memory, event loop lag). */
function serveMetrics(): TrailhoundMetrics {
  if (processMetrics === null) {
    processMetrics = new TrailhoundMetrics();
    collectDefaultMetrics({ register: processMetrics.registry, prefix: 'trailhound_' });
  }
  return processMetrics;
}

export function operationsRoutes(
  metrics: TrailhoundMetrics = serveMetrics(),
  health: () => Health | Promise<Health> = () => ({ ok: true, detail: {} }),
) {
  const app = new Hono();
  app.get('/metrics', async (c) => {
    const body = await metrics.registry.metrics();
    return c.body(body, 200, { 'content-type': metrics.registry.contentType });
  });
  app.get('/healthz', async (c) => {
    const h = await health();
    return c.json({ status: h.ok ? 'ok' : 'unhealthy', ...h.detail }, h.ok ? 200 : 503);
  });
  return app;
}

/** Serves the operations routes alone (for `watch`); resolves once listening. */
export async function serveOperations(
  app: Hono,
  host: string,
  port: number,
): Promise<{ url: string; close: () => Promise<void> }> {
  const { serve } = await import('@hono/node-server');
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: host, port }, (info) => {
      const h = info.family === 'IPv6' ? `[${info.address}]` : info.address;
      resolve({
        url: `http://${h}:${info.port}`,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
    server.once('error', reject);
  });
}
