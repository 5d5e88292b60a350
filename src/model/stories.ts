/**
 * Organization stories: what makes several identities' alerts one event for the organization.
 * A StackSet creates the same role in every account through a different execution role each
 * time; a vendor newly trusted is first used, and shares with its own account, from a new
 * session in every account; a security engineer reviews every account under the permission
 * set of each. Each would alert alone; an analyst needs one alert naming every account.
 *
 * A journey about to raise a new alert gives its story keys (`storyKeys`); an open story with
 * one of them takes it in instead (the alert keeps its first journey's id, so it stays
 * deterministic). Each kind of key has its own horizon: the same change within minutes, a
 * rollout and what it caused within the hour, one person within two hours, the first journeys
 * of new identities under one role or permission set within a day (a team onboarded: users
 * created, MFA registered, first sign-ins, exploration), a new trusted party for a week after
 * it was last seen, and the users an alerted journey created (or gave a key, a password, a
 * group) for a week: their first steps are that journey's consequence, not news of their own.
 */

import type { EventRow } from '../domain/event.ts';
import type { Journey } from '../journeys/builder.ts';
import type { JourneyScore } from './model.ts';

const MINUTE = 60_000;

export type StoryKind = 'party' | 'rollout' | 'change' | 'person' | 'newcomer' | 'created';

/** How long after its last journey a story still takes the next one in, per kind. */
export const STORY_HORIZON: Record<StoryKind, number> = {
  party: 7 * 24 * 60 * MINUTE,
  rollout: 60 * MINUTE,
  change: 30 * MINUTE,
  person: 120 * MINUTE,
  newcomer: 24 * 60 * MINUTE,
  created: 7 * 24 * 60 * MINUTE,
};

/** Calls that roll one template out to many accounts or regions (StackSets). */
const ROLLOUT_ACTIONS = new Set([
  'cloudformation:CreateStackSet',
  'cloudformation:UpdateStackSet',
  'cloudformation:CreateStackInstances',
  'cloudformation:UpdateStackInstances',
]);

export interface Story {
  /** The alert every journey of the story goes into. */
  alertId: string;
  actorKey: string;
  actorName: string;
  actorType: string;
  roleArn: string | null;
  session: string | null;
  start: number;
  /** End of its latest journey. */
  end: number;
  /** Accounts its journeys acted in, in the order met. */
  accounts: string[];
  /** Identities whose journeys it took in. */
  actors: number;
}

function kindOf(key: string): StoryKind {
  return key.slice(0, key.indexOf(':')) as StoryKind;
}

/**
 * The keys of a journey about to alert, most specific first: every account outside the
 * organization its successful calls were aimed at (`party:`), a StackSet rollout or a call
 * CloudFormation made for one (`rollout:`), the set of actions new for the identity and its
 * peers (`change:`), the person behind it (`person:`), and, for the first journey of a new
 * identity, the role or permission set it works under (`newcomer:`, see `roleFamily`). A new
 * role's first journey also carries the outside accounts a story just made roles in its account
 * trust (`roleParties`): a vendor's role first used is the vendor arriving, one event.
 */
export function storyKeys(
  journey: Journey,
  score: Pick<JourneyScore, 'evidence'>,
  signals: readonly string[],
  orgAccounts: ReadonlySet<string>,
  newcomerFamily: string | null = null,
  /** `party:` keys the journey's role brings (`OrgStories.newRoleParties`). */
  roleParties: readonly string[] = [],
): string[] {
  const keys: string[] = [];
  const parties = new Set<string>(roleParties.map((k) => `account:${k.slice(6)}`));
  let rollout = false;
  let viaCloudFormation = journey.events.length > 0;
  for (const e of journey.events) {
    if (e.clientClass !== 'cloudformation') viaCloudFormation = false;
    if (!e.success) continue;
    if (ROLLOUT_ACTIONS.has(`${e.service}:${e.action}`)) rollout = true;
    for (const t of e.targets)
      if (t.startsWith('account:') && !orgAccounts.has(t.slice(8)) && t.slice(8) !== e.accountId) parties.add(t);
  }
  for (const p of [...parties].sort()) keys.push(`party:${p.slice(8)}`);
  if (rollout || viaCloudFormation) keys.push('rollout:cloudformation');
  const novel = score.evidence
    .filter((ev) => ev.weight >= 3 && ev.selfCount === 0 && ev.target === undefined)
    .map((ev) => ev.token);
  if (novel.length > 0 || signals.length > 0)
    keys.push(`change:${[...new Set(novel)].sort().join(',')}|${[...signals].sort().join(',')}`);
  const person = personOf(journey.events);
  // Who the journey acts as, as another journey would have named it creating it (an Identity
  // Center user by e-mail, an IAM user by name; IAM names are unique whatever their case).
  const self = person ?? (journey.actorType === 'iam-user' ? journey.actorName.toLowerCase() : null);
  if (self !== null) keys.push(`created:${self}`);
  if (person !== null) keys.push(`person:${person}`);
  if (newcomerFamily !== null) keys.push(`newcomer:${newcomerFamily}`);
  return keys;
}

/** The person behind a human session (an e-mail-like session name), or null. */
function personOf(events: readonly EventRow[]): string | null {
  for (const e of events) {
    const p = e.person ?? null;
    if (p?.includes('@')) return p.toLowerCase();
  }
  return null;
}

/** Calls that write who may assume a role: an outside account in them is a party the role trusts. */
const TRUST_ACTIONS = new Set(['iam:CreateRole', 'iam:UpdateAssumeRolePolicy']);

export class OrgStories {
  readonly byKey = new Map<string, Story>();
  /**
   * Per account: the outside accounts a story's journey made a role there trust (a vendor's
   * StackSet), and when. A role never seen before whose first journey comes in that account
   * within a party's horizon is that party arriving: it joins the party's story.
   */
  readonly trustsIn = new Map<string, { parties: string[]; at: number }>();

  /** `party:` keys of a new role's first journey in an account where a story made a role trust an outside party. */
  newRoleParties(roleArn: string | null, start: number): string[] {
    const account = roleArn?.split(':')[4];
    const t = account ? this.trustsIn.get(account) : undefined;
    if (!t || start < t.at || start - t.at > STORY_HORIZON.party) return [];
    return t.parties.map((p) => `party:${p}`);
  }

  /**
   * The open story one of `keys` belongs to at `start`, or null. An account outside the
   * organization that no open story knows is news of its own: such a journey joins only the
   * rollout that caused it (the StackSet that wrote the trust), never a change or person story.
   */
  match(keys: readonly string[], start: number): Story | null {
    const open = (k: string) => {
      const s = this.byKey.get(k);
      return s && start - s.end <= STORY_HORIZON[kindOf(k)] ? s : null;
    };
    const parties = keys.filter((k) => k.startsWith('party:'));
    const first = parties.length > 0 ? open(parties[0] as string) : null;
    if (first !== null && parties.every((k) => open(k) === first)) return first;
    for (const k of keys) {
      if (parties.length > 0 && !k.startsWith('rollout:')) continue;
      const s = open(k);
      if (s) return s;
    }
    return null;
  }

  /** The open story of alert `alertId`, or null. */
  storyOf(alertId: string): Story | null {
    for (const s of this.byKey.values()) if (s.alertId === alertId) return s;
    return null;
  }

  /** Files the journey under its keys, in `story` (grown) or a new story for `alertId`. */
  add(keys: readonly string[], journey: Journey, alertId: string, story: Story | null): Story {
    const s: Story = story ?? {
      alertId,
      actorKey: journey.actorKey,
      actorName: journey.actorName,
      actorType: journey.actorType,
      roleArn: journey.roleArn,
      session: journey.session,
      start: journey.start,
      end: journey.end,
      accounts: [],
      actors: 0,
    };
    s.end = Math.max(s.end, journey.end);
    s.actors++;
    for (const e of journey.events) {
      if (!e.success || !TRUST_ACTIONS.has(`${e.service}:${e.action}`)) continue;
      const parties = keys.filter((k) => k.startsWith('party:')).map((k) => k.slice(6));
      const outside = e.targets.filter((t) => t.startsWith('account:') && parties.includes(t.slice(8)));
      if (outside.length > 0) this.trustsIn.set(e.accountId, { parties: outside.map((t) => t.slice(8)), at: e.time });
    }
    for (const e of journey.events) if (!s.accounts.includes(e.accountId)) s.accounts.push(e.accountId);
    // A journey's own `created:` key only looks for the story that made its user: it files none.
    for (const k of keys) if (!k.startsWith('created:')) this.byKey.set(k, s);
    // The users it created or armed (a key, a password, a group): their journeys join it.
    for (const e of journey.events) {
      if (!e.success) continue;
      for (const t of e.targets)
        if (t.startsWith('principal:')) this.byKey.set(`created:${t.slice(10).toLowerCase()}`, s);
    }
    this.#prune(journey.start);
    return s;
  }

  #prune(now: number): void {
    if (this.byKey.size < 512) return;
    for (const [k, s] of this.byKey) if (now - s.end > STORY_HORIZON[kindOf(k)]) this.byKey.delete(k);
  }

  toJSON(): unknown {
    const stories = [...new Set(this.byKey.values())];
    return {
      stories,
      keys: [...this.byKey].map(([k, s]) => [k, stories.indexOf(s)]),
      trustsIn: [...this.trustsIn],
    };
  }

  static fromJSON(j: unknown): OrgStories {
    const out = new OrgStories();
    const o = j as
      | {
          stories?: Story[];
          keys?: Array<[string, number]>;
          trustsIn?: Array<[string, { parties: string[]; at: number }]>;
        }
      | undefined;
    for (const [k, i] of o?.keys ?? []) {
      const s = o?.stories?.[i];
      if (s) out.byKey.set(k, s);
    }
    for (const [a, t] of o?.trustsIn ?? []) out.trustsIn.set(a, t);
    return out;
  }
}
