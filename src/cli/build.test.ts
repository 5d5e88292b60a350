/**
 * The compiled CLI (what `bin/trailhound.js` runs after `npm ci`) starts and answers: the
 * build rewrites the sources' `.ts` imports, and the lazy command registry resolves in the
 * emitted JavaScript too. Compiled into a fresh folder, so an old dist/ proves nothing here.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const run = promisify(execFile);

describe('the compiled CLI', () => {
  let out: string;
  beforeAll(async () => {
    // Inside the repository (under the ignored dist/), so the emitted code finds node_modules.
    mkdirSync(join(ROOT, 'dist'), { recursive: true });
    out = mkdtempSync(join(ROOT, 'dist', '.build-test-'));
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    await run(process.execPath, [
      tsc,
      '-p',
      join(ROOT, 'tsconfig.build.json'),
      '--outDir',
      out,
      '--tsBuildInfoFile',
      join(out, '.tsbuildinfo'),
    ]);
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  const cli = (args: string[]) =>
    run(process.execPath, [join(out, 'cli', 'entry.js'), ...args]).then(
      (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );

  it('prints the program help and a command help, exit 0', async () => {
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^ {2}ingest <paths\.\.\.>/m);
    const events = await cli(['events', '--help']);
    expect(events.code).toBe(0);
    expect(events.stdout).toContain('--format <format>');
  });

  it('loads a command module and its dependencies: describe reads a real capture', async () => {
    const sut = await cli([
      'describe',
      join(ROOT, 'fixtures/stratus-red-team/aws.defense-evasion.cloudtrail-delete.json'),
      '--format',
      'jsonl',
    ]);
    expect(sut.stderr).toBe('');
    expect(sut.code).toBe(0);
    expect(sut.stdout.split('\n').filter(Boolean).length).toBeGreaterThan(0);
  });

  /** The compiled modules `args` loads, relative to the build folder, from an ESM resolve hook that logs each one. */
  async function modulesLoadedBy(args: string[]): Promise<string[]> {
    const hook = join(out, 'trace-hook.mjs');
    writeFileSync(
      hook,
      "import { writeSync } from 'node:fs';\nexport async function resolve(s, c, next) { const r = await next(s, c); writeSync(2, 'loaded ' + r.url + '\\n'); return r; }\n",
    );
    const register = `data:text/javascript,import{register}from'node:module';register(${JSON.stringify(pathToFileURL(hook).href)})`;
    const { stderr } = await run(process.execPath, ['--import', register, join(out, 'cli', 'entry.js'), ...args]);
    const prefix = `loaded ${pathToFileURL(out).href}/`;
    return [
      ...new Set(
        stderr
          .split('\n')
          .filter((l) => l.startsWith(prefix))
          .map((l) => l.slice(prefix.length)),
      ),
    ].sort();
  }

  it('--help loads the CLI shell only: no command module, no store, no catalog', async () => {
    expect(await modulesLoadedBy(['--help'])).toEqual([
      'cli/commands/index.js',
      'cli/entry.js',
      'cli/io.js',
      'cli/main.js',
      'errors.js',
      'util/terminal.js',
    ]);
  });

  it('a command loads its own module, not the simulator, the evaluation or the server', async () => {
    const loaded = await modulesLoadedBy(['events', '--help']);
    expect(loaded).toContain('cli/commands/events.js');
    expect(loaded.filter((m) => /^(sim|eval|server)\/|^cli\/commands\/(?!events|index)/.test(m))).toEqual([]);
  });

  it('exits 2 for an unknown command', async () => {
    const sut = await cli(['nosuch']);
    expect(sut.code).toBe(2);
    expect(sut.stderr).toContain("unknown command 'nosuch'");
  });
});
