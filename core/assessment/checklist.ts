/**
 * The expected-evidence checklist of a criterion: which of the pack's expected evidence items
 * the assessor has seen. Items are named by their evidence type rather than their position, so
 * ticks survive a pack version that reorders or extends a criterion's list. A criterion may
 * expect two items of one type (e.g. two record samples): the second is `type#2`, and so on.
 */
import { z } from 'zod';

/** The most expected-evidence items a criterion may list (core/criteria/schema.ts). */
export const MAX_EXPECTED_EVIDENCE = 20;

/** `type` or `type#n` (n ≥ 2) where `type` is an evidence type id of the pack. */
export const ExpectedEvidenceKey = z
  .string()
  .max(68)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}(#([2-9]|1\d|20))?$/, 'must be an evidence type id, optionally followed by #2 … #20');

/**
 * The checklist key of each expected-evidence item, in the pack's order: the item's type, with
 * `#n` on its n-th occurrence (n ≥ 2) when the criterion expects several items of that type.
 */
export function expectedEvidenceKeys(evidence: readonly { type: string }[]): string[] {
  const seen = new Map<string, number>();
  return evidence.map(({ type }) => {
    const n = (seen.get(type) ?? 0) + 1;
    seen.set(type, n);
    return n === 1 ? type : `${type}#${n}`;
  });
}

/**
 * Ticked keys in the order the criterion lists its items, keeping only keys the criterion
 * still expects (a later pack version may have dropped one).
 */
export function orderChecklist(keys: readonly string[], evidence: readonly { type: string }[]): string[] {
  const ticked = new Set(keys);
  return expectedEvidenceKeys(evidence).filter((k) => ticked.has(k));
}
