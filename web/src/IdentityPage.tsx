// One identity: who it is, its peer group, what it usually does (typical journeys, networks
// with their autonomous systems, clients, regions, hours of the week), its activity over time,
// and its alerts with the verdicts given on them. "Why is this unusual for her" is answered here.
import { useEffect, useMemo, useState } from 'react';
// Pure and dependency-free: shared with the terminal rendering.
import { foldRepeats } from '../../src/alerts/sequence.ts';
import { api, type IdentityProfile } from './api.ts';
import { Chart } from './Chart.tsx';
import { Link, paths } from './route.tsx';
import { count, visible, when } from './text.ts';

const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

export function Journey({ tokens }: { tokens: string[] }) {
  return (
    <ol className="typical">
      {foldRepeats(tokens).map((part, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a journey may repeat a step; position is its identity
        <li key={i} className={part.steps.length > 1 && part.times > 1 ? 'group' : undefined}>
          {part.steps.map((t, k) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: as above
            <code key={k}>{visible(t)}</code>
          ))}
          {part.times > 1 && <span className="times"> ×{part.times}</span>}
        </li>
      ))}
    </ol>
  );
}

/** Hours of the UTC week as a grid; each cell's shade is one of 6 levels (no inline styles under the CSP). */
function HeatMap({ hours }: { hours: number[] }) {
  const max = Math.max(1, ...hours);
  return (
    <table className="heat" aria-label="Events per hour of the week (UTC)">
      <thead>
        <tr>
          <th />
          {Array.from({ length: 24 }, (_, h) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: the hour is the key
            <th key={h} scope="col">
              {h % 3 === 0 ? h : ''}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {DAYS.map((d, day) => (
          <tr key={d}>
            <th scope="row">{d}</th>
            {Array.from({ length: 24 }, (_, h) => {
              const n = hours[day * 24 + h] ?? 0;
              const level = n === 0 ? 0 : 1 + Math.min(4, Math.floor((n / max) * 5));
              return (
                // biome-ignore lint/suspicious/noArrayIndexKey: the hour is the key
                <td key={h} className={`l${level}`} title={`${d} ${String(h).padStart(2, '0')}:00 UTC: ${n} events`} />
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Counts({ title, rows }: { title: string; rows: Array<[string, number]> }) {
  return (
    <div className="counts">
      <h3>{title}</h3>
      {rows.length === 0 ? (
        <p className="quiet">none learned yet</p>
      ) : (
        <ul>
          {rows.map(([label, n]) => (
            <li key={label}>
              <code>{visible(label)}</code> <span className="quiet">{count(n)} journeys</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/**
 * A member's name, with its account when another member shows the same name (the same role
 * and person in several accounts are separate identities).
 */
function memberLabel(m: { key: string; name: string }, all: ReadonlyArray<{ key: string; name: string }>): string {
  if (all.filter((o) => o.name === m.name).length < 2) return m.name;
  const account = /^arn:aws[a-z-]*:(?:iam|sts)::(\d{12}):/.exec(m.key)?.[1];
  return `${m.name} (${account === undefined ? m.key : `account ${account}`})`;
}

export function IdentityPage({ identityKey }: { identityKey: string }) {
  const [p, setP] = useState<IdentityProfile | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    window.scrollTo({ top: 0 });
    api.identity(identityKey).then(setP, (e: Error) => setError(e.message));
  }, [identityKey]);
  const activity = useMemo(
    () =>
      p === null
        ? null
        : {
            days: p.activity.map((d) => d.day),
            series: [
              { label: 'events', values: p.activity.map((d) => d.events), className: 'primary' as const },
              { label: 'failed', values: p.activity.map((d) => d.failures), className: 'secondary' as const },
            ],
          },
    [p],
  );

  if (error !== null)
    return (
      <p role="alert" className="error">
        {error}
      </p>
    );
  if (p === null || activity === null) return <p className="page">Loading…</p>;
  const verdictOf = new Map(p.verdicts.map((v) => [v.alertId, v]));
  return (
    <main className="page identity">
      <section className="panel">
        <h2 id="identity-name">{visible(p.name)}</h2>
        <dl className="facts">
          <dt>Identity</dt>
          <dd>
            <code>{visible(p.key)}</code>
          </dd>
          <dt>Type</dt>
          <dd>{visible(p.type)}</dd>
          <dt>Account</dt>
          <dd>{p.accountId ? visible(p.accountId) : '–'}</dd>
          {p.roleArn && (
            <>
              <dt>Role</dt>
              <dd>
                <code>{visible(p.roleArn)}</code>
              </dd>
            </>
          )}
          {p.person && (
            <>
              <dt>Person behind the sessions</dt>
              <dd>{visible(p.person)}</dd>
            </>
          )}
          {p.assumedBy.length > 0 && (
            <>
              <dt>Assumed by</dt>
              <dd>
                {p.assumedBy.map((a, i) => (
                  <span key={a.actor}>
                    {i > 0 && ', '}
                    <Link to={paths.identity(a.actor)}>{visible(a.name)}</Link>
                  </span>
                ))}
              </dd>
            </>
          )}
          <dt>Seen</dt>
          <dd>
            {p.firstEvent ? when(p.firstEvent) : '–'} – {p.lastEvent ? when(p.lastEvent) : '–'}: {count(p.events)}{' '}
            events, {count(p.failures)} failed
          </dd>
        </dl>
        <p>
          <Link to={paths.events({ actor: p.key })}>Search this identity’s events</Link>
        </p>
      </section>

      <section className="panel">
        <h2>Peer group</h2>
        {p.model === null ? (
          <p className="quiet">The detector has not scored this identity yet (run trailhound detect).</p>
        ) : p.model.peerGroup === null ? (
          <p className="quiet">No peer group yet ({p.model.journeys} journeys learned).</p>
        ) : (
          <>
            <p>
              {visible(p.model.peerGroup.name)} · {p.model.journeys} journeys learned
            </p>
            <ul className="members">
              {p.model.peerGroup.members.map((m, _, all) => {
                const label = memberLabel(m, all);
                return (
                  <li key={m.key}>
                    {m.key === p.key ? (
                      <strong>{visible(label)}</strong>
                    ) : (
                      <Link to={paths.identity(m.key)}>{visible(label)}</Link>
                    )}
                  </li>
                );
              })}
            </ul>
            {p.model.peerGroup.size > p.model.peerGroup.members.length ? (
              <p className="quiet">and {count(p.model.peerGroup.size - p.model.peerGroup.members.length)} more</p>
            ) : null}
          </>
        )}
      </section>

      {p.model !== null && (
        <section className="panel">
          <h2>Usually</h2>
          <h3>Typical journeys</h3>
          {p.model.typicalJourneys.length === 0 ? (
            <p className="quiet">No typical journey learned yet.</p>
          ) : (
            <ul className="journeys">
              {p.model.typicalJourneys.map((j, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: ranked list; the rank is the key
                <li key={i}>
                  <span className="quiet">
                    {count(j.journeys)} journeys, last {when(j.last)}
                  </span>
                  <Journey tokens={j.tokens} />
                </li>
              ))}
            </ul>
          )}
          <div className="count-grid">
            <Counts title="Networks" rows={p.model.networks.map((n) => [n.network, n.journeys])} />
            <Counts title="Autonomous systems" rows={p.model.systems.map((n) => [n.as, n.journeys])} />
            <Counts title="Clients" rows={p.model.clients.map((n) => [n.client, n.journeys])} />
            <Counts title="Regions" rows={p.model.regions.map((n) => [n.region, n.journeys])} />
          </div>
        </section>
      )}

      <section className="panel">
        <h2>Hours of the week (UTC)</h2>
        <HeatMap hours={p.hoursOfWeek} />
      </section>

      <section className="panel">
        <h2>Activity</h2>
        {activity.days.length === 0 ? (
          <p className="quiet">No counted activity.</p>
        ) : (
          <Chart {...activity} label="Events per day" />
        )}
      </section>

      <section className="panel">
        <h2>Alerts</h2>
        {p.alerts.length === 0 ? (
          <p className="quiet">No alerts for this identity.</p>
        ) : (
          <ul className="identity-alerts">
            {p.alerts.map((a) => {
              const v = verdictOf.get(a.id);
              return (
                <li key={a.id}>
                  <span className={`sev sev-${a.severity}`}>{a.severity}</span>{' '}
                  <Link to={paths.alert(a.id)}>{visible(a.title)}</Link> <time dateTime={a.start}>{when(a.start)}</time>{' '}
                  <span className={`status status-${a.status}`}>{a.status}</span>
                  {v && (
                    <span className="quiet">
                      {' '}
                      · {v.verdict} {when(v.at)}
                      {v.analyst ? ` by ${visible(v.analyst)}` : ''}
                      {v.note ? `: ${visible(v.note)}` : ''}
                      {v.suppressedUntil ? `; silenced until ${when(v.suppressedUntil)}` : ''}
                    </span>
                  )}
                </li>
              );
            })}
          </ul>
        )}
      </section>
    </main>
  );
}
