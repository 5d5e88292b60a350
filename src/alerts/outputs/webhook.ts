/**
 * Generic webhook output: POSTs `{source, version, alerts}` as JSON. With a secret, signs
 * `<timestamp>.<body>` with HMAC-SHA256 (`X-Trailhound-Signature: sha256=<hex>`, plus
 * `X-Trailhound-Timestamp`) so the receiver can check origin and refuse replays.
 */
import { createHmac } from 'node:crypto';
import type { Alert } from '../types.ts';
import { postJson } from './http.ts';
import { destinationHash, parseHttpUrl, safeJson } from './text.ts';
import type { AlertOutput } from './types.ts';

export interface WebhookOptions {
  url: string;
  /** HMAC-SHA256 key; unsigned when absent. */
  secret?: string | undefined;
  /** Seconds since the epoch, for the signature timestamp (tests pin it). */
  now?: () => number;
}

export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export function webhookOutput(options: WebhookOptions): AlertOutput {
  const url = parseHttpUrl(options.url, '--webhook');
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  return {
    name: 'webhook',
    key: `webhook:${destinationHash(url.toString())}`,
    async send(alerts: Alert[]) {
      const body = safeJson({ source: 'trailhound', version: 1, alerts });
      const headers: Record<string, string> = {};
      if (options.secret !== undefined && options.secret !== '') {
        const timestamp = String(now());
        headers['x-trailhound-timestamp'] = timestamp;
        headers['x-trailhound-signature'] = signWebhook(options.secret, timestamp, body);
      }
      await postJson(url, body, headers, 'The webhook');
    },
  };
}
