import type { Command } from 'commander';
import { renderAlert } from '../../alerts/render.ts';
import { runDemo } from '../../demo/index.ts';
import { escapeForTerminal } from '../../util/terminal.ts';
import { type CliIo, println } from '../io.ts';
import { renderTable } from '../shared.ts';

export function register(program: Command, io: CliIo): void {
  program
    .command('demo')
    .description('Build the bundled demo organization, ingest it, detect, and show the alerts (what `npm start` runs)')
    .option('--out <dir>', 'where the simulated CloudTrail goes', 'demo-data')
    .option('--db <file>', 'SQLite file for the demo', 'demo.db')
    .action(async (opts: { out: string; db: string }) => {
      const started = performance.now();
      const result = await runDemo({
        out: opts.out,
        db: opts.db,
        onStage: (stage, detail) => println(io.stderr, `${stage}: ${detail}`),
      });
      const { ingest, detect, alerts, attacks, detected, otherAlerts } = result;
      println(io.stdout);
      println(
        io.stdout,
        `Ingested ${ingest.inserted.toLocaleString('en')} new events (${ingest.records.toLocaleString('en')} read, ${ingest.filesRead.toLocaleString('en')} files, ${ingest.filesUnchanged.toLocaleString('en')} already ingested).`,
      );
      println(
        io.stdout,
        `Scored ${detect.journeysScored.toLocaleString('en')} journeys; learning period until ${detect.learningUntil ?? '-'}.`,
      );
      println(
        io.stdout,
        `${alerts.length} alert(s). The simulator planted ${attacks.length} attacks: ${detected.length} were alerted; ${otherAlerts.length} alert(s) hold no planted attack.`,
      );
      println(io.stdout);
      if (alerts.length > 0) {
        println(
          io.stdout,
          renderTable(
            ['id', 'severity', 'score', 'start', 'actor', 'steps', 'title'],
            alerts.map((a) => [a.id, a.severity, a.score, a.start.slice(0, 16), a.actorName, a.events.length, a.title]),
            70,
          ),
        );
        const top = [...alerts].sort((a, b) => b.score - a.score)[0];
        if (top) {
          println(io.stdout);
          println(io.stdout, 'The top alert, as an analyst reads it:');
          println(io.stdout);
          println(io.stdout, renderAlert(top));
        }
      }
      println(io.stdout);
      println(
        io.stdout,
        `Next: npx trailhound alert <id> --db ${escapeForTerminal(result.db)}   |   npx trailhound serve --db ${escapeForTerminal(result.db)}   (${Math.round((performance.now() - started) / 1000)} s)`,
      );
    });
}
