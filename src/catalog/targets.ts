/**
 * Targets: the values of a call that a behaviour profile should remember, because a routine
 * action aimed somewhere new is the anomaly. The SRE who shares a snapshot with the DR account
 * every month does the very same `rds:ModifyDBSnapshotAttribute[externalAccount]` when she
 * shares it with an attacker's account; only the account differs. So is the command an
 * operator runs daily, until it is a different SSM document.
 *
 * A target is `kind:value`: `account:111122223333` (who receives access or data, or whose
 * role is assumed), `document:AWS-RunShellScript` (what code runs), `secret:prod/db` and
 * `parameter:/app/jwt_secret` (which credential was read, decrypted), `principal:svc-deploy`
 * (which other user a key, a password or a group was given to or created). Values are what the
 * caller wrote: clipped, with whitespace removed, and only ever compared or shown escaped.
 */
import type { Ctx } from './context.ts';
import { callerUserName, ec2SharedWith, rdsSharedWith } from './facts.ts';
import { accountOf, bool, type Params, str, strings } from './params.ts';

export type TargetKind = 'account' | 'document' | 'secret' | 'parameter' | 'principal';

const MAX_VALUE = 128;
/** Targets kept per event: a longer list is clipped, so what it leaves out is unknown. */
export const MAX_TARGETS = 8;

type TargetExtractor = (c: Ctx) => Array<[TargetKind, string]>;

const accounts = (list: readonly string[], c: Ctx): Array<[TargetKind, string]> =>
  list.filter((a) => /^\d{12}$/.test(a) && a !== c.e.accountId).map((a) => ['account', a]);

function policyAccounts(field: string, raw: (p: Params) => unknown): TargetExtractor {
  return (c) => accounts(c.policy(field, raw(c.p))?.externalAccounts ?? [], c);
}

const EXTRACTORS: Record<string, TargetExtractor> = {
  'ec2:ModifySnapshotAttribute': (c) => accounts(ec2SharedWith(c.p), c),
  'ec2:ModifyImageAttribute': (c) => accounts(ec2SharedWith(c.p), c),
  'rds:ModifyDBSnapshotAttribute': (c) => accounts(rdsSharedWith(c.p), c),
  'rds:ModifyDBClusterSnapshotAttribute': (c) => accounts(rdsSharedWith(c.p), c),
  's3:PutBucketPolicy': policyAccounts('bucketPolicy', (p) => p.bucketPolicy ?? p.policy),
  'kms:PutKeyPolicy': policyAccounts('policy', (p) => p.policy),
  'kms:CreateGrant': (c) => accounts([accountOf(str(c.p, 'granteePrincipal') ?? '') ?? ''], c),
  'iam:CreateRole': policyAccounts('assumeRolePolicyDocument', (p) => p.assumeRolePolicyDocument),
  'iam:UpdateAssumeRolePolicy': policyAccounts('policyDocument', (p) => p.policyDocument),
  'secretsmanager:PutResourcePolicy': policyAccounts('resourcePolicy', (p) => p.resourcePolicy),
  'ecr:SetRepositoryPolicy': policyAccounts('policyText', (p) => p.policyText),
  'lambda:AddPermission': (c) => accounts([accountOf(str(c.p, 'principal') ?? '') ?? ''], c),
  'sts:AssumeRole': (c) => {
    const acct = accountOf(str(c.p, 'roleArn') ?? '');
    return acct !== null && c.e.actor.accountId !== null && acct !== c.e.actor.accountId ? [['account', acct]] : [];
  },
  'secretsmanager:GetSecretValue': (c) => {
    const id = str(c.p, 'secretId');
    return id === null ? [] : [['secret', id]];
  },
  'ssm:GetParameter': (c) => (bool(c.p, 'withDecryption') ? strings(c.p?.name).map((n) => ['parameter', n]) : []),
  'ssm:GetParameters': (c) => (bool(c.p, 'withDecryption') ? strings(c.p?.names).map((n) => ['parameter', n]) : []),
  'iam:CreateUser': otherUser,
  // An Identity Center user, named as it will sign in (its e-mail): the person of its sessions.
  'identitystore:CreateUser': (c) => {
    const user = str(c.p, 'userName');
    return user === null ? [] : [['principal', user.toLowerCase()]];
  },
  'iam:CreateAccessKey': otherUser,
  'iam:CreateLoginProfile': otherUser,
  'iam:UpdateLoginProfile': otherUser,
  'iam:AddUserToGroup': otherUser,
  'iam:AttachUserPolicy': otherUser,
  'iam:PutUserPolicy': otherUser,
  'ssm:SendCommand': (c) => documentOf(c.p),
  'ssm:StartAutomationExecution': (c) => documentOf(c.p),
  'ssm:CreateAssociation': (c) => documentOf(c.p),
};

/** The user a call acts on, when it is not the caller itself. */
function otherUser(c: Ctx): Array<[TargetKind, string]> {
  const user = str(c.p, 'userName');
  if (user === null || callerUserName(c.e.actor) === user) return [];
  return [['principal', user]];
}

function documentOf(p: Params): Array<[TargetKind, string]> {
  const name = str(p, 'documentName', 'name');
  return name === null ? [] : [['document', name]];
}

function clean(value: string): string {
  return value.replace(/\s+/g, '').slice(0, MAX_VALUE);
}

/** The targets of one event (`kind:value`), sorted and distinct; [] for most events. */
export function extractTargets(c: Ctx): string[] {
  const extractor = EXTRACTORS[c.key];
  if (extractor === undefined) return [];
  let found: Array<[TargetKind, string]>;
  try {
    found = extractor(c);
  } catch {
    // Hostile parameters never break a pipeline: a target we cannot read is no target.
    return [];
  }
  const out = new Set<string>();
  for (const [kind, value] of found) {
    const v = clean(value);
    if (v !== '') out.add(`${kind}:${v}`);
  }
  return [...out].sort().slice(0, MAX_TARGETS);
}

/** The kind and value of a target string (`account:1234...` -> ['account', '1234...']). */
export function splitTarget(target: string): [string, string] {
  const i = target.indexOf(':');
  return i < 0 ? ['value', target] : [target.slice(0, i), target.slice(i + 1)];
}
