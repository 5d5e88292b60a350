/**
 * How many members of a peer group or role family ever did each token, kept as they learn.
 * Counting them member by member for every surprising token of every scored journey cost
 * O(group size) a token: with one group of 800 identities, 9.2M member visits for 16,656 scored
 * journeys of a 100,000-event trail, a tenth of its detection.
 *
 * A members array is counted once, when first asked about, from what each member did by then;
 * afterwards `noteDid` adds each member's new tokens. Arrays only ever grow by `push` (a role
 * family gaining a new session) or are replaced (reclustering, an organization snapshot
 * installed): a grown array counts its new members when next asked; `clear` drops every count
 * when arrays are replaced. Members the model does not hold (another partition's identities)
 * are not counted here: the caller checks them one by one, as before.
 */

/** What the counts read of the model: the tokens a held identity did; null when it holds none by that key. */
export type TokensDid = (key: string) => Iterable<number> | null;

interface MembersCount {
  /** Members of the array counted so far (a prefix: arrays only grow at the end). */
  size: number;
  /** Members who did each token, with multiplicity (a key listed twice counts twice). */
  counts: Map<number, number>;
  /** How many times each counted member is listed. */
  listed: Map<string, number>;
  /** Members not held when counted, to check one by one. */
  remote: string[];
}

export class PeerTokenCounts {
  #byMembers = new WeakMap<readonly string[], MembersCount>();
  /** For each counted member, the count maps it adds its new tokens to (once per listing). */
  #feeds = new Map<string, Array<Map<number, number>>>();
  readonly #tokensDid: TokensDid;

  constructor(tokensDid: TokensDid) {
    this.#tokensDid = tokensDid;
  }

  /** The counts of `members`, extended to members appended since the last call. */
  of(members: readonly string[]): Readonly<MembersCount> {
    let entry = this.#byMembers.get(members);
    if (entry === undefined) {
      entry = { size: 0, counts: new Map(), listed: new Map(), remote: [] };
      this.#byMembers.set(members, entry);
    }
    for (; entry.size < members.length; entry.size++) {
      const key = members[entry.size] as string;
      const did = this.#tokensDid(key);
      if (did === null) {
        entry.remote.push(key);
        continue;
      }
      entry.listed.set(key, (entry.listed.get(key) ?? 0) + 1);
      for (const w of did) entry.counts.set(w, (entry.counts.get(w) ?? 0) + 1);
      let feeds = this.#feeds.get(key);
      if (feeds === undefined) {
        feeds = [];
        this.#feeds.set(key, feeds);
      }
      feeds.push(entry.counts);
    }
    return entry;
  }

  /** `key` did these tokens for the first time (each listed once). */
  noteDid(key: string, fresh: Iterable<number>): void {
    const feeds = this.#feeds.get(key);
    if (feeds === undefined) return;
    for (const w of fresh) for (const counts of feeds) counts.set(w, (counts.get(w) ?? 0) + 1);
  }

  /** Forgets every count: the members arrays were replaced. */
  clear(): void {
    this.#byMembers = new WeakMap();
    this.#feeds.clear();
  }
}
