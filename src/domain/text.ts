/**
 * NUL as U+FFFD: the form PostgreSQL text can hold (store/pg-text.ts), and the form identifiers
 * are hashed from on either store, so a journey, an alert or a peer group made of strings holding
 * NUL has the same id on SQLite (which keeps NUL) as on PostgreSQL (which reads U+FFFD back).
 */
export function withoutNul(v: string): string {
  return v.includes('\0') ? v.replaceAll('\0', '\uFFFD') : v;
}
