// One line per alert: severity, actor, short title, time, status. The full title is the
// row's tooltip and the open alert's heading.
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
  /** The row j/k has moved to. */
  cursor: string | null;
  onSelect: (id: string) => void;
}

/** The title without its leading "actor: ", which the row already shows. */
function shortTitle(a: AlertListItem): string {
  const prefix = `${a.actorName}`;
  const t = a.title.startsWith(prefix) ? a.title.slice(prefix.length).replace(/^( \([^)]*\))?: /, '') : a.title;
  return t;
}

export function Queue({ alerts, filter, onFilter, selected, cursor, onSelect }: QueueProps) {
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
                id={`row-${a.id}`}
                className={`alert-row${a.id === selected ? ' selected' : ''}${a.id === cursor ? ' cursor' : ''}`}
                aria-current={a.id === selected ? 'true' : undefined}
                title={visible(a.title)}
                onClick={() => onSelect(a.id)}
              >
                <span className={`sev sev-${a.severity}`}>{a.severity}</span>
                <span className="actor">{visible(a.actorName)}</span>
                <span className="title">{visible(shortTitle(a))}</span>
                <time dateTime={a.start}>{when(a.start).slice(5, 16)}</time>
                <span className={`status status-${a.status}`}>{a.status}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
