// Display helpers. React escapes HTML; `visible` also shows control, ANSI and bidi
// characters as escapes, so a userName with U+202E cannot reverse what the analyst reads.
import { escapeForTerminal } from '../../src/util/terminal.ts';

export const visible = (s: string): string => escapeForTerminal(s);

/** `2026-11-20T03:12:05Z` → `2026-11-20 03:12:05Z`. */
export function when(iso: string): string {
  const t = Date.parse(iso);
  return Number.isFinite(t) ? `${new Date(t).toISOString().slice(0, 19).replace('T', ' ')}Z` : visible(iso);
}

export const TECHNIQUE_ID = /^T\d{4}(\.\d{3})?$/;

/** MITRE ATT&CK page of a technique id, or null when the id is not one. */
export function techniqueUrl(id: string): string | null {
  if (!TECHNIQUE_ID.test(id)) return null;
  const [base, sub] = id.split('.');
  return `https://attack.mitre.org/techniques/${base}/${sub ? `${sub}/` : ''}`;
}

/** The error code to show after a failed step, or null when its sentence already says it ("failed: AccessDenied"). */
export function errorSuffix(e: { success: boolean; errorCode: string | null; sentence: string }): string | null {
  if (e.success || e.errorCode === null) return null;
  return e.sentence.includes(e.errorCode) ? null : e.errorCode;
}

/** `1234567` → `1,234,567`. */
export const count = (n: number): string => n.toLocaleString('en');
