/**
 * The behaviour model: what Trailhound knows about every identity, its peer group and the
 * organization, learned prequentially (a journey is scored against what was known before it,
 * then learned from). `score` explains itself: every point of a score comes with a reason and
 * its evidence (self counts, "k of n peers", context deltas).
 *
 * State is plain counts and small arrays, serializable with `toJSON`/`fromJSON`: `detect`
 * persists it after each run and resumes from it (see src/detect/index.ts for why).
 */

import { actionInfo } from '../catalog/iam-data.ts';
import { narrowsAccess, riskWithinOrganization, splitTarget } from '../catalog/index.ts';
import type { AlertReason } from '../domain/alert.ts';
import type { EventRow } from '../domain/event.ts';
import type { Journey } from '../journeys/builder.ts';
import { asnLabel } from '../normalize/asn.ts';
import { ScoreHistory } from './calibration.ts';
import { ContextProfile, type JourneyContext, journeyContext } from './context.ts';
import { journeyFeatures, MedoidSet } from './medoids.ts';
import { contextIds, levelProbs, NGramCounts, PairIndex } from './ngram.ts';
import { PeerTokenCounts } from './peer-counts.ts';
import { clusterPeers } from './peers.ts';
import { ShareDestinations } from './shares.ts';
import { TargetProfile } from './targets.ts';
import { Tokenizer, tokenAction, Vocabulary } from './tokens.ts';

export interface IdentityModel {
  key: string;
  name: string;
  type: string;
  roleArn: string | null;
  ngram: NGramCounts;
  context: ContextProfile;
  medoids: MedoidSet;
  /** Its own recent raw journey scores: the per-identity calibration. */
  history: ScoreHistory;
  /** Its own recent nearest-typical-journey distances. */
  distances: ScoreHistory;
  group: string | null;
  journeys: number;
  firstSeen: number;
  lastSeen: number;
  /** Tokens an analyst marked benign for this identity (feedback). */
  benign: Set<number>;
  /** Tokens of its alerted journeys not yet in its own baseline (peers see them as done). */
  heldBack: Set<number>;
  /** Accounts and SSM documents its calls were aimed at. */
  targets: TargetProfile;
  /** Baseline-free signals (src/model/signals.ts) of its learned journeys: id -> journeys. */
  signals: Map<string, number>;
  /** Secrets, parameters and other users it first acted on in the last week: [time, target]. */
  recentNew: Array<[number, string]>;
}

export interface PeerGroup {
  id: string;
  name: string;
  members: string[];
  ngram: NGramCounts;
}

/** One surprising action of a journey, with its evidence. */
export interface TokenEvidence {
  token: string;
  /** First event index in the journey with this token. */
  index: number;
  selfCount: number;
  /** Peers (excluding this identity) that ever did it, and the peer group's size (excluding it). */
  peersDid: number;
  peers: number;
  /** Identities in the organization that ever did it, of how many. */
  orgDid: number;
  orgIdentities: number;
  selfBits: number;
  peerBits: number;
  risk: number;
  /** Weighted contribution to the score. */
  weight: number;
  /**
   * Set when the evidence is a new target of a known action (`account:999988887777`), not a new
   * action. Then `selfBits` and `peerBits` are the bits the target added for self and for peers,
   * and `orgDid` counts the identities that aimed a call at it.
   */
  target?: string;
}

export interface JourneyScore {
  /** Surprise in bits: sequence + targets + novelty + shape + context. */
  raw: number;
  sequence: number;
  /** Calls aimed at an account or SSM document new for this identity (and its peers, the organization). */
  targets: number;
  novelty: number;
  shape: number;
  context: number;
  /** This identity's usual score level (its 90th percentile, blended with the organization's while history is thin). */
  baseline: number;
  /**
   * `raw - baseline`, less the novelty a young identity's role family vouches for and what a
   * look's repeated new reads added: what the alert threshold applies to.
   */
  excess: number;
  /** Share of this identity's past journeys that scored at least as high (add-one smoothed). */
  pSelf: number;
  /** Highest catalog risk among the actions that were new for both the identity and its peers. */
  anomalousRisk: number;
  /** Highest catalog risk of any successful event in the journey. */
  maxRisk: number;
  /** High risk and new for self and peers: always alerts (after learning). */
  critical: boolean;
  evidence: TokenEvidence[];
  reasons: AlertReason[];
  peerGroup: string | null;
  peerGroupName: string | null;
  peerSize: number;
  typicalJourney: string[] | null;
  typicalDistance: number;
  /** Identity's journeys known before this one. */
  history: number;
}

export interface ModelOptions {
  /** Catalog risk at or above which a self- and peer-novel action is critical. Default 0.8. */
  criticalRisk?: number;
}

const log2 = Math.log2;

/** Raw scores the organization's history keeps (the baseline of identities without history). */
export const ORG_HISTORY_CAPACITY = 4096;

/** Group ids of role families (`#familyGroup`), apart from clustered peer groups. */
const FAMILY_PREFIX = 'role:';

/** Target kinds that name a credential: which one was read matters even for a read. */
const CREDENTIAL_KINDS = new Set(['secret', 'parameter']);
const KIND_TEXT: Record<string, string> = {
  account: 'another account',
  document: 'an SSM document',
  secret: 'a secret',
  parameter: 'a decrypted parameter',
  principal: 'another user',
};
/** How far back new credentials count towards a slow harvest, and how many make one. */
const SLOW_WINDOW = 5 * 86_400_000;
const SLOW_MIN = 2;
/** Journeys after which an identity's credential reads are a habit to compare with. */
const SLOW_MATURITY = 20;

function rememberNew(m: IdentityModel, time: number, target: string): void {
  m.recentNew.push([time, target]);
  while (
    m.recentNew.length > 0 &&
    ((m.recentNew[0] as [number, string])[0] < time - 2 * SLOW_WINDOW || m.recentNew.length > 64)
  )
    m.recentNew.shift();
}

/**
 * Credentials this identity first read in the last five days, before `start`, when there are
 * at least two over two days or more: a harvest spread thin, each day's share too small to see.
 */
function slowNovelty(m: IdentityModel, start: number): { count: number; days: number; bits: number } | null {
  const recent = m.recentNew.filter(([t]) => t < start && t >= start - SLOW_WINDOW);
  if (recent.length < SLOW_MIN) return null;
  const days = new Set(recent.map(([t]) => Math.floor(t / 86_400_000))).size;
  if (days < 2) return null;
  return { count: recent.length, days, bits: 1.5 * log2(1 + recent.length) };
}
const MAX_BITS = 12;
/** Weight factor of a call that takes access away (a harmless read's is 0.5, a critical change's 1.5). */
const NARROWING_FACTOR = 0.25;
/** Weight factor of a quiet novelty (`#quietNews`). */
const QUIET_FACTOR = 0.35;
/** A sweep: a journey of at least this many distinct actions ... */
const SWEEP_MIN_ACTIONS = 20;
/** ... of which at most this share is new for the identity. */
const SWEEP_NEW_SHARE = 0.15;
/** Identities with fewer journeys than this are young: their role family vouches for what it does routinely, whoever their peers. */
const FAMILY_YOUNG = 10;
/** Refused calls a journey that only looked may hold (a permission someone lacks in one account). */
const LOOK_REFUSALS = 1;
/** A machine identity whose baseline holds this many kinds of write is a provisioner. */
const PROVISIONER_WRITES = 10;
/**
 * A machine identity that reads the state of this many services in about every journey, and
 * did so before this journey's first write, is a provisioner whatever its count of write kinds.
 */
const REFRESH_SERVICES = 6;
/** A provisioner's teardown of its own kind of resource stays quiet below this risk. */
const TEARDOWN_MAX_RISK = 0.5;
/** A provisioner's known write is looked at without its order only when rarer than this where it stands (6 bits). */
const ORDER_FREE_BELOW = 1 / 64;

/** The tokens an identity did (`#did`): learned, or held back with an alert. */
function* tokensDid(m: IdentityModel): Generator<number> {
  yield* m.ngram.uni.keys();
  for (const w of m.heldBack) if (!m.ngram.uni.has(w)) yield w;
}

function row0(journey: Journey, ev: TokenEvidence): EventRow {
  return journey.events[ev.index] as EventRow;
}
const FAILED_FACTOR = 0.35;

function pct(x: number): string {
  return `${Math.round(x * 100)}%`;
}

/** A readable name of a peer group from its members' role names, e.g. `Developer (8)`. */
export function groupLabel(members: readonly IdentityModel[]): string {
  const names = new Map<string, number>();
  for (const m of members) {
    const role = m.roleArn
      ?.split('/')
      .pop()
      ?.replace(/^AWSReservedSSO_/, '')
      .replace(/_[0-9a-f]{8,}$/, '');
    const label = role ?? m.type;
    names.set(label, (names.get(label) ?? 0) + 1);
  }
  const top = [...names].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0] ?? 'identities';
  return `${top} (${members.length})`;
}

export class BehaviourModel {
  readonly vocab: Vocabulary;
  readonly tokenizer: Tokenizer;
  readonly pairs: PairIndex;
  readonly org: NGramCounts;
  readonly orgContext: ContextProfile;
  /** Org-wide raw scores: the baseline for identities without history. */
  readonly orgHistory: ScoreHistory;
  /** Token -> identities that ever did it. */
  readonly tokenIdentities: Map<number, number>;
  readonly identities: Map<string, IdentityModel>;
  readonly groups: Map<string, PeerGroup>;
  /** Targets used anywhere in the organization (learned like its context: alerted journeys wait). */
  readonly orgTargets: TargetProfile;
  /**
   * The organization's own accounts: the accounts declared its own (`declareOrgAccounts`) and
   * every account its trail has shown.
   */
  readonly orgAccounts: Set<string>;
  /** Accounts declared the organization's own whatever the trail shows (`detect.organizationAccounts`). */
  readonly #declaredAccounts = new Set<string>();
  /** The organization's accounts that already receive its data shares (its DR account). */
  readonly shareDestinations: ShareDestinations;
  /**
   * Identities by the role or permission set they work under, in any account (`roleFamily`),
   * with what they did: the peers a new identity starts from before it has a peer group.
   */
  readonly families: Map<string, { members: string[]; ngram: NGramCounts }>;
  readonly criticalRisk: number;
  lastRecluster: number;
  /**
   * Identities of the organization this model does not hold: a partition of workers learns
   * only its own (src/model/org-parts.ts). 0 for one process.
   */
  otherIdentities = 0;
  /**
   * When set, every raw score `orgHistory` takes, with its journey's end, in order: what a
   * partition of workers adds to the organization's history in a day.
   */
  orgHistoryLog: Array<[number, number]> | null = null;
  /**
   * The tokens (by name) each identity of the organization this model does not hold did (or
   * did in a held-back alert), by key: how its role family's members in other partitions
   * count. Empty for one process.
   */
  otherKnown: ReadonlyMap<string, ReadonlySet<string>> = new Map();
  /** Members of each peer group and role family who did each token (`#membersDid`). */
  readonly #peerCounts = new PeerTokenCounts((key) => {
    const m = this.identities.get(key);
    return m ? tokensDid(m) : null;
  });

  /**
   * Declares accounts the organization's own before the trail shows them: on a trail of one
   * account, its staging and DR accounts otherwise look like outsiders until they call AWS in it.
   */
  declareOrgAccounts(accounts: Iterable<string>): void {
    for (const a of accounts) {
      this.#declaredAccounts.add(a);
      this.orgAccounts.add(a);
    }
  }

  /** Sets the organization's accounts to the declared ones and `seen` (a snapshot's, or none). */
  resetOrgAccounts(seen: Iterable<string> = []): void {
    this.orgAccounts.clear();
    for (const a of this.#declaredAccounts) this.orgAccounts.add(a);
    for (const a of seen) this.orgAccounts.add(a);
  }

  constructor(options: ModelOptions = {}) {
    this.vocab = new Vocabulary();
    this.orgAccounts = new Set();
    this.tokenizer = new Tokenizer(this.vocab, this.orgAccounts);
    this.pairs = new PairIndex();
    this.org = new NGramCounts();
    this.orgContext = new ContextProfile();
    this.orgHistory = new ScoreHistory(ORG_HISTORY_CAPACITY);
    this.tokenIdentities = new Map();
    this.identities = new Map();
    this.groups = new Map();
    this.orgTargets = new TargetProfile(10_000);
    this.shareDestinations = new ShareDestinations();
    this.families = new Map();
    this.criticalRisk = options.criticalRisk ?? 0.8;
    this.lastRecluster = Number.NEGATIVE_INFINITY;
  }

  /** Identities in the organization, whichever model learns them. */
  get orgIdentityCount(): number {
    return this.identities.size + this.otherIdentities;
  }

  identity(j: Pick<Journey, 'actorKey' | 'actorName' | 'actorType' | 'roleArn' | 'start'>): IdentityModel {
    let m = this.identities.get(j.actorKey);
    if (!m) {
      m = {
        key: j.actorKey,
        name: j.actorName,
        type: j.actorType,
        roleArn: j.roleArn,
        ngram: new NGramCounts(),
        context: new ContextProfile(),
        medoids: new MedoidSet(),
        history: new ScoreHistory(256),
        distances: new ScoreHistory(128),
        group: this.#provisionalGroup(j.roleArn),
        journeys: 0,
        firstSeen: j.start,
        lastSeen: j.start,
        benign: new Set(),
        heldBack: new Set(),
        targets: new TargetProfile(),
        signals: new Map(),
        recentNew: [],
      };
      this.identities.set(j.actorKey, m);
      this.#joinFamily(m);
    }
    return m;
  }

  #joinFamily(m: IdentityModel): void {
    const name = roleFamily(m);
    if (name === null) return;
    const f = this.families.get(name);
    if (f) f.members.push(m.key);
    else this.families.set(name, { members: [m.key], ngram: new NGramCounts() });
  }

  /**
   * The peers a new identity's role or permission set implies, while it has no peer group: the
   * other sessions of a vendor's role, the team that was given the same permission set today.
   */
  #familyGroup(m: IdentityModel): PeerGroup | null {
    const name = roleFamily(m);
    const f = name === null ? undefined : this.families.get(name);
    if (!f || f.members.length < 2) return null;
    return { id: `${FAMILY_PREFIX}${name}`, name: `${name} (${f.members.length})`, members: f.members, ngram: f.ngram };
  }

  /** Whether most of the identity's peer group works under other permission sets than its own. */
  #clusteredApart(self: IdentityModel, group: PeerGroup | null): boolean {
    if (group === null) return false;
    const name = roleFamily(self);
    let same = 0;
    for (const k of group.members) {
      const m = this.identities.get(k);
      if (m && roleFamily(m) === name) same++;
    }
    return 2 * same < group.members.length;
  }

  /**
   * Whether more than a fifth of the identity's role family (the other sessions of its
   * permission set, in any account) did `w`, when its peer group says less about what the
   * identity may do than the permission set it works under: a group clustered from a young
   * identity's few journeys (a platform admin's first reads in an account), or one where most
   * members work under other permission sets (a platform admin who mostly reads in one account,
   * clustered with its readers). Among peers of its own permission set, its news stays novel.
   */
  #familyDoes(self: IdentityModel, group: PeerGroup | null, w: number): boolean {
    if (self.journeys === 0) return false;
    const family = this.#familyGroup(self);
    if (family === null || family.id === group?.id) return false;
    if (self.journeys >= FAMILY_YOUNG && !this.#clusteredApart(self, group)) return false;
    const { did, others } = this.#membersDid(family.members, self.key, [w]);
    return others > 0 && (did[0] as number) > Math.floor(0.2 * others);
  }

  /**
   * Whether, for each of `rows`, another identity of the journey's role family (its permission
   * set, in any account) already did that call: the role's routine. A vendor's scanner starts
   * every scan as a new session, so its own baseline is always empty while its role shares
   * snapshots with the vendor every day.
   */
  familyRoutine(journey: Journey, rows: readonly EventRow[]): boolean {
    const self = this.identity(journey);
    const name = roleFamily(self);
    // A new session is no member yet: one earlier member is the whole family it can lean on.
    const family = name === null ? undefined : this.families.get(name);
    if (!family) return false;
    const { did } = this.#membersDid(
      family.members,
      self.key,
      rows.map((r) => this.tokenizer.token(r)),
    );
    return did.every((n) => n > 0);
  }

  /**
   * For each of `tokens`, how many of `members` but `selfKey` did it (`#did`), and how many
   * members but `selfKey` there are: the held members from counts kept as they learn
   * (`PeerTokenCounts`), the others one by one.
   */
  #membersDid(
    members: readonly string[],
    selfKey: string,
    tokens: readonly number[],
  ): { did: number[]; others: number } {
    const peers = this.#peerCounts.of(members);
    const selfListed = peers.listed.get(selfKey) ?? 0;
    let others = members.length - selfListed;
    for (const k of peers.remote) if (k === selfKey) others--;
    const self = selfListed > 0 ? this.identities.get(selfKey) : undefined;
    const did = tokens.map((w) => {
      let n = peers.counts.get(w) ?? 0;
      if (self && (self.ngram.uni.has(w) || self.heldBack.has(w))) n -= selfListed;
      for (const k of peers.remote) if (k !== selfKey && this.#did(k, w)) n++;
      return n;
    });
    return { did, others };
  }

  /** Forgets the peer counts: groups or families were replaced (an organization snapshot installed). */
  forgetPeerCounts(): void {
    this.#peerCounts.clear();
  }

  /** Whether identity `k` ever did token `w` (or did it in an alert held back from its baseline). */
  #did(k: string, w: number): boolean {
    const m = this.identities.get(k);
    return m ? m.ngram.uni.has(w) || m.heldBack.has(w) : (this.otherKnown.get(k)?.has(this.vocab.name(w)) ?? false);
  }

  /** A new identity starts in the group of another identity with the same role (same permission set). */
  #provisionalGroup(roleArn: string | null): string | null {
    if (!roleArn) return null;
    for (const m of this.identities.values()) if (m.roleArn === roleArn && m.group) return m.group;
    return null;
  }

  peerGroupOf(m: IdentityModel): PeerGroup | null {
    if (!m.group) return null;
    const g = this.groups.get(m.group);
    return g && g.members.length > 1 ? g : null;
  }

  /**
   * Whether the journey is the first of a person someone in the organization created as a user
   * (Identity Center's CreateUser, learned): the onboarding shape, first sign-in and MFA
   * registration of a new hire, not a stranger.
   */
  onboarded(journey: Journey): boolean {
    for (const e of journey.events) {
      const person = e.person ?? null;
      if (person?.includes('@')) return this.orgTargets.has(`principal:${person.toLowerCase()}`);
    }
    return false;
  }

  /**
   * Whether the journey is a machine's first under a role nobody else ever worked under: no
   * person behind it, and no other identity with its role ARN (a role just created and first
   * assumed, not a new session of a known role or a new person's permission set).
   */
  firstOfRole(journey: Journey): boolean {
    if (journey.roleArn === null || journey.events.some((e) => e.person?.includes('@'))) return false;
    for (const m of this.identities.values())
      if (m.key !== journey.actorKey && m.roleArn === journey.roleArn) return false;
    return true;
  }

  /** Scores a journey against what is known now. Does not learn. */
  score(
    journey: Journey,
    tokens: Int32Array = this.tokenizer.tokens(journey.events),
    ctx: JourneyContext = journeyContext(journey.events),
  ): JourneyScore {
    const self = this.identity(journey);
    const group = this.peerGroupOf(self) ?? this.#familyGroup(self);
    // Peers are counted only for the few evidence tokens (below): no per-journey member copy.
    const peerCount = group ? group.members.length - (group.members.includes(self.key) ? 1 : 0) : 0;
    const probs = levelProbs(
      tokens,
      this.pairs,
      this.vocab.size,
      self.journeys > 0 ? self.ngram : null,
      group ? group.ngram : null,
      this.org,
    );
    // A family stands in for peers only to make what its members do familiar: what the whole
    // organization does stays as familiar as it is to any new identity.
    if (group?.id.startsWith(FAMILY_PREFIX))
      for (let i = 0; i < tokens.length; i++) {
        const po = probs.org[i] as number;
        if ((probs.peer[i] as number) < po) probs.peer[i] = po;
        if ((probs.self[i] as number) < po) probs.self[i] = po;
      }
    this.#orderFreeWrites(self, journey, tokens, probs.self);
    const orgIdentities = this.orgIdentityCount - (self.journeys > 0 ? 1 : 0);

    // Per distinct token: the most surprising occurrence. Surprise for self AND peers:
    // min(self bits, peer bits), so an admin's routine rarity is not an anomaly. Only numbers
    // in this loop (it runs for every event); evidence objects are built for the top few.
    const bestWeight = new Map<number, number>();
    const bestAt = new Map<number, number>();
    const risks = journey.events.map((e) =>
      e.facts.length === 0 ? e.risk : riskWithinOrganization(e, this.orgAccounts),
    );
    // Tokens new for this identity that say little by themselves (see `#quietNews`).
    const quiet = this.#quietNews(self, journey, tokens, risks);
    for (let i = 0; i < tokens.length; i++) {
      const w = tokens[i] as number;
      const row = journey.events[i] as EventRow;
      const ps = probs.self[i] as number;
      const pp = probs.peer[i] as number;
      // Capped: past ~1/4096 "never seen" is all the evidence a token gives; what was done
      // (risk) then ranks it, instead of how large the vocabulary happens to be.
      const joint = self.benign.has(w) ? 0 : Math.min(MAX_BITS, -log2(Math.max(ps, pp)));
      // Risk weighs (x0.5 for a harmless read .. x1.5 for a critical change); it never scores
      // alone. A refused call changed nothing: people hit AccessDenied on new things all the
      // time (12 of 12 false alerts on a simulated org before this factor), bursts of them are
      // the error-burst context reason. Taking access away weighs a quarter of a harmless read's
      // factor: an access review's clean-up is not escalation.
      const factor = row.success && this.#narrows(w, row) ? NARROWING_FACTOR : 0.5 + (risks[i] as number);
      const weight = joint * factor * (row.success ? 1 : FAILED_FACTOR) * (quiet.has(w) ? QUIET_FACTOR : 1);
      const prev = bestWeight.get(w);
      if (prev === undefined || weight > prev) {
        bestWeight.set(w, weight);
        bestAt.set(w, i);
      }
    }
    let maxRisk = 0;
    journey.events.forEach((e, i) => {
      if (e.success && (risks[i] as number) > maxRisk) maxRisk = risks[i] as number;
    });
    const ranked: Array<[number, TokenEvidence]> = [...bestWeight.entries()]
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .slice(0, 8)
      .map(([w, weight]) => {
        const i = bestAt.get(w) as number;
        return [
          w,
          {
            token: this.vocab.name(w),
            index: i,
            selfCount: 0,
            peersDid: 0,
            peers: peerCount,
            orgDid: 0,
            orgIdentities,
            selfBits: -log2(probs.self[i] as number),
            peerBits: -log2(probs.peer[i] as number),
            risk: risks[i] as number,
            weight,
          },
        ];
      });
    const sequence =
      (ranked[0]?.[1].weight ?? 0) + 0.5 * (ranked[1]?.[1].weight ?? 0) + 0.25 * (ranked[2]?.[1].weight ?? 0);
    const { context, contextReasons, unfamiliar } = this.#contextScore(self, ctx);
    // A look around (`#looksOnly`): its new reads are one surprise and one novelty between them.
    const looking = unfamiliar < 0.005 && this.#looksOnly(journey, tokens);
    let lookSequence = sequence;
    if (looking) {
      const top: number[] = [];
      let newRead = false;
      for (const [w, ev] of ranked) {
        if (top.length === 3) break;
        if (!self.ngram.uni.has(w) && !self.heldBack.has(w)) {
          if (newRead) continue;
          newRead = true;
        }
        top.push(ev.weight);
      }
      lookSequence = (top[0] ?? 0) + 0.5 * (top[1] ?? 0) + 0.25 * (top[2] ?? 0);
    }
    // Novel actions the excess leaves out: those the identity's role family vouches for
    // (`#familyDoes`), and a look's new reads but one.
    let newReads = 0;
    const vouched: string[] = [];

    // Evidence for the top tokens only (weight 2 or more), with how many peers did each.
    let asked = 0;
    while (asked < ranked.length && (ranked[asked] as [number, TokenEvidence])[1].weight >= 2) asked++;
    const peersDid = group
      ? this.#membersDid(
          group.members,
          self.key,
          ranked.slice(0, asked).map(([w]) => w),
        ).did
      : null;
    const evidence: TokenEvidence[] = [];
    let novel = 0;
    let anomalousRisk = 0;
    let critical = false;
    for (let r = 0; r < asked; r++) {
      const [w, ev] = ranked[r] as [number, TokenEvidence];
      ev.selfCount = self.ngram.count(w);
      if (peersDid !== null) ev.peersDid += peersDid[r] as number;
      ev.orgDid = this.tokenIdentities.get(w) ?? 0;
      const newForSelf = ev.selfCount === 0;
      const rareForPeers = group
        ? ev.peersDid <= Math.floor(0.2 * ev.peers)
        : ev.orgDid <= Math.max(1, Math.floor(0.05 * orgIdentities));
      const narrowing = ev.risk < 0.3 && this.#narrows(w, row0(journey, ev));
      if (newForSelf && rareForPeers && !self.benign.has(w) && !ev.token.endsWith('!') && !quiet.has(w) && !narrowing) {
        if (this.#familyDoes(self, group, w)) vouched.push(ev.token);
        else if (looking) newReads++;
        novel++;
        if (ev.risk > anomalousRisk) anomalousRisk = ev.risk;
        if (ev.risk >= this.criticalRisk && ev.peerBits >= 6) critical = true;
      }
      evidence.push(ev);
    }
    const aimed = this.#targetEvidence(self, group, journey, tokens, peerCount, risks);
    for (const t of aimed.evidence) {
      if (t.novel) {
        novel++;
        if (t.ev.risk > anomalousRisk) anomalousRisk = t.ev.risk;
      }
      if (t.orgNew && t.ev.risk >= this.criticalRisk) critical = true;
      evidence.push(t.ev);
    }
    evidence.sort((a, b) => b.weight - a.weight);
    // An attack toolkit (Pacu, Kali, Stratus Red Team ...) this identity never used is what was
    // done *with*, not where from: it counts as a novel action, so it can alert without a risky
    // call (a console sign-in with a stolen password through an offensive toolkit); one nobody in
    // the organization ever used is critical, as GuardDuty's PenTest findings are. A red team's
    // toolkit marked benign is learned with its journey and stops counting.
    for (const client of ctx.clients.keys()) {
      if (!isOffensiveClient(client) || self.context.clients.has(client)) continue;
      novel++;
      if (!this.orgContext.clients.has(client)) critical = true;
    }
    const novelty = novel > 0 ? 2 * log2(1 + novel) : 0;
    // Novelty the excess counts (the targets' and toolkits' novelty counts in both).
    const excessNovelty = novel > 0 ? 2 * log2(1 + novel - vouched.length - Math.max(0, newReads - 1)) : 0;

    // Shape: how far from every typical journey of this identity, beyond its usual distance.
    const features = journeyFeatures(tokens);
    const near = self.medoids.nearest(features);
    let shape = 0;
    if (self.journeys >= 5 && near.medoid) shape = 3 * Math.max(0, near.distance - self.distances.quantile(0.75, 1));

    const raw = sequence + aimed.score + novelty + shape + context;
    const n = self.history.size;
    // The identity's usual level: its 90th percentile, rising to its 99th as history grows
    // (a CI role with 400 journeys has rare-but-routine spikes above its 90th: 7 of 8 false
    // alerts on a simulated org before this).
    const qSelf = self.history.quantile(1 - Math.max(0.01, Math.min(0.1, 4 / Math.max(1, n))), 0);
    const qOrg = this.orgHistory.quantile(0.9, 0);
    // Thin history: lean on the organization's level (a new hire is not alarming per se).
    const baseline = (n * qSelf + 10 * qOrg) / (n + 10);
    // What the family vouches for and a look's repeated new reads added: left out of the excess
    // the threshold applies to, not out of `raw`: the identity's usual level (learned from
    // `raw`) stays what it was, so its other journeys' excess does not rise.
    const familyOff = vouched.length > 0 ? novelty - 2 * log2(1 + novel - vouched.length) : 0;
    const look = (newReads > 1 ? sequence - lookSequence : 0) + novelty - excessNovelty - familyOff;
    const excess = raw - baseline - familyOff - look;

    const reasons: AlertReason[] = [];
    const who = shortName(self.name);
    for (const ev of evidence) {
      if (ev.weight < 3 || ev.target !== undefined) continue;
      const peerText = group
        ? `${ev.peersDid} of ${who}'s ${ev.peers} peers ever did`
        : `${ev.orgDid} of ${ev.orgIdentities} identities in this organization ever did`;
      const first =
        ev.selfCount === 0
          ? self.journeys === 0
            ? `${who} (no history yet) did ${ev.token}`
            : `first time ${who} did ${ev.token} in ${self.journeys} journeys`
          : `${who} rarely does ${ev.token} here (${ev.selfCount} times before, seldom in this order)`;
      const kind = ev.selfCount === 0 ? 'new-action-for-identity' : 'sequence';
      reasons.push({
        kind,
        text: `${first}; ${peerText}${ev.risk >= 0.5 ? `; catalog risk ${ev.risk.toFixed(2)}` : ''}`,
        weight: round(ev.weight),
        subject: ev.token,
      });
    }
    for (const t of aimed.evidence) reasons.push(t.reason);
    if (shape >= 0.5 && near.medoid)
      reasons.push({
        kind: 'unlike-typical-journeys',
        text: `unlike any of ${who}'s ${self.medoids.medoids.length} typical journeys (distance ${near.distance.toFixed(2)} to the nearest; usually ${self.distances.quantile(0.5, 0).toFixed(2)})`,
        weight: round(shape),
      });
    reasons.push(...contextReasons);
    if (familyOff > 0)
      reasons.push({
        kind: 'family-routine',
        text: `routine for the ${roleFamily(self)} permission set in other accounts, though new for ${who} here: ${vouched.map(tokenAction).join(', ')}`,
        weight: -round(familyOff),
      });
    if (look > 0.005)
      reasons.push({
        kind: 'look-around',
        text: `only read or took access away, from where and with what ${self.journeys > 0 ? who : 'this organization'} usually works: ${newReads} reads new for ${who} count as one`,
        weight: -round(look),
      });
    if (n >= 5)
      reasons.push({
        kind: 'calibration',
        text: `scores higher than ${pct(1 - self.history.tail(raw) + 1 / (n + 2))} of ${who}'s ${n} recent journeys`,
        weight: 0,
      });
    reasons.sort((a, b) => b.weight - a.weight);

    // Nothing alike: contrast with the identity's most common habit instead.
    const contrast =
      near.distance >= 0.99 ? [...self.medoids.medoids].sort((a, b) => b.count - a.count)[0] : near.medoid;
    const typical = contrast ? contrast.tokens.map((t) => this.vocab.name(t)) : null;
    return {
      raw: round(raw),
      sequence: round(sequence),
      targets: round(aimed.score),
      novelty: round(novelty),
      shape: round(shape),
      context: round(context),
      baseline: round(baseline),
      excess: round(excess),
      pSelf: self.history.tail(raw),
      anomalousRisk,
      maxRisk,
      critical,
      evidence,
      reasons,
      peerGroup: group?.id ?? null,
      peerGroupName: group?.name ?? null,
      peerSize: peerCount,
      typicalJourney: typical,
      typicalDistance: near.distance,
      history: self.journeys,
    };
  }

  /**
   * New calls that say little by themselves; they weigh a third and count as no novelty. Only
   * successful calls without a fact (a secret decrypted, a share) or a target, of risk below 0.3:
   * - inside a sweep the identity knows (a journey of many distinct actions, almost all routine
   *   for it: a scanner's weekly run, a pipeline's deploy), its new reads and plain writes are the
   *   tool growing (a scanner's new checks, a pipeline's first queue);
   * - for a provisioner (a machine identity, no person behind it, whose baseline already holds
   *   many kinds of writes: an infrastructure-as-code pipeline), new plain writes are new kinds of
   *   infrastructure (a module replaced), reviewed where its code is.
   * And a data share only with accounts of the organization that already receive its shares (a
   * snapshot to the DR account) and the copy such an account keeps, whoever makes them
   * (`ShareDestinations`).
   */
  #quietNews(self: IdentityModel, journey: Journey, tokens: Int32Array, risks: readonly number[]): Set<number> {
    const quiet = new Set<number>();
    const known = (w: number) => self.ngram.uni.has(w) || self.heldBack.has(w);
    // Most journeys are all routine: nothing to look at.
    if (tokens.every(known)) return quiet;
    const plain = (i: number) => {
      const row = journey.events[i] as EventRow;
      return row.success && row.facts.length === 0 && row.targets.length === 0 && (risks[i] as number) < 0.3;
    };
    const distinct = new Set<number>(tokens);
    let fresh = 0;
    for (const w of distinct) if (!known(w)) fresh++;
    if (fresh === 0) return quiet;
    const sweep = self.journeys > 0 && distinct.size >= SWEEP_MIN_ACTIONS && fresh <= SWEEP_NEW_SHARE * distinct.size;
    // Asked only when a new plain write is there to quiet (it scans the identity's vocabulary).
    let provisioner: boolean | null = null;
    const isProvisioner = () => {
      provisioner ??= this.#isProvisioner(self, journey, tokens);
      return provisioner;
    };
    const loud = new Set<number>();
    for (let i = 0; i < tokens.length; i++) {
      const w = tokens[i] as number;
      if (known(w)) continue;
      const row = journey.events[i] as EventRow;
      if (plain(i)) {
        if (
          sweep ||
          (row.readOnly === false && isProvisioner()) ||
          this.shareDestinations.receives(row, risks[i] as number, this.orgAccounts)
        )
          quiet.add(w);
      } else if (this.#tearsDownOwnKind(self, row, risks[i] as number) && isProvisioner()) quiet.add(w);
      else if (this.shareDestinations.inHouse(row, risks[i] as number, this.orgAccounts)) quiet.add(w);
      else loud.add(w);
    }
    // A token also seen failing or with a fact elsewhere in the journey stays loud.
    for (const w of loud) quiet.delete(w);
    return quiet;
  }

  /**
   * Whether the journey only looked: every call a read (IAM access level Read or List) with no
   * fact and no target, at most one of them refused, or a successful call that only takes access
   * away (`narrowsAccess`: a key deactivated, a user removed from a group). Asked only when where
   * and how it ran is nothing new (no context score: the identity's own network, client and
   * hours; for an identity with little history, whatever of those the organization knows; no
   * burst of refusals). Reading what one may read, from one's own desk, is how a review or an
   * investigation starts, and each further new read is no further step towards anything: the
   * excess counts the new reads as one surprise and one novelty. A review's clean-up reduces
   * exposure and keeps it a look. A step (a write that grants or builds, a secret, a share) ends
   * the look.
   */
  #looksOnly(journey: Journey, tokens: Int32Array): boolean {
    let refused = 0;
    for (let i = 0; i < tokens.length; i++) {
      const row = journey.events[i] as EventRow;
      if (row.targets.length > 0) return false;
      const w = tokens[i] as number;
      if (row.success && this.#isWrite(w) && this.#narrows(w, row)) {
        // Its only fact may be the one that makes it narrowing (a key set Inactive).
        if (row.facts.some((f) => f !== 'accessKeyDeactivated')) return false;
        continue;
      }
      if (this.#isWrite(w)) return false;
      if (!row.success) {
        if (++refused > LOOK_REFUSALS) return false;
      } else if (row.facts.length > 0) return false;
    }
    return true;
  }

  /**
   * A machine identity (no person behind the journey) that is an infrastructure-as-code
   * pipeline: its baseline holds many kinds of write, or it writes and refreshes before it
   * writes (`#refreshesFirst`).
   */
  #isProvisioner(self: IdentityModel, journey: Journey, tokens: Int32Array): boolean {
    if (self.journeys === 0 || journey.events.some((e) => e.person?.includes('@'))) return false;
    const kinds = this.#writeKinds(self);
    return kinds >= PROVISIONER_WRITES || (kinds > 0 && this.#refreshesFirst(self, journey, tokens));
  }

  /**
   * Terraform, Pulumi or CloudFormation plan against the state of everything they manage: every
   * run first reads each managed resource (buckets, functions, roles, networks, keys ...) across
   * many services, then applies. A pipeline that manages few kinds of resource still refreshes
   * many services, while a deployer, an ETL job or a person's script touch one or two. Both
   * halves must hold: the identity reads at least `REFRESH_SERVICES` services in about every
   * journey (a read of each at least once per two journeys), and this journey read as many of
   * them, with reads the identity knows, before its first write. A stolen pipeline credential
   * that goes straight for what it wants shows no refresh; its secrets, shares and targets stay
   * loud in any case (`#quietNews` quiets plain writes only).
   */
  #refreshesFirst(self: IdentityModel, journey: Journey, tokens: Int32Array): boolean {
    const refreshed = new Set<string>();
    for (let i = 0; i < tokens.length; i++) {
      const w = tokens[i] as number;
      if (this.#isWrite(w)) break;
      const row = journey.events[i] as EventRow;
      if (row.success && self.ngram.uni.has(w)) refreshed.add(row.service);
    }
    if (refreshed.size < REFRESH_SERVICES) return false;
    const routine = this.#routineReadServices(self);
    let both = 0;
    for (const service of refreshed) if (routine.has(service)) both++;
    return both >= REFRESH_SERVICES;
  }

  /** Services one of whose reads the identity makes at least once per two journeys (cached until it learns). */
  #routineReadServices(self: IdentityModel): ReadonlySet<string> {
    const cached = this.#routineReadsCache.get(self);
    if (cached && cached[0] === self.ngram.uniTotal) return cached[1];
    const services = new Set<string>();
    for (const [w, count] of self.ngram.uni) {
      if (2 * count < self.journeys || this.#isWrite(w)) continue;
      const action = tokenAction(this.vocab.name(w));
      const colon = action.indexOf(':');
      if (colon > 0) services.add(action.slice(0, colon));
    }
    this.#routineReadsCache.set(self, [self.ngram.uniTotal, services]);
    return services;
  }
  readonly #routineReadsCache = new WeakMap<IdentityModel, [number, Set<string>]>();

  /**
   * Whether `row` deletes a kind of resource the identity itself creates (`iam:DeleteRole` by one
   * that ran `iam:CreateRole`): a provisioner replacing what it built. Plain calls only (no fact,
   * no target), below the risk of a permission change.
   */
  #tearsDownOwnKind(self: IdentityModel, row: EventRow, risk: number): boolean {
    if (!row.success || row.facts.length > 0 || row.targets.length > 0 || risk >= TEARDOWN_MAX_RISK) return false;
    if (!row.actionKey.startsWith('Delete')) return false;
    const kind = row.actionKey.slice('Delete'.length);
    for (const create of [kind, kind.endsWith('s') ? kind.slice(0, -1) : null]) {
      if (create === null) continue;
      const w = this.vocab.get(`${row.service}:Create${create}`);
      if (w !== undefined && self.ngram.uni.has(w)) return true;
    }
    return false;
  }

  /**
   * A provisioner applies its code's plan in the order of a dependency graph that changes with
   * the code (a module replaced): a write it made before is as likely as its share of all its
   * writes, whatever it follows now. Raises the identity's probability of such calls in place.
   */
  #orderFreeWrites(self: IdentityModel, journey: Journey, tokens: Int32Array, selfProbs: Float64Array): void {
    if (self.journeys === 0) return;
    let calls = -1;
    for (let i = 0; i < tokens.length; i++) {
      const row = journey.events[i] as EventRow;
      if (row.readOnly !== false || !row.success) continue;
      // A write it makes this often in this place is no news whatever the order.
      if ((selfProbs[i] as number) >= ORDER_FREE_BELOW) continue;
      const count = self.ngram.count(tokens[i] as number);
      if (count === 0) continue;
      if (calls < 0) {
        // Asked only when a known write is there (it scans the identity's vocabulary).
        if (!this.#isProvisioner(self, journey, tokens)) return;
        calls = this.#writeCalls(self);
      }
      const p = count / calls;
      if (p > (selfProbs[i] as number)) selfProbs[i] = p;
    }
  }

  /** Whether token `w` (the call of `row`) only takes access away; cached per token. */
  #narrows(w: number, row: EventRow): boolean {
    let n = this.#narrowCache.get(w);
    if (n === undefined) {
      n = narrowsAccess(row.service, row.actionKey, row.facts);
      this.#narrowCache.set(w, n);
    }
    return n;
  }
  readonly #narrowCache = new Map<number, boolean>();

  /** How many kinds of write the identity's baseline holds (cached until its vocabulary grows). */
  #writeKinds(self: IdentityModel): number {
    const cached = this.#writeKindsCache.get(self);
    if (cached && cached[0] === self.ngram.uni.size) return cached[1];
    let kinds = 0;
    for (const w of self.ngram.uni.keys()) if (this.#isWrite(w)) kinds++;
    this.#writeKindsCache.set(self, [self.ngram.uni.size, kinds]);
    return kinds;
  }
  readonly #writeKindsCache = new WeakMap<IdentityModel, [number, number]>();

  /** How many write calls the identity's baseline holds (cached until it learns). */
  #writeCalls(self: IdentityModel): number {
    const cached = this.#writeCallsCache.get(self);
    if (cached && cached[0] === self.ngram.uniTotal) return cached[1];
    let calls = 0;
    for (const [w, count] of self.ngram.uni) if (this.#isWrite(w)) calls += count;
    this.#writeCallsCache.set(self, [self.ngram.uniTotal, calls]);
    return calls;
  }
  readonly #writeCallsCache = new WeakMap<IdentityModel, [number, number]>();

  /** Whether token `w` is a write by IAM's access level (cached per token). */
  #isWrite(w: number): boolean {
    let write = this.#writeTokens.get(w);
    if (write === undefined) {
      const action = tokenAction(this.vocab.name(w));
      const colon = action.indexOf(':');
      const level = colon < 0 ? 'Read' : actionInfo(action.slice(0, colon), action.slice(colon + 1)).accessLevel;
      write = level !== 'Read' && level !== 'List';
      this.#writeTokens.set(w, write);
    }
    return write;
  }
  readonly #writeTokens = new Map<number, boolean>();

  /**
   * Calls aimed at an account or SSM document this identity never used: bits from how seldom it
   * meets new ones (its own Good-Turing rate), +4 when nobody in the organization used it (and,
   * for an account, when the trail never showed it as one of ours), +1 when none of its peers
   * did; weighed by risk like actions. Only successful calls of risk >= 0.3: a refused share
   * moved nothing, and a read aimed anywhere is no exposure.
   */
  #targetEvidence(
    self: IdentityModel,
    group: PeerGroup | null,
    journey: Journey,
    tokens: Int32Array,
    peers: number,
    risks: readonly number[],
  ): { score: number; evidence: Array<{ ev: TokenEvidence; reason: AlertReason; novel: boolean; orgNew: boolean }> } {
    const best = new Map<string, { ev: TokenEvidence; reason: AlertReason; novel: boolean; orgNew: boolean }>();
    const who = shortName(self.name);
    // A user created in this journey is new by definition, and its creator's to set up (a key,
    // a password, a group): the creation itself is scored as an action, not as a new target.
    const created = new Set<string>();
    for (const row of journey.events)
      if (row.success && row.action === 'CreateUser') for (const t of row.targets) created.add(t);
    for (let i = 0; i < journey.events.length; i++) {
      const row = journey.events[i] as EventRow;
      if (row.targets.length === 0 || !row.success) continue;
      const w = tokens[i] as number;
      // Not skipped for tokens marked benign: benign feedback teaches the target it saw, so
      // sharing with the DR account stops alerting while sharing elsewhere still does.
      for (const target of row.targets) {
        if (self.targets.has(target) || created.has(target)) continue;
        const [kind, value] = splitTarget(target);
        // A read aimed anywhere is no exposure, except a credential read: which secret matters,
        // once the identity's own habit is known (a new workload reading its secrets is routine).
        // Gated on the call's own risk (a share, a trust), weighed by its risk within the organization.
        const risk = risks[i] as number;
        if (row.risk < 0.3 && !(CREDENTIAL_KINDS.has(kind) && self.journeys >= SLOW_MATURITY)) continue;
        let selfBits = Math.min(4, self.targets.surpriseOfNew(kind));
        const orgNew = !this.orgTargets.has(target) && !(kind === 'account' && this.orgAccounts.has(value));
        let peersDid = 0;
        for (const k of group ? group.members : []) {
          if (k !== self.key && this.identities.get(k)?.targets.has(target)) peersDid++;
        }
        const peerNew = group !== null && peersDid === 0;
        // Another user nobody here acted on (a dormant user revived, a service user's new key):
        // strong even inside a routine session.
        const principalBits = kind === 'principal' && orgNew ? 2 : 0;
        // Slow: credentials new for a mature identity, a few a day for days, are one harvest.
        const slow =
          CREDENTIAL_KINDS.has(kind) && self.journeys >= SLOW_MATURITY ? slowNovelty(self, journey.start) : null;
        if (slow) selfBits = Math.max(selfBits, 2);
        const bits = selfBits + (orgNew ? 4 : 0) + (peerNew ? 1 : 0) + principalBits + (slow?.bits ?? 0);
        const weight = bits * (0.5 + risk);
        if (bits < 1 || (best.get(target)?.ev.weight ?? -1) >= weight) continue;
        const token = this.vocab.name(w);
        const usual = self.targets.top(kind, 2);
        const parts = [
          `${tokenAction(token)} aimed at ${kind} ${value}${orgNew ? ', never seen in this organization' : ''}`,
          usual.length > 0
            ? `${who}'s earlier ones went to ${usual.map(([v, c]) => `${v} (${c}x)`).join(', ')}`
            : `${who} never aimed a call at ${KIND_TEXT[kind] ?? `a ${kind}`} before`,
          group ? `${peersDid} of ${who}'s ${peers} peers ever did` : '',
          slow
            ? `${slow.count} other secret${slow.count === 1 ? '' : 's'} or parameter${slow.count === 1 ? '' : 's'} new for ${who} on ${slow.days} days of the last five`
            : '',
        ].filter(Boolean);
        const ev: TokenEvidence = {
          token,
          index: i,
          selfCount: self.ngram.count(w),
          peersDid,
          peers,
          orgDid: orgNew ? 0 : this.#identitiesAimedAt(target),
          orgIdentities: this.orgIdentityCount,
          selfBits,
          peerBits: peerNew ? 1 : 0,
          risk,
          weight: round(weight),
          target,
        };
        best.set(target, {
          ev,
          reason: { kind: 'new-target', text: parts.join('; '), weight: round(weight), subject: target },
          novel: orgNew || slow !== null || (peerNew && selfBits >= 1) || (group === null && selfBits >= 2),
          orgNew,
        });
      }
    }
    const evidence = [...best.values()].sort(
      (a, b) => b.ev.weight - a.ev.weight || ((a.ev.target as string) < (b.ev.target as string) ? -1 : 1),
    );
    const score = (evidence[0]?.ev.weight ?? 0) + 0.5 * (evidence[1]?.ev.weight ?? 0);
    return { score, evidence: evidence.slice(0, 4) };
  }

  /** Identities whose calls were aimed at `target`: O(identities), asked only for a new target of a risky call. */
  #identitiesAimedAt(target: string): number {
    let n = 0;
    for (const m of this.identities.values()) if (m.targets.has(target)) n++;
    return n;
  }

  #contextScore(
    self: IdentityModel,
    c: JourneyContext,
  ): { context: number; contextReasons: AlertReason[]; unfamiliar: number } {
    const reasons: AlertReason[] = [];
    const p = self.context;
    const org = this.orgContext;
    const who = shortName(self.name);
    // Everything is new for a new identity: self-novelty counts in proportion to history.
    const maturity = Math.min(1, p.journeys / 10);
    let score = 0;
    // The part of the score that is a young identity's own novelty: a network, client or region
    // the organization knows, new only because the identity has little history yet.
    let youngOwn = 0;
    // An AS counts as new to the organization once per journey, however many of its prefixes.
    const newAsns = new Set<number>();
    for (const [net, count] of c.nets) {
      if (p.nets.has(net)) continue;
      const share = count / Math.max(1, c.events);
      if (share < 0.2) continue;
      const as = c.netAsns.get(net) ?? null;
      const wideKey = c.netWide.get(net);
      const wide = wideKey !== undefined && p.wideNets.has(wideKey);
      const netBits = surpriseOfNew(p.nets, p.journeys, 2.5);
      // A new prefix inside the identity's own /16 or AS (another address of its ISP, cloud or
      // VPN) is half a surprise; a new AS is as surprising as this identity's new ASes have been
      // (a CI role with a fresh address every run still never leaves its cloud).
      let selfBits = netBits * (wide ? 0.5 : 1);
      if (as !== null)
        selfBits = p.asns.has(as.asn) ? netBits * 0.5 : Math.max(selfBits, surpriseOfNew(p.asns, p.journeys, 2.5));
      let s = maturity * selfBits;
      if (maturity < 1) youngOwn += s;
      let text = `new network ${net}${as !== null ? ` (${asnLabel(as)})` : ''} for ${who}`;
      if (as !== null && !org.asns.has(as.asn) && !newAsns.has(as.asn)) {
        newAsns.add(as.asn);
        s += 3;
        text += '; AS never seen in this organization';
      } else if (!org.nets.has(net)) {
        // A prefix of an AS the organization already works from is a weaker sign than one
        // nobody can place (no AS: private or unrouted addresses keep the old weight).
        s += as !== null ? 1 : 2;
        text += '; never seen in this organization';
      }
      if (s > 0.2) reasons.push({ kind: 'new-network', text, weight: round(s) });
      score += s;
    }
    for (const client of c.clients.keys()) {
      if (p.clients.has(client)) continue;
      let s = maturity * surpriseOfNew(p.clients, p.journeys, 2);
      if (maturity < 1) youngOwn += s;
      let text = `client ${client} new for ${who}`;
      if (!org.clients.has(client)) {
        s += 3;
        text = `client ${client} never seen in this organization`;
      }
      if (isOffensiveClient(client)) text += ' (an attack toolkit)';
      if (s > 0.2) reasons.push({ kind: 'new-client', text, weight: round(s) });
      score += s;
    }
    for (const region of c.regions) {
      if (p.regions.has(region)) continue;
      let s = maturity * surpriseOfNew(p.regions, p.journeys, 1);
      if (maturity < 1) youngOwn += s;
      let text = `region ${region} new for ${who}`;
      if (!org.regions.has(region)) {
        s += 1;
        text += '; never used in this organization';
      }
      if (s > 0.2) reasons.push({ kind: 'new-region', text, weight: round(s) });
      score += s;
    }
    if (p.journeys >= 20 && p.hourShare(c.hour) < 0.03) {
      score += 1;
      reasons.push({
        kind: 'unusual-hour',
        text: `started at ${String(c.hour).padStart(2, '0')}:00 UTC, when ${who} is rarely active`,
        weight: 1,
      });
    }
    // The day of the week (UTC): a weekday worker's Sunday session. 2%: rarer than an hour bin,
    // since a week has 7 bins and the hour test looks at 3 neighbouring hours.
    if (p.dayJourneys >= 30 && p.dayShare(c.day) < 0.02) {
      score += 1;
      reasons.push({
        kind: 'unusual-day',
        text: `started on a ${DAYS[c.day]} (UTC), when ${who} is rarely active`,
        weight: 1,
      });
    }
    if (
      p.mfaKnownJourneys >= 10 &&
      p.mfaJourneys / p.mfaKnownJourneys >= 0.9 &&
      c.mfaKnown > 0 &&
      c.mfaYes < c.mfaKnown
    ) {
      score += 2;
      reasons.push({
        kind: 'no-mfa',
        text: `without MFA, though ${who} used MFA in ${pct(p.mfaJourneys / p.mfaKnownJourneys)} of journeys`,
        weight: 2,
      });
    }
    const usualErrorRate = p.events > 0 ? p.errors / p.events : 0.05;
    if (c.errors >= 5 && c.errors / c.events > Math.max(0.3, 3 * usualErrorRate)) {
      const s = Math.min(3, log2(c.errors) - 1);
      score += s;
      reasons.push({
        kind: 'error-burst',
        text: `${c.errors} of ${c.events} calls failed (usually ${pct(usualErrorRate)})`,
        weight: round(s),
      });
    }
    return { context: Math.min(score, 9), contextReasons: reasons, unfamiliar: Math.max(0, score - youngOwn) };
  }

  /**
   * Learns a journey (after scoring it). `weight` > 1 for journeys an analyst marked benign.
   * `part`: `all`; or `shared` for a journey that alerted (peers and the organization learn it
   * now, so five scanners starting the same new check are one surprise, not five; the
   * identity's own baseline waits) and `self` when that held-back journey is released; `own`
   * releases a critical journey nobody confirmed into the identity's baseline alone (its network,
   * client and targets stay new to the organization, its actions count for nobody's rarity).
   * `signals`: the baseline-free signals the journey showed, now part of the identity's own baseline.
   */
  learn(
    journey: Journey,
    raw: number,
    tokens: Int32Array = this.tokenizer.tokens(journey.events),
    ctx: JourneyContext = journeyContext(journey.events),
    weight = 1,
    part: 'all' | 'shared' | 'self' | 'own' = 'all',
    signals: readonly string[] = [],
  ): void {
    const self = this.identity(journey);
    let lastAccount = '';
    for (const row of journey.events) {
      if (row.accountId !== lastAccount) {
        lastAccount = row.accountId;
        if (this.orgAccounts.size < 100_000) this.orgAccounts.add(row.accountId);
      }
      // Targets wait with the context: an attacker's account must not become "seen in this
      // organization" because its share alerted once.
      if (part === 'shared' || row.targets.length === 0 || !row.success) continue;
      if (part !== 'own') this.shareDestinations.learn(row);
      for (const t of row.targets) {
        if (part !== 'own') this.orgTargets.add(t, weight);
        if (!self.targets.has(t) && CREDENTIAL_KINDS.has(splitTarget(t)[0])) rememberNew(self, journey.end, t);
        self.targets.add(t, weight);
      }
    }
    // Whatever the part, each token the identity never did is one it did now (held back or learned).
    const fresh = new Set<number>();
    for (let i = 0; i < tokens.length; i++) {
      const w = tokens[i] as number;
      if (!self.ngram.uni.has(w) && !self.heldBack.has(w)) fresh.add(w);
    }
    for (let i = 0; i < tokens.length; i++) {
      const w = tokens[i] as number;
      if (part !== 'own' && !self.ngram.uni.has(w) && !self.heldBack.has(w)) {
        this.tokenIdentities.set(w, (this.tokenIdentities.get(w) ?? 0) + 1);
        if (part === 'shared') self.heldBack.add(w);
      }
    }
    const contexts = contextIds(tokens, this.pairs);
    if (part === 'all' || part === 'shared') {
      this.org.add(tokens, this.pairs, weight, contexts);
      const group = self.group ? this.groups.get(self.group) : undefined;
      // A group of one is never a peer group (peerGroupOf): its table would only copy its member's.
      if (group && group.members.length > 1) group.ngram.add(tokens, this.pairs, weight, contexts);
      const family = this.families.get(roleFamily(self) ?? '');
      if (family) family.ngram.add(tokens, this.pairs, weight, contexts);
      this.orgHistory.add(raw);
      this.orgHistoryLog?.push([journey.end, raw]);
    }
    // Where and with what an alerted journey ran waits with it: an attack tool or network must
    // not become "seen in this organization" because it alerted once.
    if (part === 'all' || part === 'self') this.orgContext.learn(ctx);
    if (part === 'shared') {
      this.#peerCounts.noteDid(self.key, fresh);
      return;
    }
    for (const id of signals) self.signals.set(id, (self.signals.get(id) ?? 0) + 1);
    for (let i = 0; i < tokens.length; i++) self.heldBack.delete(tokens[i] as number);
    self.ngram.add(tokens, this.pairs, weight, contexts);
    this.#peerCounts.noteDid(self.key, fresh);
    self.context.learn(ctx);
    const features = journeyFeatures(tokens);
    if (self.journeys > 0) self.distances.add(self.medoids.nearest(features).distance);
    self.medoids.add(features, tokens, journey.end, weight);
    self.history.add(raw);
    self.journeys++;
    self.lastSeen = Math.max(self.lastSeen, journey.end);
    if (journey.actorName) self.name = journey.actorName;
  }

  /**
   * Marks a journey's tokens benign for its identity and learns it with extra weight. `part`:
   * `self` when its shared part was learned when it alerted, `all` when nothing was (critical).
   */
  learnBenign(journey: Journey, raw: number, part: 'self' | 'all' = 'self', signals: readonly string[] = []): void {
    const self = this.identity(journey);
    const tokens = this.tokenizer.tokens(journey.events);
    for (const t of tokens) self.benign.add(t);
    this.learn(journey, raw, tokens, journeyContext(journey.events), 3, part, signals);
  }

  /**
   * Recomputes peer groups (sticky) from identities with enough history, and rebuilds each
   * group's n-gram table from its members.
   */
  recluster(now: number, minJourneys = 3): void {
    this.lastRecluster = now;
    const eligible = [...this.identities.values()]
      .filter((m) => m.journeys >= minJourneys)
      .sort((a, b) => (a.key < b.key ? -1 : 1));
    const assignment = clusterPeers(eligible.map((m) => ({ key: m.key, counts: m.ngram.uni, previous: m.group })));
    this.groups.clear();
    this.#peerCounts.clear();
    const members = new Map<string, IdentityModel[]>();
    for (const m of eligible) {
      const g = assignment.get(m.key) ?? null;
      m.group = g;
      if (g) members.set(g, [...(members.get(g) ?? []), m]);
    }
    for (const [id, ms] of members) {
      const ngram = new NGramCounts();
      if (ms.length > 1) for (const m of ms) ngram.merge(m.ngram);
      this.groups.set(id, { id, name: groupLabel(ms), members: ms.map((m) => m.key), ngram });
    }
    // Identities too new to cluster keep a provisional group by role.
    for (const m of this.identities.values()) if (m.journeys < minJourneys) m.group = this.#provisionalGroup(m.roleArn);
  }

  toJSON(): unknown {
    return {
      v: 1,
      vocab: this.vocab.toJSON(),
      pairs: this.pairs.toJSON(),
      org: this.org.toJSON(),
      orgContext: this.orgContext.toJSON(),
      orgHistory: this.orgHistory.toJSON(),
      tokenIdentities: [...this.tokenIdentities],
      orgTargets: this.orgTargets.toJSON(),
      orgAccounts: [...this.orgAccounts],
      shareDestinations: this.shareDestinations.toJSON(),
      lastRecluster: Number.isFinite(this.lastRecluster) ? this.lastRecluster : null,
      identities: [...this.identities.values()].map((m) => ({
        key: m.key,
        name: m.name,
        type: m.type,
        roleArn: m.roleArn,
        ngram: m.ngram.toJSON(),
        context: m.context.toJSON(),
        medoids: m.medoids.toJSON(),
        history: m.history.toJSON(),
        distances: m.distances.toJSON(),
        group: m.group,
        journeys: m.journeys,
        firstSeen: m.firstSeen,
        lastSeen: m.lastSeen,
        benign: [...m.benign],
        heldBack: [...m.heldBack],
        targets: m.targets.toJSON(),
        signals: [...m.signals],
        recentNew: m.recentNew,
      })),
      // The group's own table, not rebuilt from its members on load: it has pruned (lossy
      // counting) as it grew, so a rebuild scores differently from the model that was saved.
      groups: [...this.groups.values()].map((g) => ({
        id: g.id,
        name: g.name,
        members: g.members,
        ngram: g.ngram.toJSON(),
      })),
      // Families learn as their members do (not 'own' learning): the same reason holds.
      families: [...this.families].map(([name, f]) => ({ name, members: f.members, ngram: f.ngram.toJSON() })),
    };
  }

  static fromJSON(j: unknown, options: ModelOptions = {}): BehaviourModel {
    // biome-ignore lint/suspicious/noExplicitAny: our own toJSON output, read back field by field
    const o = j as Record<string, any>;
    const m = new BehaviourModel(options);
    const vocab = Vocabulary.fromJSON(o.vocab);
    (m as { vocab: Vocabulary }).vocab = vocab;
    (m as { tokenizer: Tokenizer }).tokenizer = new Tokenizer(vocab, m.orgAccounts);
    (m as { pairs: PairIndex }).pairs = PairIndex.fromJSON(o.pairs);
    (m as { org: NGramCounts }).org = NGramCounts.fromJSON(o.org);
    (m as { orgContext: ContextProfile }).orgContext = ContextProfile.fromJSON(o.orgContext);
    (m as { orgHistory: ScoreHistory }).orgHistory = ScoreHistory.fromJSON(o.orgHistory, ORG_HISTORY_CAPACITY);
    for (const [k, v] of o.tokenIdentities as Array<[number, number]>) m.tokenIdentities.set(k, v);
    for (const [t, c] of (o.orgTargets ?? []) as Array<[string, number]>) m.orgTargets.counts.set(t, c);
    for (const a of (o.orgAccounts ?? []) as string[]) m.orgAccounts.add(a);
    (m as { shareDestinations: ShareDestinations }).shareDestinations = ShareDestinations.fromJSON(o.shareDestinations);
    m.lastRecluster = o.lastRecluster ?? Number.NEGATIVE_INFINITY;
    // biome-ignore lint/suspicious/noExplicitAny: our own toJSON output, read back field by field
    for (const x of o.identities as Array<Record<string, any>>) {
      m.identities.set(x.key, {
        key: x.key,
        name: x.name,
        type: x.type,
        roleArn: x.roleArn,
        ngram: NGramCounts.fromJSON(x.ngram),
        context: ContextProfile.fromJSON(x.context),
        medoids: MedoidSet.fromJSON(x.medoids),
        history: ScoreHistory.fromJSON(x.history, 256),
        distances: ScoreHistory.fromJSON(x.distances, 128),
        group: x.group,
        journeys: x.journeys,
        firstSeen: x.firstSeen,
        lastSeen: x.lastSeen,
        benign: new Set(x.benign),
        heldBack: new Set(x.heldBack ?? []),
        targets: TargetProfile.fromJSON(x.targets),
        signals: new Map(x.signals ?? []),
        recentNew: x.recentNew ?? [],
      });
    }
    const families = o.families as Array<{ name: string; members: string[]; ngram: unknown }> | undefined;
    if (families !== undefined)
      for (const f of families) m.families.set(f.name, { members: f.members, ngram: NGramCounts.fromJSON(f.ngram) });
    else {
      // A state saved before families: rebuilt from their members, close to what was learned.
      for (const member of m.identities.values()) m.#joinFamily(member);
      for (const f of m.families.values()) {
        for (const k of f.members) {
          const member = m.identities.get(k);
          if (member) f.ngram.merge(member.ngram);
        }
      }
    }
    for (const g of o.groups as Array<{ id: string; name: string; members: string[]; ngram?: unknown }>) {
      if (g.ngram !== undefined) {
        m.groups.set(g.id, { id: g.id, name: g.name, members: g.members, ngram: NGramCounts.fromJSON(g.ngram) });
        continue;
      }
      const ngram = new NGramCounts();
      for (const k of g.members.length > 1 ? g.members : []) {
        const member = m.identities.get(k);
        if (member) ngram.merge(member.ngram);
      }
      m.groups.set(g.id, { id: g.id, name: g.name, members: g.members, ngram });
    }
    return m;
  }
}

/**
 * The role or permission set an identity works under, the same in every account: the role's
 * name without its path and Identity Center's per-account suffix (`AWSReservedSSO_MLEngineer`,
 * `LumentaSecurityAudit`); `identity-center-user` for a directory user signing in. Null for IAM
 * users and the rest: a new IAM user is new, whoever made it.
 */
export function roleFamily(m: Pick<IdentityModel, 'roleArn' | 'key'>): string | null {
  if (m.roleArn) {
    const name = m.roleArn.slice(m.roleArn.lastIndexOf('/') + 1).replace(/_[0-9a-f]{8,}$/, '');
    return name === '' ? null : name;
  }
  return /^unknown:\d{12}:d-[0-9a-f]+\./.test(m.key) ? 'identity-center-user' : null;
}

/** `Admin (alice@example.com)` -> `alice`: the person when a role session names one. */
export function shortName(name: string): string {
  const m = /\(([^()]+)\)$/.exec(name);
  const inner = m ? (m[1] as string) : name;
  return inner.includes('@') ? (inner.split('@')[0] as string) : inner;
}

/**
 * Bits of surprise that a journey brings a value this identity never used, from how often it
 * used new values before (Good-Turing: P(new) ~ values seen once / journeys). A CI runner with
 * a fresh IP every run gets ~0; a person who always works from the office gets the cap.
 */
export function surpriseOfNew(seen: ReadonlyMap<unknown, number>, journeys: number, cap: number): number {
  let once = 0;
  for (const c of seen.values()) if (c === 1) once++;
  return Math.min(cap, -Math.log2((once + 1) / (journeys + 2)));
}

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** Client keys of the normalizer's `offensive` class (`offensive/Pacu`). */
function isOffensiveClient(key: string): boolean {
  return key === 'offensive' || key.startsWith('offensive/');
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
