/**
 * Who called: a stable `Actor` from CloudTrail's `userIdentity`, for every identity type.
 *
 * The key is what baselines attach to, so it must not change from one session to the next
 * for the same person or workload:
 * - IAM user: `arn:<partition>:iam::<account>:user/<name>` (path dropped: user and role names
 *   are unique per account, and a path can be changed with UpdateUser);
 * - assumed role: the role as `arn:<partition>:iam::<account>:role/<name>`, plus `/<person>`
 *   when the session shows one: the SSO user for IAM Identity Center permission-set roles,
 *   else `sourceIdentity`, else the Identity Center user of an identity-enhanced session
 *   (`onBehalfOf.userId`), else a session name that is stable (an email, `alice`,
 *   `GitHubActions`) but not a generated one (`botocore-session-1700000000`, instance ids,
 *   UUIDs, long hex, `aws-go-sdk-<digits>`...), which would make a new "person" per session;
 * - `root:<account>`, `service:<principal>`, `account:<account>:<principal id>`,
 *   `web-identity:<provider>:<user>`, `saml:<provider>:<user>`,
 *   `identity-center:<identity store>:<user id>`, and `unknown` when nothing identifies the caller.
 * Sessions (access key, console session) are returned apart, by `sessionOf`.
 *
 * A record alone cannot say who obtained a role session's credential. The ingest can: the STS
 * call that issued it (`issuanceOf`) is kept in the `credentials` table, and `withTrace` then
 * replaces the session-name person by the origin of the chain (an IAM user's ARN, a federated
 * subject, `account:<id>` for another account's caller), so the key stays one per person.
 */
import type { Actor, ActorType, ComputeKind, Event } from './event.ts';

export type { ComputeKind };

import { bool, MAX_ID, type Obj, obj, str, strOrNumber } from './fields.ts';
import { parseTime } from './time.ts';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const INSTANCE_ID = /^m?i-[0-9a-f]{8,17}$/i;
const SSO_ROLE_PATH = '/aws-reserved/sso.amazonaws.com/';
const SSO_ROLE_PREFIX = 'AWSReservedSSO_';

/** Parts of `arn:partition:service:region:account:resource`; null when `arn` is not an ARN. */
interface ArnParts {
  partition: string;
  account: string;
  resource: string;
}

export function parseArn(arn: string | null): ArnParts | null {
  if (arn === null || !arn.startsWith('arn:')) return null;
  const p1 = arn.indexOf(':', 4);
  const p2 = p1 < 0 ? -1 : arn.indexOf(':', p1 + 1);
  const p3 = p2 < 0 ? -1 : arn.indexOf(':', p2 + 1);
  const p4 = p3 < 0 ? -1 : arn.indexOf(':', p3 + 1);
  if (p4 < 0) return null;
  return { partition: arn.slice(4, p1) || 'aws', account: arn.slice(p3 + 1, p4), resource: arn.slice(p4 + 1) };
}

function lastSegment(s: string): string {
  const i = s.lastIndexOf('/');
  return i < 0 ? s : s.slice(i + 1);
}

/**
 * True for role session names that a tool generated per session: they must not become part
 * of the actor key. One pass over the characters plus two precompiled patterns.
 */
export function isGeneratedSessionName(name: string): boolean {
  if (name.length > 64) return true;
  let digits = 0;
  let digitRun = 0;
  let maxDigitRun = 0;
  let hexRun = 0;
  let hexRunHasDigit = false;
  let maxHexRunWithDigit = 0;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    const isDigit = c >= 48 && c <= 57;
    const isHex = isDigit || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
    if (isDigit) {
      digits++;
      digitRun++;
      if (digitRun > maxDigitRun) maxDigitRun = digitRun;
    } else {
      digitRun = 0;
    }
    if (isHex) {
      hexRun++;
      if (isDigit) hexRunHasDigit = true;
      if (hexRunHasDigit && hexRun > maxHexRunWithDigit) maxHexRunWithDigit = hexRun;
    } else {
      hexRun = 0;
      hexRunHasDigit = false;
    }
  }
  // Timestamps (`botocore-session-1700000000`, `aws-go-sdk-1722375070115152000`, `terraform-20240101...`).
  if (maxDigitRun >= 8) return true;
  // Hex ids (ECS task ids, request ids).
  if (maxHexRunWithDigit >= 16) return true;
  // Mostly digits (`153151351351351`, `user-382910`).
  if (digits >= 6 && digits * 3 >= name.length) return true;
  return UUID.test(name) || INSTANCE_ID.test(name);
}

/** `AWSReservedSSO_DevAdmin_635426549a280cc6` -> `DevAdmin` for readable names. */
function displayRole(roleName: string): string {
  if (!roleName.startsWith(SSO_ROLE_PREFIX)) return roleName;
  const inner = roleName.slice(SSO_ROLE_PREFIX.length);
  const cut = inner.lastIndexOf('_');
  const name = cut > 0 ? inner.slice(0, cut) : inner;
  return name.length > 0 ? name : roleName;
}

function actor(
  key: string,
  type: ActorType,
  name: string,
  accountId: string | null,
  roleArn: string | null,
  person: string | null,
  recipient: string | null,
  invokedBy: string | null,
  sessionName: string | null = null,
  compute: ComputeKind | null = null,
): Actor {
  return {
    key,
    type,
    name,
    accountId,
    roleArn,
    person,
    crossAccount: accountId !== null && recipient !== null && accountId !== recipient,
    invokedBy,
    sessionName,
    compute,
    chain: null,
  };
}

/**
 * The compute a role session belongs to, from what the record itself shows: an instance-profile
 * session is named after its instance id; Lambda and ECS SDKs name their runtime in the user
 * agent (`exec-env/AWS_Lambda_python3.12`, `exec-env/AWS_ECS_FARGATE`). Credentials used away
 * from their compute keep the session name but not the user agent: the ingest then names the
 * compute from the AssumeRole that `lambda.amazonaws.com` or `ecs-tasks.amazonaws.com` made.
 * Instance-profile sessions also carry `sessionContext.ec2RoleDelivery`.
 */
function computeOfSession(context: Obj | null, session: string | null, userAgent: string | null): ComputeKind | null {
  // `ec2RoleDelivery`: the instance metadata service delivered these credentials (IMDS v1 or v2).
  if ((context !== null && context.ec2RoleDelivery !== undefined) || (session !== null && INSTANCE_ID.test(session)))
    return 'ec2';
  if (userAgent === null) return null;
  if (userAgent.includes('exec-env/AWS_Lambda_')) return 'lambda';
  if (userAgent.includes('exec-env/AWS_ECS_')) return 'ecs';
  return null;
}

/** CloudTrail `userIdentity.type` when present; else guessed from the ARN (hand-edited and exported records drop it). */
function typeOf(ui: Obj, arn: string | null): string {
  const t = str(ui.type, 64);
  if (t !== null) return t;
  if (arn !== null) {
    if (arn.includes(':assumed-role/')) return 'AssumedRole';
    if (arn.includes(':federated-user/')) return 'FederatedUser';
    if (arn.endsWith(':root')) return 'Root';
    if (arn.includes(':user/')) return 'IAMUser';
  }
  if (str(ui.invokedBy) !== null) return 'AWSService';
  return 'Unknown';
}

/** The IAM Identity Center user a session acts for (`onBehalfOf.userId`: trusted identity propagation). */
function onBehalfOfUser(ui: Obj): string | null {
  const onBehalfOf = obj(ui.onBehalfOf);
  return onBehalfOf === null ? null : str(onBehalfOf.userId, 256);
}

function assumedRole(
  ui: Obj,
  arn: string | null,
  parts: ArnParts | null,
  recipient: string | null,
  invokedBy: string | null,
  userAgent: string | null,
): Actor {
  const context = obj(ui.sessionContext);
  const issuer = context === null ? null : obj(context.sessionIssuer);
  const issuerArn = issuer === null ? null : str(issuer.arn);
  // The issuer ARN is parsed only when the caller ARN lacks what it gives (rare: saves ~2 allocations a record).
  const issuerName = issuer === null ? null : str(issuer.userName);
  const issuerParts = parts === null || issuerName === null ? parseArn(issuerArn) : null;
  // `assumed-role/<role>/<session>` in the caller ARN.
  let roleFromArn: string | null = null;
  let session: string | null = null;
  if (parts?.resource.startsWith('assumed-role/')) {
    const rest = parts.resource.slice('assumed-role/'.length);
    const slash = rest.indexOf('/');
    roleFromArn = slash < 0 ? rest : rest.slice(0, slash);
    session = slash < 0 ? null : rest.slice(slash + 1) || null;
  }
  const principalId = str(ui.principalId);
  if (session === null && principalId !== null) {
    const colon = principalId.indexOf(':');
    if (colon > 0 && colon < principalId.length - 1) session = principalId.slice(colon + 1);
  }
  const roleName =
    issuerName ?? (issuerParts === null ? null : lastSegment(issuerParts.resource) || null) ?? roleFromArn;
  const account =
    strOrNumber(ui.accountId) ??
    (issuer === null ? null : strOrNumber(issuer.accountId)) ??
    parts?.account ??
    issuerParts?.account ??
    null;
  const partition = parts?.partition ?? issuerParts?.partition ?? 'aws';
  if (roleName === null || account === null) {
    // Too little to name the role: fall back to whatever identifies the caller.
    const key = arn ?? (principalId === null ? 'unknown' : `principal:${principalId}`);
    return actor(
      key,
      'assumed-role',
      roleName ?? session ?? key,
      account,
      issuerArn,
      null,
      recipient,
      invokedBy,
      session,
      computeOfSession(context, session, userAgent),
    );
  }
  const roleKey = `arn:${partition}:iam::${account}:role/${roleName}`;
  const sso = roleName.startsWith(SSO_ROLE_PREFIX) || issuerArn?.includes(SSO_ROLE_PATH);
  const sourceIdentity = context === null ? null : str(context.sourceIdentity, 256);
  let person: string | null = null;
  if (sso && session !== null) person = session;
  else if (sourceIdentity !== null) person = sourceIdentity;
  else {
    person = onBehalfOfUser(ui);
    if (person === null && session !== null && !isGeneratedSessionName(session)) person = session;
  }
  const display = displayRole(roleName);
  return actor(
    person === null ? roleKey : `${roleKey}/${person}`,
    'assumed-role',
    person === null ? display : `${display} (${person})`,
    account,
    issuerArn ?? roleKey,
    person,
    recipient,
    invokedBy,
    session,
    computeOfSession(context, session, userAgent),
  );
}

function iamUser(
  ui: Obj,
  arn: string | null,
  parts: ArnParts | null,
  recipient: string | null,
  invokedBy: string | null,
): Actor {
  const userName = str(ui.userName) ?? (parts?.resource.startsWith('user/') ? lastSegment(parts.resource) : null);
  const account = strOrNumber(ui.accountId) ?? parts?.account ?? null;
  if (userName === null || account === null) {
    const principalId = str(ui.principalId);
    const key = arn ?? (principalId === null ? 'unknown' : `principal:${principalId}`);
    return actor(key, 'iam-user', userName ?? key, account, null, null, recipient, invokedBy);
  }
  const key = `arn:${parts?.partition ?? 'aws'}:iam::${account}:user/${userName}`;
  return actor(key, 'iam-user', userName, account, null, null, recipient, invokedBy);
}

/** A caller named by an identity provider: `<prefix>:<provider>:<user>`. */
function providerUser(
  ui: Obj,
  type: ActorType,
  prefix: string,
  recipient: string | null,
  invokedBy: string | null,
): Actor {
  const provider = str(ui.identityProvider) ?? 'unknown';
  const user = str(ui.userName) ?? str(ui.principalId) ?? 'unknown';
  const account = strOrNumber(ui.accountId);
  return actor(`${prefix}:${provider}:${user}`, type, user, account, null, user, recipient, invokedBy);
}

/**
 * The actor behind a record. `userIdentity` may be missing or malformed; then an AWS
 * service source address (`lambda.amazonaws.com`) still names the caller, else `unknown`.
 */
export function actorOf(record: Obj, recipient: string | null, ui: Obj | null = obj(record.userIdentity)): Actor {
  if (ui === null) {
    const source = str(record.sourceIPAddress, 256);
    if (source?.endsWith('.amazonaws.com') && !source.includes(' ')) {
      return actor(`service:${source}`, 'aws-service', source, null, null, null, recipient, source);
    }
    return actor('unknown', 'unknown', 'unknown', null, null, null, recipient, null);
  }
  const arn = str(ui.arn);
  const parts = parseArn(arn);
  const invokedBy = str(ui.invokedBy, 256);
  switch (typeOf(ui, arn)) {
    case 'IAMUser':
      return iamUser(ui, arn, parts, recipient, invokedBy);
    case 'AssumedRole':
      return assumedRole(ui, arn, parts, recipient, invokedBy, str(record.userAgent, 1024));
    case 'Root': {
      const account = strOrNumber(ui.accountId) ?? parts?.account ?? recipient;
      return actor(
        account === null ? 'root:unknown' : `root:${account}`,
        'root',
        'root',
        account,
        null,
        null,
        recipient,
        invokedBy,
      );
    }
    case 'FederatedUser': {
      const account = strOrNumber(ui.accountId) ?? parts?.account ?? null;
      const principalId = str(ui.principalId);
      const colon = principalId === null ? -1 : principalId.indexOf(':');
      const fromArn = parts?.resource.startsWith('federated-user/')
        ? parts.resource.slice('federated-user/'.length)
        : null;
      const name =
        fromArn ?? (principalId !== null && colon >= 0 ? principalId.slice(colon + 1) : principalId) ?? 'unknown';
      const key = `arn:${parts?.partition ?? 'aws'}:sts::${account ?? 'unknown'}:federated-user/${name}`;
      return actor(key, 'federated-user', name, account, null, name, recipient, invokedBy);
    }
    case 'WebIdentityUser':
      return providerUser(ui, 'web-identity', 'web-identity', recipient, invokedBy);
    case 'SAMLUser':
      return providerUser(ui, 'saml-user', 'saml', recipient, invokedBy);
    case 'IdentityCenterUser': {
      const onBehalfOf = obj(ui.onBehalfOf);
      const userId =
        (onBehalfOf === null ? null : str(onBehalfOf.userId)) ?? str(ui.userName) ?? str(ui.principalId) ?? 'unknown';
      const account = strOrNumber(ui.accountId);
      const store = (onBehalfOf === null ? null : str(onBehalfOf.identityStoreArn)) ?? account ?? 'unknown';
      const name = str(ui.userName) ?? userId;
      return actor(
        `identity-center:${store}:${userId}`,
        'identity-center-user',
        name,
        account,
        null,
        userId,
        recipient,
        invokedBy,
      );
    }
    case 'AWSService': {
      const service = invokedBy ?? str(record.sourceIPAddress, 256) ?? 'unknown';
      return actor(
        `service:${service}`,
        'aws-service',
        service,
        strOrNumber(ui.accountId),
        null,
        null,
        recipient,
        service,
      );
    }
    case 'AWSAccount': {
      // Cross-account caller: only the account and the principal id (`AROA...:<session>`) are shown;
      // the part before `:` is the stable unique id of the role or user, the rest a session name.
      const account = strOrNumber(ui.accountId);
      const principalId = str(ui.principalId);
      const colon = principalId === null ? -1 : principalId.indexOf(':');
      const principal = principalId === null ? null : colon >= 0 ? principalId.slice(0, colon) : principalId;
      const base = `account:${account ?? 'unknown'}`;
      return actor(
        principal ? `${base}:${principal}` : base,
        'aws-account',
        // The principal id names the caller; sentences add "(account N)" for cross-account actors.
        principal || `account ${account ?? 'unknown'}`,
        account,
        null,
        null,
        recipient,
        invokedBy,
      );
    }
    default: {
      // `Unknown` (older IAM Identity Center and sign-in events: principalId is the identity-store user id,
      // userName the display name) and any type CloudTrail adds later.
      const account = strOrNumber(ui.accountId) ?? parts?.account ?? null;
      const principalId = str(ui.principalId);
      const userName = str(ui.userName);
      const id = arn ?? principalId ?? userName;
      if (id === null) return actor('unknown', 'unknown', 'unknown', account, null, null, recipient, invokedBy);
      const key = arn ?? `unknown:${account ?? 'unknown'}:${id}`;
      return actor(key, 'unknown', userName ?? id, account, null, userName, recipient, invokedBy);
    }
  }
}

/** Credential session, kept apart from the actor. */
export interface SessionInfo {
  /** Access key id, else the Identity Center credential id, else `<principalId>@<creationDate>`. */
  session: string | null;
  start: number | null;
  mfa: boolean | null;
}

const NO_SESSION: SessionInfo = Object.freeze({ session: null, start: null, mfa: null });

export function sessionOf(record: Obj, eventName: string, ui: Obj | null = obj(record.userIdentity)): SessionInfo {
  let mfa: boolean | null = null;
  if (eventName === 'ConsoleLogin') {
    // Sign-in events carry MFA in additionalEventData ("Yes"/"No"), not in a session context.
    const extra = obj(record.additionalEventData);
    const used = extra === null ? null : extra.MFAUsed;
    mfa = used === 'Yes' ? true : used === 'No' ? false : null;
  }
  if (ui === null) return mfa === null ? NO_SESSION : { session: null, start: null, mfa };
  const context = obj(ui.sessionContext);
  const attributes = context === null ? null : obj(context.attributes);
  const creation = attributes === null ? undefined : attributes.creationDate;
  const parsed = creation === undefined ? null : parseTime(creation);
  const start = parsed?.ok ? parsed.ms : null;
  if (mfa === null && attributes !== null) mfa = bool(attributes.mfaAuthenticated);
  let session = str(ui.accessKeyId, 256) ?? str(ui.credentialId, MAX_ID);
  if (session === null && parsed !== null && parsed.ok) {
    const principalId = str(ui.principalId, 256);
    if (principalId !== null) session = `${principalId}@${parsed.iso}`;
  }
  return { session, start, mfa };
}

// ---- Credential chains -------------------------------------------------------------------

/** STS calls whose response hands out a temporary credential (`responseElements.credentials`). */
export const ISSUING_ACTIONS: ReadonlySet<string> = new Set([
  'AssumeRole',
  'AssumeRoleWithSAML',
  'AssumeRoleWithWebIdentity',
  'GetSessionToken',
  'GetFederationToken',
]);

/** The service principals that assume a compute's role for it. */
const COMPUTE_SERVICES: Readonly<Record<string, ComputeKind>> = {
  'ec2.amazonaws.com': 'ec2',
  'lambda.amazonaws.com': 'lambda',
  'ecs-tasks.amazonaws.com': 'ecs',
};

/** One temporary credential as the STS call that issued it shows it. */
export interface CredentialIssuance {
  /** `responseElements.credentials.accessKeyId`: what later calls carry as `userIdentity.accessKeyId`. */
  accessKey: string;
  eventId: string;
  time: number;
  expiration: number | null;
  accountId: string;
  /** The issuing call's actor key, as its record shows it. */
  issuerKey: string;
  /** The issuing call's own access key: the link one hop up the chain. */
  issuerSession: string | null;
  /** What the credential acts as: the role (`arn:aws:iam::1:role/deploy`), the federated user, or the user itself. */
  identity: string;
  sessionName: string | null;
  sourceIdentity: string | null;
  /** The hops before `identity` when the issuer's own credential is not traced (then the issuer is the origin). */
  originHops: string[];
  /** The person behind the issuer when the issuer is the origin; a compute name (`ec2:i-0abc`) for compute roles. */
  originPerson: string | null;
  compute: ComputeKind | null;
}

/** A credential traced as far up as the store knows. */
export interface CredentialTrace {
  /** Origin first, the credential's own identity last. */
  chain: string[];
  person: string | null;
  compute: ComputeKind | null;
}

/** `arn:aws:sts::1:assumed-role/deploy/s` or `arn:aws:iam::1:role/path/deploy` -> `arn:aws:iam::1:role/deploy`. */
export function roleArnOf(arn: string | null): string | null {
  const parts = parseArn(arn);
  if (parts === null) return null;
  let name: string | null = null;
  if (parts.resource.startsWith('assumed-role/')) name = parts.resource.split('/')[1] ?? null;
  else if (parts.resource.startsWith('role/')) name = lastSegment(parts.resource);
  return name ? `arn:${parts.partition}:iam::${parts.account}:role/${name}` : null;
}

/** The actor key without the `/<person>` a role session key carries: the role itself. */
function roleOnly(a: Pick<Actor, 'type' | 'key' | 'person'>): string {
  return a.type === 'assumed-role' && a.person !== null && a.key.endsWith(`/${a.person}`)
    ? a.key.slice(0, -(a.person.length + 1))
    : a.key;
}

/** The temporary credential a successful STS call handed out, or null. */
export function issuanceOf(e: Event): CredentialIssuance | null {
  if (!e.success || e.service !== 'sts' || !ISSUING_ACTIONS.has(e.action)) return null;
  const response = e.responseElements;
  const credentials = response === null ? null : obj(response.credentials);
  const accessKey = credentials === null ? null : str(credentials.accessKeyId, 256);
  if (accessKey === null || response === null) return null;
  const params = e.requestParameters ?? {};
  const expiration = credentials === null ? undefined : credentials.expiration;
  let expiresAt: number | null = null;
  if (typeof expiration === 'string' || typeof expiration === 'number') {
    const t = parseTime(expiration);
    // CloudTrail writes `Jul 30, 2024, 9:31:10 PM` (UTC) for STS expirations.
    const ms = t.ok ? t.ms : typeof expiration === 'string' ? Date.parse(`${expiration} UTC`) : Number.NaN;
    expiresAt = Number.isFinite(ms) ? ms : null;
  }
  const issuer = e.actor;
  const sessionName = str(params.roleSessionName, 256) ?? str(params.name, 256);
  const sourceIdentity = str(params.sourceIdentity, 256) ?? str(response.sourceIdentity, 256);
  let identity: string | null;
  if (e.action === 'GetSessionToken') identity = issuer.key;
  else if (e.action === 'GetFederationToken') {
    const federated = obj(response.federatedUser);
    identity =
      (federated === null ? null : str(federated.arn)) ??
      `arn:aws:sts::${issuer.accountId ?? e.accountId}:federated-user/${sessionName ?? 'unknown'}`;
  } else {
    const assumed = obj(response.assumedRoleUser);
    identity = roleArnOf(str(params.roleArn)) ?? roleArnOf(assumed === null ? null : str(assumed.arn)) ?? null;
  }
  if (identity === null) return null;

  let originHops: string[] = [issuer.key];
  let originPerson: string | null = null;
  let compute: ComputeKind | null = null;
  switch (issuer.type) {
    case 'iam-user':
    case 'root':
      originPerson = issuer.key;
      break;
    case 'aws-account':
      // The caller's account, seen from the role's account whose trail this is.
      originPerson = sourceIdentity ?? `account:${issuer.accountId ?? 'unknown'}`;
      break;
    case 'aws-service': {
      compute = COMPUTE_SERVICES[issuer.invokedBy ?? ''] ?? null;
      if (compute !== null) {
        originPerson = sessionName === null ? compute : `${compute}:${sessionName}`;
        originHops = [originPerson];
      }
      break;
    }
    case 'assumed-role': {
      const role = roleOnly(issuer);
      compute = issuer.compute;
      if (compute !== null) {
        originPerson = issuer.sessionName === null ? compute : `${compute}:${issuer.sessionName}`;
        originHops = [originPerson, role];
      } else {
        originPerson = issuer.person;
        originHops = [role];
      }
      break;
    }
    default:
      // Federated subjects (SAML, web identity, Identity Center, federation tokens) name the person.
      originPerson = issuer.person ?? issuer.key;
  }
  if (e.action === 'GetSessionToken') originHops = [];
  return {
    accessKey,
    eventId: e.eventId,
    time: e.time,
    expiration: expiresAt,
    accountId: e.accountId,
    issuerKey: issuer.key,
    issuerSession: e.session,
    identity,
    sessionName,
    sourceIdentity,
    originHops,
    originPerson,
    compute,
  };
}

/** `arn:aws:iam::1:user/alice` -> `alice`; other persons as they are. */
export function personLabel(person: string): string {
  return person.startsWith('arn:') ? lastSegment(person) : person;
}

/**
 * The traced credential was issued for the identity this call shows: the role of a role
 * session, the user of a GetSessionToken session, the federated user; for a cross-account
 * caller shown only by its account, a credential of that account. Access keys are unique in
 * AWS, but sample and anonymised trails reuse them: a trace that names another identity is
 * not this call's.
 */
export function traceFits(a: Pick<Actor, 'type' | 'key' | 'accountId' | 'person'>, trace: CredentialTrace): boolean {
  const last = trace.chain.at(-1);
  if (last === undefined) return false;
  switch (a.type) {
    case 'assumed-role':
      return last === roleOnly(a);
    case 'iam-user':
    case 'root':
    case 'federated-user':
      return last === a.key;
    case 'aws-account':
      return a.accountId !== null && parseArn(last)?.account === a.accountId;
    default:
      return false;
  }
}

/**
 * The actor of a call made with a traced credential: the chain, the compute, and for a role
 * session the origin's person in its key, so the person's baseline follows them through every
 * hop. The origin (a user ARN, a federated subject, an external account) is verified by the
 * issuing call, unlike a session name, which the caller chose: it wins over the name. A compute
 * origin (`ec2:i-0abc`) names the person but stays out of the key: instance and task ids change
 * with every replacement and would split the role's baseline.
 */
export function withTrace(a: Actor, trace: CredentialTrace): Actor {
  const compute = a.compute ?? trace.compute;
  const isComputeOrigin =
    trace.compute !== null &&
    (trace.person === trace.compute || trace.person?.startsWith(`${trace.compute}:`) === true);
  if (a.type !== 'assumed-role' || trace.person === null || isComputeOrigin) {
    const person = a.type === 'federated-user' ? a.person : (trace.person ?? a.person);
    return { ...a, person, compute, chain: trace.chain };
  }
  const role = roleOnly(a);
  const base =
    a.person !== null && a.name.endsWith(` (${a.person})`) ? a.name.slice(0, -(a.person.length + 3)) : a.name;
  return {
    ...a,
    key: `${role}/${trace.person}`,
    name: `${base} (${personLabel(trace.person)})`,
    person: trace.person,
    compute,
    chain: trace.chain,
  };
}
