/**
 * Generic webhook transport: POSTs `{source, version, format, alerts}` as JSON. With a secret,
 * signs `<timestamp>.<body>` with HMAC-SHA256 (`X-Trailhound-Signature: sha256=<hex>`, plus
 * `X-Trailhound-Timestamp`) so the receiver can check origin and refuse replays. Without
 * one it still sends, and says so: an unsigned alert feed can be forged by anyone who finds the URL.
 */
import { createHmac } from 'node:crypto';
import { postJson } from '../http.ts';
import { destinationHash, parseHttpUrl, safeJson } from '../text.ts';
import type { Transport, TransportPlugin } from '../types.ts';

export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export const UNSIGNED_WEBHOOK_WARNING =
  'the webhook has no signing secret (set TRAILHOUND_WEBHOOK_SECRET): its receiver cannot tell our alerts from forged ones.';

export function webhookTransport(
  options: { url: string | undefined; secret?: string | undefined; now?: () => number },
  format = 'trailhound',
): Transport {
  const url = parseHttpUrl(options.url ?? '', 'The webhook URL');
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const secret = options.secret === '' ? undefined : options.secret;
  return {
    key: `webhook:${destinationHash(url.toString())}`,
    warnings: secret === undefined ? [UNSIGNED_WEBHOOK_WARNING] : [],
    async deliver(records) {
      const body = safeJson({ source: 'trailhound', version: 1, format, alerts: records.map((r) => r.record) });
      const headers: Record<string, string> = {};
      if (secret !== undefined) {
        const timestamp = String(now());
        headers['x-trailhound-timestamp'] = timestamp;
        headers['x-trailhound-signature'] = signWebhook(secret, timestamp, body);
      }
      await postJson(url, body, headers, 'The webhook');
    },
  };
}

export const webhookPlugin: TransportPlugin = {
  name: 'webhook',
  description: 'POST JSON to a URL, signed with HMAC-SHA256 when a secret is set',
  defaultFormat: 'trailhound',
  formats: ['trailhound', 'ocsf', 'asff'],
  create: (options) => webhookTransport({ url: options.target, secret: options.secret }, options.format),
};
