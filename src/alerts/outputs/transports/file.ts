/**
 * File transport: appends one record per line (JSON lines, or a text format's line) for a
 * SIEM forwarder to tail. Bidi, line-separator and C1 characters are written as `\u`
 * escapes so the file stays one alert per line and inert when someone `tail`s it.
 */
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { UsageError } from '../../../errors.ts';
import { safeJson } from '../text.ts';
import { OutputError, type TransportPlugin } from '../types.ts';

export const fileTransport: TransportPlugin = {
  name: 'file',
  description: 'append one record per line to a file (JSON lines)',
  defaultFormat: 'trailhound',
  formats: ['trailhound', 'ocsf', 'asff', 'syslog'],
  create(options) {
    if (options.target === undefined || options.target === '') throw new UsageError('The file output needs a path.');
    const path = resolve(options.target);
    return {
      key: `jsonl:${path}`,
      warnings: [],
      async deliver(records) {
        if (records.length === 0) return;
        const text = records.map((r) => `${typeof r.record === 'string' ? r.record : safeJson(r.record)}\n`).join('');
        try {
          await mkdir(dirname(path), { recursive: true });
          await appendFile(path, text, 'utf8');
        } catch (error) {
          throw new OutputError(
            `Cannot append to ${path}: ${(error as Error).message}. Check the path and its permissions.`,
            { cause: error },
          );
        }
      },
    };
  },
};
