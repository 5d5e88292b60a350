/** `trailhound config check`: validates trailhound.yaml and prints the effective configuration, secrets masked. */
import type { Command } from 'commander';
import { stringify } from 'yaml';
import { createDestination } from '../../alerts/outputs/index.ts';
import { destinationOf, loadConfig, maskedConfig, outputLabel } from '../../config/index.ts';
import { escapeForTerminal } from '../../util/terminal.ts';
import { type CliIo, println } from '../io.ts';

export function addConfigOption(command: Command): Command {
  return command.option(
    '--config <file>',
    'configuration file (default: $TRAILHOUND_CONFIG, else ./trailhound.yaml if present)',
  );
}

export function register(program: Command, io: CliIo): void {
  const config = program.command('config').description('The configuration file, trailhound.yaml');
  addConfigOption(
    config
      .command('check')
      .description('Validate the configuration (and the outputs it names) and print it with secrets masked'),
  ).action((opts: { config?: string }) => {
    const loaded = loadConfig(opts.config, io.env);
    // Building every output checks its URL, target and that its environment variables are set.
    for (const o of loaded.config.outputs) {
      const output = createDestination(destinationOf(o, io.env));
      for (const w of output.warnings) println(io.stderr, `trailhound: warning: output ${outputLabel(o)}: ${w}`);
    }
    println(
      io.stdout,
      `# ${loaded.file === null ? 'no configuration file: defaults' : escapeForTerminal(loaded.file)}`,
    );
    io.stdout.write(stringify(maskedConfig(loaded.config, io.env)).split('\n').map(escapeForTerminal).join('\n'));
    println(io.stdout, '# configuration is valid');
  });
}
