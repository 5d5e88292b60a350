import type { Command } from 'commander';
import type { CliIo } from '../io.ts';

// Registers nothing until this command's work lands.
export function register(_program: Command, _io: CliIo): void {}
