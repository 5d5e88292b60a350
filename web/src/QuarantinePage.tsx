// What could not be read, and why: the newest quarantined items.
import { useEffect, useState } from 'react';
import { api } from './api.ts';
import { visible, when } from './text.ts';

type Item = Awaited<ReturnType<typeof api.quarantine>>[number];

export function QuarantinePage() {
  const [items, setItems] = useState<Item[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.quarantine().then(setItems, (e: Error) => setError(e.message));
  }, []);
  return (
    <main className="page">
      <section className="panel">
        <h2>Quarantined input</h2>
        {error !== null && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        {items === null ? (
          <p>Loading…</p>
        ) : items.length === 0 ? (
          <p className="quiet">Nothing was quarantined.</p>
        ) : (
          <table className="table">
            <thead>
              <tr>
                <th>When</th>
                <th>File and line</th>
                <th>Code</th>
                <th>Reason</th>
              </tr>
            </thead>
            <tbody>
              {items.map((q, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: items have no id of their own; the order is fixed
                <tr key={i}>
                  <td>{when(q.at)}</td>
                  <td>
                    <code>
                      {visible(q.file)}
                      {q.line === null ? '' : `:${q.line}`}
                    </code>
                  </td>
                  <td>{visible(q.code)}</td>
                  <td>{visible(q.reason)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </main>
  );
}
