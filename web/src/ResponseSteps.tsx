// What to do next: the containment steps derived from the alert's events, each with the AWS
// CLI command that does it. Nothing runs from here: the analyst copies and decides. Commands
// are shell-quoted by the server; `visible` shows control and bidi characters as escapes.
import { useState } from 'react';
import type { Alert } from './api.ts';
import { Link, paths } from './route.tsx';
import { visible } from './text.ts';

export function ResponseSteps({ alert }: { alert: Alert }) {
  const [copied, setCopied] = useState<number | null>(null);
  const steps = alert.response ?? [];
  const times = new Map(alert.events.map((e) => [e.eventId, e.time]));
  const copy = async (i: number, text: string) => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(i);
    } catch {
      setCopied(null);
    }
  };
  return (
    <>
      <h3>What to do next</h3>
      {steps.length === 0 ? (
        <p className="quiet">No containment step follows from these events; review the journey above.</p>
      ) : (
        <>
          <p className="quiet">Nothing has been run. Read each command, then paste it where you run the AWS CLI.</p>
          <ol className="response">
            {steps.map((step, i) => {
              const when = step.eventIds
                .map((id) => times.get(id))
                .filter((t): t is string => t !== undefined)
                .sort();
              const first = when[0];
              const last = when.at(-1);
              return (
                <li key={`${step.kind}:${step.command}`} className="response-step">
                  <p className="response-text">{visible(step.text)}</p>
                  <pre className="command">
                    <code>{visible(step.command)}</code>
                  </pre>
                  <div className="response-actions">
                    <button type="button" onClick={() => void copy(i, step.command)}>
                      {copied === i ? 'Copied' : 'Copy command'}
                    </button>
                    {first !== undefined && last !== undefined && (
                      <Link
                        to={paths.events({
                          actor: alert.actor,
                          since: first,
                          until: new Date(Date.parse(last) + 1000).toISOString(),
                        })}
                        className="step-events"
                      >
                        The {step.eventIds.length} event{step.eventIds.length === 1 ? '' : 's'} behind this step
                      </Link>
                    )}
                  </div>
                </li>
              );
            })}
          </ol>
        </>
      )}
    </>
  );
}
