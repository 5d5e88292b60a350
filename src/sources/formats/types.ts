/**
 * One shape CloudTrail records arrive in when a log pipeline or a query engine has reshaped
 * them. A new shape is one file in this folder, registered in `index.ts`.
 */

/** The CloudTrail record rebuilt from an object, a reason the object is broken, or null: not this shape. */
export type Unwrapped = { record: Record<string, unknown> } | { invalid: string; excerpt: string } | null;

export interface RecordShape {
  /** Named in the message for a file whose records match no shape, e.g. `Splunk JSON export (_raw)`. */
  readonly name: string;
  unwrap(o: Record<string, unknown>): Unwrapped;
}
