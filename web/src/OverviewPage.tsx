// The overview: alerts a week against the budget, events a day, identities and peer groups,
// learning status, how far detection is behind the newest data, and quarantined input.
import { useEffect, useMemo, useState } from 'react';
import { api, type Overview } from './api.ts';
import { Chart } from './Chart.tsx';
import { Link } from './route.tsx';
import { count, when } from './text.ts';

function duration(ms: number): string {
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  if (ms < 172_800_000) return `${(ms / 3_600_000).toFixed(1)} h`;
  return `${Math.round(ms / 86_400_000)} days`;
}

export function OverviewPage() {
  const [data, setData] = useState<Overview | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.overview().then(setData, (e: Error) => setError(e.message));
  }, []);

  const weekly = useMemo(() => {
    if (data === null) return null;
    const days = data.alertsPerWeek.map((w) => w.week);
    return {
      days,
      series: [
        { label: 'alerts', values: data.alertsPerWeek.map((w) => w.alerts), className: 'primary' as const },
        { label: 'budget', values: days.map(() => data.budgetPerWeek), className: 'limit' as const },
      ],
    };
  }, [data]);
  const daily = useMemo(() => {
    if (data === null) return null;
    return {
      days: data.eventsPerDay.map((d) => d.day),
      series: [
        { label: 'events', values: data.eventsPerDay.map((d) => d.events), className: 'primary' as const },
        { label: 'failed', values: data.eventsPerDay.map((d) => d.failures), className: 'secondary' as const },
      ],
    };
  }, [data]);

  if (error !== null)
    return (
      <p role="alert" className="error">
        {error}
      </p>
    );
  if (data === null || weekly === null || daily === null) return <p className="page">Loading…</p>;
  const thisWeek = data.alertsPerWeek.at(-1);
  return (
    <main className="page overview">
      <section className="cards" aria-label="At a glance">
        <div className="card">
          <h2>Open alerts</h2>
          <p className="big">
            <Link to="/alerts">{data.openAlerts}</Link>
          </p>
          <p className="quiet">
            {thisWeek ? `${thisWeek.alerts} in the week of ${thisWeek.week}` : 'none yet'}; budget {data.budgetPerWeek}{' '}
            a week
          </p>
        </div>
        <div className="card">
          <h2>Events</h2>
          <p className="big">{count(data.events)}</p>
          <p className="quiet">
            {data.counting ? 'still counting the stored events · ' : ''}
            {count(data.identities)} identities ·{' '}
            {data.peerGroups === null ? 'no model yet' : `${data.peerGroups} peer groups`}
          </p>
        </div>
        <div className="card" data-testid="learning">
          <h2>Learning</h2>
          <p className="big">{data.learning.learning ? 'learning' : 'detecting'}</p>
          <p className="quiet">
            {data.learning.until === null
              ? 'no detect run yet'
              : data.learning.learning
                ? `learning until ${when(data.learning.until)}`
                : `learned until ${when(data.learning.until)}`}
          </p>
        </div>
        <div className="card" data-testid="lag">
          <h2>Lag</h2>
          <p className="big">{data.lag.behindMs === null ? '–' : duration(data.lag.behindMs)}</p>
          <p className="quiet">
            newest event {data.lag.newestEvent ? when(data.lag.newestEvent) : '–'}
            {data.lag.newestFile ? `; newest file read ${when(data.lag.newestFile)}` : ''}
          </p>
        </div>
        <div className="card" data-testid="quarantine">
          <h2>Quarantined</h2>
          <p className="big">
            {data.quarantine.count === 0 ? 0 : <Link to="/quarantine">{count(data.quarantine.count)}</Link>}
          </p>
          <p className="quiet">
            {Object.entries(data.quarantine.byCode)
              .map(([code, n]) => `${code} ${n}`)
              .join(', ') || 'nothing unreadable'}
          </p>
        </div>
      </section>
      <section className="panel">
        <h2>Alerts a week against the budget</h2>
        {weekly.days.length === 0 ? (
          <p className="quiet">No alerts yet.</p>
        ) : (
          <Chart {...weekly} bars label="Alerts per week" />
        )}
      </section>
      <section className="panel">
        <h2>Events a day</h2>
        {daily.days.length === 0 ? (
          <p className="quiet">No events yet.</p>
        ) : (
          <Chart {...daily} label="Events per day" />
        )}
      </section>
    </main>
  );
}
