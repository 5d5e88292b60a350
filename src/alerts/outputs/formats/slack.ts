/**
 * Slack Block Kit format: one message per alert (title, severity, actor,
 * summary, top reasons, the first steps of the journey, a dashboard link).
 * Every CloudTrail string is hostile: `slackText` renders control and bidi characters
 * visibly, escapes `&`, `<`, `>` as Slack requires (so `<!channel>`, `<@U123>` and
 * `<http://evil|click>` stay text), breaks `@channel`-style words with a word joiner, and
 * every mrkdwn object is `verbatim` so Slack does not auto-link or auto-mention.
 */

import { escapeForTerminal } from '../../../util/terminal.ts';
import type { Alert } from '../../types.ts';
import type { AlertFormat } from '../types.ts';

// Slack limits: header text 150, section text 3000, field 2000 characters (after escaping).
const LIMITS = { header: 150, field: 300, summary: 1200, reason: 400, step: 300 } as const;
const MAX_REASONS = 3;
const MAX_STEPS = 6;
const SEVERITY_MARK: Record<Alert['severity'], string> = { critical: '🔴', high: '🟠', medium: '🟡', low: '⚪' };

/** Makes an attacker-controlled string inert in Slack text, at most `max` characters once escaped. */
export function slackText(raw: string, max: number): string {
  const escaped = escapeForTerminal(raw)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/(^|[^\w.%+-])@(?=\w)/g, '$1@\u2060');
  if (escaped.length <= max) return escaped;
  // Cut whole entities and code points only: half an `&amp;` would show as garbage.
  let out = '';
  for (const token of escaped.match(/&(?:amp|lt|gt);|[\s\S]/gu) ?? []) {
    if (out.length + token.length > max - 1) break;
    out += token;
  }
  return `${out}…`;
}

const mrkdwn = (text: string) => ({ type: 'mrkdwn', text, verbatim: true });

export function slackMessage(alert: Alert, dashboardUrl?: string): Record<string, unknown> {
  const title = slackText(alert.title, LIMITS.header - 3);
  const actor = slackText(alert.actorName, LIMITS.field);
  const reasons = [...alert.reasons].sort((a, b) => b.weight - a.weight).slice(0, MAX_REASONS);
  const steps = alert.events.slice(0, MAX_STEPS);
  const journeyHead =
    alert.events.length > steps.length
      ? `*Journey* (first ${steps.length} of ${alert.events.length} steps)`
      : '*Journey*';
  const blocks: Array<Record<string, unknown>> = [
    { type: 'header', text: { type: 'plain_text', text: `${SEVERITY_MARK[alert.severity]} ${title}`, emoji: true } },
    {
      type: 'section',
      fields: [
        mrkdwn(`*Severity*\n${alert.severity} (${Math.round(alert.score)}/100)`),
        mrkdwn(`*Actor*\n${actor}`),
        mrkdwn(`*When*\n${slackText(alert.start, 40)} – ${slackText(alert.end, 40)}`),
        mrkdwn(`*Peer group*\n${alert.peerGroup === null ? 'none' : slackText(alert.peerGroup, LIMITS.field)}`),
      ],
    },
    { type: 'section', text: mrkdwn(slackText(alert.summary, LIMITS.summary)) },
  ];
  if (reasons.length > 0)
    blocks.push({
      type: 'section',
      text: mrkdwn(`*Why*\n${reasons.map((r) => `• ${slackText(r.text, LIMITS.reason)}`).join('\n')}`),
    });
  if (steps.length > 0) {
    const lines = steps.map(
      (e) => `${e.success ? '✓' : '✗'} ${slackText(e.time.slice(11, 19), 8)} ${slackText(e.sentence, LIMITS.step)}`,
    );
    blocks.push({ type: 'section', text: mrkdwn(`${journeyHead}\n${lines.join('\n')}`) });
  }
  const context = [`alert ${slackText(alert.id, 80)}`];
  if (alert.techniques.length > 0)
    context.unshift(
      `ATT&amp;CK ${alert.techniques
        .slice(0, 6)
        .map((t) => slackText(t, 16))
        .join(', ')}`,
    );
  blocks.push({ type: 'context', elements: [mrkdwn(context.join(' · '))] });
  if (dashboardUrl !== undefined) {
    const url = new URL(
      `alerts/${encodeURIComponent(alert.id)}`,
      dashboardUrl.endsWith('/') ? dashboardUrl : `${dashboardUrl}/`,
    ).toString();
    blocks.push({
      type: 'actions',
      elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open in Trailhound' }, url }],
    });
  }
  // `text` is the notification fallback; it is mrkdwn too, so it gets the same escaping.
  return { text: `[${alert.severity}] ${title}: ${actor}`, blocks, unfurl_links: false, unfurl_media: false };
}

export const slackFormat: AlertFormat = {
  name: 'slack',
  description: 'Slack Block Kit message, every attacker string inert',
  kind: 'json',
  render: (alert, context) => slackMessage(alert, context.dashboardUrl),
};
