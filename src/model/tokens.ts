/**
 * Action tokens: what the sequence model counts. A token is `service:actionKey`, plus the
 * catalog's parameter facts in brackets (`iam:AttachUserPolicy[adminPolicy]`), plus `!`
 * when the call failed, so that "shared a snapshot" and "shared a snapshot with an unknown
 * account" are different words. Tokens are interned to small ints: the hot loops then
 * count with numeric Map keys, never building strings twice.
 */
import { reachesOnlyOrganization } from '../catalog/index.ts';
import type { EventRow } from '../domain/event.ts';

/** Token ids fit in 20 bits, so a bigram packs into one double-safe integer. */
export const TOKEN_BITS = 2 ** 20;
/** The journey-start symbol. */
export const BOS = 0;

export class Vocabulary {
  readonly #ids = new Map<string, number>();
  readonly names: string[] = ['<start>'];

  id(name: string): number {
    let id = this.#ids.get(name);
    if (id === undefined) {
      id = this.names.length;
      if (id >= TOKEN_BITS) throw new Error('vocabulary overflow: more than a million distinct action tokens');
      this.names.push(name);
      this.#ids.set(name, id);
    }
    return id;
  }

  get(name: string): number | undefined {
    return this.#ids.get(name);
  }

  name(id: number): string {
    return this.names[id] ?? `#${id}`;
  }

  get size(): number {
    return this.names.length;
  }

  toJSON(): string[] {
    return this.names.slice(1);
  }

  static fromJSON(names: readonly string[]): Vocabulary {
    const v = new Vocabulary();
    for (const n of names) v.id(n);
    return v;
  }
}

/** The token text of one event. */
export function tokenText(row: Pick<EventRow, 'service' | 'actionKey' | 'facts' | 'success'>): string {
  let t = `${row.service}:${row.actionKey}`;
  if (row.facts.length > 0) t += `[${row.facts.length === 1 ? row.facts[0] : [...row.facts].sort().join(',')}]`;
  if (!row.success) t += '!';
  return t;
}

/** Plain `service:Action` of a token (facts and failure mark removed), for display. */
export function tokenAction(token: string): string {
  const i = token.indexOf('[');
  const base = i >= 0 ? token.slice(0, i) : token;
  return base.endsWith('!') ? base.slice(0, -1) : base;
}

/**
 * Interns the tokens of a journey. Caches the plain `service:actionKey` case (most events
 * have no facts and succeed) by a two-level map so the common path allocates no string.
 *
 * `orgAccounts` (the model's live set of the organization's accounts): a trust or share that
 * names only those accounts is not made with an outsider, so its token drops `externalAccount`.
 * Otherwise the IAM admin who adds the staging account to a role's trust writes a word nobody
 * ever wrote and alerts like an attacker's backdoor. `dataSharedOut` and `crossAccountRole`
 * stay: a copy did leave the account, a role in another account was assumed.
 */
export class Tokenizer {
  readonly vocab: Vocabulary;
  readonly #plain = new Map<string, Map<string, number>>();
  readonly #orgAccounts: ReadonlySet<string>;

  constructor(vocab: Vocabulary, orgAccounts: ReadonlySet<string> = new Set()) {
    this.vocab = vocab;
    this.#orgAccounts = orgAccounts;
  }

  token(row: EventRow): number {
    if (row.facts.length === 0 && row.success) {
      let byAction = this.#plain.get(row.service);
      if (!byAction) {
        byAction = new Map();
        this.#plain.set(row.service, byAction);
      }
      let id = byAction.get(row.actionKey);
      if (id === undefined) {
        id = this.vocab.id(tokenText(row));
        byAction.set(row.actionKey, id);
      }
      return id;
    }
    if (row.facts.includes('externalAccount') && reachesOnlyOrganization(row, this.#orgAccounts))
      return this.vocab.id(tokenText({ ...row, facts: row.facts.filter((f) => f !== 'externalAccount') }));
    return this.vocab.id(tokenText(row));
  }

  tokens(rows: readonly EventRow[]): Int32Array {
    const out = new Int32Array(rows.length);
    for (let i = 0; i < rows.length; i++) out[i] = this.token(rows[i] as EventRow);
    return out;
  }
}
