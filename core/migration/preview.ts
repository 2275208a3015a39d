/**
 * What moving an assessment to a newer version of its pack would do, before anything is
 * changed: the answers `migrateAnswers` carries over, flags for re-assessment or retires,
 * with the mapping's notes, and the findings that point at criteria the new version no
 * longer has. The same `migrateAnswers` performs the migration itself, so the preview
 * cannot promise something the migration does not do.
 */
import type { Localized, MappingEntry, Pack } from '../criteria/schema';
import type { Assessment } from '../assessment/schema';
import { migrateAnswers, type MigrationReport } from './migrate';
import { migrationInputs } from './apply';

/**
 * The parts of a pack a migration reads: its reference, its criterion ids, its mapping, and
 * (when given) each criterion's expected evidence, which limits the checklist ticks carried.
 */
export interface MigrationPackOutline {
  id: string;
  version: string;
  criteria: readonly { id: string; evidence?: readonly { type: string }[] }[];
  mapping?: { from: string; entries: readonly MappingEntry[] };
}

export interface FindingToReview {
  finding: string;
  /** Its criteria that the new version does not have. */
  missing: string[];
}

export interface MigrationPreview extends MigrationReport {
  /** Criterion id (new version for carried/flagged/new, old version for retired) → the mapping's note. */
  notes: Record<string, Localized>;
  /** Findings linked to criteria that the new version does not have: their links need a decision. */
  findingsToReview: FindingToReview[];
  counts: {
    /** Criteria with a recorded result before the migration. */
    answered: number;
    carried: number;
    needsReassessment: number;
    retired: number;
    newCriteria: number;
    /** Evidence links that follow their answers, and links left behind with a retired criterion. */
    evidenceLinksCarried: number;
    evidenceLinksRetired: number;
  };
}

/**
 * Previews migrating `assessment` (recorded against `from`) to `to`.
 * @throws MigrationError when `to` has no mapping from `from`, or the mapping does not fit.
 */
export function previewMigration(assessment: Pick<Assessment, 'criteria' | 'findings'>, from: MigrationPackOutline, to: MigrationPackOutline): MigrationPreview {
  // The same inputs the migration itself reads (apply.ts): notes without a result are carried too.
  const { answers, links } = migrationInputs(assessment.criteria);
  // migrateAnswers reads only the reference, the criterion ids and the mapping of each pack,
  // which is all an outline carries.
  const result = migrateAnswers(from as unknown as Pack, to as unknown as Pack, answers, links);
  const { report } = result;

  const notes: Record<string, Localized> = {};
  for (const entry of to.mapping?.entries ?? []) {
    if (!entry.note) continue;
    for (const id of entry.kind === 'removed' ? entry.from : entry.to) notes[id] = entry.note;
  }

  const toIds = new Set(to.criteria.map((c) => c.id));
  const findingsToReview = assessment.findings
    .map((f) => ({ finding: f.id, missing: f.criteria.filter((c) => !toIds.has(c)) }))
    .filter((f) => f.missing.length > 0);

  const evidenceLinksCarried = Object.values(result.evidenceLinks).reduce((n, l) => n + l.length, 0);
  const evidenceLinksRetired = report.retired.reduce((n, r) => n + (r.evidence?.length ?? 0), 0);
  return {
    ...report,
    notes,
    findingsToReview,
    counts: {
      answered: Object.values(assessment.criteria).filter((r) => r.status !== undefined).length,
      carried: report.carried.length,
      needsReassessment: report.needsReassessment.length,
      retired: report.retired.length,
      newCriteria: report.newCriteria.length,
      evidenceLinksCarried,
      evidenceLinksRetired,
    },
  };
}
