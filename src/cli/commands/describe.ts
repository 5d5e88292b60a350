/**
 * `trailhound describe FILE|-`: reads CloudTrail (file, folder, stdin or s3://) without a
 * store and prints one line per record in file order: time, a risk marker and the sentence
 * (which starts with the actor). `--format json|jsonl` gives the catalog's view as objects.
 * Every line of text output is escaped: record strings are written by whoever called AWS.
 */
import type { Command } from 'commander';
import { actorLabel, describeEvent } from '../../catalog/index.ts';
import { NothingIngestedError } from '../../errors.ts';
import type { Event } from '../../normalize/event.ts';
import { normalizeRecord } from '../../normalize/index.ts';
import { type Origin, openSource } from '../../sources/index.ts';
import { jsonText } from '../../util/json.ts';
import { escapeForTerminal } from '../../util/terminal.ts';
import { type CliIo, println } from '../io.ts';
import { parseFormat } from '../shared.ts';

export type DescribeFormat = 'text' | 'json' | 'jsonl';

export interface DescribedRecord {
  eventId: string;
  time: string;
  actor: string;
  actorKey: string;
  eventSource: string;
  action: string;
  success: boolean;
  sentence: string;
  riskClasses: string[];
  techniques: string[];
  facts: string[];
  risk: number;
  origin: Origin;
}

export interface DescribeProblem {
  origin: Origin;
  code: string;
  reason: string;
}

export interface DescribeSummary {
  described: number;
  refused: number;
  problems: number;
  insights: number;
}

export interface DescribeOptions {
  stdin?: NodeJS.ReadableStream;
  onRecord: (d: DescribedRecord) => void;
  onProblem: (p: DescribeProblem) => void;
}

export function toDescribed(e: Event, origin: Origin): DescribedRecord {
  const d = describeEvent(e);
  return {
    eventId: e.eventId,
    time: e.eventTime,
    actor: actorLabel(e.actor),
    actorKey: e.actor.key,
    eventSource: e.eventSource,
    action: e.action,
    success: e.success,
    sentence: d.sentence,
    riskClasses: d.riskClasses,
    techniques: d.techniques,
    facts: d.facts,
    risk: d.risk,
    origin,
  };
}

/** Reads `spec` and describes every record in order. Problems and refused records go to `onProblem`. */
export async function describeSource(spec: string, options: DescribeOptions): Promise<DescribeSummary> {
  const source = openSource(spec, options.stdin ? { stdin: options.stdin } : {});
  const summary: DescribeSummary = { described: 0, refused: 0, problems: 0, insights: 0 };
  for await (const file of source.files()) {
    if (file.skip) continue;
    for await (const item of file.read()) {
      if (item.kind === 'problem') {
        summary.problems++;
        // Records of an unknown shape after the first are counted, not printed again: one message per file.
        if (!item.quiet) options.onProblem({ origin: item.origin, code: item.code, reason: item.reason });
      } else if (item.kind === 'insight') {
        summary.insights++;
      } else {
        const result = normalizeRecord(item.record);
        if (result.ok) {
          summary.described++;
          options.onRecord(toDescribed(result.event, item.origin));
        } else {
          summary.refused++;
          options.onProblem({ origin: item.origin, code: result.code, reason: result.reason });
        }
      }
    }
  }
  return summary;
}

function where(origin: Origin): string {
  if (origin.line !== undefined) return `${origin.file}:${origin.line}`;
  if (origin.index !== undefined) return `${origin.file} [record ${origin.index}]`;
  return origin.file;
}

/** `!!` critical (>= 0.9), `! ` high (>= 0.6), blank otherwise: lets the eye find what matters. */
function marker(risk: number): string {
  return risk >= 0.9 ? '!!' : risk >= 0.6 ? '! ' : '  ';
}

/** One text line: time, risk marker, sentence; escaped for the terminal as a whole. */
export function formatTextLine(d: DescribedRecord): string {
  return escapeForTerminal(`${d.time}  ${marker(d.risk)} ${d.sentence}`);
}

export function formatProblem(p: DescribeProblem): string {
  return escapeForTerminal(`trailhound describe: ${where(p.origin)}: ${p.code}: ${p.reason}`);
}

export function register(program: Command, io: CliIo): void {
  program
    .command('describe')
    .description(
      'Print each CloudTrail record of a file, folder, - (stdin) or s3:// prefix as a plain sentence, in file order',
    )
    .argument('<source>', 'file, folder, - for stdin, or s3://bucket/prefix')
    .option('--format <format>', 'text, json or jsonl', 'text')
    .action(async (spec: string, opts: { format?: string }) => {
      const format = parseFormat<DescribeFormat>(opts.format, ['text', 'json', 'jsonl'], 'text');
      let first = true;
      if (format === 'json') io.stdout.write('[');
      const summary = await describeSource(spec, {
        stdin: io.stdin,
        onRecord: (d) => {
          if (format === 'text') println(io.stdout, formatTextLine(d));
          else if (format === 'jsonl') println(io.stdout, jsonText(d));
          else {
            io.stdout.write(`${first ? '\n' : ',\n'}${jsonText(d)}`);
            first = false;
          }
        },
        onProblem: (p) => println(io.stderr, formatProblem(p)),
      });
      if (format === 'json') println(io.stdout, first ? ']' : '\n]');
      if (summary.refused + summary.problems > 0 || summary.described === 0) {
        println(
          io.stderr,
          `trailhound describe: ${summary.described} described, ${summary.refused} refused, ${summary.problems} unreadable${summary.insights ? `, ${summary.insights} insight events skipped` : ''}`,
        );
      }
      // Nothing described is a failure a script must see, not an empty success.
      if (summary.described === 0)
        throw new NothingIngestedError(`nothing in ${escapeForTerminal(spec)} could be described.`);
    });
}
