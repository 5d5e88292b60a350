/**
 * Pieces every command shares: the `--db` option, opening the store for the length of a
 * command, time and format options, and tables whose cells are safe for a terminal.
 */
import type { Command } from 'commander';
import { UsageError } from '../errors.ts';
import { assertStoreExists } from '../store/existing.ts';
import { openStore, resolveDbLocation, type Store } from '../store/index.ts';
import { renderTable } from '../util/table.ts';

export { renderTable };

export function addDbOption(command: Command): Command {
  return command.option(
    '--db <file>',
    'SQLite file or postgres:// URL (default: $TRAILHOUND_DB, else ./trailhound.db)',
  );
}

export interface CommandStoreOptions {
  /** Create the store when it does not exist: only for commands that write data (ingest, run, demo). */
  create?: boolean;
  /** See `StoreOptions.asyncCommit`. */
  asyncCommit?: boolean;
}

/**
 * Opens the store a command names. Unless `create` is set, a location that holds no
 * Trailhound store is refused (`StoreNotFoundError`, exit 2) before anything is opened,
 * so a mistyped --db creates no file and no folder and cannot read as an empty store.
 */
export async function openCommandStore(db: string | undefined, options: CommandStoreOptions = {}): Promise<Store> {
  if (!options.create) await assertStoreExists(resolveDbLocation(db));
  return openStore({ db, asyncCommit: options.asyncCommit === true });
}

/** Opens the store (see `openCommandStore`), runs `fn`, and always closes it. */
export async function withStore<T>(
  db: string | undefined,
  fn: (store: Store) => Promise<T>,
  options: CommandStoreOptions = {},
): Promise<T> {
  const store = await openCommandStore(db, options);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** Parses an ISO-8601 (or any Date.parse-able) option into epoch ms. */
export function parseTimeOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const t = Date.parse(value);
  if (!Number.isFinite(t))
    throw new UsageError(`--${name} ${value} is not a date; use ISO-8601, e.g. 2026-01-31 or 2026-01-31T12:00:00Z.`);
  return t;
}

export function parseFormat<F extends string>(value: string | undefined, allowed: readonly F[], fallback: F): F {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value))
    throw new UsageError(`--format ${value} is not one of ${allowed.join(', ')}.`);
  return value as F;
}

/** `--organization-accounts`, read with `parseAccountIds`; `fromConfig`: the command falls back to trailhound.yaml. */
export function addOrganizationAccountsOption(command: Command, fromConfig: boolean): Command {
  return command.option(
    '--organization-accounts <ids>',
    `the organization's own AWS accounts, comma-separated, where the trail may not show them all${fromConfig ? ' (default: detect.organizationAccounts)' : ''}`,
  );
}

/** A comma-separated list of 12-digit AWS account ids (`--organization-accounts`). */
export function parseAccountIds(name: string, value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const ids = value
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
  const bad = ids.find((id) => !/^\d{12}$/.test(id));
  if (bad !== undefined || ids.length === 0)
    throw new UsageError(
      `--${name} ${JSON.stringify(bad ?? value)} is not a 12-digit AWS account id (give a comma-separated list).`,
    );
  return ids;
}

export function parsePositiveNumber(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`--${name} ${value} is not a non-negative number.`);
  return n;
}
