/**
 * Analyst feedback on an alert. `benign` teaches the model at once: the alert's journeys join
 * the identity's baseline (with extra weight, and their actions marked benign for it), so the
 * same pattern stops alerting for that identity; optionally a scoped suppression (actor +
 * these actions, an owner and an expiry) silences it outright until it expires. `malicious`
 * keeps the journeys out of the baseline for good.
 */

import { emptyState, parseState, serializeState } from '../detect/state.ts';
import type { AlertStatus } from '../domain/alert.ts';
import type { EventRow } from '../domain/event.ts';
import { UsageError } from '../errors.ts';
import { type Journey, journeyOf } from '../journeys/builder.ts';
import { tokenText } from '../model/tokens.ts';
import { Repositories, type Store } from '../store/index.ts';

export interface FeedbackOptions {
  note?: string | null | undefined;
  /** Add a scoped suppression for this actor and these actions. */
  suppress?: { owner: string; expires: number } | undefined;
}

export interface FeedbackResult {
  id: string;
  status: AlertStatus;
  journeysLearned: number;
  suppression: { owner: string; expires: string; tokens: string[] } | null;
}

/** The journeys of an alert as the detector saw them (rows from the store). */
export async function alertJourneys(repos: Repositories, journeyIds: readonly string[]): Promise<Journey[]> {
  const out: Journey[] = [];
  for (const id of journeyIds) {
    const j = await repos.journeys.byId(id);
    if (!j) continue;
    const ids = new Set(j.event_ids.split(' '));
    const rows: EventRow[] = [];
    for await (const r of repos.events.scanRows({
      actor: j.actor_key,
      since: Number(j.start),
      until: Number(j.end) + 1,
    }))
      if (ids.has(r.eventId)) rows.push(r);
    if (rows.length > 0) out.push(journeyOf(rows));
  }
  return out;
}

export async function feedback(
  store: Store,
  id: string,
  verdict: 'benign' | 'malicious' | 'acknowledged',
  options: FeedbackOptions = {},
): Promise<FeedbackResult> {
  if (!['benign', 'malicious', 'acknowledged'].includes(verdict))
    throw new UsageError(`verdict ${verdict} is not benign, malicious or acknowledged.`);
  if (options.suppress && verdict !== 'benign') throw new UsageError('--suppress only goes with benign.');
  const repos = new Repositories(store);
  const alert = await repos.alerts.find(id);
  const journeys = await alertJourneys(repos, alert.journeyIds ?? []);
  let learned = 0;
  let suppression: FeedbackResult['suppression'] = null;
  await store.transaction(async (tx) => {
    await tx.alerts.setStatus(alert.id, verdict, options.note ?? null);
    if (verdict !== 'acknowledged' && (await tx.detection.exists())) {
      const text = await tx.detection.read();
      const state = text === null ? emptyState({}) : parseState(text, {});
      if (verdict === 'benign') {
        state.engine.markBenign(alert.id, journeys);
        learned = journeys.length;
      } else state.engine.markMalicious(alert.id);
      await tx.detection.save(serializeState(state));
    }
    if (options.suppress) {
      const tokens = [...new Set(journeys.flatMap((j) => j.events.map((e) => tokenText(e))))].sort();
      await tx.suppressions.add({
        actorKey: alert.actor,
        tokens,
        owner: options.suppress.owner,
        expires: options.suppress.expires,
        alertId: alert.id,
        note: options.note ?? null,
      });
      suppression = {
        owner: options.suppress.owner,
        expires: new Date(options.suppress.expires).toISOString(),
        tokens,
      };
    }
  });
  return { id: alert.id, status: verdict, journeysLearned: learned, suppression };
}
