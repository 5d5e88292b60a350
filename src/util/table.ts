/** Text tables for the terminal (the CLI's and the evaluation's reports). */
import { escapeForTerminal } from './terminal.ts';

/**
 * Renders rows as an aligned text table. Every cell goes through `escapeForTerminal`:
 * CloudTrail strings are written by whoever called AWS and may carry escape sequences.
 */
export function renderTable(
  headers: readonly string[],
  rows: ReadonlyArray<ReadonlyArray<string | number | null>>,
  maxWidth = 60,
): string {
  const cells = rows.map((r) => r.map((c) => truncate(escapeForTerminal(c === null ? '-' : String(c)), maxWidth)));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}
