/**
 * The HTTP surface of triage: a Hono app with a JSON API under `/api` and the built
 * dashboard everywhere else. Routes only parse and map HTTP; `TriageService` decides.
 * Security: strict CSP (no inline script), nosniff, no framing, a Host allow-list against
 * DNS rebinding when bound to loopback, JSON-only writes (a cross-site form cannot send
 * `application/json` without a CORS preflight, which this server never grants), and off
 * loopback a bearer token on every API call, compared in constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import type { AlertStatus } from '../alerts/types.ts';
import { type Health, operationsRoutes } from '../ops/routes.ts';
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
  /** When set, every `/api/` call must carry `Authorization: Bearer <token>`. */
  token?: string | null | undefined;
  /**
   * A header set by an authenticating proxy naming the analyst (e.g. `X-Forwarded-User`):
   * recorded with each verdict, and a verdict without it is refused.
   */
  analystHeader?: string | null | undefined;
  /** Where unexpected errors are reported; default stderr. */
  logError?: (error: unknown) => void;
  /** What `/healthz` reports (`serve`: whether the store answers); default healthy when the server answers. */
  health?: () => Promise<Health>;
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

const feedbackBody = z
  .object({
    verdict: z.enum(VERDICTS),
    note: z.string().max(2000).nullable().optional(),
    /** With benign: silence this identity doing these actions for this many days. */
    suppressDays: z.number().int().min(1).max(365).optional(),
  })
  .refine((b) => b.suppressDays === undefined || b.verdict === 'benign', {
    message: 'suppressDays only goes with benign',
  });

const MAX_EVENTS = 1000;
const DAY = 86_400_000;

const time = z
  .string()
  .refine((v) => Number.isFinite(Date.parse(v)), 'must be an ISO-8601 time, e.g. 2026-01-31T12:00:00Z')
  .transform((v) => Date.parse(v));
const text = z.string().min(1).max(2048);

/** `/api/alerts` query: `status` is `all` or a comma-separated list of statuses. */
const alertQuery = z
  .object({
    status: z
      .string()
      .max(200)
      .optional()
      .transform((v, ctx) => {
        if (v === undefined || v === '' || v === 'all') return undefined;
        const parts = v.split(',').map((s) => s.trim());
        if (parts.some((p) => !(STATUSES as readonly string[]).includes(p))) {
          ctx.addIssue({
            code: 'custom',
            message: `must be one or more of ${STATUSES.join(', ')} (comma-separated), or all`,
          });
          return undefined;
        }
        return parts as AlertStatus[];
      }),
    since: time.optional(),
  })
  .strict()
  .transform((q) => ({ statuses: q.status, since: q.since }));

/** `/api/events` query: every field optional; `cursor` is the previous page's `next`. */
const eventQuery = z
  .object({
    actor: text.optional(),
    action: text.optional(),
    service: text.optional(),
    account: text.optional(),
    region: text.optional(),
    source: text.optional(),
    asn: z
      .string()
      .regex(/^(AS)?\d{1,10}$/i, 'must be an AS number, e.g. AS14061')
      .transform((v) => Number(v.replace(/^AS/i, '')))
      .optional(),
    outcome: z.enum(['success', 'failure']).optional(),
    since: time.optional(),
    until: time.optional(),
    cursor: z
      .string()
      .max(4096)
      .transform((v, ctx) => {
        const parsed = decodeCursor(v);
        if (parsed === null) ctx.addIssue({ code: 'custom', message: 'is not a cursor this server gave' });
        return parsed ?? { time: 0, eventId: '' };
      })
      .optional(),
    limit: z.coerce.number().int().min(1).max(MAX_EVENTS).default(50),
  })
  .strict();

export function encodeCursor(c: { time: number; eventId: string }): string {
  return Buffer.from(JSON.stringify([c.time, c.eventId])).toString('base64url');
}

function decodeCursor(s: string): { time: number; eventId: string } | null {
  try {
    const v = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && Number.isFinite(v[0]) && typeof v[1] === 'string') return { time: v[0], eventId: v[1] };
  } catch {}
  return null;
}

/** A zod failure as one sentence naming each bad field. */
function invalid(error: z.ZodError): ApiError {
  const parts = error.issues.map((i) =>
    i.code === 'unrecognized_keys'
      ? `unknown parameter ${i.keys.join(', ')}`
      : `${i.path.join('.') || 'input'} ${i.message}`,
  );
  return badRequest(`${parts.join('; ')}.`);
}

/** An answer serialized once, with the entity tag a client can send back in If-None-Match. */
interface Serialized {
  json: string;
  etag: string;
}

/**
 * Serialized answers of the objects repositories keep until the store changes (overview,
 * stats, identities, the queue): asking again for an unchanged one costs a lookup, not a
 * `JSON.stringify` of the whole answer on the event loop. Keyed by the object itself, so an
 * answer computed anew is serialized anew and one no longer kept is forgotten with it.
 */
const serialized = new WeakMap<object, Serialized>();

function serializedOnce(value: object, wrap: string | null): Serialized {
  let s = serialized.get(value);
  if (s === undefined) {
    const json = wrap === null ? JSON.stringify(value) : `{${JSON.stringify(wrap)}:${JSON.stringify(value)}}`;
    s = { json, etag: `"${createHash('sha1').update(json).digest('base64url')}"` };
    serialized.set(value, s);
  }
  return s;
}

/** `value` (or `{ [wrap]: value }`) as JSON, or 304 when the client already holds this version. */
function cachedJson(c: Context, value: object, wrap: string | null = null): Response {
  const { json, etag } = serializedOnce(value, wrap);
  if (c.req.header('if-none-match') === etag) return c.body(null, 304, { ETag: etag });
  return c.body(json, 200, { 'Content-Type': 'application/json; charset=UTF-8', ETag: etag });
}

/** Constant-time equality of two secrets (compared as SHA-256 digests, so lengths leak nothing). */
export function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

export function createApp(deps: AppDeps): Hono {
  const service = new TriageService(deps.repositories);
  const staticRoot = deps.staticRoot ?? null;
  const allowed = deps.allowedHosts?.map((h) => h.toLowerCase());
  const logError = deps.logError ?? ((e: unknown) => console.error('trailhound serve:', e));
  const token = deps.token ?? null;
  const analystHeader = deps.analystHeader?.toLowerCase() ?? null;
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
    if (token !== null && c.req.path.startsWith('/api/')) {
      const m = /^Bearer ([\x21-\x7e]+)$/.exec(c.req.header('authorization') ?? '');
      if (m === null || !sameSecret(m[1] as string, token))
        throw new ApiError(401, 'TH_UNAUTHORIZED', 'This server needs its token: send Authorization: Bearer <token>.');
    }
    await next();
    setSecurityHeaders(c.res.headers, c.req.path);
  });

  app.onError((error, c) => {
    const { status, body } = toErrorResponse(error);
    if (status === 500) logError(error);
    const res = c.json(body, status);
    setSecurityHeaders(res.headers, c.req.path);
    if (status === 401) res.headers.set('WWW-Authenticate', 'Bearer realm="trailhound"');
    return res;
  });

  const healthy = { ok: true };
  app.get('/api/health', (c) => cachedJson(c, healthy));
  app.route('/', operationsRoutes(undefined, deps.health));

  app.get('/api/alerts', async (c) => {
    const parsed = alertQuery.safeParse(c.req.query());
    if (!parsed.success) throw invalid(parsed.error);
    return cachedJson(c, await service.listAlerts(parsed.data), 'alerts');
  });

  app.get('/api/alerts/:id', async (c) => cachedJson(c, await service.getAlert(c.req.param('id')), 'alert'));

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
          `Feedback must be {"verdict": ${VERDICTS.map((v) => `"${v}"`).join('|')}, "note"?: string up to 2000 characters, "suppressDays"?: 1-365 with benign}.`,
        );
      let analyst: string | null = null;
      if (analystHeader !== null) {
        analyst = c.req.header(analystHeader)?.trim() ?? null;
        if (!analyst || analyst.length > 200)
          throw new ApiError(401, 'TH_NO_ANALYST', `Verdicts need the analyst's name in the ${analystHeader} header.`);
      }
      const note = parsed.data.note?.trim() || null;
      const { verdict, suppressDays } = parsed.data;
      const suppressUntil = suppressDays === undefined ? undefined : Date.now() + suppressDays * DAY;
      return c.json({
        alert: await service.recordFeedback(c.req.param('id'), verdict, note, { analyst, suppressUntil }),
      });
    },
  );

  app.get('/api/stats', async (c) => cachedJson(c, await service.stats()));

  app.get('/api/overview', async (c) => cachedJson(c, await service.overview()));

  app.get('/api/identities/:key', async (c) => cachedJson(c, await service.identity(c.req.param('key')), 'identity'));

  app.get('/api/events', async (c) => {
    const parsed = eventQuery.safeParse(c.req.query());
    if (!parsed.success) throw invalid(parsed.error);
    const q = parsed.data;
    const page = await service.searchEventsJson({
      actor: q.actor,
      action: q.action,
      service: q.service,
      account: q.account,
      region: q.region,
      sourceIp: q.source,
      asn: q.asn,
      outcome: q.outcome,
      since: q.since,
      until: q.until,
      after: q.cursor,
      limit: q.limit,
    });
    const next = page.next ? JSON.stringify(encodeCursor(page.next)) : 'null';
    return c.body(`{"events":${page.events},"next":${next},"scanned":${page.scanned}}`, 200, {
      'Content-Type': 'application/json; charset=UTF-8',
    });
  });

  app.get('/api/events/:eventId/record', async (c) =>
    c.json({ record: await service.eventRecord(c.req.param('eventId')) }),
  );

  app.get('/api/quarantine', async (c) => {
    const parsed = z.coerce.number().int().min(1).max(1000).default(100).safeParse(c.req.query('limit'));
    if (!parsed.success) throw badRequest('limit must be a whole number from 1 to 1000.');
    return c.json({ items: await service.quarantine(parsed.data) });
  });

  app.all('/api/*', () => {
    throw new ApiError(
      404,
      'TH_NO_ROUTE',
      'No such API route. Routes: /api/overview, /api/alerts, /api/alerts/:id, /api/alerts/:id/feedback, /api/identities/:key, /api/events, /api/events/:eventId/record, /api/quarantine, /api/stats, /api/health.',
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
