// The dashboard shell: navigation, totals, the token prompt when the server wants one, and
// the page the URL names (overview, alert queue and story, event search, identity).
import { useCallback, useEffect, useState } from 'react';
import { AlertsPage } from './AlertsPage.tsx';
import { api, type Stats, token, whenUnauthorized } from './api.ts';
import { EventsPage } from './EventsPage.tsx';
import { IdentityPage } from './IdentityPage.tsx';
import { OverviewPage } from './OverviewPage.tsx';
import { QuarantinePage } from './QuarantinePage.tsx';
import { Link, useRoute } from './route.tsx';
import { StatsBar } from './StatsBar.tsx';

function TokenPrompt({ onSaved }: { onSaved: () => void }) {
  const [value, setValue] = useState('');
  return (
    <form
      className="token-prompt"
      onSubmit={(e) => {
        e.preventDefault();
        if (value.trim() === '') return;
        token.set(value.trim());
        onSaved();
      }}
    >
      <h2>This server needs its token</h2>
      <p className="quiet">
        Paste the value of <code>TRAILHOUND_TOKEN</code> the server was started with. It is kept for this browser tab
        only.
      </p>
      <label>
        Token <input type="password" autoComplete="off" value={value} onChange={(e) => setValue(e.target.value)} />
      </label>{' '}
      <button type="submit">Continue</button>
    </form>
  );
}

export function App() {
  const route = useRoute();
  const [stats, setStats] = useState<Stats | null>(null);
  const [needsToken, setNeedsToken] = useState(false);
  // Bumped when something changes server state (a verdict) or a token arrives: pages reload.
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    whenUnauthorized(() => {
      token.clear();
      setNeedsToken(true);
    });
  }, []);

  const changed = useCallback(() => setGeneration((g) => g + 1), []);

  useEffect(() => {
    void generation;
    api.stats().then(setStats, () => setStats(null));
  }, [generation]);

  const page = (() => {
    switch (route.page) {
      case 'overview':
        return <OverviewPage key={generation} />;
      case 'alerts':
        return <AlertsPage selected={route.id} generation={generation} onChanged={changed} />;
      case 'events':
        return <EventsPage key={`${generation}:${route.query}`} query={route.query} />;
      case 'identity':
        return <IdentityPage key={`${generation}:${route.key}`} identityKey={route.key} />;
      case 'quarantine':
        return <QuarantinePage key={generation} />;
      default:
        return (
          <section className="page">
            <p>
              No such page. <Link to="/">Go to the overview.</Link>
            </p>
          </section>
        );
    }
  })();

  return (
    <div className="app">
      <header className="top">
        <h1>
          <Link to="/" className="home">
            Trailhound
          </Link>
        </h1>
        <nav className="nav" aria-label="Pages">
          <Link to="/" className={route.page === 'overview' ? 'current' : undefined}>
            Overview
          </Link>
          <Link to="/alerts" className={route.page === 'alerts' ? 'current' : undefined}>
            Alerts
          </Link>
          <Link to="/events" className={route.page === 'events' ? 'current' : undefined}>
            Events
          </Link>
        </nav>
        <StatsBar stats={stats} />
      </header>
      {needsToken ? (
        <TokenPrompt
          onSaved={() => {
            setNeedsToken(false);
            changed();
          }}
        />
      ) : (
        page
      )}
      {/* Alert texts name autonomous systems from CC BY 4.0 data; DB-IP's licence asks web pages that show it for this link. */}
      <footer className="credits">
        Network (AS) names: RouteViews, NRO and{' '}
        <a href="https://db-ip.com" rel="noopener noreferrer">
          IP Geolocation by DB-IP
        </a>{' '}
        (CC BY 4.0).
      </footer>
    </div>
  );
}
