/**
 * The detection loop, pure (no store): journeys in, alert drafts out. For each closed
 * journey, in order: score it against the model, decide (learning period, budget threshold,
 * critical risk, suppressions), merge an identity's anomalous journeys within 24 h into one
 * alert, then learn from it. Journeys that alerted are held back from the baseline for a
 * week (a slow attacker must not teach the model that its journey is normal) and learned
 * then, unless an analyst marked the alert malicious; `benign` feedback learns them at once.
 */

import type { AlertReason } from '../domain/alert.ts';
import { DEFAULT_ALERTS_PER_WEEK, DEFAULT_LEARNING_DAYS } from '../domain/defaults.ts';
import type { EventRow } from '../domain/event.ts';
import type { JourneyRecord } from '../domain/journey.ts';
import type { Suppression } from '../domain/suppression.ts';
import { withoutNul } from '../domain/text.ts';
import type { Journey } from '../journeys/builder.ts';
import { stableHash } from '../journeys/builder.ts';
import { potThreshold, TimedScores } from '../model/calibration.ts';
import { journeyContext } from '../model/context.ts';
import { BehaviourModel, type JourneyScore, roleFamily, type TokenEvidence } from '../model/model.ts';
import {
  journeySignals,
  SessionNetworks,
  type SignalHit,
  type SignalSeverity,
  severityRank,
  sharedOutside,
} from '../model/signals.ts';
import { OrgStories, type Story, storyKeys } from '../model/stories.ts';
import { tokenText } from '../model/tokens.ts';

export const DAY = 86_400_000;
export const WEEK = 7 * DAY;

export interface EngineOptions {
  /** No alerts before `firstEvent + learningDays`. Default 14. */
  learningDays?: number;
  /** Target ordinary alerts per week. Default 3. */
  alertsPerWeek?: number;
  /** Learning-period alerts (baseline-free signals) per calendar day since the first event. Default 5. */
  learningAlertsPerDay?: number;
  /** Learning-period alerts per week since the first event. Default 15. */
  learningAlertsPerWeek?: number;
  /** Accounts that are the organization's own before the trail shows them (see `BehaviourModel.declareOrgAccounts`). */
  organizationAccounts?: readonly string[];
}

export type { JourneyRecord, Suppression };

/** The part of an alert the engine decides; `src/alerts/build.ts` adds sentences and techniques. */
export interface AlertDraft {
  id: string;
  actorKey: string;
  actorName: string;
  actorType: string;
  roleArn: string | null;
  session: string | null;
  peerGroup: string | null;
  peerGroupName: string | null;
  peerSize: number;
  start: number;
  end: number;
  score: number;
  critical: boolean;
  maxRisk: number;
  threshold: number;
  journeys: Array<{ id: string; start: number; end: number; eventIds: string[]; raw: number; excess: number }>;
  reasons: AlertReason[];
  evidence: TokenEvidence[];
  typicalJourney: string[] | null;
  history: number;
  /** Events and failures, networks and clients: for the summary. */
  stats: { events: number; failures: number; regions: string[]; networks: string[]; clients: string[] };
  /** Baseline-free signals the journey showed (src/model/signals.ts). */
  signals: SignalHit[];
  /** Raised during the learning period, by a signal: outside the weekly budget, with its own cap. */
  learningPeriod: boolean;
}

interface Pending {
  releaseAt: number;
  alertId: string;
  raw: number;
  journey: Journey;
  /**
   * Whether peers and the organization learned it when it alerted. A critical journey (or one
   * with a signal) is learned by nobody until released, and then by its identity alone, unless
   * an analyst marks it benign: one earlier occurrence elsewhere must not make the same attack
   * ordinary for the next new identity.
   */
  shared?: boolean;
  /** Its signals, learned into the identity's baseline on release. */
  signals?: string[];
}

/** Learning-period alerts per day and per week (organization-wide), unless the options say otherwise. */
export const LEARNING_ALERTS_PER_DAY = 5;
export const LEARNING_ALERTS_PER_WEEK = 15;
/** Ordinary alerts never exceed twice the weekly budget in any calendar week: a drift week must not flood. */
export const WEEKLY_CAP_FACTOR = 2;
/**
 * ... unless the anomaly is this many times past the threshold. The cap is first come, first
 * served: without this, a week's few mild anomalies would silence a far stronger one that comes
 * later (a CI role's first read of every secret), and the cap bounds noise, not that.
 */
const PAST_CAP_FACTOR = 3;

/** Whether an ordinary anomaly alerts even past the weekly cap (`PAST_CAP_FACTOR`). */
export function pastWeeklyCap(excess: number, tau: number): boolean {
  return excess >= PAST_CAP_FACTOR * tau;
}

/** The threshold never drops below this many bits of excess surprise, so a quiet week raises nothing. */
export const MIN_EXCESS = 6;
/**
 * Most recent journeys the threshold is fitted on (4 weeks of them, or fewer): a bound that
 * does not grow with events. The simulated org of `eval --seeds 1` has ~25k journeys in 4 weeks;
 * 65,536 keeps ~3,000 points above the 95th percentile for the tail fit.
 */
export const RECENT_CAPACITY = 65_536;
/** Alert score floors of a signal alert, per severity: the bands of `severityOf` (50, 70, 85). */
const SIGNAL_SCORE: Record<SignalSeverity, number> = { medium: 55, high: 75, critical: 90 };
/** A signal's reason weight: at least the ordinary threshold's floor, more for worse. */
const SIGNAL_WEIGHT: Record<SignalSeverity, number> = {
  medium: MIN_EXCESS,
  high: MIN_EXCESS + 2,
  critical: MIN_EXCESS + 4,
};

export class DetectionEngine {
  model: BehaviourModel;
  firstEvent: number | null = null;
  /**
   * Recent (time, excess) of journeys that did not alert: the tail the threshold is fitted on.
   * A partition of workers (src/workers/) swaps in the organization's tail before each day.
   */
  recent = new TimedScores(RECENT_CAPACITY);
  pending: Pending[] = [];
  /** Per actor: the alert that journeys within 24 h merge into (and, for a story's alert, who it is about). */
  openAlerts = new Map<string, { id: string; end: number; owner?: AlertOwner }>();
  /** Ordinary alerts raised per week index (weeks since firstEvent). */
  weekly = new Map<number, number>();
  suppressions: Suppression[] = [];
  /** Alert statuses known to the engine (from feedback): malicious journeys are never learned. */
  statuses = new Map<string, string>();
  learningDays: number;
  alertsPerWeek: number;
  learningAlertsPerDay: number;
  learningAlertsPerWeek: number;
  /**
   * Whether this engine holds ordinary alerts to twice the weekly budget itself. A partition of
   * workers does not: finalize counts them across partitions. Either way the budget sets the threshold.
   */
  capsWeekly = true;
  /** Where each temporary credential called from (the two-networks signal). */
  sessionNetworks = new SessionNetworks();
  /** Learning-period alerts raised per day index and per week index (since firstEvent). */
  learningDaily = new Map<number, number>();
  learningWeekly = new Map<number, number>();
  /** Alerts that are one event for the organization (src/model/stories.ts). */
  stories = new OrgStories();
  #threshold: number | null = null;
  #thresholdAt = Number.NEGATIVE_INFINITY;

  constructor(options: EngineOptions = {}, model = new BehaviourModel()) {
    this.model = model;
    model.declareOrgAccounts(options.organizationAccounts ?? []);
    this.learningDays = options.learningDays ?? DEFAULT_LEARNING_DAYS;
    this.alertsPerWeek = options.alertsPerWeek ?? DEFAULT_ALERTS_PER_WEEK;
    this.learningAlertsPerDay = options.learningAlertsPerDay ?? LEARNING_ALERTS_PER_DAY;
    this.learningAlertsPerWeek = options.learningAlertsPerWeek ?? LEARNING_ALERTS_PER_WEEK;
  }

  get learningUntil(): number | null {
    return this.firstEvent === null ? null : this.firstEvent + this.learningDays * DAY;
  }

  /** The current ordinary-alert threshold on excess surprise (recomputed every 6 hours of data time). */
  threshold(now: number): number {
    if (this.#threshold !== null && now - this.#thresholdAt < 6 * 3_600_000) return this.#threshold;
    this.#threshold = budgetThreshold(this.recent, now, this.alertsPerWeek);
    this.#thresholdAt = now;
    return this.#threshold;
  }

  /** The threshold the last journey was held to (null before the first): a partition's candidates carry it to finalize. */
  get lastThreshold(): number | null {
    return this.#threshold;
  }

  /** Processes one closed journey. Returns its record and the alert draft it created or grew. */
  process(journey: Journey): { record: JourneyRecord; alert: AlertDraft | null; merged: boolean } {
    if (this.firstEvent === null || journey.start < this.firstEvent)
      this.firstEvent = Math.min(this.firstEvent ?? journey.start, journey.start);
    const record: JourneyRecord = {
      id: journey.id,
      actorKey: journey.actorKey,
      actorName: journey.actorName,
      session: journey.session,
      start: journey.start,
      end: journey.end,
      eventIds: journey.events.map((e) => e.eventId),
      raw: 0,
      excess: 0,
      alertId: null,
      decision: 'normal',
    };
    // AWS services act on the organization's behalf; their calls are not an identity's journey.
    if (journey.actorType === 'aws-service') {
      record.decision = 'skipped';
      return { record, alert: null, merged: false };
    }
    this.#release(journey.start);
    this.#maybeRecluster(journey.end);
    const model = this.model;
    const tokens = model.tokenizer.tokens(journey.events);
    const ctx = journeyContext(journey.events);
    const score = model.score(journey, tokens, ctx);
    record.raw = score.raw;
    record.excess = score.excess;
    const signals = this.#signals(journey);

    const learning = journey.end < (this.learningUntil as number);
    const own = this.openAlerts.get(journey.actorKey);
    const ownMergeable = own !== undefined && journey.start - own.end <= DAY;
    // Another identity's alert about the same organization-wide event takes this journey in.
    const keys = ownMergeable
      ? []
      : storyKeys(
          journey,
          score,
          signals.map((h) => h.id),
          model.orgAccounts,
          score.history === 0 ? roleFamily(model.identity(journey)) : null,
          score.history === 0 ? this.#newRoleParties(journey) : [],
        );
    const story = ownMergeable ? null : this.stories.match(keys, journey.start);
    const open = story ? { id: story.alertId, end: story.end, owner: ownerOf(story) } : own;
    const mergeable = ownMergeable || story !== null;
    const toStory = { keys, story };
    if (learning) {
      // No baseline yet: only a signal alerts, within its own small cap (a merge into an open
      // alert costs nothing). A journey over the cap is learned, but not its signals: they fire
      // again once there is room.
      if (signals.length > 0 && this.#suppressed(journey, score)) return this.#suppress(journey, score, tokens, record);
      if (signals.length === 0 || (!mergeable && !this.#learningRoom(journey.end))) {
        record.decision = 'learning';
        this.recent.push(journey.end, score.excess);
        model.learn(journey, score.raw, tokens, ctx);
        return { record, alert: null, merged: false };
      }
      return this.#raise(journey, score, MIN_EXCESS, tokens, record, signals, true, open, mergeable, toStory);
    }
    const tau = this.threshold(journey.end);
    // Something new in what was done, for self and peers: context alone (travel, a new
    // laptop) never alerts.
    // Without a new action, an unusual order alone must beat everything this identity did before,
    // or all but one when its most surprising step is a risky one (an IAM admin's first rotation of
    // a service key, learned early, outscores the same admin minting a key for a dormant user
    // outside any rotation: that insider was missed on seed 6; seeds 1-3 and 7-9 unchanged).
    // Or: routine actions, but risky ones, from where and with what nobody here works (stolen
    // credentials doing what their owner does: a network and a client new to the organization).
    const outrank = (score.evidence[0]?.risk ?? 0) >= 0.5 ? 2.5 : 1.5;
    const actionsAnomalous =
      score.novelty > 0 ||
      (score.sequence >= 8 && score.pSelf <= outrank / (score.history + 2)) ||
      (score.context >= 6 && score.maxRisk >= 0.5);
    // A new hire's first journey (their user created by an admin, then first sign-in, MFA and
    // exploration with refusals) is a known shape: only the critical path alerts it.
    const onboarding = score.history === 0 && model.onboarded(journey);
    const ordinary = actionsAnomalous && score.excess >= tau && !onboarding;
    // After learning, a signal is on the critical path: no budget, no threshold.
    const critical = (score.critical && score.excess > 0) || signals.length > 0;
    const growsOpen = ownMergeable && actionsAnomalous && score.excess >= tau / 2;
    if (!(ordinary || critical || growsOpen)) {
      this.recent.push(journey.end, score.excess);
      model.learn(journey, score.raw, tokens, ctx);
      return { record, alert: null, merged: false };
    }
    if (this.#suppressed(journey, score)) return this.#suppress(journey, score, tokens, record);
    const week = Math.floor((journey.end - (this.firstEvent as number)) / WEEK);
    const capped = this.capsWeekly && (this.weekly.get(week) ?? 0) >= WEEKLY_CAP_FACTOR * this.alertsPerWeek;
    if (!mergeable && !critical && capped && !pastWeeklyCap(score.excess, tau)) {
      this.recent.push(journey.end, score.excess);
      model.learn(journey, score.raw, tokens, ctx);
      return { record, alert: null, merged: false };
    }
    if (!mergeable && !critical) this.weekly.set(week, (this.weekly.get(week) ?? 0) + 1);
    return this.#raise(journey, score, tau, tokens, record, signals, false, open, mergeable, toStory);
  }

  /**
   * Silenced, not taught: the identity's own baseline does not learn it, so the pattern alerts
   * again once the suppression expires (benign feedback is what teaches).
   */
  #suppress(
    journey: Journey,
    score: JourneyScore,
    tokens: Int32Array,
    record: JourneyRecord,
  ): { record: JourneyRecord; alert: null; merged: false } {
    record.decision = 'suppressed';
    this.model.learn(journey, score.raw, tokens, undefined, 1, 'shared');
    return { record, alert: null, merged: false };
  }

  /** The outside parties a new role's first journey brings (`OrgStories.newRoleParties`), [] for any other. */
  #newRoleParties(journey: Journey): string[] {
    const parties = this.stories.newRoleParties(journey.roleArn, journey.start);
    return parties.length > 0 && this.model.firstOfRole(journey) ? parties : [];
  }

  /** Room for one more learning-period alert today and this week; takes it when there is. */
  #learningRoom(now: number): boolean {
    const since = now - (this.firstEvent as number);
    const day = Math.floor(since / DAY);
    const week = Math.floor(since / WEEK);
    if ((this.learningDaily.get(day) ?? 0) >= this.learningAlertsPerDay) return false;
    if ((this.learningWeekly.get(week) ?? 0) >= this.learningAlertsPerWeek) return false;
    this.learningDaily.set(day, (this.learningDaily.get(day) ?? 0) + 1);
    this.learningWeekly.set(week, (this.learningWeekly.get(week) ?? 0) + 1);
    return true;
  }

  /**
   * The journey's signals: its own, and a second network for its session. A signal the
   * identity's learned baseline already holds is its routine (a released alert, benign feedback).
   */
  #signals(journey: Journey): SignalHit[] {
    const hits = journeySignals(journey.events);
    const shared = sharedOutside(journey.events, this.model.orgAccounts, (rows) =>
      this.model.familyRoutine(journey, rows),
    );
    if (shared) hits.push(shared);
    const session = this.sessionNetworks.observe(journey.events);
    if (session) hits.push(session);
    if (hits.length === 0) return hits;
    const known = this.model.identity(journey).signals;
    return hits.filter((h) => !known.has(h.id));
  }

  /** Alerts (or merges into the identity's open alert), and holds the journey back from the baseline. */
  #raise(
    journey: Journey,
    score: JourneyScore,
    tau: number,
    tokens: Int32Array,
    record: JourneyRecord,
    signals: SignalHit[],
    learningPeriod: boolean,
    open: { id: string; end: number; owner?: AlertOwner } | undefined,
    mergeable: boolean,
    toStory: { keys: string[]; story: Story | null },
  ): { record: JourneyRecord; alert: AlertDraft | null; merged: boolean } {
    const model = this.model;
    const draft = mergeable ? null : this.#newDraft(journey, score, tau, signals, learningPeriod);
    const id = draft ? draft.id : (open as { id: string }).id;
    record.alertId = id;
    record.decision = mergeable ? 'merged' : 'alert';
    const owner = mergeable ? open?.owner : undefined;
    this.openAlerts.set(journey.actorKey, {
      id,
      end: Math.max(journey.end, open?.end ?? 0),
      ...(owner ? { owner } : {}),
    });
    const story = toStory.keys.length > 0 ? this.stories.add(toStory.keys, journey, id, toStory.story) : null;
    // Merged into its identity's own alert (no keys asked): the users it created still join that alert.
    if (story === null && journey.events.some((e) => e.success && e.targets.some((t) => t.startsWith('principal:'))))
      this.stories.add([], journey, id, this.stories.storyOf(id));
    // Critical and signalled journeys wait whole: peers and the organization learn them only on
    // release, so a second new identity doing the same attack a day later is as surprising.
    const shared = !(score.critical || signals.length > 0);
    if (shared) model.learn(journey, score.raw, tokens, undefined, 1, 'shared');
    this.pending.push({
      releaseAt: journey.end + WEEK,
      alertId: id,
      raw: score.raw,
      journey,
      shared,
      signals: signals.map((h) => h.id),
    });
    let grown = draft;
    if (!grown) {
      grown = this.#growDraft(id, journey, score, tau, signals, learningPeriod);
      if (toStory.story && story) storyReason(grown, story, journey);
      if (owner) Object.assign(grown, owner);
    }
    return { record, alert: grown, merged: mergeable };
  }

  /** Drafts for merges are rebuilt by the caller from the stored alert; the engine returns the delta. */
  #growDraft(
    id: string,
    journey: Journey,
    score: JourneyScore,
    tau: number,
    signals: SignalHit[],
    learningPeriod: boolean,
  ): AlertDraft {
    const d = this.#newDraft(journey, score, tau, signals, learningPeriod);
    d.id = id;
    return d;
  }

  #newDraft(
    journey: Journey,
    score: JourneyScore,
    tau: number,
    signals: SignalHit[],
    learningPeriod: boolean,
  ): AlertDraft {
    const events = journey.events;
    const failures = events.reduce((n, e) => n + (e.success ? 0 : 1), 0);
    const uniq = (f: (e: EventRow) => string | null) =>
      [...new Set(events.map(f).filter((x): x is string => x !== null))].slice(0, 5);
    const worst = signals.reduce<SignalSeverity | null>(
      (w, h) => (w === null || severityRank(h.severity) > severityRank(w) ? h.severity : w),
      null,
    );
    const signalReasons: AlertReason[] = signals.map((h) => ({
      kind: `signal:${h.id}`,
      text: `${h.title}: ${h.evidence}`,
      weight: SIGNAL_WEIGHT[h.severity],
    }));
    return {
      id: alertId(journey.actorKey, events[0]?.eventId ?? journey.id),
      actorKey: journey.actorKey,
      actorName: journey.actorName,
      actorType: journey.actorType,
      roleArn: journey.roleArn,
      session: journey.session,
      peerGroup: score.peerGroup,
      peerGroupName: score.peerGroupName,
      peerSize: score.peerSize,
      start: journey.start,
      end: journey.end,
      score: Math.max(alertScore(score, tau), worst === null ? 0 : SIGNAL_SCORE[worst]),
      critical: score.critical,
      maxRisk: score.anomalousRisk,
      threshold: tau,
      journeys: [
        {
          id: journey.id,
          start: journey.start,
          end: journey.end,
          eventIds: events.map((e) => e.eventId),
          raw: score.raw,
          excess: score.excess,
        },
      ],
      reasons: [...signalReasons, ...score.reasons],
      evidence: score.evidence,
      typicalJourney: score.typicalJourney,
      history: score.history,
      stats: {
        events: events.length,
        failures,
        regions: uniq((e) => e.region),
        networks: uniq((e) => e.sourceIp),
        clients: uniq((e) => (e.clientName ? `${e.clientName}` : e.clientClass)),
      },
      signals,
      learningPeriod,
    };
  }

  #suppressed(journey: Journey, score: JourneyScore): boolean {
    const active = this.suppressions.filter((s) => s.actorKey === journey.actorKey && s.expires > journey.end);
    if (active.length === 0) return false;
    const surprising = score.evidence.filter((e) => e.weight >= 3).map((e) => e.token);
    return active.some((s) => surprising.every((t) => s.tokens.includes(t)));
  }

  #maybeRecluster(now: number): void {
    const first = this.firstEvent as number;
    // Early on, regroup often (day 1, 2, 4, ...), then weekly.
    const interval = Math.min(WEEK, Math.max(DAY, (now - first) / 2));
    if (now - this.model.lastRecluster >= interval) this.model.recluster(now);
  }

  /** Learns held-back alerted journeys once their quarantine week is over (never if malicious). */
  #release(now: number): void {
    if (this.pending.length === 0 || (this.pending[0] as Pending).releaseAt > now) return;
    const keep: Pending[] = [];
    for (const p of this.pending) {
      if (p.releaseAt > now) keep.push(p);
      else if (this.statuses.get(p.alertId) !== 'malicious')
        this.model.learn(
          p.journey,
          p.raw,
          undefined,
          undefined,
          1,
          p.shared === false ? 'own' : 'self',
          p.signals ?? [],
        );
    }
    this.pending = keep;
  }

  /** Benign feedback: learn the alert's held-back journeys now, with extra weight and benign marks. */
  markBenign(alertId: string, journeys: readonly Journey[]): void {
    this.statuses.set(alertId, 'benign');
    const held = this.pending.filter((p) => p.alertId === alertId);
    this.pending = this.pending.filter((p) => p.alertId !== alertId);
    const byId = new Map(held.map((p) => [p.journey.id, p]));
    for (const j of journeys) {
      const p = byId.get(j.id);
      // Confirmed normal: peers and the organization may now learn what they were held back from.
      this.model.learnBenign(j, p?.raw ?? 0, p?.shared === false ? 'all' : 'self', p?.signals ?? []);
    }
  }

  markMalicious(alertId: string): void {
    this.statuses.set(alertId, 'malicious');
    this.pending = this.pending.filter((p) => p.alertId !== alertId);
  }

  toJSON(): unknown {
    return {
      v: 1,
      model: this.model.toJSON(),
      firstEvent: this.firstEvent,
      recent: this.recent.toJSON(),
      pending: this.pending,
      openAlerts: [...this.openAlerts],
      weekly: [...this.weekly],
      statuses: [...this.statuses],
      sessionNetworks: this.sessionNetworks.toJSON(),
      learningDaily: [...this.learningDaily],
      learningWeekly: [...this.learningWeekly],
      // The threshold is refitted every 6 h of data: a restored engine must refit when this one would.
      threshold: this.#threshold === null ? null : [this.#threshold, this.#thresholdAt],
      stories: this.stories.toJSON(),
    };
  }

  static fromJSON(j: unknown, options: EngineOptions = {}): DetectionEngine {
    // biome-ignore lint/suspicious/noExplicitAny: our own toJSON output, read back field by field
    const o = j as Record<string, any>;
    const e = new DetectionEngine(options, BehaviourModel.fromJSON(o.model));
    e.firstEvent = o.firstEvent;
    e.recent = TimedScores.fromJSON(o.recent, RECENT_CAPACITY);
    e.pending = o.pending;
    e.openAlerts = new Map(o.openAlerts);
    e.weekly = new Map(o.weekly);
    e.statuses = new Map(o.statuses);
    e.sessionNetworks = SessionNetworks.fromJSON(o.sessionNetworks);
    e.learningDaily = new Map(o.learningDaily ?? []);
    e.learningWeekly = new Map(o.learningWeekly ?? []);
    if (Array.isArray(o.threshold)) [e.#threshold, e.#thresholdAt] = o.threshold as [number, number];
    e.stories = OrgStories.fromJSON(o.stories);
    return e;
  }
}

/**
 * The ordinary-alert threshold on excess surprise for a tail of recent scores (trimmed to 4
 * weeks before `now`): the level a share of journeys exceeds such that the expected alerts a
 * week meet the budget.
 */
export function budgetThreshold(recent: TimedScores, now: number, alertsPerWeek: number): number {
  recent.dropBefore(now - 4 * WEEK);
  const span = Math.max(DAY, Math.min(4 * WEEK, now - (recent.oldestTime() ?? now)));
  const perWeek = (recent.size * WEEK) / span;
  const q = Math.min(0.5, alertsPerWeek / Math.max(1, perWeek));
  return Math.max(MIN_EXCESS, potThreshold(recent.scores(), q));
}

/**
 * An alert's id: its actor and first event, hashed as PostgreSQL holds them (`withoutNul`), so
 * the same alert has the same id on SQLite and PostgreSQL.
 */
export function alertId(actorKey: string, firstEventId: string): string {
  return `a-${stableHash(`${withoutNul(actorKey)}\u0000${withoutNul(firstEventId)}`)}`;
}

/** Who an alert is about: a story's alert stays about its first actor, whoever's journey grows it. */
export type AlertOwner = Pick<AlertDraft, 'actorKey' | 'actorName' | 'actorType' | 'roleArn' | 'session'>;

function ownerOf(s: Story): AlertOwner {
  return {
    actorKey: s.actorKey,
    actorName: s.actorName,
    actorType: s.actorType,
    roleArn: s.roleArn,
    session: s.session,
  };
}

/** A journey taken into another identity's story alert says where else the same event happened. */
function storyReason(d: AlertDraft, story: Story, journey: Journey): void {
  const accounts = [...new Set(journey.events.map((e) => e.accountId))];
  d.reasons.push({
    kind: 'same-story',
    text: `one event for the organization: also ${journey.actorName} in account${accounts.length === 1 ? '' : 's'} ${accounts.join(', ')} (${story.accounts.length} account${story.accounts.length === 1 ? '' : 's'} so far: ${story.accounts.join(', ')})`,
    weight: 0,
  });
}

/** 0..100: how far past the threshold, and how risky what was done. */
export function alertScore(score: JourneyScore, tau: number): number {
  const over = Math.max(0, score.excess) / Math.max(1, tau);
  const s = 35 + 30 * Math.tanh(over - 0.5) + 35 * score.anomalousRisk + (score.critical ? 10 : 0);
  return Math.max(1, Math.min(100, Math.round(s)));
}

export function tokensOf(rows: readonly EventRow[]): string[] {
  return rows.map((r) => tokenText(r));
}
