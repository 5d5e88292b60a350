import type { NormalizeResult } from './index.ts';

// Placeholder until the normalize work lands: every record is refused with a clear reason.
export function normalizeRecord(_record: Record<string, unknown>): NormalizeResult {
  return { ok: false, code: 'not-implemented', reason: 'normalize is not implemented yet' };
}
