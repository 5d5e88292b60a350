/**
 * Defensive readers for CloudTrail request parameters: every value may be missing, of the
 * wrong type, nested in EC2's `{items:[...]}` wrappers, or a policy document that arrives as
 * plain JSON, URL-encoded JSON or an already-parsed object. Nothing here throws.
 */

export type Params = Record<string, unknown>;

export function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** A string, number or boolean parameter as a string; `null` when absent or empty. */
export function str(p: Params | null | undefined, ...keys: string[]): string | null {
  if (!p) return null;
  for (const k of keys) {
    const v = p[k];
    if (typeof v === 'string' && v !== '') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  }
  return null;
}

export function num(p: Params | null | undefined, ...keys: string[]): number | null {
  if (!p) return null;
  for (const k of keys) {
    const v = p[k];
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  }
  return null;
}

export function bool(p: Params | null | undefined, key: string): boolean | null {
  const v = p?.[key];
  if (typeof v === 'boolean') return v;
  if (v === 'true') return true;
  if (v === 'false') return false;
  return null;
}

export function obj(p: Params | null | undefined, ...keys: string[]): Params | null {
  if (!p) return null;
  for (const k of keys) {
    const v = p[k];
    if (isObject(v)) return v;
  }
  return null;
}

/** Unwraps EC2's `{items: [...]}` and plain arrays into an array of objects. */
export function items(v: unknown): Params[] {
  if (Array.isArray(v)) return v.filter(isObject);
  if (isObject(v)) {
    if (Array.isArray(v.items)) return v.items.filter(isObject);
    if (isObject(v.item)) return [v.item];
    if (Array.isArray(v.item)) return v.item.filter(isObject);
  }
  return [];
}

/** Strings from a string, an array of strings, or `{items:[{key: ...}]}`. */
export function strings(v: unknown, key?: string): string[] {
  if (typeof v === 'string') return v === '' ? [] : [v];
  if (typeof v === 'number') return [String(v)];
  if (Array.isArray(v)) {
    return v.flatMap((x) =>
      typeof x === 'string' || typeof x === 'number' ? [String(x)] : key && isObject(x) ? strings(x[key]) : [],
    );
  }
  if (key && isObject(v)) return items(v).flatMap((x) => strings(x[key]));
  return [];
}

/** Keeps a value short enough for a sentence. */
export function clip(s: string, max = 80): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

/** `a, b and c` (at most `max` shown, then `and N more`). */
export function list(values: readonly string[], max = 4): string {
  const shown = values.slice(0, max).map((v) => clip(v));
  const rest = values.length - shown.length;
  if (rest > 0) return `${shown.join(', ')} and ${rest} more`;
  if (shown.length <= 1) return shown[0] ?? '';
  return `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
}

/** The last path segment of an ARN (`arn:aws:iam::aws:policy/AdministratorAccess` -> `AdministratorAccess`). */
export function arnName(arn: string): string {
  const slash = arn.lastIndexOf('/');
  if (slash >= 0 && slash < arn.length - 1) return arn.slice(slash + 1);
  const colon = arn.lastIndexOf(':');
  return colon >= 0 && colon < arn.length - 1 ? arn.slice(colon + 1) : arn;
}

/** The account id inside an ARN or a bare 12-digit id, else null. */
/** Instance ids a call names, from `instancesSet` (EC2) or `instanceIds`/`instanceId` (SSM and others). */
export function instanceIdsOf(p: Params): string[] {
  const ids = items(p.instancesSet).flatMap((i) => strings(i.instanceId));
  if (ids.length > 0) return ids;
  return [...strings(p.instanceIds), ...strings(p.instanceId)];
}

export function accountOf(principal: string): string | null {
  if (/^\d{12}$/.test(principal)) return principal;
  const m = /^arn:aws[a-z-]*:[a-z0-9-]*:[a-z0-9-]*:(\d{12}):/.exec(principal);
  return m?.[1] ?? null;
}

// ---- policy documents ----

export interface PolicyStatement {
  effect: 'Allow' | 'Deny';
  actions: string[];
  notActions: string[];
  resources: string[];
  /** Flattened principals: `*`, account ids/ARNs, service names, federated providers. */
  principals: string[];
  hasCondition: boolean;
  /**
   * A condition limits the statement to fixed callers or places (an organization, accounts, ARNs,
   * VPCs, VPC endpoints, address ranges), so `*` as its principal is not everyone.
   */
  limitsCallers: boolean;
}

/**
 * Condition keys that, compared with fixed values, make a `*` principal non-public: Amazon S3's
 * own definition of a public policy (Block Public Access), with the organization keys IAM Access
 * Analyzer also honours.
 */
const CALLER_LIMITING_KEYS = new Set([
  'aws:principalorgid',
  'aws:principalorgpaths',
  'aws:principalaccount',
  'aws:principalarn',
  'aws:sourceaccount',
  'aws:sourcearn',
  'aws:sourceowner',
  'aws:sourceorgid',
  'aws:sourceorgpaths',
  'aws:sourcevpc',
  'aws:sourcevpce',
  'aws:sourceip',
  'aws:userid',
]);

/**
 * Whether a statement's `Condition` limits who can call: a positive operator (not `...IfExists`,
 * which passes when the key is absent, nor a `Not...` one) on a caller-limiting key whose values
 * are all fixed (no lone `*`, no `0.0.0.0/0` or `::/0`).
 */
function limitsCallers(condition: unknown): boolean {
  if (!isObject(condition)) return false;
  for (const [operator, clause] of Object.entries(condition)) {
    const op = operator.toLowerCase().replace(/^for(any|all)value:/, '');
    if (op.includes('not') || op.endsWith('ifexists') || op === 'null') continue;
    if (!isObject(clause)) continue;
    for (const [k, v] of Object.entries(clause)) {
      if (!CALLER_LIMITING_KEYS.has(k.toLowerCase())) continue;
      const values = strings(v);
      if (values.length > 0 && values.every((x) => x !== '*' && x !== '0.0.0.0/0' && x !== '::/0')) return true;
    }
  }
  return false;
}

/** Parses a policy document from a JSON string, URL-encoded JSON string or object. */
export function parsePolicy(raw: unknown): PolicyStatement[] | null {
  let doc: unknown = raw;
  if (typeof raw === 'string') {
    doc = tryJson(raw);
    if (doc === undefined && raw.includes('%')) {
      try {
        doc = tryJson(decodeURIComponent(raw.replace(/\+/g, ' ')));
      } catch {
        doc = undefined;
      }
    }
  }
  if (!isObject(doc)) return null;
  const st = doc.Statement ?? doc.statement;
  const list = Array.isArray(st) ? st : isObject(st) ? [st] : [];
  const out: PolicyStatement[] = [];
  for (const s of list) {
    if (!isObject(s)) continue;
    out.push({
      effect: String(s.Effect ?? s.effect ?? 'Allow').toLowerCase() === 'deny' ? 'Deny' : 'Allow',
      actions: strings(s.Action ?? s.action),
      notActions: strings(s.NotAction ?? s.notAction),
      resources: strings(s.Resource ?? s.resource),
      principals: principalsOf(s.Principal ?? s.principal),
      hasCondition: isObject(s.Condition ?? s.condition),
      limitsCallers: limitsCallers(s.Condition ?? s.condition),
    });
  }
  return out;
}

function tryJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}

function principalsOf(p: unknown): string[] {
  if (typeof p === 'string') return [p];
  if (isObject(p)) return Object.values(p).flatMap((v) => strings(v));
  return [];
}

export interface PolicySummary {
  /** Some Allow statement grants `*` (or `*:*`, or NotAction) on `*`. */
  admin: boolean;
  /** Some Allow statement grants a service wildcard (`s3:*`, `iam:*`, `*`) on `*`. */
  wildcard: boolean;
  /** Principals of Allow statements that are `*` (anyone), with no condition that limits the callers. */
  anyone: boolean;
  /** Accounts named by Allow principals, other than `ownAccount`. */
  externalAccounts: string[];
  /** Service principals trusted (e.g. `ec2.amazonaws.com`). */
  services: string[];
  /** Short human summary, e.g. `allowing * on *`. */
  text: string;
}

export function summarizePolicy(statements: PolicyStatement[], ownAccount: string): PolicySummary {
  let admin = false;
  let wildcard = false;
  let anyone = false;
  const external = new Set<string>();
  const services = new Set<string>();
  const allowActions: string[] = [];
  const allowResources = new Set<string>();
  let denies = 0;
  for (const s of statements) {
    if (s.effect === 'Deny') {
      denies++;
      continue;
    }
    const onAll = s.resources.length === 0 || s.resources.includes('*');
    if (onAll && (s.actions.includes('*') || s.actions.includes('*:*') || s.notActions.length > 0)) admin = true;
    if (onAll && s.actions.some((a) => a === '*' || a.endsWith(':*'))) wildcard = true;
    for (const a of s.actions) allowActions.push(a);
    for (const a of s.notActions) allowActions.push(`everything except ${a}`);
    for (const r of s.resources) allowResources.add(r);
    for (const pr of s.principals) {
      if (pr === '*' || pr === 'arn:aws:iam::*:root') anyone ||= !s.limitsCallers;
      else if (pr.endsWith('.amazonaws.com')) services.add(pr);
      else {
        const acct = accountOf(pr);
        if (acct !== null && acct !== ownAccount) external.add(acct);
      }
    }
  }
  const parts: string[] = [];
  if (allowActions.length > 0) {
    const actions = admin ? '* (every action)' : list([...new Set(allowActions)], 3);
    const resources = allowResources.size === 0 || allowResources.has('*') ? '*' : list([...allowResources], 2);
    parts.push(`allowing ${actions} on ${resources}`);
  }
  if (denies > 0) parts.push(`with ${denies} deny statement${denies > 1 ? 's' : ''}`);
  return {
    admin,
    wildcard,
    anyone,
    externalAccounts: [...external],
    services: [...services],
    text: parts.length > 0 ? parts.join(' ') : 'that grants nothing',
  };
}

/** Parses and summarizes in one step; null when the document cannot be read. */
export function policyOf(raw: unknown, ownAccount: string): PolicySummary | null {
  const st = parsePolicy(raw);
  return st === null ? null : summarizePolicy(st, ownAccount);
}

// ---- network ----

/** Ports where an open-to-the-world rule hands out remote administration or a database. */
export const ADMIN_PORTS: readonly number[] = [
  22, 23, 135, 139, 445, 1433, 1521, 2375, 2376, 3306, 3389, 5432, 5900, 5985, 5986, 6379, 9200, 11211, 27017,
];

export interface IpRule {
  protocol: string;
  /** null = all ports. */
  fromPort: number | null;
  toPort: number | null;
  cidrs: string[];
  /** Source security groups or prefix lists. */
  sources: string[];
}

/** True when a CIDR covers the whole address space (`0.0.0.0/0`, `::/0`, or any `x/0`). */
export function isWorld(cidr: string): boolean {
  return /\/0$/.test(cidr.trim());
}

/** Security-group rules from `AuthorizeSecurityGroup*`/`RevokeSecurityGroup*` parameters. */
export function ipRules(p: Params | null): IpRule[] {
  if (!p) return [];
  const rules: IpRule[] = [];
  const top = str(p, 'cidrIp', 'cidrIpv6', 'CidrIp');
  if (top !== null || str(p, 'fromPort') !== null) {
    rules.push({
      protocol: str(p, 'ipProtocol', 'IpProtocol') ?? 'tcp',
      fromPort: num(p, 'fromPort', 'FromPort'),
      toPort: num(p, 'toPort', 'ToPort'),
      cidrs: top !== null ? [top] : [],
      sources: strings(str(p, 'sourceSecurityGroupName', 'sourceSecurityGroupId')),
    });
  }
  for (const it of items(p.ipPermissions ?? p.IpPermissions)) {
    const cidrs = [
      ...items(it.ipRanges).flatMap((r) => strings(r.cidrIp)),
      ...items(it.ipv6Ranges).flatMap((r) => strings(r.cidrIpv6)),
      ...strings(it.cidrIp),
    ];
    const sources = [
      ...items(it.groups).flatMap((g) => strings(g.groupId ?? g.groupName)),
      ...items(it.prefixListIds).flatMap((g) => strings(g.prefixListId)),
    ];
    rules.push({
      protocol: str(it, 'ipProtocol') ?? 'tcp',
      fromPort: num(it, 'fromPort'),
      toPort: num(it, 'toPort'),
      cidrs,
      sources,
    });
  }
  return rules;
}

/** Whether a rule's port range reaches any administrative port (all ports for protocol -1). */
export function reachesAdminPort(rule: IpRule): boolean {
  if (rule.protocol === '-1' || rule.protocol === 'all' || rule.fromPort === null) return true;
  const from = rule.fromPort;
  const to = rule.toPort ?? from;
  if (from === -1) return true;
  return ADMIN_PORTS.some((port) => port >= from && port <= to);
}

export function portText(rule: IpRule): string {
  const proto = rule.protocol === '-1' ? 'all protocols' : rule.protocol.toUpperCase();
  if (rule.protocol === '-1' || rule.fromPort === null || rule.fromPort === -1) return `all ports (${proto})`;
  const to = rule.toPort ?? rule.fromPort;
  return to === rule.fromPort ? `port ${rule.fromPort}/${proto}` : `ports ${rule.fromPort}-${to}/${proto}`;
}

/** A CIDR as a sentence shows it: `/0` ranges are called out as the whole internet. */
export function cidrText(cidr: string): string {
  if (!isWorld(cidr)) return clip(cidr);
  const family = cidr.includes(':') ? '::/0' : '0.0.0.0/0';
  return cidr === family ? `${family} (the whole internet)` : `${clip(cidr)} (= ${family}, the whole internet)`;
}
