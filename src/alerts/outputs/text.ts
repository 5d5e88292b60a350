/**
 * Text helpers shared by outputs: cutting long attacker-controlled strings, JSON that a
 * terminal or log viewer cannot be tricked by, and safe descriptions of a destination URL.
 */
import { createHash } from 'node:crypto';
import { UsageError } from '../../errors.ts';

/** Cuts `s` to at most `max` code points, ending with `…` when cut. */
export function truncate(s: string, max: number): string {
  if (s.length <= max) return s;
  const points = Array.from(s);
  return points.length <= max ? s : `${points.slice(0, Math.max(0, max - 1)).join('')}…`;
}

/** `JSON.stringify` whose output is plain, inert text even when printed to a terminal (`cat`/`tail -f` of a file). */
export { jsonText as safeJson } from '../../util/json.ts';

/** A short hash of a destination, for sent-log keys that must not store the secret URL. */
export function destinationHash(target: string): string {
  return createHash('sha256').update(target).digest('hex').slice(0, 16);
}

/** Parses an http(s) URL or throws with a message that does not echo the (secret) URL. */
export function parseHttpUrl(value: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${what} is not a URL.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UsageError(`${what} must be an http(s) URL.`);
  return url;
}
