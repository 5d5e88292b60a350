/**
 * Every default a user can change, defined once: CLI option help, the configuration file, the
 * engine, the evaluation and the server read them here.
 */

/** Target ordinary alerts per week (the budget that sets the threshold). */
export const DEFAULT_ALERTS_PER_WEEK = 3;
/** Days from the first event during which only baseline-free signals alert. */
export const DEFAULT_LEARNING_DAYS = 14;
/** Inactivity that ends a journey, minutes. */
export const DEFAULT_GAP_MINUTES = 30;
export const DEFAULT_GAP_MS = DEFAULT_GAP_MINUTES * 60_000;
/**
 * How late CloudTrail delivers an event after its time (it aims at 5 minutes, a few take 15): a
 * journey closes only when no delivery can still add to it, and `watch` lists back this far.
 */
export const DEFAULT_LATENESS_MINUTES = 15;
export const DEFAULT_LATENESS_MS = DEFAULT_LATENESS_MINUTES * 60_000;
