/**
 * Loads `trailhound.yaml`: YAML parse errors and schema errors name the file, the line and
 * the key; environment variables named by `...Env` keys are resolved here, and a missing one
 * is an error (an output without its secret must not run half-configured). `maskedConfig`
 * is what `trailhound config check` prints: every value that came from the environment masked.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import type { DestinationSpec } from '../alerts/outputs/index.ts';
import { UsageError } from '../errors.ts';
import { configSchema, type OutputConfig, SECRET_KEY, type TrailhoundConfig } from './schema.ts';

export type { OutputConfig, TrailhoundConfig } from './schema.ts';

export const DEFAULT_CONFIG_FILE = 'trailhound.yaml';

export interface LoadedConfig {
  /** Absolute path, or null when no file was given or found (all defaults). */
  file: string | null;
  config: TrailhoundConfig;
}

/**
 * The configuration from `path`, else `$TRAILHOUND_CONFIG`, else `./trailhound.yaml` when it
 * exists, else the defaults. A path that was asked for and does not exist is an error.
 */
export function loadConfig(path: string | undefined, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  const asked = path ?? env.TRAILHOUND_CONFIG;
  const file = asked ?? (existsSync(DEFAULT_CONFIG_FILE) ? DEFAULT_CONFIG_FILE : undefined);
  if (file === undefined) return { file: null, config: configSchema.parse({}) };
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read the configuration ${file}: ${(error as Error).message}.`);
  }
  return { file: resolve(file), config: parseConfig(text, file) };
}

/** Parses and validates configuration text; errors read `file:line: key: problem`. */
export function parseConfig(text: string, file = DEFAULT_CONFIG_FILE): TrailhoundConfig {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const lineOf = (offset: number | undefined) => (offset === undefined ? 1 : lines.linePos(offset).line);
  if (doc.errors.length > 0) {
    const e = doc.errors[0] as { pos: [number, number]; message: string };
    throw new UsageError(`${file}:${lineOf(e.pos[0])}: not valid YAML: ${e.message.split('\n')[0]}`);
  }
  const raw = doc.toJS() ?? {};
  const secret = findSecretKey(doc.contents, []);
  if (secret !== null)
    throw new UsageError(
      `${file}:${lineOf(secret.offset)}: ${secret.path}: secrets are not kept in the configuration file; put it in an environment variable and name it with ${secret.key}Env.`,
    );
  const parsed = configSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0] as { path: PropertyKey[]; message: string; code: string; keys?: string[] };
  const path = issue.code === 'unrecognized_keys' ? [...issue.path, ...(issue.keys ?? []).slice(0, 1)] : issue.path;
  const node = doc.getIn(path as Array<string | number>, true) as Node | undefined;
  const parent = doc.getIn(issue.path as Array<string | number>, true) as Node | undefined;
  const offset = keyOffset(doc.contents, path) ?? node?.range?.[0] ?? parent?.range?.[0];
  const where = path.length === 0 ? '(top level)' : formatPath(path);
  throw new UsageError(`${file}:${lineOf(offset)}: ${where}: ${issue.message}`);
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');
}

/** Offset of the key node at `path` (so an unknown key's error points at its own line). */
function keyOffset(node: unknown, path: readonly PropertyKey[]): number | undefined {
  let current = node;
  let offset: number | undefined;
  for (const step of path) {
    if (isMap(current)) {
      const pair = current.items.find((p) => isScalar(p.key) && p.key.value === step);
      if (!pair) return offset;
      offset = (pair.key as Node).range?.[0];
      current = pair.value;
    } else if (isSeq(current) && typeof step === 'number') {
      current = current.items[step];
      offset = (current as Node | undefined)?.range?.[0];
    } else return offset;
  }
  return offset;
}

function findSecretKey(
  node: unknown,
  path: PropertyKey[],
): { path: string; key: string; offset: number | undefined } | null {
  if (isMap(node))
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      if (SECRET_KEY.test(key)) return { path: formatPath([...path, key]), key, offset: (pair.key as Node).range?.[0] };
      const found = findSecretKey(pair.value, [...path, key]);
      if (found) return found;
    }
  if (isSeq(node))
    for (const [i, item] of node.items.entries()) {
      const found = findSecretKey(item, [...path, i]);
      if (found) return found;
    }
  return null;
}

function requireEnv(env: NodeJS.ProcessEnv, name: string, what: string): string {
  const value = env[name];
  if (value === undefined || value === '')
    throw new UsageError(`${what} reads the environment variable ${name}, which is not set.`);
  return value;
}

export function outputLabel(o: OutputConfig): string {
  return o.name ?? (o.format === undefined ? o.transport : `${o.transport}/${o.format}`);
}

/** The destination an output entry describes, with its secrets read from the environment. */
export function destinationOf(o: OutputConfig, env: NodeJS.ProcessEnv = process.env): DestinationSpec {
  const what = `Output ${outputLabel(o)}`;
  switch (o.transport) {
    case 'file':
      return { transport: 'file', format: o.format, target: o.path };
    case 'webhook': {
      if ((o.url === undefined) === (o.urlEnv === undefined))
        throw new UsageError(`${what} needs exactly one of url and urlEnv.`);
      return {
        transport: 'webhook',
        format: o.format,
        target: o.url ?? requireEnv(env, o.urlEnv as string, what),
        secret: o.secretEnv === undefined ? undefined : requireEnv(env, o.secretEnv, what),
      };
    }
    case 'slack':
      return {
        transport: 'slack',
        format: o.format,
        target: requireEnv(env, o.urlEnv, what),
        dashboardUrl: o.dashboardUrl,
      };
    case 'syslog':
      return { transport: 'syslog', format: o.format, target: o.target };
    case 'securityhub':
      return { transport: 'securityhub', format: o.format, region: o.region, account: o.account, endpoint: o.endpoint };
  }
}

/** The database location: the flag, else `db`/`dbEnv` from the file, else the store's own default. */
export function dbOf(config: TrailhoundConfig, flag: string | undefined, env: NodeJS.ProcessEnv = process.env) {
  if (flag !== undefined) return flag;
  if (config.dbEnv !== undefined) return requireEnv(env, config.dbEnv, 'dbEnv');
  return config.db;
}

/** The effective configuration as `config check` prints it: values from the environment masked. */
export function maskedConfig(config: TrailhoundConfig, env: NodeJS.ProcessEnv = process.env): Record<string, unknown> {
  const status = (name: string) => `${name} (${env[name] ? 'set, ****' : 'NOT SET'})`;
  const mask = (o: Record<string, unknown>) =>
    Object.fromEntries(
      Object.entries(o).map(([k, v]) => [k, k.endsWith('Env') && typeof v === 'string' ? status(v) : v]),
    );
  return {
    ...mask(config as unknown as Record<string, unknown>),
    ...(config.db !== undefined ? { db: config.db.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:****@') } : {}),
    outputs: config.outputs.map((o) => mask(o as unknown as Record<string, unknown>)),
  };
}

/** Parses `60s`, `5m`, `500ms`, `1h` (or a number of seconds) into milliseconds. */
export function durationMs(value: string | number, what = 'duration'): number {
  if (typeof value === 'number') return value * 1000;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(value.trim());
  if (m === null) throw new UsageError(`${what} ${value} is not a duration like 500ms, 60s, 5m or 1h.`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
  return Number(m[1]) * unit;
}
