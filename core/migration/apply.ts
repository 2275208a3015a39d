/**
 * Turns a migration of an assessment's answers (migrateAnswers) into the one `pack.migrate`
 * change that moves the document to the new pack version: the new criterion records, with
 * their evidence links and re-assessment flags, and every record left behind, whole.
 * The preview (preview.ts) reads the same inputs, so what it shows is what this applies.
 */
import type { Pack } from '../criteria/schema';
import type { Assessment, CriterionRecord, PinnedPack } from '../assessment/schema';
import type { MigrationReportShape, PackMigrateChange } from '../assessment/ops';
import { orderChecklist } from '../assessment/checklist';
import { MigrationError, migrateAnswers, type MigrationAnswer } from './migrate';
import type { MigrationPackOutline } from './preview';

export type PackMigrateChangeT = import('zod').infer<typeof PackMigrateChange>;

export interface MigrationInputs {
  /** Criterion id → the record without its links and flag. Records without a status count as not-assessed. */
  answers: Record<string, MigrationAnswer>;
  links: Record<string, string[]>;
}

/**
 * What migrateAnswers reads from an assessment: every record that holds anything besides
 * evidence links is an answer (so notes without a result are carried, not lost); links go
 * separately.
 */
export function migrationInputs(criteria: Assessment['criteria']): MigrationInputs {
  const answers: Record<string, MigrationAnswer> = {};
  const links: Record<string, string[]> = {};
  for (const [id, record] of Object.entries(criteria)) {
    const { evidence, reassess: _reassess, ...rest } = record;
    if (Object.values(rest).some((v) => v !== undefined)) {
      answers[id] = { ...rest, status: rest.status ?? 'not-assessed' } as MigrationAnswer;
    }
    if (evidence && evidence.length > 0) links[id] = [...evidence];
  }
  return { answers, links };
}

/** Drops the placeholder status migrationInputs gave a record without one (no source recorded a status). */
function withoutPlaceholder<T extends { status?: string }>(answer: T, sources: readonly string[], criteria: Assessment['criteria']): T {
  if (answer.status !== 'not-assessed' || sources.some((s) => Object.hasOwn(criteria, s) && criteria[s]!.status !== undefined)) return answer;
  const { status: _status, ...rest } = answer;
  return rest as T;
}

/**
 * The expected-evidence ticks a new criterion takes over: those of every source whose answer
 * it carries (all of them when merged sources agree; none when they disagree and the answer
 * is reset), limited to the items the new criterion still expects when its list is known.
 */
function carriedChecklist(
  id: string,
  answer: MigrationAnswer | undefined,
  sources: readonly string[],
  flag: string | undefined,
  criteria: Assessment['criteria'],
  expected: readonly { type: string }[] | undefined,
): string[] | undefined {
  if (!answer || flag === 'merged-disagreement') return undefined;
  const keys = [...new Set(sources.flatMap((s) => (Object.hasOwn(criteria, s) ? (criteria[s]!.evidenceChecked ?? []) : [])))];
  const kept = expected ? orderChecklist(keys, expected) : keys;
  return kept.length > 0 ? kept : undefined;
}

/**
 * Plans moving `assessment` from its pinned pack `from` to `to` (a later version of the same
 * pack, whose mapping maps from `from`). Pure; apply the result with `applyChange`.
 * @throws MigrationError when the packs do not fit the assessment or each other.
 */
export function planPackMigration(
  assessment: Pick<Assessment, 'pack' | 'criteria' | 'findings'>,
  from: MigrationPackOutline,
  to: MigrationPackOutline & { hash: string },
): PackMigrateChangeT {
  const pin = assessment.pack;
  if (from.id !== pin.id || from.version !== pin.version) {
    throw new MigrationError(`the assessment uses ${pin.id}@${pin.version}, not ${from.id}@${from.version}`);
  }
  if (to.id !== pin.id) throw new MigrationError(`the assessment uses pack ${pin.id}: it can move to another version of ${pin.id} only, not to ${to.id}`);
  const inputs = migrationInputs(assessment.criteria);
  // migrateAnswers reads only the reference, the criterion ids and the mapping of each pack.
  const result = migrateAnswers(from as unknown as Pack, to as unknown as Pack, inputs.answers, inputs.links);
  const { report } = result;

  const sourcesOf = new Map<string, string[]>();
  for (const c of report.carried) sourcesOf.set(c.criterion, c.from);
  const flags = new Map(report.needsReassessment.map((r) => [r.criterion, r]));
  for (const r of report.needsReassessment) if (!sourcesOf.has(r.criterion)) sourcesOf.set(r.criterion, r.from);

  const expectedOf = new Map(to.criteria.map((c) => [c.id, c.evidence]));
  const records: Record<string, CriterionRecord> = {};
  for (const { id } of to.criteria) {
    const sources = sourcesOf.get(id) ?? [];
    const record: CriterionRecord = {};
    const answer = result.answers[id];
    if (answer) Object.assign(record, withoutPlaceholder(answer, sources, assessment.criteria));
    const checked = carriedChecklist(id, answer, sources, flags.get(id)?.reason, assessment.criteria, expectedOf.get(id));
    if (checked) record.evidenceChecked = checked;
    else delete record.evidenceChecked;
    const links = result.evidenceLinks[id];
    if (links && links.length > 0) record.evidence = links;
    const flag = flags.get(id);
    if (flag) record.reassess = { reason: flag.reason, from: [...flag.from] };
    else {
      // A flag from an earlier migration that nobody has resolved yet stays.
      const earlier = sources.map((s) => assessment.criteria[s]?.reassess).find((r) => r !== undefined);
      if (earlier) record.reassess = earlier;
    }
    if (Object.keys(record).length > 0) records[id] = record;
  }

  const used = new Set<string>([...report.carried.flatMap((c) => c.from), ...report.needsReassessment.flatMap((r) => r.from)]);
  const fromIds = new Set(from.criteria.map((c) => c.id));
  const removed = new Set((to.mapping?.entries ?? []).filter((e) => e.kind === 'removed').flatMap((e) => e.from));
  const reasonOf = new Map(report.retired.map((r) => [r.criterion, r.reason]));
  const retired: PackMigrateChangeT['retired'] = Object.entries(assessment.criteria)
    .filter(([id]) => !used.has(id))
    .map(([id, record]) => ({
      criterion: id,
      reason: reasonOf.get(id) ?? (!fromIds.has(id) ? 'unknown-criterion' : removed.has(id) ? 'removed' : 'unmapped'),
      record,
    }));

  const toIds = new Set(to.criteria.map((c) => c.id));
  const shape: MigrationReportShape = {
    from: report.from,
    to: report.to,
    carried: report.carried,
    needsReassessment: report.needsReassessment,
    retired: report.retired.map((r) => ({ ...r, ...(r.answer && { answer: withoutPlaceholder(r.answer, [r.criterion], assessment.criteria) }) })),
    newCriteria: report.newCriteria,
    findingsToReview: assessment.findings
      .map((f) => ({ finding: f.id, missing: f.criteria.filter((c) => !toIds.has(c)) }))
      .filter((f) => f.missing.length > 0),
  };
  const target: PinnedPack = { id: to.id, version: to.version, hash: to.hash };
  return { op: 'pack.migrate', to: target, records, retired, report: shape };
}
