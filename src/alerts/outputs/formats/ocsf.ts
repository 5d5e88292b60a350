/**
 * OCSF 1.x Detection Finding (class 2004, category Findings): one finding per alert, the
 * journey's CloudTrail events as `evidences`, ATT&CK techniques in `finding_info.attacks`,
 * the reasons with their weights in `risk_details`. The attributes OCSF requires for the
 * class are checked in `formats.test.ts` against `fixtures/ocsf/detection-finding-required.json`.
 */
import type { Alert } from '../../types.ts';
import type { AlertFormat } from '../types.ts';
import { accountOfArn, alertUrl, PRODUCT_NAME, PRODUCT_VERSION, splitTechnique } from './product.ts';

export const OCSF_VERSION = '1.3.0';
const CLASS_UID = 2004;
const CATEGORY_UID = 2;
const ACTIVITY_CREATE = 1;

const SEVERITY_ID: Record<Alert['severity'], [number, string]> = {
  low: [2, 'Low'],
  medium: [3, 'Medium'],
  high: [4, 'High'],
  critical: [5, 'Critical'],
};
// Triage state → OCSF finding status: acknowledged and malicious are being worked on, benign is suppressed.
const STATUS_ID: Record<Alert['status'], [number, string]> = {
  new: [1, 'New'],
  acknowledged: [2, 'In Progress'],
  malicious: [2, 'In Progress'],
  benign: [3, 'Suppressed'],
};

export function ocsfFinding(alert: Alert, now: number, dashboardUrl?: string): Record<string, unknown> {
  const [severityId, severity] = SEVERITY_ID[alert.severity];
  const [statusId, status] = STATUS_ID[alert.status];
  const start = Date.parse(alert.start);
  const end = Date.parse(alert.end);
  const account = accountOfArn(alert.actor);
  const user = { uid: alert.actor, name: alert.actorName };
  const attacks = alert.techniques.map((id) => {
    const { technique, sub } = splitTechnique(id);
    return sub === null
      ? { technique: { uid: technique } }
      : { technique: { uid: technique }, sub_technique: { uid: sub } };
  });
  const evidences = alert.events.map((e) => {
    const [service, operation] = e.action.includes(':') ? e.action.split(':', 2) : ['', e.action];
    return {
      uid: e.eventId,
      name: 'CloudTrail event',
      actor: { user },
      api: {
        operation,
        service: { name: service },
        ...(e.errorCode === null ? {} : { response: { error: e.errorCode } }),
      },
      data: { time: e.time, success: e.success, sentence: e.sentence },
    };
  });
  return {
    class_uid: CLASS_UID,
    class_name: 'Detection Finding',
    category_uid: CATEGORY_UID,
    category_name: 'Findings',
    activity_id: ACTIVITY_CREATE,
    activity_name: 'Create',
    type_uid: CLASS_UID * 100 + ACTIVITY_CREATE,
    type_name: 'Detection Finding: Create',
    severity_id: severityId,
    severity,
    status_id: statusId,
    status,
    time: now,
    start_time: start,
    end_time: end,
    message: alert.summary,
    is_alert: true,
    risk_score: Math.round(alert.score),
    risk_details: alert.reasons.map((r) => `${r.text} (+${r.weight})`).join('; '),
    metadata: {
      version: OCSF_VERSION,
      uid: alert.id,
      product: { name: PRODUCT_NAME, vendor_name: PRODUCT_NAME, version: PRODUCT_VERSION },
    },
    finding_info: {
      uid: alert.id,
      title: alert.title,
      desc: alert.summary,
      created_time: now,
      first_seen_time: start,
      last_seen_time: end,
      types: [...new Set(alert.reasons.map((r) => r.kind))],
      analytic: { name: 'journey model', type_id: 2, type: 'Behavioral' },
      related_events_count: alert.events.length,
      ...(attacks.length > 0 ? { attacks } : {}),
      ...(dashboardUrl === undefined ? {} : { src_url: alertUrl(dashboardUrl, alert.id) }),
    },
    evidences,
    actor: { user },
    ...(account === null ? {} : { cloud: { provider: 'AWS', account: { uid: account } } }),
    unmapped: { peer_group: alert.peerGroup, typical_journey: alert.typicalJourney, note: alert.note },
  };
}

export const ocsfFormat: AlertFormat = {
  name: 'ocsf',
  description: `OCSF ${OCSF_VERSION} Detection Finding (class 2004)`,
  kind: 'json',
  render: (alert, context) => ocsfFinding(alert, context.now, context.dashboardUrl),
};
