/** `trailhound worker`: runs ingest and detection jobs from the queue (PostgreSQL). */
import type { Command } from 'commander';
import { UsageError } from '../../errors.ts';
import { resolveDbLocation } from '../../store/index.ts';
import { escapeForTerminal } from '../../util/terminal.ts';
import { runWorker } from '../../workers/index.ts';
import { assertWorkerStore, openQueue } from '../../workers/queue.ts';
import { type CliIo, println } from '../io.ts';
import { addDbOption, parsePositiveNumber, withStore } from '../shared.ts';

export function register(program: Command, io: CliIo): void {
  addDbOption(
    program
      .command('worker')
      .description(
        'Run ingest and detection jobs from the queue in PostgreSQL; as many workers as you like, on any machines',
      )
      .option('--concurrency <n>', 'jobs at a time in this process (default 1)')
      .option('--until-idle', 'exit once no job is left (otherwise run until SIGINT/SIGTERM)')
      .option(
        '--lease-seconds <n>',
        'a job not finished this long after it started goes to another worker (default 600)',
      )
      .option('--verbose', 'one line per job on stderr'),
  ).action(
    async (opts: {
      db?: string;
      concurrency?: string;
      untilIdle?: boolean;
      leaseSeconds?: string;
      verbose?: boolean;
    }) => {
      const location = resolveDbLocation(opts.db, io.env);
      assertWorkerStore(location);
      const concurrency = parsePositiveNumber('concurrency', opts.concurrency) ?? 1;
      if (!Number.isInteger(concurrency) || concurrency < 1)
        throw new UsageError(`--concurrency ${opts.concurrency} is not a whole number of at least 1.`);
      const leaseSeconds = parsePositiveNumber('lease-seconds', opts.leaseSeconds);
      const stop = new AbortController();
      const onSignal = () => stop.abort();
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      try {
        // Commits do not wait for the disk: a worker's every write is redone when lost. Should
        // the server crash and lose the last commits (never a part of one, never an earlier one
        // while keeping a later), the jobs they completed are still active or queued in the
        // same lost tail and run again after their lease; an ingest job re-stores what is
        // missing (eventID is unique), a partition job whose day was lost scores it again. At
        // 0.2 ms against 1-4 ms a commit here, waiting for the WAL flush was most of a
        // partition job.
        const summary = await withStore(
          location,
          async (store) => {
            const boss = await openQueue(location, { leaseSeconds, asyncCommit: true });
            try {
              return await runWorker(store, boss, {
                concurrency,
                untilIdle: opts.untilIdle === true,
                signal: stop.signal,
                leaseSeconds,
                ...(opts.verbose ? { log: (line: string) => println(io.stderr, escapeForTerminal(line)) } : {}),
              });
            } finally {
              await boss.stop({ graceful: false, wait: true });
            }
          },
          { asyncCommit: true },
        );
        const j = summary.jobs;
        println(
          io.stderr,
          `worker: ${j.ingest} ingest, ${j.partition} partition, ${j.finalize} finalize, ${j.plan} plan job(s); ${summary.events} new events; ${summary.failed} failed attempt(s); ${(summary.elapsedMs / 1000).toFixed(1)} s, CPU ${(summary.cpuMs / 1000).toFixed(1)} s`,
        );
        const b = summary.busyMs;
        const p = summary.partition;
        const s = (ms: number) => (ms / 1000).toFixed(1);
        println(
          io.stderr,
          `worker: busy ${s(b.ingest)} s ingest, ${s(b.partition)} s partitions (load ${s(p.load)}, read ${s(p.read)}, score ${s(p.score)}, write ${s(p.write)}), ${s(b.finalize)} s finalize, ${s(b.plan)} s plan`,
        );
        if (summary.failed > 0) process.exitCode = 1;
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    },
  );
}
