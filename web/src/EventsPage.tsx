// Event search: every field narrows it, newest first, a sentence per event that expands to
// the record as received. The URL holds the query and the page (cursor), so a search can be
// shared; the server bounds the work per page and says how far it looked.
import { type FormEvent, useEffect, useState } from 'react';
import { api, type EventPage, type EventSummary, type Overview, SEARCH_FIELDS, type Search } from './api.ts';
import { Link, navigate, paths } from './route.tsx';
import { count, errorSuffix, visible, when } from './text.ts';

const LABELS: Record<(typeof SEARCH_FIELDS)[number], string> = {
  actor: 'Actor (identity key)',
  action: 'Action (service:Action)',
  service: 'Service',
  account: 'Account',
  region: 'Region',
  source: 'Source address',
  asn: 'Autonomous system (AS…)',
  outcome: 'Outcome',
  since: 'From (UTC)',
  until: 'Until (UTC)',
};

function fromQuery(q: URLSearchParams): Search {
  const out: Search = {};
  for (const f of SEARCH_FIELDS) {
    const v = q.get(f);
    if (v !== null && v !== '') out[f] = v;
  }
  return out;
}

function Row({ e }: { e: EventSummary }) {
  const [record, setRecord] = useState<string | null>(null);
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const toggle = async () => {
    setOpen(!open);
    if (record !== null || open) return;
    try {
      // JSON.stringify escapes C0 controls; `visible` also shows bidi and other invisible characters.
      // Line by line: the layout's own newlines stay (strings inside carry theirs as \n already).
      setRecord(
        JSON.stringify(await api.record(e.eventId), null, 2)
          .split('\n')
          .map(visible)
          .join('\n'),
      );
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const suffix = errorSuffix(e);
  return (
    <li className={`event-row ${e.success ? 'ok' : 'failed'}`}>
      <div className="event-line">
        <span className="outcome" role="img" aria-label={e.success ? 'succeeded' : 'failed'}>
          {e.success ? '✓' : '✗'}
        </span>
        <time dateTime={e.time}>{when(e.time)}</time>
        <Link to={paths.identity(e.actor)} className="actor-link">
          {visible(e.actorName)}
        </Link>
        <code className="action">{visible(e.action)}</code>
        <span className="event-sentence">
          {visible(e.sentence)}
          {suffix && <span className="error-code"> ({visible(suffix)})</span>}
        </span>
        <span className="where quiet">
          {visible(e.accountId)} · {visible(e.region)}
          {e.sourceIp ? ` · ${visible(e.sourceIp)}` : ''}
          {e.sourceAs ? ` (${visible(e.sourceAs)})` : ''}
        </span>
        <button type="button" className="expand" aria-expanded={open} onClick={() => void toggle()}>
          {open ? 'Hide record' : 'Record'}
        </button>
      </div>
      {open && (
        <pre className="record" data-testid="record">
          {error ?? record ?? 'Loading…'}
        </pre>
      )}
    </li>
  );
}

export function EventsPage({ query }: { query: URLSearchParams }) {
  const search = fromQuery(query);
  const cursor = query.get('cursor');
  const [form, setForm] = useState<Search>(search);
  const [page, setPage] = useState<EventPage | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [choices, setChoices] = useState<Overview['choices'] | null>(null);

  useEffect(() => {
    api.overview().then(
      (o) => setChoices(o.choices),
      () => setChoices(null),
    );
  }, []);

  useEffect(() => {
    let live = true;
    api.search(fromQuery(query), query.get('cursor')).then(
      (p) => live && setPage(p),
      (e: Error) => live && setError(e.message),
    );
    return () => {
      live = false;
    };
  }, [query]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const q: Record<string, string> = {};
    for (const f of SEARCH_FIELDS) {
      const v = form[f]?.trim();
      if (v) q[f] = v;
    }
    navigate(paths.events(q));
  };

  const older = () => {
    if (page?.next) navigate(paths.events({ ...(search as Record<string, string>), cursor: page.next }));
  };

  const field = (f: (typeof SEARCH_FIELDS)[number]) => {
    const list =
      f === 'service'
        ? choices?.services
        : f === 'region'
          ? choices?.regions
          : f === 'account'
            ? choices?.accounts
            : null;
    return (
      <div key={f} className="field">
        <label htmlFor={`search-${f}`}>{LABELS[f]}</label>
        {f === 'outcome' ? (
          <select
            id={`search-${f}`}
            value={form.outcome ?? ''}
            onChange={(e) => setForm({ ...form, outcome: e.target.value })}
          >
            <option value="">any</option>
            <option value="success">succeeded</option>
            <option value="failure">failed</option>
          </select>
        ) : (
          <input
            id={`search-${f}`}
            name={f}
            value={form[f] ?? ''}
            list={list ? `choices-${f}` : undefined}
            placeholder={f === 'since' || f === 'until' ? '2026-01-31T12:00:00Z' : ''}
            onChange={(e) => setForm({ ...form, [f]: e.target.value })}
          />
        )}
        {list && (
          <datalist id={`choices-${f}`}>
            {list.slice(0, 200).map((v) => (
              <option key={v} value={v} />
            ))}
          </datalist>
        )}
      </div>
    );
  };

  return (
    <main className="page events-page">
      <form className="panel search" onSubmit={submit} aria-label="Event search">
        <h2>Events</h2>
        <div className="fields">{SEARCH_FIELDS.map(field)}</div>
        <div className="buttons">
          <button type="submit">Search</button>
          <button
            type="button"
            onClick={() => {
              setForm({});
              navigate('/events');
            }}
          >
            Clear
          </button>
        </div>
      </form>
      <section className="panel" aria-label="Results">
        {error !== null && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        {page === null ? (
          <p>Loading…</p>
        ) : (
          <>
            <p className="quiet" data-testid="result-count">
              {page.events.length} event{page.events.length === 1 ? '' : 's'}
              {cursor ? ' (an older page)' : ''}, newest first; {count(page.scanned)} examined.
            </p>
            {page.events.length > 0 && (
              <ol className="events">
                {page.events.map((e) => (
                  <Row key={e.eventId} e={e} />
                ))}
              </ol>
            )}
            {page.next !== null && (
              <button type="button" className="show-all" onClick={older}>
                {page.events.length === 0 ? 'Keep searching older events' : 'Older events'}
              </button>
            )}
          </>
        )}
      </section>
    </main>
  );
}
