import type { Stats } from './api.ts';
import { when } from './text.ts';

export function StatsBar({ stats }: { stats: Stats | null }) {
  if (stats === null) return <p className="stats">Loading…</p>;
  const s = stats.store;
  const items: Array<[string, string | number]> = [
    ['new alerts', stats.alerts.byStatus.new],
    ['acknowledged', stats.alerts.byStatus.acknowledged],
    ['malicious', stats.alerts.byStatus.malicious],
    ['benign', stats.alerts.byStatus.benign],
  ];
  if (s !== null)
    items.push(['events', s.events.toLocaleString('en')], ['identities', s.actors], ['accounts', s.accounts]);
  return (
    <section className="stats" aria-label="Totals">
      <dl>
        {items.map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      {s?.from && s.to && (
        <p className="span">
          {when(s.from)} – {when(s.to)}
        </p>
      )}
    </section>
  );
}
