/** Slack incoming-webhook transport: one POST per Block Kit message. */
import { postJson } from '../http.ts';
import { destinationHash, parseHttpUrl } from '../text.ts';
import type { TransportPlugin } from '../types.ts';

export const slackTransport: TransportPlugin = {
  name: 'slack',
  description: 'Slack incoming webhook, one Block Kit message per alert',
  defaultFormat: 'slack',
  formats: ['slack'],
  create(options) {
    const url = parseHttpUrl(options.target ?? '', 'The Slack webhook URL');
    if (options.dashboardUrl !== undefined) parseHttpUrl(options.dashboardUrl, 'The dashboard URL');
    return {
      key: `slack:${destinationHash(url.toString())}`,
      warnings: [],
      async deliver(records) {
        for (const r of records) await postJson(url, JSON.stringify(r.record), {}, 'The Slack webhook');
      },
    };
  },
};
