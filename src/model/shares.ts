/**
 * Where the organization already sends its data. A snapshot shared with one of the
 * organization's own accounts moves nothing out of it (`riskWithinOrganization`), but a share
 * is still a first for most people: the SRE who shares a volume snapshot with the DR account a
 * few times a year has never done it in three weeks of history, nor have peers who share
 * database snapshots with that same DR account every other week. When the account it goes to is
 * one of the organization's own that already receives its shares, the call is the
 * organization's DR practice in another form: it says little by itself (see `#quietNews`). So
 * does its receiving end, the copy the DR account keeps of a snapshot shared with it, often the
 * person's first call in that account.
 *
 * Learned only from journeys the organization learns (never from a held-back alerted share),
 * so an account that first received data in an alert nobody confirmed is no destination.
 */

import type { EventRow } from '../domain/event.ts';

/** Beyond this many destinations the set stops growing: an organization has a few DR or backup accounts. */
const MAX_DESTINATIONS = 10_000;

/** Accounts that received a data share (a snapshot or image shared with them) from the organization. */
export class ShareDestinations {
  readonly accounts = new Set<string>();

  /** Remembers the accounts a successful data share (not a public one) went to. */
  learn(row: EventRow): void {
    if (!isAccountShare(row)) return;
    for (const t of row.targets)
      if (t.startsWith('account:') && this.accounts.size < MAX_DESTINATIONS) this.accounts.add(t.slice(8));
  }

  /**
   * Whether `row` shares data only with accounts of the organization that already receive its
   * shares (`orgAccounts`: the organization's own accounts). `risk` is the call's risk within
   * the organization: a share that keeps a risky fact of its own (a key policy opened) is not
   * in-house however familiar its destination.
   */
  inHouse(row: EventRow, risk: number, orgAccounts: ReadonlySet<string>): boolean {
    if (risk >= IN_HOUSE_MAX_RISK || !isAccountShare(row)) return false;
    let accounts = 0;
    for (const t of row.targets) {
      if (!t.startsWith('account:')) continue;
      const a = t.slice(8);
      if (!orgAccounts.has(a) || !this.accounts.has(a)) return false;
      accounts++;
    }
    return accounts > 0;
  }

  /**
   * Whether `row` is the receiving end of such a share: a snapshot copied in an account of the
   * organization that receives its shares (the DR account keeping its own copy). Not an image
   * copy: an image brought in from elsewhere is code that will run here.
   */
  receives(row: EventRow, risk: number, orgAccounts: ReadonlySet<string>): boolean {
    return (
      row.success &&
      risk < IN_HOUSE_MAX_RISK &&
      SNAPSHOT_COPIES.has(`${row.service}:${row.actionKey}`) &&
      orgAccounts.has(row.accountId) &&
      this.accounts.has(row.accountId)
    );
  }

  toJSON(): string[] {
    return [...this.accounts];
  }

  static fromJSON(j: unknown): ShareDestinations {
    const out = new ShareDestinations();
    if (Array.isArray(j)) for (const a of j) if (typeof a === 'string') out.accounts.add(a);
    return out;
  }
}

/** Calls that copy a snapshot into the account that makes them. */
const SNAPSHOT_COPIES: ReadonlySet<string> = new Set([
  'ec2:CopySnapshot',
  'rds:CopyDBSnapshot',
  'rds:CopyDBClusterSnapshot',
]);

/** Within-organization risk at or above which a share is news wherever it goes. */
const IN_HOUSE_MAX_RISK = 0.3;

function isAccountShare(row: EventRow): boolean {
  return row.success && row.facts.includes('dataSharedOut') && !row.facts.includes('publicShare');
}
