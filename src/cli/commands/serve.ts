/** `trailhound serve`: the triage dashboard and JSON API over the store. */
import type { Command } from 'commander';
import { UsageError } from '../../errors.ts';
import { DEFAULT_STATIC_ROOT, isLoopback, startServer } from '../../server/index.ts';
import { isBuilt } from '../../server/static.ts';
import { escapeForTerminal } from '../../util/terminal.ts';
import { type CliIo, println } from '../io.ts';
import { addDbOption, openCommandStore } from '../shared.ts';

export function register(program: Command, io: CliIo): void {
  addDbOption(
    program
      .command('serve')
      .description('Serve the triage dashboard and JSON API (loopback only unless --host says otherwise)')
      .option('--port <n>', 'TCP port', '8080')
      .option('--host <addr>', 'address to bind', '127.0.0.1'),
  ).action(async (opts: { db?: string; port: string; host: string }) => {
    const port = Number(opts.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new UsageError(`--port ${opts.port} is not a port number (0-65535).`);
    const store = await openCommandStore(opts.db);
    const server = await startServer({ host: opts.host, port, store }).catch(async (error: unknown) => {
      await store.close();
      throw new UsageError(`Cannot listen on ${opts.host}:${port}: ${(error as Error).message}`);
    });
    println(
      io.stdout,
      `trailhound: dashboard and API on ${escapeForTerminal(server.url)} (store ${escapeForTerminal(store.location)})`,
    );
    if (!(await isBuilt(DEFAULT_STATIC_ROOT)))
      println(io.stdout, 'trailhound: the dashboard is not built; run `npm run build:web` (the API works without it).');
    if (!isLoopback(opts.host))
      println(
        io.stderr,
        'trailhound: warning: listening beyond loopback; the API has no authentication, put it behind an authenticating proxy.',
      );
    await new Promise<void>((resolve) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        void server.close().finally(() => store.close().finally(resolve));
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
  });
}
