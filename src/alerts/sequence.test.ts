import { describe, expect, it } from 'vitest';
import { foldRepeats, sequenceText } from './sequence.ts';

describe(foldRepeats.name, () => {
  it('folds a repeated group of steps into one part with a count', () => {
    const scan = [
      'ListUsers',
      'ListRoles',
      ...Array(4).fill(['GetRole', 'ListPolicies', 'ListInline']).flat(),
      'ListFindings',
    ];
    expect(sequenceText(scan)).toBe('ListUsers → ListRoles → (GetRole → ListPolicies → ListInline) ×4 → ListFindings');
  });

  it('folds a run of one step and leaves a sequence without repeats as it is', () => {
    expect(sequenceText(['a', 'b', 'b', 'b', 'c'])).toBe('a → b ×3 → c');
    expect(sequenceText(['a', 'b', 'c'])).toBe('a → b → c');
    expect(foldRepeats([])).toEqual([]);
  });

  it('keeps every step: unfolding gives the input back', () => {
    const tokens = ['x', 'y', 'x', 'y', 'x', 'z', 'z', 'q', 'x', 'y'];
    const unfolded = foldRepeats(tokens).flatMap((p) => Array.from({ length: p.times }, () => p.steps).flat());
    expect(unfolded).toEqual(tokens);
  });

  it('ends with an ellipsis past maxParts', () => {
    expect(sequenceText(['a', 'b', 'b', 'c', 'd'], (t) => t, 2)).toBe('a → b ×2 → …');
  });

  it('writes each step through the label function', () => {
    expect(sequenceText(['s3:GetObject', 's3:GetObject'], (t) => `<${t}>`)).toBe('<s3:GetObject> ×2');
  });
});
