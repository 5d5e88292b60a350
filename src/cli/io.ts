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

/**
 * Thrown by a write to stdout after its reader went away (`trailhound events | head -1`):
 * it unwinds the command (closing the store on the way) and `main` ends with status 0,
 * as `head`'s reader asked.
 */
export class OutputClosedError extends Error {
  constructor() {
    super('stdout was closed by its reader');
    this.name = 'OutputClosedError';
  }
}

function isClosedPipe(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === 'EPIPE';
}

/**
 * `stream` with a `write` that throws `OutputClosedError` once the reader has gone (EPIPE),
 * and an error listener so the EPIPE itself is not an uncaught error. A failed write to a
 * pipe marks the stream `errored` at once, before its 'error' event, so the next write
 * stops the command even inside a loop that never yields to the event loop.
 */
export function stopWhenReaderCloses<S extends Writable>(stream: S): S {
  let failure: unknown = null;
  stream.on('error', (error) => {
    failure ??= error;
  });
  const write = (...args: Parameters<Writable['write']>): boolean => {
    const error = failure ?? stream.errored;
    if (isClosedPipe(error)) throw new OutputClosedError();
    if (error) throw error;
    return stream.write(...args);
  };
  return new Proxy(stream, {
    get(target, key) {
      if (key === 'write') return write;
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** For stderr: a reader that went away is not worth failing a command for; its EPIPE is dropped. */
export function ignoreClosedPipe(stream: Writable): void {
  stream.on('error', (error) => {
    if (!isClosedPipe(error)) throw error;
  });
}
