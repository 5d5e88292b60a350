import type { AlertListItem, AlertStatus } from './api.ts';
import { visible, when } from './text.ts';

const FILTERS: Array<[AlertStatus | 'all', string]> = [
  ['new', 'New'],
  ['acknowledged', 'Acknowledged'],
  ['malicious', 'Malicious'],
  ['benign', 'Benign'],
  ['all', 'All'],
];

interface QueueProps {
  alerts: AlertListItem[] | null;
  filter: AlertStatus | 'all';
  onFilter: (f: AlertStatus | 'all') => void;
  selected: string | null;
  onSelect: (id: string) => void;
}

export function Queue({ alerts, filter, onFilter, selected, onSelect }: QueueProps) {
  return (
    <section className="queue" aria-label="Alert queue">
      <div className="queue-head">
        <h2>Alerts</h2>
        <label>
          Status{' '}
          <select value={filter} onChange={(e) => onFilter(e.target.value as AlertStatus | 'all')}>
            {FILTERS.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
      </div>
      {alerts === null ? (
        <p>Loading…</p>
      ) : alerts.length === 0 ? (
        <p className="quiet">No alerts with this status. Trailhound stays quiet unless something is worth your time.</p>
      ) : (
        <ul className="alert-list">
          {alerts.map((a) => (
            <li key={a.id}>
              <button
                type="button"
                className={a.id === selected ? 'alert-row selected' : 'alert-row'}
                aria-current={a.id === selected ? 'true' : undefined}
                onClick={() => onSelect(a.id)}
              >
                <span className={`sev sev-${a.severity}`}>{a.severity}</span>
                <span className="score" title="risk score">
                  {Math.round(a.score)}
                </span>
                <span className="title">{visible(a.title)}</span>
                <span className="meta">
                  <span className="actor">{visible(a.actorName)}</span> ·{' '}
                  <time dateTime={a.start}>{when(a.start)}</time> ·{' '}
                  <span className={`status status-${a.status}`}>{a.status}</span>
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
