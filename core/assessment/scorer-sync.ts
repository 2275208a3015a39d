import type { Scorer } from '../scoring/incremental';
import type { ScoringFinding } from '../scoring/types';
import { toScoringInput } from './scoring-input';
import type { Assessment } from './schema';

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

function scoringFindings(doc: Assessment): ScoringFinding[] {
  return toScoringInput({ ...doc, criteria: {} }).findings ?? [];
}

/**
 * Brings an incremental scorer built for `prev` up to `next`, touching only what differs:
 * answers whose status or justification changed, findings when their scoring fields changed,
 * scope when roles or capabilities changed, targets when they changed. Afterwards
 * `scorer.result()` equals `score(pack, toScoringInput(next))`.
 *
 * This is what keeps the levels on screen instant: a new document from main (or an edit
 * shown before main confirms it) costs one criterion's work, not a full re-score.
 */
export function syncScorer(scorer: Scorer, prev: Assessment, next: Assessment): void {
  if (prev === next) return;
  if (!sameList(prev.roles, next.roles) || !sameList(prev.capabilities, next.capabilities)) {
    scorer.setProfile(next.roles, next.capabilities);
  }
  if (prev.criteria !== next.criteria) {
    const ids = new Set([...Object.keys(prev.criteria), ...Object.keys(next.criteria)]);
    for (const id of ids) {
      const a = Object.hasOwn(prev.criteria, id) ? prev.criteria[id] : undefined;
      const b = Object.hasOwn(next.criteria, id) ? next.criteria[id] : undefined;
      if (a === b) continue;
      if (a?.status === b?.status && a?.justification === b?.justification) continue;
      scorer.setAnswer(id, b?.status === undefined ? undefined : b.justification === undefined ? { status: b.status } : { status: b.status, justification: b.justification });
    }
  }
  if (prev.findings !== next.findings) {
    const before = scoringFindings(prev);
    const after = scoringFindings(next);
    if (JSON.stringify(before) !== JSON.stringify(after)) scorer.setFindings(after);
  }
  if (JSON.stringify(prev.targets) !== JSON.stringify(next.targets)) scorer.setTargets({ ...next.targets });
}
