/**
 * The per-event view that fact extractors and sentence templates share: the event, its
 * request/response parameters as objects, its catalog key and a memo so a policy document
 * is parsed once per event even when both the facts and the sentence need it.
 */
import type { Event } from '../normalize/event.ts';
import { actionInfo, prefixOfSource } from './iam-data.ts';
import { type Params, type PolicySummary, policyOf } from './params.ts';

export interface Ctx {
  e: Event;
  /** requestParameters ({} when absent). */
  p: Params;
  /** responseElements ({} when absent). */
  r: Params;
  /** IAM service prefix, e.g. `cloudwatch` for `monitoring.amazonaws.com`. */
  prefix: string;
  /** Event name without version suffixes, e.g. `UpdateFunctionCode`. */
  action: string;
  /** `prefix:action`, the key of the risk and template tables. */
  key: string;
  /** Parses and summarizes a policy document once per (event, field). */
  policy(field: string, raw: unknown): PolicySummary | null;
}

const EMPTY: Params = Object.freeze({}) as Params;

// Lambda (`UpdateFunctionCode20150331v2`) and CloudFront (`CreateDistribution2020_05_31`)
// put the API version into eventName.
const VERSION_SUFFIX = /(\d{8}|\d{4}_\d{2}_\d{2})(v\d+)?$/;

/** Event name without an API-version suffix. */
export function stripVersion(action: string): string {
  const stripped = action.replace(VERSION_SUFFIX, '');
  return stripped === '' ? action : stripped;
}

const prefixCache = new Map<string, string>();

function prefixOf(eventSource: string): string {
  let prefix = prefixCache.get(eventSource);
  if (prefix === undefined) {
    prefix = prefixOfSource(eventSource);
    if (prefixCache.size < 10_000) prefixCache.set(eventSource, prefix);
  }
  return prefix;
}

/**
 * Hand-edited records (and some proxies) file an action under the wrong eventSource, e.g.
 * `DeleteBucketEncryption` from `ec2.amazonaws.com`. When the catalog does not know the action
 * for the given service but exactly one curated service does, the curated one is used.
 */
let curatedServices: ReadonlyMap<string, string | null> = new Map();

/** Registers the `prefix:Action` keys of the curated tables (templates, risk table). */
export function registerCuratedKeys(keys: Iterable<string>): void {
  const byAction = new Map<string, string | null>(curatedServices);
  for (const k of keys) {
    const colon = k.indexOf(':');
    const prefix = k.slice(0, colon);
    const action = k.slice(colon + 1);
    const seen = byAction.get(action);
    byAction.set(action, seen === undefined || seen === prefix ? prefix : null);
  }
  curatedServices = byAction;
}

function effectivePrefix(prefix: string, action: string, curated: (key: string) => boolean): string {
  if (curated(`${prefix}:${action}`)) return prefix;
  const other = curatedServices.get(action);
  if (other === undefined || other === null || other === prefix) return prefix;
  return actionInfo(prefix, action).iamAction === null ? other : prefix;
}

let isCurated: (key: string) => boolean = () => false;

/** Tells the context which keys have curated entries (set once by the catalog index). */
export function setCuratedPredicate(fn: (key: string) => boolean): void {
  isCurated = fn;
}

export function contextOf(e: Event): Ctx {
  const rawAction = typeof e.actionKey === 'string' && e.actionKey !== '' ? e.actionKey : String(e.action ?? '');
  const action = stripVersion(rawAction);
  const prefix = effectivePrefix(prefixOf(typeof e.eventSource === 'string' ? e.eventSource : ''), action, isCurated);
  // Created on first use: most events carry no policy document.
  let memo: Map<string, PolicySummary | null> | null = null;
  return {
    e,
    p: e.requestParameters && typeof e.requestParameters === 'object' ? e.requestParameters : EMPTY,
    r: e.responseElements && typeof e.responseElements === 'object' ? e.responseElements : EMPTY,
    prefix,
    action,
    key: `${prefix}:${action}`,
    policy(field, raw) {
      memo ??= new Map();
      if (memo.has(field)) return memo.get(field) ?? null;
      const summary = raw === undefined || raw === null || raw === '' ? null : policyOf(raw, e.accountId);
      memo.set(field, summary);
      return summary;
    },
  };
}
