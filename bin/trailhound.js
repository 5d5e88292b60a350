#!/usr/bin/env node
// Runs the compiled CLI. `npm ci` builds dist/ (the `prepare` script); after editing the
// sources run `npm run build`, or `npm run dev -- ARGS` to run them through tsx.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/entry.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('trailhound: the CLI is not built (no dist/cli/entry.js); run `npm run build` first.\n');
  process.exit(1);
}
await import(entry.href);
