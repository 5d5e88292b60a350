/**
 * Structured logs (pino, JSON lines on stderr) with levels. Attacker-written strings never go
 * into a log message unescaped: pino writes JSON, which escapes control characters.
 */
import { type DestinationStream, type Logger, pino } from 'pino';

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';
export type { Logger } from 'pino';

export function createLogger(level: LogLevel = 'info', destination?: DestinationStream): Logger {
  const options = { name: 'trailhound', level, base: { pid: process.pid } };
  return destination === undefined ? pino(options, pino.destination(2)) : pino(options, destination);
}
