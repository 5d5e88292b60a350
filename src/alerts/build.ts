/**
 * Turns the engine's alert drafts into the `Alert` analysts read: every event of the journey
 * in order with its catalog sentence, outcome and CloudTrail eventID, reasons with evidence,
 * techniques, the nearest typical journey, a title and a one-paragraph summary in plain words.
 * Merging a later journey into an open alert re-builds the alert over all its journeys.
 */
import { describeEvent } from '../catalog/index.ts';
import type { AlertDraft } from '../detect/engine.ts';
import type { AlertEvent, AlertReason, Severity, StoredAlert } from '../domain/alert.ts';
import { asnLabel, asnOf } from '../normalize/asn.ts';
import type { Event } from '../normalize/event.ts';
import { personLabel } from '../normalize/identity.ts';
import { responseSteps } from './response.ts';
import { sequenceText } from './sequence.ts';

export type { StoredAlert };

/**
 * One hop of a credential chain as a story shows it: an IAM user by name, a role as
 * `role/<name>`, with its account when it is not the account of the hop before.
 */
function hopLabel(hop: string, previousAccount: string | null): { label: string; account: string | null } {
  const m = /^arn:[^:]*:(?:iam|sts)::(\d*):(.+)$/.exec(hop);
  if (!m) return { label: hop, account: previousAccount };
  const account = m[1] ?? null;
  const resource = m[2] ?? hop;
  const label = resource.startsWith('user/') ? resource.slice(resource.lastIndexOf('/') + 1) : resource;
  const other = previousAccount !== null && account !== null && account !== previousAccount;
  return { label: other ? `${label} (account ${account})` : label, account };
}

/** `alice -> role/deploy -> role/admin`. */
export function chainText(chain: readonly string[]): string {
  let account: string | null = null;
  const labels: string[] = [];
  for (const hop of chain) {
    const h = hopLabel(hop, account);
    labels.push(h.label);
    account = h.account;
  }
  return labels.join(' -> ');
}

export function severityOf(score: number, critical: boolean): Severity {
  if (critical || score >= 85) return 'critical';
  if (score >= 70) return 'high';
  if (score >= 50) return 'medium';
  return 'low';
}

function iso(t: number): string {
  return new Date(t).toISOString();
}

function clock(t: number): string {
  return iso(t).slice(11, 16);
}

/** `iam:AttachUserPolicy[adminPolicy]` -> `iam:AttachUserPolicy (adminPolicy)`. */
export function tokenLabel(token: string): string {
  const failed = token.endsWith('!');
  const t = failed ? token.slice(0, -1) : token;
  const m = /^([^[]+)\[([^\]]+)\]$/.exec(t);
  const base = m ? `${m[1]} (${(m[2] ?? '').replace(/,/g, ', ')})` : t;
  return failed ? `${base}, refused` : base;
}

/** `167.99.3.4 (AS14061 DigitalOcean, LLC)`; an address without an AS (or a hostname) as it is. */
function withAs(ip: string): string {
  const as = asnOf(ip);
  return as ? `${ip} (${asnLabel(as)})` : ip;
}

/** Ends a sentence with a full stop, unless it already ends with an ellipsis. */
function sentenceEnd(text: string): string {
  return text.endsWith('…') ? text : `${text}.`;
}

const MAX_REASONS = 12;
/** The reason kind a journey taken into another identity's story alert adds (src/detect/engine.ts). */
const STORY = 'same-story';

function mergeReasons(a: readonly AlertReason[], b: readonly AlertReason[]): AlertReason[] {
  const byKey = new Map<string, AlertReason>();
  for (const r of [...a, ...b]) {
    const key = r.kind === STORY ? STORY : r.subject === undefined ? r.text : `${r.kind}\u0000${r.subject}`;
    const prev = byKey.get(key);
    // The newer of two equal reasons: its counts are the latest, a story's its accounts so far.
    if (!prev || r.weight >= prev.weight) byKey.set(key, r);
  }
  const story = byKey.get(STORY);
  byKey.delete(STORY);
  const top = [...byKey.values()]
    .sort((x, y) => y.weight - x.weight || (x.text < y.text ? -1 : 1))
    .slice(0, story ? MAX_REASONS - 1 : MAX_REASONS);
  // Weightless, but the one line naming every account of an organization-wide event.
  return story ? [...top, story] : top;
}

/** Builds (or grows) an alert from a draft and the full events of its journeys. */
export function buildAlert(
  draft: AlertDraft,
  events: readonly Event[],
  previous: StoredAlert | null,
  assumedBy: StoredAlert['assumedBy'] = null,
): StoredAlert {
  const seen = new Set<string>();
  const alertEvents: AlertEvent[] = [];
  const techniques = new Set<string>(previous?.techniques ?? []);
  const surprising = new Set(draft.evidence.filter((e) => e.weight >= 3).map((e) => e.token.replace(/\[.*$|!$/g, '')));
  let person: string | null = previous?.person ?? null;
  let chain: string[] | null = previous?.chain ?? null;
  for (const e of previous?.events ?? []) {
    seen.add(e.eventId);
    alertEvents.push(e);
  }
  for (const e of events) {
    if (seen.has(e.eventId)) continue;
    seen.add(e.eventId);
    const d = describeEvent(e);
    alertEvents.push({
      eventId: e.eventId,
      time: e.eventTime,
      action: `${e.service}:${e.action}`,
      sentence: d.sentence,
      success: e.success,
      errorCode: e.errorCode,
    });
    if (d.risk >= 0.3 || surprising.has(`${e.service}:${e.actionKey}`)) for (const t of d.techniques) techniques.add(t);
    if (!person && e.actor.person) person = e.actor.person;
    if (e.actor.chain !== null && (chain === null || e.actor.chain.length > chain.length)) chain = e.actor.chain;
  }
  if (chain === null && assumedBy?.chain) chain = assumedBy.chain;
  if (!person && assumedBy) person = assumedBy.name;
  alertEvents.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : a.eventId < b.eventId ? -1 : 1));

  const start = Math.min(draft.start, previous ? Date.parse(previous.start) : draft.start);
  const end = Math.max(draft.end, previous ? Date.parse(previous.end) : draft.end);
  const critical = draft.critical || (previous?.critical ?? false);
  const score = Math.max(draft.score, previous?.score ?? 0);
  const hops: AlertReason[] =
    chain !== null && chain.length > 1
      ? [
          {
            kind: 'credential-chain',
            text: `credentials obtained ${chainText(chain)}${assumedBy ? ` (issued in ${assumedBy.eventId})` : ''}`,
            weight: 0,
          },
        ]
      : assumedBy
        ? [
            {
              kind: 'assumed-by',
              text: `this role session was assumed by ${assumedBy.name} (AssumeRole ${assumedBy.eventId})`,
              weight: 0,
            },
          ]
        : [];
  const reasons = mergeReasons(previous?.reasons ?? [], [...draft.reasons, ...hops]);
  const journeyIds = [...new Set([...(previous?.journeyIds ?? []), ...draft.journeys.map((j) => j.id)])];
  const failures = alertEvents.filter((e) => !e.success).length;
  // One phrase per action: a new target of a new action names the target, not the action twice.
  const top = draft.evidence
    .filter((e) => e.weight >= 3 && (e.selfCount === 0 || e.target !== undefined))
    .filter((e, i, all) => all.findIndex((o) => o.token === e.token) === i)
    .slice(0, 2)
    .map((e) =>
      e.target === undefined ? tokenLabel(e.token) : `${tokenLabel(e.token)} to ${e.target.replace(':', ' ')}`,
    );
  const kinds = new Set(reasons.map((r) => r.kind));
  const shown = person === null ? null : personLabel(person);
  const who = shown && !draft.actorName.includes(shown) ? `${draft.actorName} (${shown})` : draft.actorName;
  const how = [kinds.has('new-network') ? 'from a new network' : '', kinds.has('new-client') ? 'with a new client' : '']
    .filter(Boolean)
    .join(' ');
  const learningPeriod = previous?.learningPeriod ?? draft.learningPeriod;
  const signalTitles = [...new Set(draft.signals.map((h) => h.title))];
  const title =
    previous?.title ??
    (signalTitles.length > 0
      ? `${learningPeriod ? 'Learning period: ' : ''}${who}: ${signalTitles.slice(0, 2).join('; ')}`
      : top.length > 0
        ? `${who}: first ${top.join(' and ')}${how ? ` ${how}` : ''}`
        : `${who}: a journey unlike their usual${how ? ` ${how}` : ''}`);

  const peers = draft.peerGroupName ? `peer group ${draft.peerGroupName}` : 'no peer group yet';
  const day = iso(start).slice(0, 10);
  const span =
    iso(end).slice(0, 10) === day
      ? `on ${day} between ${clock(start)} and ${clock(end)} UTC`
      : `from ${iso(start).slice(0, 16).replace('T', ' ')} to ${iso(end).slice(0, 16).replace('T', ' ')} UTC`;
  const where = [
    draft.stats.networks.length ? `from ${draft.stats.networks.map(withAs).join(', ')}` : '',
    draft.stats.clients.length ? `using ${draft.stats.clients.join(', ')}` : '',
    draft.stats.regions.length ? `in ${draft.stats.regions.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join(' ');
  const firstReasons = reasons
    .filter((r) => r.weight > 0)
    .slice(0, 3)
    .map((r) => r.text);
  const typical = draft.typicalJourney ?? previous?.typicalJourney ?? null;
  const summary = [
    learningPeriod
      ? 'Raised during the learning period by a signal that needs no baseline (ordinary alerts start when it ends).'
      : '',
    `${who} (${peers}) made ${alertEvents.length} call${alertEvents.length === 1 ? '' : 's'}${failures ? ` (${failures} refused or failed)` : ''} ${span}${where ? ` ${where}` : ''}.`,
    firstReasons.length ? `Why it stands out: ${firstReasons.join('; ')}.` : '',
    typical
      ? `${draft.actorName}'s nearest usual journey is ${sentenceEnd(sequenceText(typical, tokenLabel, 6))}`
      : `${draft.actorName} has no usual journeys yet (${draft.history} before this one).`,
  ]
    .filter(Boolean)
    .join(' ');

  return {
    id: draft.id,
    severity: severityOf(score, critical),
    score,
    title,
    summary,
    actor: draft.actorKey,
    actorName: draft.actorName,
    peerGroup: draft.peerGroupName ?? previous?.peerGroup ?? null,
    start: iso(start),
    end: iso(end),
    reasons,
    techniques: [...techniques].sort(),
    events: alertEvents,
    typicalJourney: typical,
    status: previous?.status ?? 'new',
    note: previous?.note ?? null,
    response: responseSteps(events, iso(end), previous?.response ?? []),
    journeyIds,
    person,
    critical,
    assumedBy,
    chain,
    learningPeriod,
    signals: [...new Set([...(previous?.signals ?? []), ...draft.signals.map((h) => h.id)])],
  };
}
