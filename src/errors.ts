/**
 * Small error classes with stable codes and messages that tell the user what to do.
 * The CLI maps `code` to an exit status; the server maps it to an HTTP status.
 */
import { escapeForTerminal } from './util/terminal.ts';

export class TrailhoundError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A path given on the command line does not exist or cannot be read. */
export class SourceNotFoundError extends TrailhoundError {
  constructor(path: string) {
    super(
      'TH_SOURCE_NOT_FOUND',
      `Cannot read ${path}: no such file or folder. Check the path, or pass - to read stdin.`,
    );
  }
}

/** Nothing at all could be read from the inputs: every file was bad or there were none. */
export class NothingIngestedError extends TrailhoundError {
  constructor(detail: string) {
    super('TH_NOTHING_INGESTED', `No CloudTrail record could be read: ${detail}`);
  }
}

/** The database cannot be opened or has a schema from a newer Trailhound. */
export class StoreError extends TrailhoundError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('TH_STORE', message, options);
  }
}

/**
 * A command that reads a store was pointed at a location that holds none. Such commands
 * never create one (a mistyped --db would otherwise read as "no alerts"); exit 2, as for
 * any wrong command line.
 */
export class StoreNotFoundError extends TrailhoundError {
  readonly location: string;
  constructor(location: string, detail: string) {
    // The path was typed by the user or comes from the environment: printed escaped.
    const shown = escapeForTerminal(location);
    super(
      'TH_STORE_NOT_FOUND',
      `No Trailhound store at ${shown}: ${escapeForTerminal(detail)}. Commands that read a store never create one: create one with \`trailhound ingest PATHS --db ...\` (or run, demo), or point --db or $TRAILHOUND_DB at an existing store.`,
    );
    this.location = location;
  }
}

/** A command-line or configuration value is invalid. */
export class UsageError extends TrailhoundError {
  constructor(message: string) {
    super('TH_USAGE', message);
  }
}

/** An alert, event or other object asked for by id does not exist. */
export class NotFoundError extends TrailhoundError {
  constructor(what: string, id: string) {
    super(
      'TH_NOT_FOUND',
      `${what} ${id} not found. List them with \`trailhound ${what === 'alert' ? 'alerts' : 'events'}\`.`,
    );
  }
}

/** Exit status for an error: 2 for usage (a missing store included), 3 for nothing ingested, 1 otherwise. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof UsageError || error instanceof StoreNotFoundError) return 2;
  if (error instanceof NothingIngestedError) return 3;
  return 1;
}
