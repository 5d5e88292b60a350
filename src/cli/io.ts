/**
 * Where CLI output goes. Commands write through this, never to `process.stdout`
 * directly, so tests can run a command in-process and read what it printed.
 */
import type { Writable } from 'node:stream';

export interface CliIo {
  stdout: Writable & { isTTY?: boolean; columns?: number };
  stderr: Writable & { isTTY?: boolean; columns?: number };
  stdin: NodeJS.ReadableStream;
  env: NodeJS.ProcessEnv;
}

export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env };
}

/** Writes one line to a stream. */
export function println(stream: Writable, line = ''): void {
  stream.write(`${line}\n`);
}
