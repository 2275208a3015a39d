/**
 * Which criteria rely on which evidence. The document stores links on the criteria
 * (`criteria[id].evidence`); the evidence library reads them the other way round.
 */
import { own, type Assessment } from './schema';

/**
 * Evidence hash → ids of the criteria that link it, in `order` (the pack's presentation
 * order) and then by id. Every evidence item of the document has an entry ([] when unlinked).
 */
export function evidenceUsage(assessment: Pick<Assessment, 'criteria' | 'evidence'>, order?: readonly string[]): Map<string, string[]> {
  const usage = new Map<string, string[]>(Object.keys(assessment.evidence).map((h) => [h, []]));
  const position = new Map(order?.map((id, i) => [id, i]));
  const rank = (id: string) => position.get(id) ?? Number.MAX_SAFE_INTEGER;
  const ids = Object.keys(assessment.criteria).sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  for (const criterion of ids) {
    for (const hash of own(assessment.criteria, criterion)?.evidence ?? []) {
      const list = usage.get(hash);
      if (list && !list.includes(criterion)) list.push(criterion);
    }
  }
  return usage;
}
