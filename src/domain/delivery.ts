/** The delivery log's contract: exactly once per destination (see store/output-deliveries.ts). */

export type DeliveryState = 'pending' | 'sent' | 'dead';

export interface DeadLetter {
  output: string;
  alertId: string;
  attempts: number;
  lastError: string | null;
  at: number;
}

export interface DeliveryLog {
  /** Alert ids this destination already has (sent) or that wait in the dead-letter queue. */
  settled(output: string): Promise<Map<string, DeliveryState>>;
  /** True when this owner now holds the alert for this destination until `now + leaseMs`. */
  claim(output: string, alertId: string, owner: string, now: number, leaseMs: number): Promise<boolean>;
  markSent(output: string, alertId: string, owner: string, now: number): Promise<void>;
  /** Records a failed attempt; `dead` moves the alert to the dead-letter queue, else the owner keeps its lease for the retry. */
  markFailed(output: string, alertId: string, owner: string, now: number, error: string, dead: boolean): Promise<void>;
  deadLetters(output?: string): Promise<DeadLetter[]>;
  /** Puts dead letters back in line; returns how many. */
  requeueDead(output: string, now: number): Promise<number>;
}
