/**
 * JSON-lines output: appends one alert per line to a file (for a SIEM forwarder to tail).
 * Bidi, line-separator and C1 characters are written as `\u` escapes so the file stays
 * one alert per line and inert when someone `tail`s it.
 */
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { safeJson } from './text.ts';
import { type AlertOutput, OutputError } from './types.ts';

export function jsonlOutput(options: { path: string }): AlertOutput {
  const path = resolve(options.path);
  return {
    name: 'jsonl',
    key: `jsonl:${path}`,
    async send(alerts) {
      if (alerts.length === 0) return;
      try {
        await mkdir(dirname(path), { recursive: true });
        await appendFile(path, alerts.map((a) => `${safeJson(a)}\n`).join(''), 'utf8');
      } catch (error) {
        throw new OutputError(
          `Cannot append to ${path}: ${(error as Error).message}. Check the path and its permissions.`,
          { cause: error },
        );
      }
    },
  };
}
