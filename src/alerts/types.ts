/** The alert contract lives in the domain module; re-exported for the alert stages that use it. */
export type {
  Alert,
  AlertEvent,
  AlertReason,
  AlertStatus,
  ResponseStep,
  Severity,
  StoredAlert,
} from '../domain/alert.ts';
