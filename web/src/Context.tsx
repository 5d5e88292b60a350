// What else this identity did around the alert (an hour either side), on demand: the
// journey alone can hide a preparation step or the clean-up after it.
import { useState } from 'react';
import { type Alert, api, type EventSummary } from './api.ts';
import { visible, when } from './text.ts';

const MARGIN_MS = 60 * 60 * 1000;
const LIMIT = 200;

export function Context({ alert }: { alert: Alert }) {
  const [events, setEvents] = useState<EventSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const inJourney = new Set(alert.events.map((e) => e.eventId));

  const load = async () => {
    setLoading(true);
    try {
      const since = new Date(Date.parse(alert.start) - MARGIN_MS).toISOString();
      const until = new Date(Date.parse(alert.end) + MARGIN_MS).toISOString();
      setEvents(await api.events({ actor: alert.actor, since, until, limit: LIMIT }));
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setLoading(false);
    }
  };

  return (
    <>
      <h3>Around this alert</h3>
      {events === null ? (
        <button type="button" className="show-all" disabled={loading} onClick={() => void load()}>
          {loading ? 'Loading…' : 'Show this identity’s activity one hour either side'}
        </button>
      ) : events.length === 0 ? (
        <p className="quiet">No stored activity for this identity in that window.</p>
      ) : (
        <>
          <p className="quiet">
            {events.length}
            {events.length === LIMIT ? '+' : ''} events from{' '}
            {when(new Date(Date.parse(alert.start) - MARGIN_MS).toISOString())}; those of the journey are marked.
          </p>
          <ol className="journey context">
            {events.map((e) => (
              <li
                key={e.eventId}
                className={`step ${e.success ? 'ok' : 'failed'}${inJourney.has(e.eventId) ? ' flagged' : ''}`}
              >
                <span className="outcome" role="img" aria-label={e.success ? 'succeeded' : 'failed'}>
                  {e.success ? '✓' : '✗'}
                </span>
                <time dateTime={e.time}>{when(e.time).slice(11)}</time>
                <code className="action">{visible(e.action)}</code>
                <span className="sentence">{visible(e.sentence)}</span>
              </li>
            ))}
          </ol>
        </>
      )}
      {error !== null && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </>
  );
}
