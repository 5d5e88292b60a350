// Client-side routes: the path names the page so every view can be linked and shared.
import { type MouseEvent, useEffect, useState } from 'react';

export type Route =
  | { page: 'overview' }
  | { page: 'alerts'; id: string | null }
  | { page: 'events'; query: URLSearchParams }
  | { page: 'identity'; key: string }
  | { page: 'quarantine' }
  | { page: 'missing' };

function decode(s: string): string | null {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}

export function parseRoute(pathname: string, search: string): Route {
  if (pathname === '/' || pathname === '') return { page: 'overview' };
  if (pathname === '/alerts' || pathname === '/alerts/') return { page: 'alerts', id: null };
  const alert = /^\/alerts\/([^/]+)$/.exec(pathname);
  if (alert?.[1]) {
    const id = decode(alert[1]);
    return id === null ? { page: 'missing' } : { page: 'alerts', id };
  }
  if (pathname === '/events') return { page: 'events', query: new URLSearchParams(search) };
  const identity = /^\/identities\/(.+)$/.exec(pathname);
  if (identity?.[1]) {
    const key = decode(identity[1]);
    return key === null ? { page: 'missing' } : { page: 'identity', key };
  }
  if (pathname === '/quarantine') return { page: 'quarantine' };
  return { page: 'missing' };
}

export const paths = {
  alert: (id: string) => `/alerts/${encodeURIComponent(id)}`,
  identity: (key: string) => `/identities/${encodeURIComponent(key)}`,
  events: (q: Record<string, string>) => `/events?${new URLSearchParams(q)}`,
};

const listeners = new Set<() => void>();

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (options.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  for (const l of listeners) l();
}

const read = () => parseRoute(window.location.pathname, window.location.search);

export function useRoute(): Route {
  const [route, setRoute] = useState<Route>(read);
  useEffect(() => {
    const update = () => setRoute(read());
    listeners.add(update);
    window.addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return route;
}

/** An `<a>` that changes page without reloading (a modified click still opens a new tab). */
export function Link({
  to,
  className,
  children,
}: {
  to: string;
  className?: string | undefined;
  children: React.ReactNode;
}) {
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return (
    <a href={to} className={className} onClick={onClick}>
      {children}
    </a>
  );
}
