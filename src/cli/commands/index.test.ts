import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { runCli } from '../testing.ts';
import { COMMANDS, type CommandEntry, registerCommands } from './index.ts';

const io = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: {} };

describe('command registry', () => {
  it.each(COMMANDS.map((c) => [c.name, c] as const))(
    '%s: its module registers it with the summary and arguments the registry shows',
    async (name, entry) => {
      const program = new Command('trailhound');
      (await entry.load()).register(program, io);
      const command = program.commands.find((c) => c.name() === name);
      expect(command).toBeDefined();
      expect(command?.description()).toBe(entry.summary);
      const args = command?.registeredArguments.map((a) => {
        const word = `${a.name()}${a.variadic ? '...' : ''}`;
        return a.required ? `<${word}>` : `[${word}]`;
      });
      expect(args?.join(' ') || undefined).toBe(entry.args);
    },
  );

  it('imports no command module for the program help, and only the requested one for a command', async () => {
    const loaded: string[] = [];
    const registry: CommandEntry[] = ['alpha', 'beta'].map((name) => ({
      name,
      summary: `the ${name} command`,
      load: async () => {
        loaded.push(name);
        return { register: (p: Command) => void p.command(name).description(`the ${name} command`) };
      },
    }));
    const help = new Command('trailhound');
    await registerCommands(help, io, ['--help'], registry);
    expect(loaded).toEqual([]);
    expect(help.commands.map((c) => [c.name(), c.description()])).toEqual([
      ['alpha', 'the alpha command'],
      ['beta', 'the beta command'],
    ]);
    await registerCommands(new Command('trailhound'), io, ['beta', '--x'], registry);
    await registerCommands(new Command('trailhound'), io, ['help', 'alpha'], registry);
    expect(loaded).toEqual(['beta', 'alpha']);
  });

  it('lists every command in the program help, exit 0', async () => {
    const sut = await runCli(['--help']);
    expect(sut.code).toBe(0);
    for (const c of COMMANDS) expect(sut.stdout).toMatch(new RegExp(`^  ${c.name}\\b`, 'm'));
  });

  it("shows a command's own options for `help COMMAND` and `COMMAND --help`", async () => {
    for (const args of [
      ['help', 'events'],
      ['events', '--help'],
    ]) {
      const sut = await runCli(args);
      expect(sut.code).toBe(0);
      expect(sut.stdout).toContain('Usage: trailhound events [options]');
      expect(sut.stdout).toContain('--format <format>');
    }
  });
});
