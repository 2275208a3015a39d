/**
 * Claims: the applicant's self-assessment handed to a third-party assessor. They are kept
 * apart from the assessor's results so both stay visible; this module lists where they part.
 */
import type { ResultStatus } from '../scoring/types';
import { own, type Assessment } from './schema';

/**
 * - `not-assessed`: the applicant claims a result the assessor has not recorded yet;
 * - `overclaimed` / `underclaimed`: both recorded, the claim is better / worse than the result
 *   (conformant > minor-nc > major-nc);
 * - `applicability`: one side says not-applicable, the other does not;
 * - `unclaimed`: the assessor recorded a result the applicant made no claim about.
 */
export type ClaimDifferenceKind = 'not-assessed' | 'overclaimed' | 'underclaimed' | 'applicability' | 'unclaimed';

export interface ClaimDifference {
  criterion: string;
  kind: ClaimDifferenceKind;
  /** The applicant's claim; `not-assessed` when there is none. */
  claimed: ResultStatus;
  /** The assessor's result; `not-assessed` when there is none. */
  assessed: ResultStatus;
}

const RANK: Partial<Record<ResultStatus, number>> = { conformant: 2, 'minor-nc': 1, 'major-nc': 0 };

/**
 * Every criterion where the applicant's claim and the assessor's result differ, in the
 * given criterion order (the pack's presentation order) or by id. Empty when the
 * assessment holds no claims.
 */
export function diffClaims(assessment: Assessment, order?: readonly string[]): ClaimDifference[] {
  const claims = assessment.claims;
  if (!claims) return [];
  const ids = new Set([...Object.keys(claims), ...Object.keys(assessment.criteria)]);
  const differences: ClaimDifference[] = [];
  for (const criterion of ids) {
    const claimed = own(claims, criterion)?.status ?? 'not-assessed';
    const assessed = own(assessment.criteria, criterion)?.status ?? 'not-assessed';
    const kind = classify(claimed, assessed);
    if (kind) differences.push({ criterion, kind, claimed, assessed });
  }
  const position = new Map(order?.map((id, i) => [id, i]));
  const rank = (id: string) => position.get(id) ?? Number.MAX_SAFE_INTEGER;
  return differences.sort((x, y) => rank(x.criterion) - rank(y.criterion) || (x.criterion < y.criterion ? -1 : x.criterion > y.criterion ? 1 : 0));
}

function classify(claimed: ResultStatus, assessed: ResultStatus): ClaimDifferenceKind | null {
  if (claimed === assessed) return null;
  if (assessed === 'not-assessed') return 'not-assessed';
  if (claimed === 'not-assessed') return 'unclaimed';
  if (claimed === 'not-applicable' || assessed === 'not-applicable') return 'applicability';
  return RANK[claimed]! > RANK[assessed]! ? 'overclaimed' : 'underclaimed';
}
