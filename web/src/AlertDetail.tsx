// One alert as an analyst reads it: what happened in plain words, every step of the
// journey in order with its outcome, why it was raised, what this identity usually does,
// and the verdict buttons. Every CloudTrail string is rendered as text (React escaping)
// after `visible` makes control and bidi characters show as escapes.
import { useEffect, useId, useRef, useState } from 'react';
// Pure and dependency-free: shared with the terminal rendering.
import { foldRepeats } from '../../src/alerts/sequence.ts';
import { type Alert, api, type Verdict } from './api.ts';
import { Context } from './Context.tsx';
import { ResponseSteps } from './ResponseSteps.tsx';
import { Link, paths } from './route.tsx';
import { errorSuffix, techniqueUrl, visible, when } from './text.ts';

// Journeys longer than this fold to their first steps plus the steps the reasons name.
const FOLD_ABOVE = 40;
const FOLD_HEAD = 20;

const VERDICTS: Array<[Verdict, string]> = [
  ['benign', 'Benign'],
  ['malicious', 'Malicious'],
  ['acknowledged', 'Acknowledge'],
];

export function AlertDetail({ id, onChanged }: { id: string; onChanged: () => void }) {
  const [alert, setAlert] = useState<Alert | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const [showAll, setShowAll] = useState(false);
  const [suppress, setSuppress] = useState(false);
  const [suppressDays, setSuppressDays] = useState(30);
  const noteId = useId();
  const top = useRef<HTMLElement | null>(null);

  // Opening an alert low in the queue must not leave its title scrolled off screen.
  useEffect(() => {
    void id;
    window.scrollTo({ top: 0 });
    top.current?.scrollTo?.({ top: 0 });
  }, [id]);

  useEffect(() => {
    let live = true;
    api.alert(id).then(
      (a) => {
        if (!live) return;
        setAlert(a);
        setNote(a.note ?? '');
      },
      (e: Error) => live && setError(e.message),
    );
    return () => {
      live = false;
    };
  }, [id]);

  if (error !== null)
    return (
      <section className="detail" aria-label="Alert detail">
        <p role="alert" className="error">
          {error}
        </p>
      </section>
    );
  if (alert === null)
    return (
      <section className="detail" aria-label="Alert detail">
        <p>Loading…</p>
      </section>
    );

  const send = async (verdict: Verdict) => {
    setBusy(true);
    setSaved(null);
    try {
      const days = verdict === 'benign' && suppress ? suppressDays : null;
      const updated = await api.feedback(alert.id, verdict, note, days);
      setAlert(updated);
      setSaved(`Marked ${updated.status}${days === null ? '' : `; silenced for ${days} days`}.`);
      onChanged();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const reasons = [...alert.reasons].sort((a, b) => b.weight - a.weight);
  // Steps whose action a reason names ("first iam:CreateUser ...") are what the analyst needs
  // to find in a long journey: they stay visible when the rest is folded.
  const flagged = alert.events.map((e) => reasons.some((r) => r.text.includes(e.action)));
  const flaggedCount = flagged.filter(Boolean).length;
  const shown = alert.events
    .map((_, i) => i)
    .filter((i) => showAll || alert.events.length <= FOLD_ABOVE || i < FOLD_HEAD || flagged[i]);
  const maxWeight = Math.max(0.0001, ...reasons.map((r) => r.weight));
  return (
    <section className="detail" aria-labelledby="alert-title" ref={top}>
      <header className="detail-head">
        <span className={`sev sev-${alert.severity}`}>{alert.severity}</span>
        <span className="score">score {Math.round(alert.score)}/100</span>
        <span className={`status status-${alert.status}`} data-testid="alert-status">
          {alert.status}
        </span>
      </header>
      <h2 id="alert-title">{visible(alert.title)}</h2>
      <p className="who">
        <Link to={paths.identity(alert.actor)} className="actor-link">
          <strong>{visible(alert.actorName)}</strong>
        </Link>{' '}
        <code className="actor-key">{visible(alert.actor)}</code>
        {alert.peerGroup !== null && <> · peer group {visible(alert.peerGroup)}</>} ·{' '}
        <time dateTime={alert.start}>{when(alert.start)}</time> – <time dateTime={alert.end}>{when(alert.end)}</time>
      </p>
      <p className="summary">{visible(alert.summary)}</p>

      <h3>Why this was raised</h3>
      <ul className="reasons">
        {reasons.map((r) => (
          <li key={`${r.kind}:${r.text}`}>
            <meter min={0} max={maxWeight} value={r.weight} aria-label={`weight ${r.weight.toFixed(2)}`} />
            <span className="kind">{visible(r.kind)}</span> {visible(r.text)}
          </li>
        ))}
      </ul>

      <h3>
        Journey ({alert.events.length} steps, in order
        {flaggedCount > 0 ? `; ${flaggedCount} named in the reasons are marked` : ''})
      </h3>
      <ol className="journey">
        {shown.map((i, n) => {
          const e = alert.events[i];
          if (e === undefined) return null;
          const gap = n > 0 && i - (shown[n - 1] as number) > 1;
          return (
            <li
              key={e.eventId}
              className={`step ${e.success ? 'ok' : 'failed'}${flagged[i] ? ' flagged' : ''}${gap ? ' after-gap' : ''}`}
              value={i + 1}
            >
              <span
                className="outcome"
                role="img"
                aria-label={e.success ? 'succeeded' : `failed${e.errorCode ? `: ${visible(e.errorCode)}` : ''}`}
              >
                {e.success ? '✓' : '✗'}
              </span>
              <time dateTime={e.time}>{when(e.time).slice(11)}</time>
              <code className="action">{visible(e.action)}</code>
              <span className="sentence">
                {visible(e.sentence)}
                {errorSuffix(e) && <span className="error-code"> ({visible(errorSuffix(e) as string)})</span>}
              </span>
            </li>
          );
        })}
      </ol>
      {shown.length < alert.events.length && (
        <button type="button" className="show-all" onClick={() => setShowAll(true)}>
          Show all {alert.events.length} steps ({alert.events.length - shown.length} hidden)
        </button>
      )}

      <ResponseSteps alert={alert} />

      <h3>Typical journey for this identity</h3>
      {alert.typicalJourney === null || alert.typicalJourney.length === 0 ? (
        <p className="quiet">No typical journey learned yet for this identity.</p>
      ) : (
        <ol className="typical">
          {foldRepeats(alert.typicalJourney).map((part, i) => (
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
      )}

      <Context alert={alert} />

      {alert.techniques.length > 0 && (
        <>
          <h3>MITRE ATT&amp;CK</h3>
          <ul className="techniques">
            {alert.techniques.map((t) => {
              const url = techniqueUrl(t);
              return (
                <li key={t}>
                  {url === null ? (
                    visible(t)
                  ) : (
                    <a href={url} target="_blank" rel="noreferrer noopener">
                      {t}
                    </a>
                  )}
                </li>
              );
            })}
          </ul>
        </>
      )}

      <form className="feedback" onSubmit={(e) => e.preventDefault()}>
        <h3>Verdict</h3>
        <label htmlFor={noteId}>Note (optional)</label>
        <textarea id={noteId} value={note} maxLength={2000} rows={2} onChange={(e) => setNote(e.target.value)} />
        <p className="suppress">
          <label>
            <input type="checkbox" checked={suppress} onChange={(e) => setSuppress(e.target.checked)} /> With benign:
            silence {visible(alert.actorName)} doing these actions for
          </label>{' '}
          <select
            aria-label="Silence for"
            value={suppressDays}
            disabled={!suppress}
            onChange={(e) => setSuppressDays(Number(e.target.value))}
          >
            {[7, 30, 90, 365].map((d) => (
              <option key={d} value={d}>
                {d} days
              </option>
            ))}
          </select>
        </p>
        <div className="buttons">
          {VERDICTS.map(([verdict, label]) => (
            <button
              key={verdict}
              type="button"
              className={`verdict verdict-${verdict}`}
              disabled={busy}
              aria-pressed={alert.status === verdict}
              onClick={() => void send(verdict)}
            >
              {label}
            </button>
          ))}
        </div>
        <p role="status" className="saved">
          {saved}
        </p>
      </form>
    </section>
  );
}
