/**
 * The typed boundary between `normalize` and everything downstream: one CloudTrail
 * API record as Trailhound understands it. Every string here was written by whoever
 * called AWS (an attacker included): render it escaped, bind it in SQL, never eval it.
 */

/** What kind of principal made the call, after resolving CloudTrail's `userIdentity.type`. */
export type ActorType =
  | 'iam-user'
  | 'assumed-role'
  | 'identity-center-user'
  | 'root'
  | 'federated-user'
  | 'web-identity'
  | 'saml-user'
  | 'aws-service'
  | 'aws-account'
  | 'unknown';

/**
 * The stable identity a baseline attaches to. `key` never changes from one session to
 * the next: an IAM user's ARN; a role plus the person behind it when CloudTrail shows one;
 * `root:<account>`; `service:<principal>`. Sessions live in `Event.session`, not here.
 */
export interface Actor {
  /** Stable identity key, e.g. `arn:aws:iam::111122223333:user/alice` or `arn:aws:iam::111122223333:role/Admin/alice@example.com`. */
  key: string;
  type: ActorType;
  /** Short readable name for sentences and tables, e.g. `alice`, `Admin (alice@example.com)`, `root`. */
  name: string;
  /** The account the principal belongs to (may differ from `Event.accountId` for cross-account calls). */
  accountId: string | null;
  /** For assumed roles: the role ARN (`sessionIssuer.arn`); the role-level persona. */
  roleArn: string | null;
  /** The person behind a role session where CloudTrail shows one (SSO user, session name, sourceIdentity). */
  person: string | null;
  /** The principal's account differs from the account that received the call. */
  crossAccount: boolean;
  /** For AWS services: the service principal that called on the actor's behalf (`invokedBy`). */
  invokedBy: string | null;
  /** For role sessions: the session name (`i-0abc...` for an instance profile, the function for Lambda). */
  sessionName: string | null;
  /**
   * The compute whose role this session is (`ec2` instance profile, `ecs` task, `lambda` function),
   * from the session name or user agent at normalize time, or from the credential's issuer at ingest.
   */
  compute: ComputeKind | null;
  /**
   * The credential hops from the origin to this identity, e.g. `["arn:aws:iam::1:user/alice",
   * "arn:aws:iam::1:role/deploy", "arn:aws:iam::2:role/admin"]`; null until the ingest traces the
   * session's access key to the call that issued it (see store/credentials.ts).
   */
  chain: string[] | null;
}

export type ComputeKind = 'ec2' | 'ecs' | 'lambda';

/** Broad family of the calling software, from the user agent. */
export type ClientClass =
  | 'console'
  | 'aws-cli'
  | 'sdk'
  | 'terraform'
  | 'cloudformation'
  | 'iac'
  | 'aws-service'
  | 'aws-internal'
  | 'browser'
  | 'offensive'
  | 'unknown';

export interface Client {
  class: ClientClass;
  /** Product name, e.g. `aws-cli`, `Boto3`, `aws-sdk-go-v2`, `Terraform`, `Pacu`, `stratus-red-team`. */
  name: string | null;
  version: string | null;
  /** SDK language where known: `python`, `go`, `java`, `js`, `ruby`, `dotnet`, ... */
  language: string | null;
}

/** A resource the call touched, from `resources[]` or the request parameters. */
export interface ResourceRef {
  type: string | null;
  arn: string | null;
  name: string | null;
  accountId: string | null;
}

export interface Event {
  /** CloudTrail `eventID`: the idempotency key. */
  eventId: string;
  /** Epoch milliseconds (UTC). */
  time: number;
  /** ISO-8601 UTC rendering of `time`. */
  eventTime: string;
  /** `recipientAccountId`, else the actor's account. */
  accountId: string;
  region: string;
  /** Raw `eventSource`, e.g. `iam.amazonaws.com`. */
  eventSource: string;
  /** Service prefix from eventSource, e.g. `iam`, `ec2`, `s3`. */
  service: string;
  /** Raw `eventName`, e.g. `UpdateFunctionCode20150331v2`. */
  action: string;
  /** `action` without version suffixes, e.g. `UpdateFunctionCode`. */
  actionKey: string;
  /** `eventType`: AwsApiCall, AwsConsoleSignIn, AwsServiceEvent, AwsConsoleAction, ... */
  eventType: string;
  readOnly: boolean | null;
  success: boolean;
  errorCode: string | null;
  errorMessage: string | null;
  sourceIp: string | null;
  userAgent: string | null;
  client: Client;
  /** MFA was used to authenticate the session, when CloudTrail says. */
  mfa: boolean | null;
  /** The call came from a console session (`sessionCredentialFromConsole` or a sign-in event). */
  console: boolean;
  actor: Actor;
  /** Credential session: access key id, else console session id; kept apart from the actor. */
  session: string | null;
  /** When the credential session was created (epoch ms), from `sessionContext.attributes.creationDate`. */
  sessionStart: number | null;
  requestParameters: Record<string, unknown> | null;
  responseElements: Record<string, unknown> | null;
  resources: ResourceRef[];
}
