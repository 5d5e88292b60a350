/**
 * What to do next: containment steps derived from an alert's events, each with the AWS CLI
 * command that performs it. Trailhound never runs them; an analyst reads, decides and pastes.
 *
 * Every value in a command comes from a CloudTrail record and may be hostile: it is always
 * single-quoted for a POSIX shell (`shellQuote`), so pasting a command can only ever pass
 * strings to `aws`, never run anything else. The terminal and the dashboard further show
 * control and bidi characters as visible escapes.
 */
import type { ResponseStep } from '../domain/alert.ts';
import type { Event } from '../normalize/event.ts';

export type { ResponseStep };

/** Single-quotes `s` for a POSIX shell: inside single quotes nothing is special but `'`. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

type Params = Record<string, unknown>;

const str = (o: unknown, key: string): string | null => {
  if (o === null || typeof o !== 'object') return null;
  const v = (o as Params)[key];
  return typeof v === 'string' && v !== '' ? v : null;
};

const obj = (o: unknown, key: string): Params | null => {
  if (o === null || typeof o !== 'object') return null;
  const v = (o as Params)[key];
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Params) : null;
};

/** The last path segment of an IAM ARN (`arn:aws:iam::1:user/path/alice` -> `alice`). */
function arnName(arn: string | null): string | null {
  if (!arn) return null;
  const m = /^arn:aws[\w-]*:iam::\d*:(?:user|role|group)\/(?:.*\/)?([^/]+)$/.exec(arn);
  return m?.[1] ?? null;
}

/** The IAM user an event acted on: `userName` in the request, else the caller itself. */
function targetUser(e: Event): string | null {
  return str(e.requestParameters, 'userName') ?? (e.actor.type === 'iam-user' ? arnName(e.actor.key) : null);
}

/** Account ids (or `all`) added to an EC2 attribute's permission list. */
function sharedWith(e: Event, attribute: string): Array<{ userId?: string; group?: string }> {
  const items = obj(obj(e.requestParameters, attribute), 'add')?.items;
  if (!Array.isArray(items)) return [];
  const out: Array<{ userId?: string; group?: string }> = [];
  for (const item of items) {
    const userId = str(item, 'userId');
    const group = str(item, 'group');
    if (userId) out.push({ userId });
    else if (group) out.push({ group });
  }
  return out;
}

const region = (e: Event) => `--region ${shellQuote(e.region)}`;

/** The steps one successful event calls for. */
function stepsForEvent(e: Event): ResponseStep[] {
  const p = e.requestParameters;
  const ids = [e.eventId];
  const q = shellQuote;
  const name = `${e.service}:${e.actionKey}`;
  switch (name) {
    case 'iam:CreateAccessKey': {
      const key = obj(e.responseElements, 'accessKey');
      const keyId = str(key, 'accessKeyId');
      const user = str(key, 'userName') ?? targetUser(e);
      if (!keyId || !user) return [];
      return [
        {
          kind: 'deactivate-access-key',
          text: `Deactivate access key ${keyId} created for ${user}`,
          command: `aws iam update-access-key --user-name ${q(user)} --access-key-id ${q(keyId)} --status Inactive`,
          eventIds: ids,
        },
      ];
    }
    case 'iam:AttachUserPolicy':
    case 'iam:AttachRolePolicy':
    case 'iam:AttachGroupPolicy': {
      const kind = name === 'iam:AttachUserPolicy' ? 'user' : name === 'iam:AttachRolePolicy' ? 'role' : 'group';
      const policy = str(p, 'policyArn');
      const holder = str(p, `${kind}Name`);
      if (!policy || !holder) return [];
      return [
        {
          kind: 'detach-policy',
          text: `Detach policy ${policy} from ${kind} ${holder}`,
          command: `aws iam detach-${kind}-policy --${kind}-name ${q(holder)} --policy-arn ${q(policy)}`,
          eventIds: ids,
        },
      ];
    }
    case 'iam:PutUserPolicy':
    case 'iam:PutRolePolicy':
    case 'iam:PutGroupPolicy': {
      const kind = name === 'iam:PutUserPolicy' ? 'user' : name === 'iam:PutRolePolicy' ? 'role' : 'group';
      const policy = str(p, 'policyName');
      const holder = str(p, `${kind}Name`);
      if (!policy || !holder) return [];
      return [
        {
          kind: 'delete-inline-policy',
          text: `Delete inline policy ${policy} from ${kind} ${holder}`,
          command: `aws iam delete-${kind}-policy --${kind}-name ${q(holder)} --policy-name ${q(policy)}`,
          eventIds: ids,
        },
      ];
    }
    case 'iam:CreateLoginProfile':
    case 'iam:UpdateLoginProfile': {
      const user = targetUser(e);
      if (!user) return [];
      return [
        {
          kind: 'delete-login-profile',
          text: `Delete the console password of ${user} (${name === 'iam:CreateLoginProfile' ? 'created' : 'changed'} in this alert)`,
          command: `aws iam delete-login-profile --user-name ${q(user)}`,
          eventIds: ids,
        },
      ];
    }
    case 'iam:AddUserToGroup': {
      const user = str(p, 'userName');
      const group = str(p, 'groupName');
      if (!user || !group) return [];
      return [
        {
          kind: 'remove-from-group',
          text: `Remove ${user} from group ${group}`,
          command: `aws iam remove-user-from-group --group-name ${q(group)} --user-name ${q(user)}`,
          eventIds: ids,
        },
      ];
    }
    case 'iam:CreateUser': {
      const user = str(p, 'userName');
      if (!user) return [];
      return [
        {
          kind: 'review-user',
          text: `List what user ${user} (created in this alert) holds before deleting it: keys, password, policies, groups`,
          command: `aws iam list-access-keys --user-name ${q(user)}; aws iam list-attached-user-policies --user-name ${q(user)}; aws iam list-groups-for-user --user-name ${q(user)}`,
          eventIds: ids,
        },
      ];
    }
    case 'iam:CreateRole':
    case 'iam:UpdateAssumeRolePolicy': {
      const role = str(p, 'roleName');
      if (!role) return [];
      return [
        {
          kind: 'review-trust-policy',
          text: `Check who role ${role} trusts now (its trust policy was ${name === 'iam:CreateRole' ? 'written' : 'changed'} in this alert)`,
          command: `aws iam get-role --role-name ${q(role)} --query Role.AssumeRolePolicyDocument`,
          eventIds: ids,
        },
      ];
    }
    case 'cloudtrail:StopLogging': {
      const trail = str(p, 'name');
      if (!trail) return [];
      return [
        {
          kind: 'restart-trail',
          text: `Restart logging on trail ${trail}`,
          command: `aws cloudtrail start-logging --name ${q(trail)} ${region(e)}`,
          eventIds: ids,
        },
      ];
    }
    case 'cloudtrail:PutEventSelectors': {
      const trail = str(p, 'trailName');
      if (!trail) return [];
      return [
        {
          kind: 'review-trail-selectors',
          text: `Check which events trail ${trail} still records (its event selectors were changed)`,
          command: `aws cloudtrail get-event-selectors --trail-name ${q(trail)} ${region(e)}`,
          eventIds: ids,
        },
      ];
    }
    case 'ec2:ModifySnapshotAttribute': {
      const snapshot = str(p, 'snapshotId');
      if (!snapshot) return [];
      return sharedWith(e, 'createVolumePermission').map((s) => ({
        kind: 'revoke-snapshot-share',
        text: s.userId
          ? `Revoke the share of snapshot ${snapshot} with account ${s.userId}`
          : `Make snapshot ${snapshot} private again (shared with group ${s.group})`,
        command: `aws ec2 modify-snapshot-attribute --snapshot-id ${q(snapshot)} --attribute createVolumePermission --operation-type remove ${s.userId ? `--user-ids ${q(s.userId)}` : `--group-names ${q(s.group as string)}`} ${region(e)}`,
        eventIds: ids,
      }));
    }
    case 'ec2:ModifyImageAttribute': {
      const image = str(p, 'imageId');
      if (!image) return [];
      return sharedWith(e, 'launchPermission').map((s) => ({
        kind: 'revoke-image-share',
        text: s.userId
          ? `Revoke the share of image ${image} with account ${s.userId}`
          : `Make image ${image} private again (shared with group ${s.group})`,
        command: `aws ec2 modify-image-attribute --image-id ${q(image)} --launch-permission ${q(JSON.stringify({ Remove: [s.userId ? { UserId: s.userId } : { Group: s.group }] }))} ${region(e)}`,
        eventIds: ids,
      }));
    }
    case 'rds:ModifyDBSnapshotAttribute': {
      const snapshot = str(p, 'dBSnapshotIdentifier');
      const added = p?.valuesToAdd;
      if (!snapshot || str(p, 'attributeName') !== 'restore' || !Array.isArray(added)) return [];
      return added
        .filter((v): v is string => typeof v === 'string' && v !== '')
        .map((account) => ({
          kind: 'revoke-db-snapshot-share',
          text: `Revoke the share of DB snapshot ${snapshot} with ${account === 'all' ? 'everyone' : `account ${account}`}`,
          command: `aws rds modify-db-snapshot-attribute --db-snapshot-identifier ${q(snapshot)} --attribute-name restore --values-to-remove ${q(account)} ${region(e)}`,
          eventIds: ids,
        }));
    }
    default:
      return [];
  }
}

/** Steps for the credential the actor used, placed first: contain before cleaning up. */
function stepsForActor(events: readonly Event[], end: string): ResponseStep[] {
  const out: ResponseStep[] = [];
  const first = events[0];
  if (!first) return out;
  const actor = first.actor;
  if (actor.type === 'iam-user') {
    const user = arnName(actor.key);
    const keys = new Map<string, string[]>();
    for (const e of events)
      if (e.session && /^AKIA[A-Z0-9]{4,124}$/.test(e.session))
        keys.set(e.session, [...(keys.get(e.session) ?? []), e.eventId]);
    if (user)
      for (const [key, ids] of keys)
        out.push({
          kind: 'deactivate-access-key',
          text: `Deactivate access key ${key} of ${user}, used for these calls`,
          command: `aws iam update-access-key --user-name ${shellQuote(user)} --access-key-id ${shellQuote(key)} --status Inactive`,
          eventIds: ids,
        });
    const consoleIds = events.filter((e) => e.console).map((e) => e.eventId);
    if (user && consoleIds.length > 0)
      out.push({
        kind: 'delete-login-profile',
        text: `Delete the console password of ${user}, who signed in to the console for these calls`,
        command: `aws iam delete-login-profile --user-name ${shellQuote(user)}`,
        eventIds: consoleIds,
      });
  } else if (actor.type === 'assumed-role' && actor.roleArn) {
    const role = arnName(actor.roleArn);
    if (role) {
      // The AWS-documented way to revoke a role's sessions: deny every token issued before T.
      const policy = JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Deny', Action: '*', Resource: '*', Condition: { DateLessThan: { 'aws:TokenIssueTime': end } } },
        ],
      });
      out.push({
        kind: 'revoke-role-sessions',
        text: `Revoke every session of role ${role} issued before ${end}`,
        command: `aws iam put-role-policy --role-name ${shellQuote(role)} --policy-name AWSRevokeOlderSessions --policy-document ${shellQuote(policy)}`,
        eventIds: events.map((e) => e.eventId),
      });
    }
  }
  return out;
}

/**
 * The response steps for an alert's events (successful calls only: a refused call changed
 * nothing). `end` is the alert's end (ISO-8601), the cut-off for revoking sessions. When an
 * alert grows, pass its previous steps: they are kept, and a step with the same command is
 * merged (event ids joined) rather than repeated.
 */
export function responseSteps(
  events: readonly Event[],
  end: string,
  previous: readonly ResponseStep[] = [],
): ResponseStep[] {
  const ordered = [...events].sort((a, b) => a.time - b.time || (a.eventId < b.eventId ? -1 : 1));
  const fresh = [...stepsForActor(ordered, end), ...ordered.filter((e) => e.success).flatMap(stepsForEvent)];
  const byCommand = new Map<string, ResponseStep>();
  for (const step of [...previous, ...fresh]) {
    // A later cut-off replaces the earlier revoke-sessions step: one per role.
    const key =
      step.kind === 'revoke-role-sessions'
        ? `${step.kind}:${step.text.replace(/ issued before .*$/, '')}`
        : step.command;
    const prev = byCommand.get(key);
    if (prev === undefined) {
      byCommand.set(key, { ...step, eventIds: [...step.eventIds] });
      continue;
    }
    const eventIds = [...new Set([...prev.eventIds, ...step.eventIds])];
    byCommand.set(key, step.kind === 'revoke-role-sessions' ? { ...step, eventIds } : { ...prev, eventIds });
  }
  return [...byCommand.values()];
}
