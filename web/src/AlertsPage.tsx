// The alert queue beside the open alert's story. Keyboard: j/k move through the queue,
// Enter opens the highlighted alert, Esc closes the open one.
import { useEffect, useState } from 'react';
import { AlertDetail } from './AlertDetail.tsx';
import { type AlertListItem, type AlertStatus, api } from './api.ts';
import { Queue } from './Queue.tsx';
import { navigate, paths } from './route.tsx';

function typing(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))
  );
}

export function AlertsPage({
  selected,
  generation,
  onChanged,
}: {
  selected: string | null;
  generation: number;
  onChanged: () => void;
}) {
  const [filter, setFilter] = useState<AlertStatus | 'all'>('new');
  const [alerts, setAlerts] = useState<AlertListItem[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [cursor, setCursor] = useState<string | null>(selected);

  useEffect(() => {
    void generation;
    let live = true;
    api.alerts(filter).then(
      (list) => {
        if (!live) return;
        setAlerts(list);
        setError(null);
      },
      (e: Error) => live && setError(e.message),
    );
    return () => {
      live = false;
    };
  }, [filter, generation]);

  useEffect(() => {
    if (selected !== null) setCursor(selected);
  }, [selected]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (typing(e.target) || e.metaKey || e.ctrlKey || e.altKey || alerts === null) return;
      const at = alerts.findIndex((a) => a.id === cursor);
      if (e.key === 'j' || e.key === 'k') {
        const next = alerts[Math.max(0, Math.min(alerts.length - 1, at + (e.key === 'j' ? 1 : -1)))];
        if (next) {
          setCursor(next.id);
          document.getElementById(`row-${next.id}`)?.focus();
        }
        e.preventDefault();
      } else if (e.key === 'Enter' && cursor !== null && !(e.target instanceof HTMLButtonElement)) {
        navigate(paths.alert(cursor));
        e.preventDefault();
      } else if (e.key === 'Escape' && selected !== null) {
        navigate('/alerts');
        document.getElementById(`row-${selected}`)?.focus();
        e.preventDefault();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [alerts, cursor, selected]);

  return (
    <>
      {error !== null && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <main className="panes">
        <Queue
          alerts={alerts}
          filter={filter}
          onFilter={setFilter}
          selected={selected}
          cursor={cursor}
          onSelect={(id) => navigate(paths.alert(id))}
        />
        {selected === null ? (
          <section className="detail empty" aria-label="Alert detail">
            <p>Select an alert to see its journey, why it was raised and what to do next.</p>
            <p className="quiet">
              Keys: <kbd>j</kbd>/<kbd>k</kbd> move, <kbd>Enter</kbd> opens, <kbd>Esc</kbd> closes.
            </p>
          </section>
        ) : (
          <AlertDetail key={selected} id={selected} onChanged={onChanged} />
        )}
      </main>
    </>
  );
}
