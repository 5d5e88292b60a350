/**
 * Scoring: matches a detector's alerts to the labelled attacks. An alert detects an attack
 * when it holds at least one of the attack's eventIDs, or when it is about the same actor
 * and overlaps the attack's time window. Only alerts ending after the learning period
 * count; alerts matching no attack are false alerts (per test week), precision is the share
 * of alerts that match an attack.
 */
import type { BenignForScore, BenignSpans, DetectedAlert, EvalMeta, LabelForScore } from './types.ts';

/** The `falseByBenign` key of false alerts that overlap no labelled benign event. */
export const NO_BENIGN = '(none)';

/** How a label's attack is grouped per style: its own style, else library scenario or injected source. */
export function styleOf(l: LabelForScore): string {
  return l.style ?? (l.source ? `injected (${l.source})` : 'library scenario');
}

export interface AttackResult {
  attackId: string;
  scenario: string;
  category: string;
  mode: string;
  routine: boolean;
  /** The attack style (company organization), `library scenario`, or `injected (<source>)`. */
  style: string;
  /** `simulated`, or where an injected attack came from (`stratus`, `panther`, `file`). */
  source: string;
  detected: boolean;
  /** Alerts that matched this attack. */
  alerts: number;
}

export interface DetectorScore {
  detector: string;
  attacks: AttackResult[];
  detected: number;
  total: number;
  recall: number | null;
  /** Alerts ending in the test period. */
  alerts: number;
  matchedAlerts: number;
  falseAlerts: number;
  testWeeks: number;
  falseAlertsPerWeek: number;
  precision: number | null;
  /**
   * False alerts by the benign event they overlap, by kind: the alert holds one of its events, or
   * is about one of its actors while that actor was doing it. `(none)` counts the false alerts
   * that overlap none (an alert overlapping two kinds counts once for each).
   */
  falseByBenign: Record<string, number>;
  /**
   * Alerts that were the one notice a benign event expects (`BenignForScore.expect`), by its kind:
   * neither matched nor false, reported in their own column.
   */
  noticesByBenign: Record<string, number>;
  /** Their total (test period). */
  notices: number;
}

export function scoreDetector(
  detector: string,
  alerts: readonly DetectedAlert[],
  labels: readonly LabelForScore[],
  benign: readonly BenignForScore[],
  meta: EvalMeta,
  actorKeys: ReadonlyMap<string, ReadonlySet<string>> = new Map(),
  /** Per entry of `benign` (same order): its actors and when each acted, for overlap by actor and time. */
  benignSpans: readonly BenignSpans[] = [],
): DetectorScore {
  const eventToAttack = new Map<string, number>();
  labels.forEach((l, i) => {
    for (const id of l.eventIds) eventToAttack.set(id, i);
  });
  const eventToBenign = new Map<string, number>();
  benign.forEach((b, i) => {
    for (const id of b.eventIds) eventToBenign.set(id, i);
  });
  const noticed = new Set<number>();
  let notices = 0;
  const noticesByBenign: Record<string, number> = {};
  const spans = labels.map((l) => ({
    start: Date.parse(l.start),
    end: Date.parse(l.end),
    actors: new Set([l.actor, ...(actorKeys.get(l.attackId) ?? [])]),
  }));
  const hits = labels.map(() => 0);
  let inTest = 0;
  let matched = 0;
  const falseByBenign: Record<string, number> = {};
  for (const a of alerts) {
    if (a.end < meta.learningEnd) continue;
    inTest++;
    const found = new Set<number>();
    for (const id of a.eventIds) {
      const i = eventToAttack.get(id);
      if (i !== undefined) found.add(i);
    }
    spans.forEach((s, i) => {
      if (s.actors.has(a.actor) && a.start <= s.end && a.end >= s.start) found.add(i);
    });
    if (found.size > 0) {
      matched++;
      for (const i of found) hits[i] = (hits[i] ?? 0) + 1;
    } else {
      const overlapped = new Set<number>();
      for (const id of a.eventIds) {
        const i = eventToBenign.get(id);
        if (i !== undefined) overlapped.add(i);
      }
      benign.forEach((_, i) => {
        const span = benignSpans[i]?.get(a.actor);
        if (span && a.start <= span.end && a.end >= span.start) overlapped.add(i);
      });
      // The notice: the first alert holding one of the calls of an event that expects one (it may
      // have grown with what followed, the vendor's first scans). Overlapping only by actor and
      // time is not enough: that alert may be about anything else the person did.
      const fresh = new Set<number>();
      for (const id of a.eventIds) {
        const i = eventToBenign.get(id);
        if (i !== undefined && benign[i]?.expect === 'notice' && !noticed.has(i)) fresh.add(i);
      }
      if (fresh.size > 0) {
        notices++;
        for (const i of fresh) noticed.add(i);
        const k = benign[[...fresh][0] as number]?.kind as string;
        noticesByBenign[k] = (noticesByBenign[k] ?? 0) + 1;
        continue;
      }
      const kinds = new Set([...overlapped].map((i) => benign[i]?.kind as string));
      if (kinds.size === 0) kinds.add(NO_BENIGN);
      for (const k of kinds) falseByBenign[k] = (falseByBenign[k] ?? 0) + 1;
    }
  }
  const attacks: AttackResult[] = labels.map((l, i) => ({
    attackId: l.attackId,
    scenario: l.scenario,
    category: l.category,
    mode: l.mode,
    routine: l.routine,
    style: styleOf(l),
    source: l.source ?? 'simulated',
    detected: (hits[i] ?? 0) > 0,
    alerts: hits[i] ?? 0,
  }));
  const detected = attacks.filter((x) => x.detected).length;
  const testWeeks = Math.max(0, (meta.end - meta.learningEnd) / (7 * 86_400_000));
  const falseAlerts = inTest - matched - notices;
  return {
    detector,
    attacks,
    detected,
    total: labels.length,
    recall: labels.length ? detected / labels.length : null,
    alerts: inTest,
    matchedAlerts: matched,
    falseAlerts,
    testWeeks,
    falseAlertsPerWeek: testWeeks > 0 ? falseAlerts / testWeeks : 0,
    precision: inTest ? matched / inTest : null,
    falseByBenign,
    noticesByBenign,
    notices,
  };
}

/** Sums scores of the same detector over seeds. */
export function aggregateScores(scores: readonly DetectorScore[]): DetectorScore {
  const first = scores[0];
  if (!first) throw new Error('nothing to aggregate');
  const attacks = scores.flatMap((s) => s.attacks);
  const detected = attacks.filter((a) => a.detected).length;
  const alerts = scores.reduce((n, s) => n + s.alerts, 0);
  const matched = scores.reduce((n, s) => n + s.matchedAlerts, 0);
  const testWeeks = scores.reduce((n, s) => n + s.testWeeks, 0);
  const falseByBenign: Record<string, number> = {};
  const noticesByBenign: Record<string, number> = {};
  for (const s of scores) {
    for (const [k, v] of Object.entries(s.falseByBenign)) falseByBenign[k] = (falseByBenign[k] ?? 0) + v;
    for (const [k, v] of Object.entries(s.noticesByBenign)) noticesByBenign[k] = (noticesByBenign[k] ?? 0) + v;
  }
  const notices = scores.reduce((n, s) => n + s.notices, 0);
  return {
    detector: first.detector,
    attacks,
    detected,
    total: attacks.length,
    recall: attacks.length ? detected / attacks.length : null,
    alerts,
    matchedAlerts: matched,
    falseAlerts: alerts - matched - notices,
    testWeeks,
    falseAlertsPerWeek: testWeeks > 0 ? (alerts - matched - notices) / testWeeks : 0,
    precision: alerts ? matched / alerts : null,
    falseByBenign,
    noticesByBenign,
    notices,
  };
}
