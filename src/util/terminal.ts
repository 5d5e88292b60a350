/**
 * Makes attacker-controlled text safe to print on a terminal. Every string in a CloudTrail
 * record was written by whoever called AWS: a userName can carry an ANSI escape that
 * recolours, hides or rewrites earlier output, a newline that forges a log line, or a
 * bidi override that reverses what the analyst reads. `escapeForTerminal` renders each such
 * code point as a visible escape (`\x1b`, `\n`, `\u202e`) and leaves everything else as is.
 */

// C0 controls, DEL, C1 controls (0x9b is a one-byte CSI on some terminals), bidi embeddings,
// overrides and isolates, directional marks, line/paragraph separators, zero-width characters
// and the BOM: everything that changes how the rest of a line is drawn or hides text.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function render(ch: string): string {
  const named = NAMED[ch];
  if (named !== undefined) return named;
  const code = ch.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** Returns `s` with every control, escape and bidi character rendered as a visible escape. */
export function escapeForTerminal(s: string): string {
  // Fast path: most strings are clean; `replace` on a clean string still allocates.
  UNSAFE.lastIndex = 0;
  if (!UNSAFE.test(s)) return s;
  UNSAFE.lastIndex = 0;
  return s.replace(UNSAFE, render);
}
