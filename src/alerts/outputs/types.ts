/**
 * The one interface every alert output implements (Slack, webhook, JSON lines, syslog).
 * `key` names the destination for the sent log without secrets (a webhook URL is a
 * credential: only its hash is kept), so each destination gets each alert once.
 */

import { TrailhoundError } from '../../errors.ts';
import type { Alert } from '../types.ts';

export interface AlertOutput {
  /** Kind of output: `slack`, `webhook`, `jsonl`, `syslog`. */
  readonly name: string;
  /** Stable, secret-free identity of the destination, e.g. `slack:3f2a…`. */
  readonly key: string;
  /** Delivers the alerts; rejects when the destination did not accept them. */
  send(alerts: Alert[]): Promise<void>;
}

/** An output could not deliver: the message says where (without secrets) and what to check. */
export class OutputError extends TrailhoundError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('TH_OUTPUT', message, options);
  }
}
