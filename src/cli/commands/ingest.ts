import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { type IngestSummary, ingest } from '../../ingest/index.ts';
import { escapeForTerminal } from '../../util/terminal.ts';
import { type CliIo, println } from '../io.ts';
import { addDbOption, parsePositiveNumber, withStore } from '../shared.ts';

export function register(program: Command, io: CliIo): void {
  addDbOption(
    program
      .command('ingest')
      .description(
        'Read CloudTrail files, folders (S3 layout included), - for stdin, or s3://bucket/prefix into the store',
      )
      .argument('<paths...>', 'files, folders, - or s3:// URLs')
      .option('--force', 'reread files that an earlier run already finished')
      .option('--batch-size <n>', 'records per transaction (default 20000)'),
  ).action(async (paths: string[], opts: { db?: string; force?: boolean; batchSize?: string }) => {
    const batchSize = parsePositiveNumber('batch-size', opts.batchSize);
    const summary = await withStore(
      opts.db,
      (store) => runIngest(store, paths, io, { force: opts.force === true, batchSize }),
      { create: true },
    );
    println(io.stderr, formatIngestSummary(summary));
  });
}

/** Ingest with a progress bar on a TTY and problems reported on stderr; shared by `ingest`, `run` and `demo`. */
export async function runIngest(
  store: Parameters<typeof ingest>[0],
  paths: string[],
  io: CliIo,
  opts: { force?: boolean; batchSize?: number | undefined } = {},
): Promise<IngestSummary> {
  const bar = io.stderr.isTTY
    ? new SingleBar({
        format: 'ingest {bar} {files} files | {events} events | {rate} events/s',
        stream: io.stderr as NodeJS.WriteStream,
        hideCursor: true,
      })
    : null;
  bar?.start(1, 0, { files: 0, events: 0, rate: 0 });
  let shown = 0;
  try {
    return await ingest(store, paths, {
      requireRecords: true,
      force: opts.force ?? false,
      ...(opts.batchSize ? { batchSize: opts.batchSize } : {}),
      stdin: io.stdin,
      onProgress: (p) =>
        bar?.update(0, {
          files: p.filesDone,
          events: p.events,
          rate: Math.round(p.events / Math.max(p.elapsedMs / 1000, 0.001)),
        }),
      onProblem: (p) => {
        // The first 20 problems are printed in full; the rest are counted and kept in quarantine.
        if (shown++ >= 20) return;
        const where = p.line !== null ? `:${p.line}` : p.index !== null ? ` [${p.index}]` : '';
        const msg = `quarantined ${p.file}${where}: ${p.code}: ${p.reason}`;
        if (bar) bar.stop();
        println(io.stderr, escapeForTerminal(msg));
      },
    });
  } finally {
    bar?.stop();
  }
}

export function formatIngestSummary(s: IngestSummary): string {
  const rate = Math.round(s.records / Math.max(s.elapsedMs / 1000, 0.001));
  const parts = [
    `${s.filesRead} file(s) read`,
    s.filesUnchanged ? `${s.filesUnchanged} unchanged (already ingested)` : null,
    s.digestFiles ? `${s.digestFiles} digest file(s) skipped` : null,
    s.otherFiles ? `${s.otherFiles} non-JSON file(s) skipped` : null,
  ].filter(Boolean);
  return [
    `ingest: ${parts.join(', ')}`,
    `        ${s.records} records: ${s.inserted} new events, ${s.duplicates} duplicates, ${s.quarantined} quarantined, ${s.insights} insights (${rate} records/s)`,
  ].join('\n');
}
