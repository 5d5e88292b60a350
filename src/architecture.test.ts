/**
 * The folders read as the README's one-way pipeline, with a store that alone speaks SQL. Each
 * rule reads every source file's imports and text, so a violation anywhere fails here with the
 * file that added it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname);

interface SourceFile {
  /** Path from src/, with forward slashes. */
  path: string;
  text: string;
}

function sourceFiles(dir = SRC): SourceFile[] {
  const out: SourceFile[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(full));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts'))
      out.push({ path: relative(SRC, full).split('\\').join('/'), text: readFileSync(full, 'utf8') });
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : 1));
}

const isTest = (path: string) => path.endsWith('.test.ts');
/** Test support beside the tests (organizations built through ingest, rows for the builder). */
const isFixture = (path: string) => /\.fixture\.ts$|test-support\.ts$|test-helpers\.ts$|test-fixtures\.ts$/.test(path);

/** The folder under src/ a path is in ('' for a file directly in src/). */
function folderOf(path: string): string {
  const slash = path.indexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

/** Relative module specifiers a file imports (static, re-exports, dynamic), resolved to paths from src/. */
function importsOf(file: SourceFile): string[] {
  const specs = [
    ...file.text.matchAll(/^\s*(?:import|export)\s[^'";]*?\sfrom\s+'(\.[^']+)'/gm),
    ...file.text.matchAll(/^\s*import\s+'(\.[^']+)'/gm),
    ...file.text.matchAll(/\bimport\(\s*'(\.[^']+)'\s*\)/g),
  ].map((m) => m[1] as string);
  return specs.map((s) =>
    relative(SRC, resolve(SRC, dirname(file.path), s))
      .split('\\')
      .join('/'),
  );
}

/** Folder -> folders it imports, and one file behind each edge (for the message). */
function folderGraph(files: readonly SourceFile[]): Map<string, Map<string, string>> {
  const graph = new Map<string, Map<string, string>>();
  for (const f of files) {
    const from = folderOf(f.path);
    for (const target of importsOf(f)) {
      const to = folderOf(target);
      if (to === from || from === '' || to === '') continue;
      const edges = graph.get(from) ?? new Map<string, string>();
      if (!edges.has(to)) edges.set(to, f.path);
      graph.set(from, edges);
    }
  }
  return graph;
}

/** Every cycle between folders, each as the folders in order with the file behind each step. */
function folderCycles(graph: Map<string, Map<string, string>>): string[] {
  const cycles = new Set<string>();
  const visit = (start: string, at: string, path: string[]) => {
    for (const [next, file] of graph.get(at) ?? []) {
      if (next === start) {
        // One report per cycle: the rotation that starts at its smallest folder.
        const steps = [...path, `${at} -> ${next} (${file})`];
        const min = steps.reduce((m, s, i) => (s < (steps[m] as string) ? i : m), 0);
        cycles.add([...steps.slice(min), ...steps.slice(0, min)].join('; '));
      } else if (next > start && !path.some((p) => p.startsWith(`${next} ->`)))
        visit(start, next, [...path, `${at} -> ${next} (${file})`]);
    }
  };
  for (const start of [...graph.keys()].sort()) visit(start, start, []);
  return [...cycles].sort();
}

/**
 * SQL or the query builder: kysely imported, a tagged `sql` template, a query builder call, a
 * transaction opened on the database, the database or the SQLite handle taken from a store.
 */
const SQL_PATTERNS: ReadonlyArray<[string, RegExp]> = [
  ['imports kysely', /from\s+'kysely'/],
  ['sql`...`', /\bsql(?:<[^>]*>)?`/],
  ['query builder', /\.(?:selectFrom|insertInto|updateTable|deleteFrom|replaceInto|with)\(\s*'/],
  ['opens a transaction on the database', /\.transaction\(\)\s*\.execute\(/],
  ['reaches into the store', /\bstore\.(?:db|sqlite)\b|\{\s*\.\.\.store,\s*db:/],
  ['prepares a statement', /\.prepare\(\s*[`'"]/],
];

/**
 * Folders not yet moved onto repositories, by the helper working on it in this round (ingest:
 * the insert path). The lead removes it at merge.
 */
const SQL_ALLOWED_FOLDERS = ['store', 'ingest'];

function sqlOutsideStore(files: readonly SourceFile[]): string[] {
  const found: string[] = [];
  for (const f of files) {
    // Tests may look into the tables to assert what was stored.
    if (isTest(f.path) || SQL_ALLOWED_FOLDERS.includes(folderOf(f.path))) continue;
    for (const [what, pattern] of SQL_PATTERNS) if (pattern.test(f.text)) found.push(`${f.path}: ${what}`);
  }
  return found;
}

/** The stages between the store and the outputs are pure: they neither open nor read the store. */
const PURE_FOLDERS = ['domain', 'journeys', 'model', 'detect', 'alerts'];
/** What the CLI may take from the store: opening it (and refusing one that does not exist). */
const CLI_STORE_MODULES = ['store/index.ts', 'store/existing.ts'];

function layerViolations(files: readonly SourceFile[]): string[] {
  const found: string[] = [];
  for (const f of files) {
    if (isTest(f.path) || isFixture(f.path)) continue;
    const folder = folderOf(f.path);
    for (const target of importsOf(f)) {
      const to = folderOf(target);
      if (PURE_FOLDERS.includes(folder) && (to === 'store' || to === 'app'))
        found.push(`${f.path} imports ${target}: ${folder} is pure, the use case belongs in src/app`);
      if (folder === 'domain' && !['domain', 'normalize'].includes(to))
        found.push(`${f.path} imports ${target}: the domain module sits below every stage that uses it`);
      if (folder === 'cli' && to === 'store' && !CLI_STORE_MODULES.includes(target))
        found.push(`${f.path} imports ${target}: the CLI opens the store and calls src/app`);
    }
  }
  return found;
}

describe('architecture', () => {
  const files = sourceFiles().filter((f) => !isTest(f.path));
  const all = sourceFiles();

  it('has no import cycle between folders', () => {
    expect(folderCycles(folderGraph(files))).toEqual([]);
  });

  it('writes SQL only in src/store (src/ingest until its helper moves it)', () => {
    expect(sqlOutsideStore(all)).toEqual([]);
  });

  it('keeps journeys, model, detect and alerts pure and the CLI on src/app', () => {
    expect(layerViolations(all)).toEqual([]);
  });

  it('the checks find what they look for', () => {
    const cyclic: SourceFile[] = [
      { path: 'detect/a.ts', text: "import { b } from '../alerts/b.ts';\n" },
      { path: 'alerts/b.ts', text: "import type { A } from '../detect/a.ts';\n" },
      { path: 'cli/c.ts', text: "const m = await import('../alerts/b.ts');\n" },
    ];
    expect(folderCycles(folderGraph(cyclic))).toEqual([
      'alerts -> detect (alerts/b.ts); detect -> alerts (detect/a.ts)',
    ]);
    expect(
      sqlOutsideStore([
        { path: 'detect/x.ts', text: "await store.db.selectFrom('journeys').selectAll().execute();\n" },
        { path: 'alerts/y.ts', text: "import { sql } from 'kysely';\nawait sql`select 1`.execute(db);\n" },
        { path: 'ingest/z.ts', text: "await store.db.insertInto('events').values(v).execute();\n" },
        { path: 'detect/ok.test.ts', text: "await store.db.selectFrom('alerts').selectAll().execute();\n" },
      ]),
    ).toEqual([
      'detect/x.ts: query builder',
      'detect/x.ts: reaches into the store',
      'alerts/y.ts: imports kysely',
      'alerts/y.ts: sql`...`',
    ]);
    expect(
      layerViolations([
        { path: 'model/m.ts', text: "import type { Store } from '../store/index.ts';\n" },
        { path: 'cli/commands/s.ts', text: "import { storeStats } from '../../store/stats.ts';\n" },
        { path: 'cli/shared.ts', text: "import { openStore } from '../store/index.ts';\n" },
      ]),
    ).toEqual([
      'model/m.ts imports store/index.ts: model is pure, the use case belongs in src/app',
      'cli/commands/s.ts imports store/stats.ts: the CLI opens the store and calls src/app',
    ]);
  });
});
