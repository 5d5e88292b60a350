/**
 * Builds the plain sentence for one event: who, did what to what (a hand-written template,
 * else the catalog fallback), where (account, region), from where (network, client) and the
 * outcome. The sentence holds attacker-controlled text verbatim: escape it for a terminal.
 */
import type { Actor, Event } from '../normalize/event.ts';
import type { Ctx } from './context.ts';
import type { ActionInfo } from './iam-data.ts';
import { arnName, clip, list, str } from './params.ts';
import { TEMPLATES } from './templates.ts';

/** Short readable name of an actor for sentences: `alice`, `Admin (alice@example.com)`, `root`. */
export function actorLabel(actor: Actor | null | undefined): string {
  if (!actor) return 'an unknown caller';
  const name = typeof actor.name === 'string' && actor.name.trim() !== '' ? actor.name.trim() : null;
  let label = name ?? (actor.key ? arnName(actor.key) : null) ?? 'an unknown caller';
  if (actor.type === 'aws-service' && name === null && actor.invokedBy) label = actor.invokedBy;
  label = clip(label, 100);
  return actor.crossAccount && actor.accountId ? `${label} (account ${actor.accountId})` : label;
}

// Verbs of CamelCase action names and their past tense, for the generic fallback.
const PAST: Record<string, string> = {
  Accept: 'accepted',
  Activate: 'activated',
  Add: 'added',
  Allocate: 'allocated',
  Apply: 'applied',
  Assign: 'assigned',
  Associate: 'associated',
  Attach: 'attached',
  Authorize: 'authorized',
  Batch: 'batch-ran',
  Cancel: 'cancelled',
  Change: 'changed',
  Check: 'checked',
  Complete: 'completed',
  Confirm: 'confirmed',
  Copy: 'copied',
  Create: 'created',
  Deactivate: 'deactivated',
  Decrypt: 'decrypted',
  Delete: 'deleted',
  Deregister: 'deregistered',
  Describe: 'described',
  Detach: 'detached',
  Disable: 'disabled',
  Disassociate: 'disassociated',
  Download: 'downloaded',
  Enable: 'enabled',
  Encrypt: 'encrypted',
  Execute: 'executed',
  Export: 'exported',
  Generate: 'generated',
  Get: 'read',
  Head: 'checked',
  Import: 'imported',
  Invoke: 'invoked',
  Issue: 'issued',
  Link: 'linked',
  List: 'listed',
  Lookup: 'looked up',
  Modify: 'modified',
  Move: 'moved',
  Publish: 'published',
  Purchase: 'purchased',
  Put: 'put',
  Query: 'queried',
  Reboot: 'rebooted',
  Receive: 'received',
  Register: 'registered',
  Reject: 'rejected',
  Release: 'released',
  Remove: 'removed',
  Replace: 'replaced',
  Request: 'requested',
  Reset: 'reset',
  Restore: 'restored',
  Resume: 'resumed',
  Retrieve: 'retrieved',
  Revoke: 'revoked',
  Rotate: 'rotated',
  Run: 'ran',
  Scan: 'scanned',
  Schedule: 'scheduled',
  Search: 'searched',
  Select: 'selected',
  Send: 'sent',
  Set: 'set',
  Share: 'shared',
  Sign: 'signed',
  Start: 'started',
  Stop: 'stopped',
  Submit: 'submitted',
  Subscribe: 'subscribed',
  Switch: 'switched',
  Tag: 'tagged',
  Terminate: 'terminated',
  Test: 'tested',
  Transfer: 'transferred',
  Unlink: 'unlinked',
  Unsubscribe: 'unsubscribed',
  Untag: 'untagged',
  Update: 'updated',
  Upgrade: 'upgraded',
  Upload: 'uploaded',
  Validate: 'validated',
  Verify: 'verified',
};

const WORDS = /[A-Z]{2,}s(?=[A-Z0-9]|$)|[A-Z]+(?![a-z])|[A-Z][a-z0-9]*|[a-z0-9]+/g;

/** `DescribeInstanceInformation` -> `described instance information`; null for an unknown verb. */
export function humanizeAction(action: string): string | null {
  const words = action.match(WORDS);
  if (!words || words.length === 0) return null;
  const [verb, ...rest] = words;
  const past = verb === undefined ? undefined : PAST[verb];
  if (past === undefined) return null;
  const object = rest.map((w) => (w.length > 1 && w === w.toUpperCase() ? w : w.toLowerCase())).join(' ');
  return object === '' ? past : `${past} ${object}`;
}

// Request parameters that name what a call acted on, most telling first.
const NAME_KEY = /(Name|Id|Identifier|Arn|ARN|Key|Url|Path)$/;
const SKIP_KEY =
  /^(clientToken|ClientToken|roleSessionName|externalId|kmsKeyId|KmsKeyId|requestId|host|Host|maxResults|nextToken)$/;

/** Names of the resources an event touched, from `resources[]` and name-like request parameters. */
export function targetNames(e: Event, p: Record<string, unknown>): string[] {
  const names: string[] = [];
  for (const r of Array.isArray(e.resources) ? e.resources : []) {
    const n = r?.name ?? (r?.arn ? arnName(r.arn) : null);
    if (n) names.push(n);
  }
  for (const [k, value] of Object.entries(p)) {
    if (names.length >= 6) break;
    if (SKIP_KEY.test(k) || !(NAME_KEY.test(k) || k === 'bucketName' || k === 'name' || k === 'key')) continue;
    if (typeof value === 'string' && value !== '' && value.length <= 300)
      names.push(value.startsWith('arn:') ? arnName(value) : value);
    else if (Array.isArray(value))
      for (const x of value.slice(0, 3)) if (typeof x === 'string' && x !== '') names.push(x);
  }
  return [...new Set(names)];
}

/** The generic middle of a sentence for an action with no template. */
export function fallbackPhrase(c: Ctx, info: ActionInfo): string {
  const targets = targetNames(c.e, c.p);
  const on = targets.length > 0 ? ` ${list(targets, 3)}` : '';
  const human = info.iamAction !== null || info.description !== '' ? humanizeAction(c.action) : null;
  if (human !== null) return `${human}${on} on ${info.serviceName}`;
  const service =
    info.iamAction === null && info.description === '' && !info.serviceName.startsWith('AWS ')
      ? info.serviceName
      : `service ${c.prefix || 'unknown'}`;
  return `called ${clip(c.action || '(no action)', 80)}${on ? ` for${on}` : ''} on ${service}`;
}

const CLIENT_TEXT: Record<string, string> = {
  console: 'the AWS console',
  'aws-cli': 'the AWS CLI',
  terraform: 'Terraform',
  cloudformation: 'CloudFormation',
  browser: 'a web browser',
};

function clientText(e: Event): string {
  const client = e.client;
  if (!client) return '';
  // Services call from their own host name (`sourceIPAddress` = `lambda.amazonaws.com`, user agent
  // the same): saying it twice adds nothing.
  if (client.name && client.name === e.sourceIp) return '';
  const name = client.name ? clip(client.name, 40) : null;
  switch (client.class) {
    case 'console':
    case 'aws-cli':
    case 'terraform':
    case 'cloudformation':
    case 'browser':
      return ` using ${CLIENT_TEXT[client.class]}`;
    case 'sdk':
      return ` using ${name ?? 'an AWS SDK'}${client.language && name && !name.toLowerCase().includes(client.language) ? ` (${client.language})` : ''}`;
    case 'iac':
      return ` using ${name ?? 'an infrastructure-as-code tool'}`;
    case 'offensive':
      return ` using ${name ?? 'an attack tool'} (an offensive tool)`;
    case 'aws-service':
    case 'aws-internal':
      return name ? ` via ${name}` : '';
    default:
      return name ? ` using ${name}` : '';
  }
}

function networkText(e: Event): string {
  const ip = e.sourceIp;
  if (!ip) return '';
  if (ip === 'AWS Internal') return ' from inside AWS';
  if (/\.amazonaws\.com$/.test(ip)) return ` via ${clip(ip, 60)}`;
  return ` from ${clip(ip, 60)}`;
}

function outcomeText(e: Event): string {
  if (e.success) return 'succeeded';
  // Console sign-in failures carry the code `Failure` and the telling part in the message.
  const why = (e.errorCode === 'Failure' ? e.errorMessage : null) ?? e.errorCode ?? e.errorMessage ?? 'unknown error';
  return `failed: ${clip(why, 120)}`;
}

export interface Phrase {
  text: string;
  templated: boolean;
}

/** The middle of the sentence: a template when one exists, else the catalog fallback. */
export function phraseOf(c: Ctx, info: ActionInfo): Phrase {
  const template = TEMPLATES[c.key];
  if (template !== undefined) {
    try {
      return { text: template(c), templated: true };
    } catch {
      // A template that trips over hostile parameters falls back rather than failing the event.
    }
  }
  return { text: fallbackPhrase(c, info), templated: false };
}

/** The complete sentence. */
export function sentenceOf(c: Ctx, phrase: Phrase): string {
  const e = c.e;
  const region = str(e as unknown as Record<string, unknown>, 'region');
  const where =
    e.accountId && e.accountId !== 'unknown'
      ? ` in ${clip(e.accountId, 40)}${region ? ` (${clip(region, 30)})` : ''}`
      : region
        ? ` in ${clip(region, 30)}`
        : '';
  return `${actorLabel(e.actor)} ${phrase.text}${where}${networkText(e)}${clientText(e)}, ${outcomeText(e)}`;
}
