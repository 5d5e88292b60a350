/**
 * The shape of `trailhound.yaml`, validated with zod. Unknown keys are refused (a typo must
 * not silently fall back to a default). Secrets are never in the file: an output names the
 * environment variable that holds its secret (`secretEnv`, `urlEnv`), and a key named like a
 * secret (`secret`, `password`, `token`) is refused with a pointer to the `...Env` form.
 */
import { z } from 'zod';

const duration = z
  .string()
  .regex(/^\d+(\.\d+)?(ms|s|m|h)$/, 'a duration like 500ms, 60s, 5m or 1h')
  .or(z.number().positive());

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name');

const common = {
  /** Name for logs and `config check`; default `transport[/format]`. */
  name: z.string().min(1).optional(),
  format: z.string().min(1).optional(),
};

export const outputSchema = z.discriminatedUnion('transport', [
  z.strictObject({ transport: z.literal('file'), path: z.string().min(1), ...common }),
  z.strictObject({
    transport: z.literal('webhook'),
    url: z.string().url().optional(),
    urlEnv: envName.optional(),
    secretEnv: envName.optional(),
    ...common,
  }),
  z.strictObject({
    transport: z.literal('slack'),
    urlEnv: envName,
    dashboardUrl: z.string().url().optional(),
    ...common,
  }),
  z.strictObject({ transport: z.literal('syslog'), target: z.string().min(1), ...common }),
  z.strictObject({
    transport: z.literal('securityhub'),
    region: z.string().min(1),
    account: z
      .string()
      .regex(/^\d{12}$/, 'a 12-digit AWS account id')
      .optional(),
    endpoint: z.string().url().optional(),
    ...common,
  }),
]);

/**
 * An AWS account id. YAML reads an unquoted `012345678901` as a number and drops its leading
 * zero: a 12-digit number is taken, a shorter one refused with the hint to quote it.
 */
const accountId = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const text = String(v);
  if (/^\d{12}$/.test(text)) return text;
  const zeroLost = typeof v === 'number' && /^\d{1,11}$/.test(text);
  ctx.addIssue({
    code: 'custom',
    message: `a 12-digit AWS account id${zeroLost ? " (quote an id that starts with 0: '012345678901')" : ''}`,
  });
  return z.NEVER;
});

export const configSchema = z.strictObject({
  /** SQLite file or postgres:// URL; `dbEnv` names a variable holding a URL with a password. */
  db: z.string().min(1).optional(),
  dbEnv: envName.optional(),
  sources: z.array(z.string().min(1)).default([]),
  watch: z
    .strictObject({
      interval: duration.default('60s'),
      /** Queue new files as ingest jobs for `trailhound worker` instead of ingesting and detecting in `watch` (PostgreSQL). */
      enqueue: z.boolean().default(false),
    })
    .default({ interval: '60s', enqueue: false }),
  /** Absent values take the defaults of src/domain/defaults.ts, as the CLI's options do. */
  detect: z
    .strictObject({
      learningDays: z.number().int().min(0).max(365).optional(),
      /** The alert budget: target alerts per week. */
      alertsPerWeek: z.number().positive().max(1000).optional(),
      gapMinutes: z
        .number()
        .positive()
        .max(24 * 60)
        .optional(),
      /** The organization's own accounts, where the trail may not show them all (a trail of one account). */
      organizationAccounts: z.array(accountId).max(100_000).optional(),
    })
    .default({}),
  retention: z.strictObject({ days: z.number().int().positive().optional() }).default({}),
  server: z
    .strictObject({
      host: z.string().min(1).default('127.0.0.1'),
      port: z.number().int().min(0).max(65535).default(8080),
    })
    .default({ host: '127.0.0.1', port: 8080 }),
  log: z.strictObject({ level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).default('info') }).default({
    level: 'info',
  }),
  outputs: z.array(outputSchema).default([]),
});

export type TrailhoundConfig = z.infer<typeof configSchema>;
export type OutputConfig = z.infer<typeof outputSchema>;

/** Keys that look like a secret written into the file. */
export const SECRET_KEY = /^(secret|password|passwd|token|apiKey|api_key|webhookSecret|accessKey|secretAccessKey)$/i;
