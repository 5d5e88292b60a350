/**
 * The HTTP surface of triage: a Hono app with a JSON API under `/api` and the built
 * dashboard everywhere else. Routes only parse and map HTTP; `TriageService` decides.
 * Security: strict CSP (no inline script), nosniff, no framing, a Host allow-list against
 * DNS rebinding when bound to loopback, and JSON-only writes (a cross-site form cannot
 * send `application/json` without a CORS preflight, which this server never grants).
 */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import type { AlertStatus } from '../alerts/types.ts';
import { operationsRoutes } from '../ops/routes.ts';
import { ApiError, badRequest, toErrorResponse } from './errors.ts';
import { STATUSES, TriageService } from './service.ts';
import { isBuilt, NOT_BUILT_PAGE, readStatic } from './static.ts';
import { type TriageRepositories, VERDICTS } from './types.ts';

export interface AppDeps {
  repositories: TriageRepositories;
  /** The built dashboard folder (`web/dist`), or null to serve only the API and a plain page. */
  staticRoot?: string | null;
  /** Host names (without port) the server answers to; unset answers any. */
  allowedHosts?: readonly string[] | undefined;
  /** Where unexpected errors are reported; default stderr. */
  logError?: (error: unknown) => void;
}

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const feedbackBody = z.object({
  verdict: z.enum(VERDICTS),
  note: z.string().max(2000).nullable().optional(),
});

const MAX_EVENTS = 1000;

export function createApp(deps: AppDeps): Hono {
  const service = new TriageService(deps.repositories);
  const staticRoot = deps.staticRoot ?? null;
  const allowed = deps.allowedHosts?.map((h) => h.toLowerCase());
  const logError = deps.logError ?? ((e: unknown) => console.error('trailhound serve:', e));
  const app = new Hono();

  app.use('*', async (c, next) => {
    if (allowed !== undefined) {
      // node-server builds the request URL from the Host header, so its hostname is what the client asked for.
      const host = new URL(c.req.url).hostname.replace(/^\[|\]$/g, '').toLowerCase();
      if (!allowed.includes(host))
        throw new ApiError(403, 'TH_FORBIDDEN_HOST', 'This server does not answer to that Host name.');
    }
    // Writes only from this origin: a browser sends Origin on every cross-site POST. Hosts are
    // compared, not schemes, so a TLS-terminating proxy that keeps the Host header still works.
    const origin = c.req.header('origin');
    if (
      c.req.method !== 'GET' &&
      c.req.method !== 'HEAD' &&
      origin !== undefined &&
      originHost(origin) !== new URL(c.req.url).host
    )
      throw new ApiError(403, 'TH_FORBIDDEN_ORIGIN', 'Writes are accepted only from the dashboard itself.');
    await next();
    setSecurityHeaders(c.res.headers, c.req.path);
  });

  app.onError((error, c) => {
    const { status, body } = toErrorResponse(error);
    if (status === 500) logError(error);
    const res = c.json(body, status);
    setSecurityHeaders(res.headers, c.req.path);
    return res;
  });

  app.get('/api/health', (c) => c.json({ ok: true }));
  app.route('/', operationsRoutes());

  app.get('/api/alerts', async (c) => {
    const statuses = parseStatuses(c.req.query('status'));
    const since = parseTime('since', c.req.query('since'));
    return c.json({ alerts: await service.listAlerts({ statuses, since }) });
  });

  app.get('/api/alerts/:id', async (c) => c.json({ alert: await service.getAlert(c.req.param('id')) }));

  app.post(
    '/api/alerts/:id/feedback',
    bodyLimit({
      maxSize: 16 * 1024,
      onError: () => {
        throw new ApiError(413, 'TH_TOO_LARGE', 'Feedback bodies are at most 16 KiB.');
      },
    }),
    async (c) => {
      const type = c.req.header('content-type') ?? '';
      if (!/^application\/json\b/i.test(type))
        throw new ApiError(415, 'TH_UNSUPPORTED_MEDIA_TYPE', 'Send feedback as application/json.');
      let json: unknown;
      try {
        json = await c.req.json();
      } catch {
        throw badRequest('The body is not valid JSON.');
      }
      const parsed = feedbackBody.safeParse(json);
      if (!parsed.success)
        throw badRequest(
          `Feedback must be {"verdict": ${VERDICTS.map((v) => `"${v}"`).join('|')}, "note"?: string up to 2000 characters}.`,
        );
      const note = parsed.data.note?.trim() || null;
      return c.json({ alert: await service.recordFeedback(c.req.param('id'), parsed.data.verdict, note) });
    },
  );

  app.get('/api/stats', async (c) => c.json(await service.stats()));

  app.get('/api/events', async (c) => {
    const limitText = c.req.query('limit');
    const limit = limitText === undefined ? 200 : Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_EVENTS)
      throw badRequest(`limit must be a whole number from 1 to ${MAX_EVENTS}.`);
    const actor = c.req.query('actor') || undefined;
    const events = await service.listEvents({
      actor,
      since: parseTime('since', c.req.query('since')),
      until: parseTime('until', c.req.query('until')),
      limit,
    });
    return c.json({ events });
  });

  app.all('/api/*', () => {
    throw new ApiError(
      404,
      'TH_NO_ROUTE',
      'No such API route. Routes: /api/alerts, /api/alerts/:id, /api/alerts/:id/feedback, /api/events, /api/stats, /api/health.',
    );
  });

  app.get('*', async (c) => {
    if (!(await isBuilt(staticRoot))) return c.html(NOT_BUILT_PAGE, c.req.path === '/' ? 200 : 404);
    const file = await readStatic(staticRoot as string, c.req.path);
    if (file === null) return c.text('Not found', 404);
    return c.body(file.body as Uint8Array<ArrayBuffer>, 200, {
      'Content-Type': file.type,
      'Cache-Control': file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
  });

  return app;
}

function originHost(origin: string): string | null {
  try {
    return new URL(origin).host;
  } catch {
    return null;
  }
}

function setSecurityHeaders(h: Headers, path: string): void {
  h.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  h.set('X-Content-Type-Options', 'nosniff');
  h.set('X-Frame-Options', 'DENY');
  h.set('Referrer-Policy', 'no-referrer');
  h.set('Cross-Origin-Opener-Policy', 'same-origin');
  if (path.startsWith('/api/')) h.set('Cache-Control', 'no-store');
}

function parseStatuses(value: string | undefined): AlertStatus[] | undefined {
  if (value === undefined || value === '' || value === 'all') return undefined;
  const parts = value.split(',').map((s) => s.trim());
  for (const p of parts)
    if (!(STATUSES as readonly string[]).includes(p))
      throw badRequest(`status must be one or more of ${STATUSES.join(', ')} (comma-separated), or all.`);
  return parts as AlertStatus[];
}

function parseTime(name: string, value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const t = Date.parse(value);
  if (!Number.isFinite(t)) throw badRequest(`${name} must be an ISO-8601 time, e.g. 2026-01-31T12:00:00Z.`);
  return t;
}
