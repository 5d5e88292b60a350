/**
 * The process entry: `bin/trailhound.js` runs the compiled form of this file, and tests
 * that need a real process (pipes, signals, exit codes) run it from source through tsx.
 */
import { ignoreClosedPipe } from './io.ts';
import { main } from './main.ts';

ignoreClosedPipe(process.stderr);
process.exitCode = await main(process.argv);
