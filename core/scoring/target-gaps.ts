/**
 * What stands between an assessment and its targets, read off a score: for every dimension
 * whose target is not met, the criteria that block the target level and why. Selection
 * only — the levels themselves come from `score()`, never from here.
 */
import type { Blocker, DimensionOutcome } from './types';

export interface TargetGap {
  dimension: string;
  target: string;
  achieved: string | null;
  /** The target level's blockers, in pack criterion order. */
  blockers: Blocker[];
  /**
   * No in-scope SHALL criterion is tagged for the target level, so it cannot be achieved
   * by answering anything: the profile (roles, capabilities) or the target needs a look.
   */
  undecidable: boolean;
}

/** Dimensions that miss their target, in the score's dimension order. */
export function targetGaps(dimensions: readonly Pick<DimensionOutcome, 'dimension' | 'target' | 'targetMet' | 'achieved' | 'levels'>[]): TargetGap[] {
  const gaps: TargetGap[] = [];
  for (const d of dimensions) {
    if (d.targetMet !== false || d.target === null) continue;
    const level = d.levels.find((l) => l.level === d.target);
    gaps.push({
      dimension: d.dimension,
      target: d.target,
      achieved: d.achieved,
      blockers: level ? [...level.blocking] : [],
      undecidable: !level || level.applicable === 0,
    });
  }
  return gaps;
}
