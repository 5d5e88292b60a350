/**
 * Shared shapes of the simulator: accounts, people, principals (who signs a call) and
 * calls (one future CloudTrail record before it is rendered).
 */

export type AccountRole = 'management' | 'prod' | 'staging' | 'dev' | 'security' | 'dr';

export interface Account {
  id: string;
  role: AccountRole;
  name: string;
  /** Regions with workloads, primary first. */
  regions: string[];
}

export type PersonaKind =
  | 'developer'
  | 'sre'
  | 'iam-admin'
  | 'security'
  | 'data-engineer'
  | 'auditor'
  | 'support'
  /** Only in the company organization (`--org company`). */
  | 'qa'
  | 'ml-engineer'
  | 'finops';

export type ClientKind = 'console' | 'cli' | 'boto3' | 'terraform' | 'sdk-js' | 'sdk-go' | 'sdk-java';

export interface PermissionSetGrant {
  set: string;
  account: AccountRole;
}

export interface Person {
  /** `first.last`. */
  handle: string;
  email: string;
  persona: PersonaKind;
  /** Hours east of UTC of the person's working time zone. */
  tz: number;
  /** Local working hours. */
  startHour: number;
  endHour: number;
  office: string;
  vpn: string;
  home: string;
  clients: ReadonlyArray<readonly [ClientKind, number]>;
  grants: PermissionSetGrant[];
  /** Legacy IAM user with a long-term key (a few people still have one). */
  iamUser: { name: string; account: AccountRole; accessKeyId: string; principalId: string } | null;
  /** Day index the person starts working (0 for the existing staff). */
  joinDay: number;
  onCall: boolean;
}

/** Who signs a call; rendered into `userIdentity`. */
export type Principal =
  | {
      kind: 'iam-user';
      accountId: string;
      userName: string;
      principalId: string;
      accessKeyId: string;
      console: boolean;
      mfa: boolean;
      sessionStart: number;
    }
  | {
      kind: 'role';
      accountId: string;
      roleName: string;
      /** IAM path of the role, e.g. `/aws-reserved/sso.amazonaws.com/` or `/`. */
      rolePath: string;
      roleId: string;
      sessionName: string;
      accessKeyId: string;
      sessionStart: number;
      mfa: boolean;
      console: boolean;
      /** For web identity sessions: the OIDC provider ARN. */
      webIdProvider?: string;
      /** Service-linked roles and service-assumed roles: the service that called. */
      invokedBy?: string;
      sourceIdentity?: string;
    }
  | { kind: 'web-identity'; provider: string; subject: string }
  /** Another AWS account's principal calling into this one (e.g. a vendor assuming an integration role). */
  | { kind: 'aws-account'; accountId: string; principalId: string }
  | { kind: 'service'; service: string }
  | { kind: 'root'; accountId: string; console: boolean; sessionStart: number }
  | { kind: 'identity-center'; accountId: string; userName: string; principalId: string };

/** One API call: everything needed to render a CloudTrail record. */
export interface Call {
  time: number;
  principal: Principal;
  /** recipientAccountId. */
  accountId: string;
  region: string;
  /** `service:Action`, e.g. `iam:CreateUser`; the service is the eventSource prefix. */
  action: string;
  params: Record<string, unknown> | null;
  response: Record<string, unknown> | null;
  errorCode: string | null;
  errorMessage: string | null;
  sourceIp: string;
  userAgent: string;
  eventType: 'AwsApiCall' | 'AwsConsoleSignIn' | 'AwsServiceEvent';
  readOnly: boolean;
  resources: Array<{ ARN: string; accountId: string; type: string }> | null;
  /** Filled in at render time from the call's stream. */
  eventId: string;
}

/** One step of a task or attack, before it is placed in time and signed. */
export interface Step {
  action: string;
  params?: Record<string, unknown> | null;
  response?: Record<string, unknown> | null;
  /** Error code, e.g. `AccessDenied`; the message is derived. */
  error?: string;
  /** Seconds after the previous step (default: a short human pause). */
  gap?: number;
  region?: string;
  /** Account role the call goes to, when it differs from the session's account. */
  account?: AccountRole;
  repeat?: number;
}
