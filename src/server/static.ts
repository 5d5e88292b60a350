/**
 * Serves the built dashboard (`web/dist`) read-only: no path may leave the folder, unknown
 * paths without an extension get `index.html` (client-side routes), hashed assets are cached.
 * When the dashboard is not built, a plain page says how to build it: nothing builds at run time.
 */
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

export interface StaticFile {
  body: Uint8Array;
  type: string;
  immutable: boolean;
}

export const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Trailhound</title></head>
<body><h1>Trailhound</h1>
<p>The dashboard is not built. Run <code>npm run build:web</code> and restart <code>trailhound serve</code>.</p>
<p>The JSON API is up: <a href="/api/overview">/api/overview</a>, <a href="/api/alerts">/api/alerts</a>, <a href="/api/events">/api/events</a>, <a href="/api/health">/api/health</a>.</p>
</body></html>
`;

/** Whether `root` holds a built dashboard. */
export async function isBuilt(root: string | null): Promise<boolean> {
  if (root === null) return false;
  try {
    return (await stat(join(root, 'index.html'))).isFile();
  } catch {
    return false;
  }
}

/** The file for a URL path under `root`, `index.html` for extension-less paths, else null. */
export async function readStatic(root: string, urlPath: string): Promise<StaticFile | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.split('/').some((s) => s === '..' || s.includes('\\'))) return null;
  const base = resolve(root);
  const relative = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '');
  const path = resolve(base, relative);
  if (path !== base && !path.startsWith(base + sep)) return null;
  const file = await tryRead(path);
  if (file !== null)
    return {
      body: file,
      type: TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream',
      immutable: relative.startsWith('assets/'),
    };
  if (extname(relative) !== '') return null;
  const index = await tryRead(join(base, 'index.html'));
  return index === null ? null : { body: index, type: TYPES['.html'] as string, immutable: false };
}

async function tryRead(path: string): Promise<Uint8Array | null> {
  try {
    if (!(await stat(path)).isFile()) return null;
    return await readFile(path);
  } catch {
    return null;
  }
}
