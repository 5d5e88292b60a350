/** Hand-built `EventRow`s for the detector's unit tests (named fixtures, no store needed). */
import type { EventRow } from '../domain/event.ts';

let nextId = 1;

export const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
export const MIN = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

/** One event: `action` is `service:Action`; everything else defaults to a quiet IAM user. */
export function row(action: string, time: number, over: Partial<EventRow> = {}): EventRow {
  const [service, actionKey] = action.split(':') as [string, string];
  const id = nextId++;
  const actorName = over.actorName ?? (over.actorKey ? (over.actorKey.split('/').pop() ?? 'x') : 'alice');
  return {
    id,
    eventId: over.eventId ?? `ev-${String(id).padStart(8, '0')}`,
    time,
    accountId: '111122223333',
    region: 'us-east-1',
    service,
    action: actionKey,
    actionKey,
    eventType: 'AwsApiCall',
    readOnly: /^(Describe|List|Get)/.test(actionKey),
    success: true,
    errorCode: null,
    sourceIp: '198.51.100.7',
    clientClass: 'aws-cli',
    clientName: 'aws-cli',
    mfa: true,
    console: false,
    actorKey: `arn:aws:iam::111122223333:user/${actorName}`,
    actorType: 'iam-user',
    actorName,
    actorAccount: '111122223333',
    roleArn: null,
    session: 'AKIAEXAMPLE',
    facts: [],
    risk: 0.05,
    targets: [],
    ...over,
  };
}

/** A journey of `actions` one minute apart starting at `start`. */
export function seq(actions: readonly string[], start: number, over: Partial<EventRow> = {}): EventRow[] {
  return actions.map((a, i) => row(a, start + i * MIN, over));
}
