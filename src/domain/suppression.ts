/** A scoped suppression from `feedback --suppress`: an actor, the actions it covers, an owner and an expiry. */
export interface Suppression {
  id: number;
  actorKey: string;
  /** The action tokens it covers; a journey whose surprising actions are all in here is suppressed. */
  tokens: string[];
  owner: string;
  /** Epoch ms. */
  expires: number;
}
