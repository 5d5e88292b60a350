/** `trailhound serve`: the triage dashboard and JSON API over the store. */
import type { Command } from 'commander';
import { dbOf, loadConfig } from '../../config/index.ts';
import { DEFAULT_ALERTS_PER_WEEK, DEFAULT_LEARNING_DAYS } from '../../domain/defaults.ts';
import { UsageError } from '../../errors.ts';
import { DEFAULT_STATIC_ROOT, refuseToServe, startServer } from '../../server/index.ts';
import { isBuilt } from '../../server/static.ts';
import { escapeForTerminal } from '../../util/terminal.ts';
import { type CliIo, println } from '../io.ts';
import { addDbOption, openCommandStore } from '../shared.ts';
import { addConfigOption } from './config.ts';

export function register(program: Command, io: CliIo): void {
  addConfigOption(
    addDbOption(
      program
        .command('serve')
        .description('Serve the triage dashboard and JSON API (loopback only unless --host says otherwise)')
        .option('--port <n>', 'TCP port (default: server.port, else 8080)')
        .option(
          '--host <addr>',
          'address to bind; beyond loopback, TRAILHOUND_TOKEN is required (default: server.host, else 127.0.0.1)',
        )
        .option(
          '--analyst-header <name>',
          'header an authenticating proxy sets to the analyst name, recorded with each verdict (e.g. X-Forwarded-User)',
        )
        .option(
          '--alerts-per-week <n>',
          `the weekly alert budget detect runs with, for the overview (default: detect.alertsPerWeek, else ${DEFAULT_ALERTS_PER_WEEK})`,
        )
        .option(
          '--learning-days <n>',
          `the learning period detect runs with, for the overview (default: detect.learningDays, else ${DEFAULT_LEARNING_DAYS})`,
        ),
    ),
  ).action(
    async (opts: {
      db?: string;
      config?: string;
      port?: string;
      host?: string;
      analystHeader?: string;
      alertsPerWeek?: string;
      learningDays?: string;
    }) => {
      // Flags override trailhound.yaml, which overrides the defaults.
      const { config } = loadConfig(opts.config, io.env);
      const host = opts.host ?? config.server.host;
      const port = opts.port === undefined ? config.server.port : Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new UsageError(`--port ${opts.port} is not a port number (0-65535).`);
      const alertsPerWeek =
        opts.alertsPerWeek === undefined
          ? (config.detect.alertsPerWeek ?? DEFAULT_ALERTS_PER_WEEK)
          : Number(opts.alertsPerWeek);
      const learningDays =
        opts.learningDays === undefined
          ? (config.detect.learningDays ?? DEFAULT_LEARNING_DAYS)
          : Number(opts.learningDays);
      if (!(alertsPerWeek > 0))
        throw new UsageError(`--alerts-per-week ${opts.alertsPerWeek} is not a positive number.`);
      if (!Number.isInteger(learningDays) || learningDays < 0)
        throw new UsageError(`--learning-days ${opts.learningDays} is not a whole number of days.`);
      if (opts.analystHeader !== undefined && !/^[A-Za-z0-9-]{1,64}$/.test(opts.analystHeader))
        throw new UsageError(`--analyst-header ${opts.analystHeader} is not a header name.`);
      const token = io.env.TRAILHOUND_TOKEN || null;
      const refusal = refuseToServe({ host, token });
      if (refusal !== null) throw new UsageError(refusal);
      const store = await openCommandStore(dbOf(config, opts.db, io.env));
      const server = await startServer({
        host,
        port,
        store,
        token,
        analystHeader: opts.analystHeader ?? null,
        alertsPerWeek,
        learningDays,
      }).catch(async (error: unknown) => {
        await store.close();
        throw new UsageError(`Cannot listen on ${host}:${port}: ${(error as Error).message}`);
      });
      println(
        io.stdout,
        `trailhound: dashboard and API on ${escapeForTerminal(server.url)} (store ${escapeForTerminal(store.location)})`,
      );
      if (!(await isBuilt(DEFAULT_STATIC_ROOT)))
        println(
          io.stdout,
          'trailhound: the dashboard is not built; run `npm run build:web` (the API works without it).',
        );
      if (token !== null)
        println(
          io.stdout,
          'trailhound: every /api/ call needs Authorization: Bearer $TRAILHOUND_TOKEN; the dashboard asks for it once.',
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
    },
  );
}
