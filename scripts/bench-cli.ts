/**
 * CLI start-up benchmark: how long the built `trailhound` takes to answer, against a bare
 * `node -e 0` on the same machine at the same moment. Each command runs in turn with the
 * bare Node start (A B A B ...), so a machine that slows down mid-run slows both; the
 * figure is best of N wall time (the least disturbed start each can make). Target:
 * `trailhound --help` within 4x `node -e 0`; the script exits 1 when it is not.
 * The build is refreshed first (`npm run build`, incremental), so dist/ is the sources.
 *
 *   npm run bench:cli [-- --runs 5 --no-build]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'trailhound.js');
const TARGET = 4;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const RUNS = arg('runs', 5);

/** Wall milliseconds of one run of `node ARGS`, which must exit with `expected`. */
function wall(args: readonly string[], expected = 0): number {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== expected)
    throw new Error(`node ${args.join(' ')} exited ${result.status}, not ${expected}: ${String(result.stderr)}`);
  return ms;
}

interface Case {
  label: string;
  args: string[];
  expected?: number;
}

const FIXTURE = join(ROOT, 'fixtures/stratus-red-team/aws.defense-evasion.cloudtrail-stop.json');
const CASES: Case[] = [
  { label: 'trailhound --help', args: [BIN, '--help'] },
  { label: 'trailhound --version', args: [BIN, '--version'] },
  { label: 'trailhound nosuch (exit 2)', args: [BIN, 'nosuch'], expected: 2 },
  { label: 'trailhound events --help', args: [BIN, 'events', '--help'] },
  { label: 'trailhound describe (1 record)', args: [BIN, 'describe', FIXTURE] },
  {
    label: 'sources through tsx: --help',
    args: ['--import', 'tsx', join(ROOT, 'src/cli/entry.ts'), '--help'],
  },
];

if (!process.argv.includes('--no-build'))
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });

// One unmeasured start of each warms the file cache.
wall(['-e', '0']);
for (const c of CASES) wall(c.args, c.expected);

const rows: Array<{ label: string; best: number; median: number; bare: number }> = [];
for (const c of CASES) {
  const mine: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    mine.push(wall(c.args, c.expected));
    bare.push(wall(['-e', '0']));
  }
  mine.sort((a, b) => a - b);
  bare.sort((a, b) => a - b);
  rows.push({
    label: c.label,
    best: mine[0] as number,
    median: mine[Math.floor(RUNS / 2)] as number,
    bare: bare[0] as number,
  });
}

console.log(
  `CLI start-up, best of ${RUNS} wall time, each against node -e 0 run alternately (load average ${loadavg()[0]?.toFixed(1)} on ${availableParallelism()} cores):`,
);
console.log(
  `${'command'.padEnd(34)} ${'best ms'.padStart(8)} ${'median'.padStart(8)} ${'node -e 0'.padStart(10)} ${'ratio'.padStart(7)}`,
);
for (const r of rows)
  console.log(
    `${r.label.padEnd(34)} ${r.best.toFixed(0).padStart(8)} ${r.median.toFixed(0).padStart(8)} ${r.bare.toFixed(0).padStart(10)} ${`${(r.best / r.bare).toFixed(2)}x`.padStart(7)}`,
  );
const help = rows[0] as (typeof rows)[number];
const ratio = help.best / help.bare;
const ok = ratio <= TARGET;
console.log(`--help: ${ratio.toFixed(2)}x a bare node start (target <= ${TARGET}x): ${ok ? 'met' : 'NOT met'}`);
if (!ok) process.exitCode = 1;
