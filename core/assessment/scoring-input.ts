import type { ScoringInput } from '../scoring/types';
import type { Assessment } from './schema';

/**
 * The scoring engine's input for an assessment: the assessor's results (never the
 * applicant's claims), findings with their plan due dates, roles, capabilities, targets.
 */
export function toScoringInput(assessment: Assessment): ScoringInput {
  const answers: ScoringInput['answers'] = {};
  for (const [criterion, record] of Object.entries(assessment.criteria)) {
    if (record.status === undefined) continue;
    answers[criterion] = record.justification === undefined ? { status: record.status } : { status: record.status, justification: record.justification };
  }
  return {
    roles: [...assessment.roles],
    capabilities: [...assessment.capabilities],
    answers,
    findings: assessment.findings.map((f) => ({
      id: f.id,
      class: f.class,
      criteria: [...f.criteria],
      status: f.status,
      ...(f.correctiveAction?.dueDate !== undefined && { dueDate: f.correctiveAction.dueDate }),
    })),
    targets: { ...assessment.targets },
  };
}
