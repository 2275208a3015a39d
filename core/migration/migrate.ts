/**
 * Moving an assessment's answers and evidence links from one version of a criteria pack to
 * the next, following the newer pack's mapping. Nothing the assessor recorded is dropped:
 * every answer ends up carried over, flagged for re-assessment, or kept in `retired`.
 */
import type { MappingEntry, MappingKind, Pack } from '../criteria/schema';
import { packRef } from '../criteria/schema';
import type { Answer } from '../scoring/types';

/** An answer as the assessment stores it; fields other than these are carried along untouched. */
export interface MigrationAnswer extends Answer {
  notes?: string;
}

/** Criterion id → evidence ids (SHA-256 of the evidence blobs) linked to it. */
export type EvidenceLinks = Record<string, readonly string[] | undefined>;

export type ReassessmentReason =
  /** Text changed in the new version: the carried answer must be reviewed. */
  | 'revised'
  /** New id, same requirement: the answer moved to the new id; review it. */
  | 'renamed'
  /** One old criterion became several: each carries the old answer as a claim to re-assess. */
  | 'split'
  /** Several old criteria became one and their answers disagree: reset to not-assessed. */
  | 'merged-disagreement'
  /** The criterion did not exist before. */
  | 'new'
  /** The mapping does not mention a criterion both versions have: carried, to be reviewed. */
  | 'unmapped';

export interface CarriedAnswer {
  criterion: string;
  from: string[];
  kind: MappingKind | 'unmapped';
}

export interface Reassessment {
  criterion: string;
  reason: ReassessmentReason;
  /** Criteria of the previous version the answer or notes came from ([] for new criteria). */
  from: string[];
}

export interface RetiredAnswer {
  /** Id in the previous version. */
  criterion: string;
  /** `removed` by the mapping; `unmapped`: gone from the new version without a mapping entry; `unknown-criterion`: not in the previous version either. */
  reason: 'removed' | 'unmapped' | 'unknown-criterion';
  answer?: MigrationAnswer;
  evidence?: string[];
}

export interface MigrationReport {
  from: string;
  to: string;
  /** Answers copied to the new version, in the new pack's order. A criterion may also be flagged. */
  carried: CarriedAnswer[];
  needsReassessment: Reassessment[];
  retired: RetiredAnswer[];
  newCriteria: string[];
}

export interface MigrationResult {
  /** Keyed by the new pack's criterion ids, in its order. */
  answers: Record<string, MigrationAnswer>;
  evidenceLinks: Record<string, string[]>;
  report: MigrationReport;
}

/** A mapping that cannot be applied to these packs; the message says which entry and why. */
export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MigrationError';
  }
}

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

const ARITY: Record<MappingKind, { from: [number, number]; to: [number, number] }> = {
  same: { from: [1, 1], to: [1, 1] },
  revised: { from: [1, 1], to: [1, 1] },
  renamed: { from: [1, 1], to: [1, 1] },
  split: { from: [1, 1], to: [1, Infinity] },
  merged: { from: [1, Infinity], to: [1, 1] },
  removed: { from: [1, Infinity], to: [0, 0] },
  new: { from: [0, 0], to: [1, Infinity] },
};

interface Plan {
  kind: MappingKind | 'unmapped';
  from: string[];
}

/**
 * Migrates answers (and evidence links) recorded against `fromPack` to `toPack`, using
 * `toPack.mapping`, which must map from `fromPack`'s `id@version`.
 *
 * - same → carried. revised, renamed → carried (under the new id) and flagged for review.
 * - split → every new criterion carries the old answer as a claim flagged for re-assessment.
 * - merged → carried only if every source has the same status (a missing answer counts as
 *   not-assessed); otherwise not-assessed and flagged. Notes of all sources are kept.
 * - removed → the answer goes to `retired`. new → not-assessed (no answer) and flagged.
 * - A criterion present in both versions but absent from the mapping is carried and
 *   flagged `unmapped`; one only in the new version is treated as new; one only in the old
 *   version, and answers for ids the old version does not have, are retired.
 * Evidence links follow the same routes (merged criteria get the union of their sources').
 *
 * Pure: the inputs are not modified; answers are shallow copies.
 * @throws MigrationError when the mapping is missing, is from another pack version, or
 *   does not fit the two packs (unknown ids, wrong arity, a criterion mapped twice).
 */
export function migrateAnswers(
  fromPack: Pack,
  toPack: Pack,
  answers: Readonly<Record<string, MigrationAnswer | undefined>>,
  evidenceLinks: EvidenceLinks = {},
): MigrationResult {
  const fromRef = packRef(fromPack);
  const toRef = packRef(toPack);
  const mapping = toPack.mapping;
  if (!mapping) throw new MigrationError(`pack ${toRef} declares no mapping from an earlier version, so answers for ${fromRef} cannot be migrated to it`);
  if (mapping.from !== fromRef) {
    throw new MigrationError(`pack ${toRef} maps from ${mapping.from}, not from ${fromRef}: migrate the assessment to ${mapping.from} first`);
  }
  const fromIds = idsOf(fromPack, fromRef);
  const toIds = idsOf(toPack, toRef);
  const plans = planTargets(mapping.entries, fromIds, toIds, toRef);

  const answerOf = (id: string): MigrationAnswer | undefined => {
    if (!Object.hasOwn(answers, id)) return undefined;
    const a = answers[id];
    return a && typeof a === 'object' ? a : undefined;
  };
  const evidenceOf = (id: string): string[] => {
    if (!Object.hasOwn(evidenceLinks, id)) return [];
    const e = evidenceLinks[id];
    return Array.isArray(e) ? e.filter((x): x is string => typeof x === 'string') : [];
  };

  const out: MigrationResult = {
    answers: {},
    evidenceLinks: {},
    report: { from: fromRef, to: toRef, carried: [], needsReassessment: [], retired: [], newCriteria: [] },
  };
  const { report } = out;
  const usedSources = new Set<string>();

  for (const target of toIds) {
    const plan = plans.get(target) ?? (fromIds.has(target) && !plans.sources.has(target) ? { kind: 'unmapped' as const, from: [target] } : { kind: 'new' as const, from: [] });
    for (const s of plan.from) usedSources.add(s);

    const evidence = unique(plan.from.flatMap(evidenceOf));
    if (evidence.length > 0) out.evidenceLinks[target] = evidence;

    if (plan.kind === 'new') {
      report.newCriteria.push(target);
      report.needsReassessment.push({ criterion: target, reason: 'new', from: [] });
      continue;
    }
    const sources = plan.from.map((id) => ({ id, answer: answerOf(id) }));
    if (plan.kind === 'merged') {
      const answered = sources.filter((s) => s.answer !== undefined);
      if (answered.length === 0) continue;
      const statuses = new Set(sources.map((s) => s.answer?.status ?? 'not-assessed'));
      if (statuses.size === 1) {
        out.answers[target] = mergeAgreeing(sources);
        report.carried.push({ criterion: target, from: plan.from, kind: 'merged' });
      } else {
        out.answers[target] = resetDisagreeing(sources);
        report.needsReassessment.push({ criterion: target, reason: 'merged-disagreement', from: plan.from });
      }
      continue;
    }
    const a = sources[0]!.answer;
    if (a !== undefined) {
      out.answers[target] = { ...a };
      report.carried.push({ criterion: target, from: plan.from, kind: plan.kind });
    }
    // Flags do not depend on an answer: a renamed or split criterion must be looked at anyway.
    if (plan.kind === 'revised' || plan.kind === 'renamed' || plan.kind === 'split' || plan.kind === 'unmapped') {
      report.needsReassessment.push({ criterion: target, reason: plan.kind, from: plan.from });
    }
  }

  for (const id of fromIds) {
    if (usedSources.has(id)) continue;
    const retired = retiredEntry(id, plans.removed.has(id) ? 'removed' : 'unmapped', answerOf(id), evidenceOf(id));
    if (retired) report.retired.push(retired);
  }
  const unknown = [...new Set([...Object.keys(answers), ...Object.keys(evidenceLinks)])].filter((id) => !fromIds.has(id)).sort();
  for (const id of unknown) {
    const retired = retiredEntry(id, 'unknown-criterion', answerOf(id), evidenceOf(id));
    if (retired) report.retired.push(retired);
  }
  return out;
}

function idsOf(pack: Pack, ref: string): Set<string> {
  const ids = new Set<string>();
  for (const c of pack.criteria) {
    if (typeof c.id !== 'string' || !ID.test(c.id)) throw new MigrationError(`pack ${ref}: criterion id "${String(c.id)}" is not a valid id`);
    if (ids.has(c.id)) throw new MigrationError(`pack ${ref}: criterion "${c.id}" is declared twice`);
    ids.add(c.id);
  }
  return ids;
}

interface Plans extends Map<string, Plan> {
  sources: Set<string>;
  removed: Set<string>;
}

/** Validates the mapping entries against both packs and indexes them by target criterion. */
function planTargets(entries: readonly MappingEntry[], fromIds: Set<string>, toIds: Set<string>, toRef: string): Plans {
  const plans = new Map<string, Plan>() as Plans;
  plans.sources = new Set();
  plans.removed = new Set();
  const targetEntry = new Map<string, number>();
  entries.forEach((e, k) => {
    const where = `pack ${toRef}: mapping entry ${k + 1} (${e.kind})`;
    const arity = ARITY[e.kind];
    if (!arity) throw new MigrationError(`${where}: unknown mapping kind`);
    const from = Array.isArray(e.from) ? e.from : [];
    const to = Array.isArray(e.to) ? e.to : [];
    const count = (n: number, [lo, hi]: [number, number], what: string) => {
      if (n < lo || n > hi) {
        const want = lo === hi ? `exactly ${lo}` : hi === Infinity ? `at least ${lo}` : `${lo} to ${hi}`;
        throw new MigrationError(`${where}: needs ${want} "${what}" criteria, has ${n}`);
      }
    };
    count(from.length, arity.from, 'from');
    count(to.length, arity.to, 'to');
    for (const id of from) if (!fromIds.has(id)) throw new MigrationError(`${where}: "${id}" is not a criterion of the previous version`);
    for (const id of to) {
      if (!toIds.has(id)) throw new MigrationError(`${where}: "${id}" is not a criterion of this version`);
      const prev = targetEntry.get(id);
      if (prev !== undefined) throw new MigrationError(`${where}: "${id}" is already the target of entry ${prev + 1}; map each criterion once`);
      targetEntry.set(id, k);
      plans.set(id, { kind: e.kind, from: [...new Set(from)] });
    }
    for (const id of from) {
      if (e.kind === 'removed') plans.removed.add(id);
      plans.sources.add(id);
    }
  });
  for (const id of plans.removed) {
    for (const plan of plans.values()) {
      if (plan.from.includes(id)) throw new MigrationError(`pack ${toRef}: mapping says "${id}" was removed but also maps it to a criterion of this version`);
    }
  }
  return plans;
}

function unique(xs: readonly string[]): string[] {
  return [...new Set(xs)];
}

/** Joins one text field across sources: kept as is when they all say the same, else labelled by source. */
function joinField(sources: { id: string; answer: MigrationAnswer | undefined }[], field: 'notes' | 'justification'): string | undefined {
  const present = sources.flatMap((s) => {
    const v = s.answer?.[field];
    return typeof v === 'string' && v.trim() !== '' ? [{ id: s.id, v }] : [];
  });
  if (present.length === 0) return undefined;
  if (present.every((p) => p.v === present[0]!.v)) return present[0]!.v;
  return present.map((p) => `[${p.id}] ${p.v}`).join('\n');
}

function mergeAgreeing(sources: { id: string; answer: MigrationAnswer | undefined }[]): MigrationAnswer {
  const first = sources.find((s) => s.answer !== undefined)!.answer!;
  const merged: MigrationAnswer = { ...first };
  const justification = joinField(sources, 'justification');
  const notes = joinField(sources, 'notes');
  if (justification === undefined) delete merged.justification;
  else merged.justification = justification;
  if (notes === undefined) delete merged.notes;
  else merged.notes = notes;
  return merged;
}

/** Sources disagree: nothing can be claimed, but what each said stays readable in the notes. */
function resetDisagreeing(sources: { id: string; answer: MigrationAnswer | undefined }[]): MigrationAnswer {
  const lines = sources.map((s) => {
    const status = s.answer?.status ?? 'not-assessed';
    const extra = [s.answer?.justification, s.answer?.notes].filter((t): t is string => typeof t === 'string' && t.trim() !== '');
    return `[${s.id}] ${status}${extra.length > 0 ? ` — ${extra.join(' / ')}` : ''}`;
  });
  return { status: 'not-assessed', notes: lines.join('\n') };
}

function retiredEntry(id: string, reason: RetiredAnswer['reason'], answer: MigrationAnswer | undefined, evidence: string[]): RetiredAnswer | null {
  if (answer === undefined && evidence.length === 0) return null;
  const r: RetiredAnswer = { criterion: id, reason };
  if (answer !== undefined) r.answer = { ...answer };
  if (evidence.length > 0) r.evidence = unique(evidence);
  return r;
}
