/** Runs the CLI in-process for tests and returns its exit status and what it printed. */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import type { CliIo } from './io.ts';
import { main } from './main.ts';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(args: string[], stdin: string | Buffer = ''): Promise<CliRun> {
  const out = new PassThrough();
  const err = new PassThrough();
  const chunks = { out: [] as Buffer[], err: [] as Buffer[] };
  out.on('data', (c: Buffer) => chunks.out.push(c));
  err.on('data', (c: Buffer) => chunks.err.push(c));
  const io: CliIo = { stdout: out, stderr: err, stdin: Readable.from([stdin]), env: {} };
  const code = await main(['node', 'trailhound', ...args], io);
  return {
    code,
    stdout: Buffer.concat(chunks.out).toString('utf8'),
    stderr: Buffer.concat(chunks.err).toString('utf8'),
  };
}

const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const ENTRY = join(import.meta.dirname, 'entry.ts');

/**
 * The executable and arguments that run `trailhound ARGS` in a child process, from the
 * sources through tsx: tests exercise the code under test, never a dist/ built earlier
 * (a stale build cannot make them pass). The build itself is tested in build.test.ts.
 */
export function cliProcess(args: readonly string[]): [string, string[]] {
  return [process.execPath, ['--import', TSX_LOADER, ENTRY, ...args]];
}
