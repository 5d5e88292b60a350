/**
 * Folds repeats in a journey's action sequence for reading: a scanner's typical journey of 40
 * steps is mostly `GetRole → ListAttachedRolePolicies → ListRolePolicies` again and again, which
 * reads better as one group with a count.
 */

export interface SequencePart {
  steps: string[];
  times: number;
}

/** Greedy left to right: at each position, the period (1..4) whose repeats cover the most steps. */
export function foldRepeats(tokens: readonly string[], maxPeriod = 4): SequencePart[] {
  const out: SequencePart[] = [];
  let i = 0;
  while (i < tokens.length) {
    let best: SequencePart = { steps: [tokens[i] as string], times: 1 };
    for (let p = 1; p <= maxPeriod && i + 2 * p <= tokens.length; p++) {
      let times = 1;
      while (i + (times + 1) * p <= tokens.length && sameRun(tokens, i, i + times * p, p)) times++;
      if (times >= 2 && times * p > best.times * best.steps.length) best = { steps: tokens.slice(i, i + p), times };
    }
    out.push(best);
    i += best.steps.length * best.times;
  }
  return out;
}

function sameRun(tokens: readonly string[], a: number, b: number, p: number): boolean {
  for (let k = 0; k < p; k++) if (tokens[a + k] !== tokens[b + k]) return false;
  return true;
}

/** `a → (b → c) ×4 → d`, each step written by `label`; past `maxParts` parts, `→ …`. */
export function sequenceText(
  tokens: readonly string[],
  label: (t: string) => string = (t) => t,
  maxParts = Number.POSITIVE_INFINITY,
): string {
  const parts = foldRepeats(tokens);
  const text = parts
    .slice(0, maxParts)
    .map((part) => {
      const steps = part.steps.map(label).join(' → ');
      if (part.times === 1) return steps;
      return part.steps.length === 1 ? `${steps} ×${part.times}` : `(${steps}) ×${part.times}`;
    })
    .join(' → ');
  return parts.length > maxParts ? `${text} → …` : text;
}
