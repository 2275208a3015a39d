/**
 * Edit operations on an assessment. Every edit the UI, the CLI or an import makes is a
 * typed `Change`; `applyChange` validates it, returns the new document and the journal
 * entry that records who changed what, with the old and new value. The workspace writes
 * that entry to the journal before anything else, and replays the same entries on open, so
 * this module is the only place where an assessment changes.
 *
 * Documents are treated as immutable: a change copies only the parts it touches.
 */
import { z } from 'zod';
import { Id, MappingKind, type Pack } from '../criteria/schema';
import {
  Assessor,
  Capture,
  Claim,
  ClaimsSource,
  CorrectiveAction,
  CriterionRecord,
  EvidenceItem,
  Finding,
  IsoDateTime,
  LIMITS,
  MediaType,
  Organization,
  Period,
  PinnedPack,
  REASSESS_REASONS,
  ResultStatus,
  Service,
  Sha256Hex,
  Site,
  AssessmentShape,
  formatIssues,
  own,
  type Assessment,
  type CriterionRecord as CriterionRecordT,
  type EvidenceItem as EvidenceItemT,
  type Finding as FindingT,
} from './schema';
import { InvalidInputError } from './errors';
import { expectedEvidenceKeys } from './checklist';

/** Profile fields a `profile.set` change may replace; `optional` ones are cleared with `null`. */
const PROFILE_FIELDS = {
  'organization.legalName': { schema: Organization.shape.legalName, optional: false },
  'organization.legalNameEn': { schema: Organization.shape.legalNameEn.unwrap(), optional: true },
  'organization.identifiers': { schema: Organization.shape.identifiers, optional: false },
  'organization.address': { schema: Organization.shape.address.unwrap(), optional: true },
  'organization.contacts': { schema: Organization.shape.contacts, optional: false },
  'service.name': { schema: Service.shape.name, optional: false },
  'service.description': { schema: Service.shape.description, optional: false },
  'service.scope': { schema: Service.shape.scope.unwrap(), optional: true },
  roles: { schema: AssessmentShape.shape.roles, optional: false },
  capabilities: { schema: AssessmentShape.shape.capabilities, optional: false },
  targets: { schema: AssessmentShape.shape.targets, optional: false },
  type: { schema: AssessmentShape.shape.type, optional: false },
  assessors: { schema: z.array(Assessor).max(50), optional: false },
  independenceStatement: { schema: AssessmentShape.shape.independenceStatement.unwrap(), optional: true },
  dates: { schema: Period, optional: false },
  sites: { schema: z.array(Site).max(100), optional: false },
  pack: { schema: PinnedPack, optional: false },
} as const satisfies Record<string, { schema: z.ZodType; optional: boolean }>;

export type ProfileField = keyof typeof PROFILE_FIELDS;
export const PROFILE_FIELD_NAMES = Object.keys(PROFILE_FIELDS) as [ProfileField, ...ProfileField[]];

const nullable = <T extends z.ZodType>(schema: T) => schema.nullable().optional();
const atLeastOne = (s: object) => Object.values(s).some((v) => v !== undefined);

export const ProfileSetChange = z.strictObject({
  op: z.literal('profile.set'),
  field: z.enum(PROFILE_FIELD_NAMES),
  /** The new value; `null` clears an optional field. */
  value: z.unknown(),
});
export const AnswerSetChange = z.strictObject({
  op: z.literal('answer.set'),
  criterion: Id,
  /** Fields to change; `null` clears one, an absent key leaves it as is. */
  set: z
    .strictObject({
      status: nullable(ResultStatus),
      justification: nullable(CriterionRecord.shape.justification.unwrap()),
      methods: nullable(CriterionRecord.shape.methods.unwrap()),
      notes: nullable(CriterionRecord.shape.notes.unwrap()),
      samplingNotes: nullable(CriterionRecord.shape.samplingNotes.unwrap()),
      /** The whole list of ticked expected-evidence items (checklist keys); `null` unticks all. */
      evidenceChecked: nullable(CriterionRecord.shape.evidenceChecked.unwrap()),
    })
    .refine(atLeastOne, 'must change at least one field'),
});
export const EvidenceAddChange = z.strictObject({
  op: z.literal('evidence.add'),
  hash: Sha256Hex,
  item: z.strictObject({
    ...Capture.shape,
    mediaType: MediaType,
    size: EvidenceItem.shape.size,
    description: EvidenceItem.shape.description,
  }),
  /** Criteria to link the evidence to in the same step. */
  criteria: z.array(Id).max(200).optional(),
});
export const EvidenceUpdateChange = z.strictObject({
  op: z.literal('evidence.update'),
  hash: Sha256Hex,
  set: z.strictObject({ description: nullable(EvidenceItem.shape.description.unwrap()) }).refine(atLeastOne, 'must change at least one field'),
});
export const EvidenceLinkChange = z.strictObject({ op: z.literal('evidence.link'), hash: Sha256Hex, criterion: Id });
export const EvidenceUnlinkChange = z.strictObject({ op: z.literal('evidence.unlink'), hash: Sha256Hex, criterion: Id });
export const FindingCreateChange = z.strictObject({ op: z.literal('finding.create'), finding: Finding });
export const FindingUpdateChange = z.strictObject({
  op: z.literal('finding.update'),
  id: Id,
  set: z
    .strictObject({
      class: Finding.shape.class.optional(),
      criteria: Finding.shape.criteria.optional(),
      description: Finding.shape.description.optional(),
      correctiveAction: nullable(CorrectiveAction),
      status: Finding.shape.status.optional(),
    })
    .refine(atLeastOne, 'must change at least one field'),
});
export const FindingDeleteChange = z.strictObject({ op: z.literal('finding.delete'), id: Id });
export const ClaimsImportChange = z.strictObject({
  op: z.literal('claims.import'),
  source: ClaimsSource,
  claims: z.record(Id, Claim),
});
export const ClaimSetChange = z.strictObject({ op: z.literal('claim.set'), criterion: Id, claim: Claim.nullable() });
export const ClaimsClearChange = z.strictObject({ op: z.literal('claims.clear') });

const ReassessReason = z.enum(REASSESS_REASONS);
/** A result as it stood before a migration: every field of the record but its links and flag. */
const MigratedAnswer = CriterionRecord.omit({ evidence: true, reassess: true });

/**
 * What a pack migration did (core/migration/migrate.ts `MigrationReport`, plus the findings
 * whose criteria the new version does not have). Serialisable: it is journaled and sent to
 * the renderer as is.
 */
export const MigrationReportShape = z.strictObject({
  /** `id@version` before and after. */
  from: z.string().max(200),
  to: z.string().max(200),
  carried: z.array(z.strictObject({ criterion: Id, from: z.array(Id).max(200), kind: z.enum([...MappingKind.options, 'unmapped']) })),
  needsReassessment: z.array(z.strictObject({ criterion: Id, reason: ReassessReason, from: z.array(Id).max(200) })),
  retired: z.array(
    z.strictObject({
      criterion: Id,
      reason: z.enum(['removed', 'unmapped', 'unknown-criterion']),
      answer: MigratedAnswer.optional(),
      evidence: z.array(Sha256Hex).optional(),
    }),
  ),
  newCriteria: z.array(Id),
  /** Findings that keep links to criteria the new version does not have: their links need a decision. */
  findingsToReview: z.array(z.strictObject({ finding: Id, missing: z.array(Id).max(200) })),
});
export type MigrationReportShape = z.infer<typeof MigrationReportShape>;

/**
 * Moves the assessment to another version of its pack in one step: the pin, every criterion
 * record (keyed by the new version's ids, flagged where re-assessment is needed) and the
 * records left behind. Built by `planPackMigration` (core/migration/apply.ts); the journal
 * entry's `old` keeps the previous pin and every record it replaced.
 */
export const PackMigrateChange = z.strictObject({
  op: z.literal('pack.migrate'),
  to: PinnedPack,
  /** The whole `criteria` part after the migration. */
  records: z.record(Id, CriterionRecord),
  /** Records of the previous version that no criterion of the new one carries, as they were. */
  retired: z.array(z.strictObject({ criterion: Id, reason: MigrationReportShape.shape.retired.element.shape.reason, record: CriterionRecord })),
  report: MigrationReportShape,
});

/** Every edit an assessment accepts. */
export const Change = z.discriminatedUnion('op', [
  ProfileSetChange,
  AnswerSetChange,
  EvidenceAddChange,
  EvidenceUpdateChange,
  EvidenceLinkChange,
  EvidenceUnlinkChange,
  FindingCreateChange,
  FindingUpdateChange,
  FindingDeleteChange,
  ClaimsImportChange,
  ClaimSetChange,
  ClaimsClearChange,
  PackMigrateChange,
]);
export type Change = z.infer<typeof Change>;
export type ChangeOp = Change['op'];

/**
 * Journal entries written by the storage layer rather than by an edit: they carry a whole
 * document, so the journal alone can always rebuild the assessment from its last base entry.
 */
export const BASE_OPS = ['assessment.create', 'format.migrate', 'journal.resume'] as const;
export type BaseOp = (typeof BASE_OPS)[number];
export interface BaseChange {
  op: BaseOp;
  /** The whole document at this point, in the format version the entry was written with. */
  assessment: unknown;
  /** `format.migrate`: the versions migrated between. */
  from?: number;
  to?: number;
  /** `journal.resume`: why the journal had to be re-anchored. */
  reason?: string;
}

/** One line of the audit trail: who changed what, when, from which value to which. */
export interface JournalEntry {
  seq: number;
  /** ISO date-time. */
  at: string;
  actor: string;
  change: Change | BaseChange;
  /** The value before the change (`null` when there was none). */
  old: unknown;
  /** The value after the change (`null` when it was removed). */
  new: unknown;
}

export const ChangeMeta = z.strictObject({
  at: IsoDateTime,
  actor: z.string().trim().min(1, 'must not be empty').max(200),
  /** Defaults to `revision + 1`; replay passes the journal's seq to check continuity. */
  seq: z.number().int().min(1).optional(),
});
export type ChangeMeta = z.input<typeof ChangeMeta>;

export interface ApplyOptions {
  /** When given, criterion, role, capability, dimension and level ids are checked against it. */
  pack?: Pack;
}

export interface Applied {
  assessment: Assessment;
  entry: JournalEntry;
}

export interface AppliedBatch {
  assessment: Assessment;
  entries: JournalEntry[];
}

/**
 * Applies one change and returns the new document (revision = the entry's seq) with its
 * journal entry. The input document is not modified.
 * @throws InvalidInputError with one line naming the change, the field and what to fix.
 */
export function applyChange(assessment: Assessment, change: unknown, meta: ChangeMeta, options: ApplyOptions = {}): Applied {
  const { assessment: next, entries } = applyChanges(assessment, [{ change, meta }], options);
  return { assessment: next, entry: entries[0]! };
}

/**
 * Applies changes in order, each with its own metadata: the same result as calling
 * `applyChange` for each, in time linear in the batch (a bulk import or a journal replay
 * copies each part of the document once, not once per change). All or nothing: if one
 * change is invalid, the error is thrown and the input document is untouched.
 * @throws InvalidInputError naming the change (with its position in a batch of several).
 */
export function applyChanges(assessment: Assessment, items: readonly { change: unknown; meta: ChangeMeta }[], options: ApplyOptions = {}): AppliedBatch {
  const draft = new Draft(assessment);
  const ctx: Ctx = { pack: options.pack ? indexPack(options.pack) : undefined };
  const entries: JournalEntry[] = [];
  items.forEach(({ change, meta }, index) => {
    try {
      const parsedMeta = ChangeMeta.safeParse(meta);
      if (!parsedMeta.success) throw new InvalidInputError(`Change metadata: ${formatIssues(parsedMeta.error)}`);
      const revision = draft.doc.revision;
      const seq = parsedMeta.data.seq ?? revision + 1;
      if (seq !== revision + 1) {
        throw new InvalidInputError(`Change #${seq} does not follow revision ${revision}: changes must be applied in order`);
      }
      const c = parseChange(change);
      const result = handlers[c.op](draft, c as never, ctx);
      draft.stamp(seq, parsedMeta.data.at);
      entries.push({ seq, at: parsedMeta.data.at, actor: parsedMeta.data.actor, change: c, old: result.old ?? null, new: result.new ?? null });
    } catch (err) {
      if (err instanceof InvalidInputError && items.length > 1) {
        const detail = err.message.startsWith('Change ') ? err.message.slice('Change '.length) : err.message;
        throw new InvalidInputError(`Change ${index + 1} of ${items.length}, ${detail}`);
      }
      throw err;
    }
  });
  return { assessment: draft.doc, entries };
}

/**
 * Validates an untrusted change (from the UI, an import or a journal line).
 * @throws InvalidInputError
 */
export function parseChange(change: unknown): Change {
  if (typeof change === 'object' && change !== null && typeof (change as { op?: unknown }).op === 'string') {
    const op = (change as { op: string }).op;
    if ((BASE_OPS as readonly string[]).includes(op)) {
      throw new InvalidInputError(`Change "${op}" is written by the workspace itself and cannot be applied as an edit`);
    }
  }
  const parsed = Change.safeParse(change);
  if (!parsed.success) {
    const op = typeof change === 'object' && change !== null ? String((change as { op?: unknown }).op ?? '') : '';
    const known = Change.options.map((o) => o.shape.op.value);
    if (!known.includes(op as ChangeOp)) throw new InvalidInputError(`Unknown change "${op}": expected one of ${known.join(', ')}`);
    throw new InvalidInputError(`Change ${op}: ${formatIssues(parsed.error)}`);
  }
  return parsed.data;
}

/** Next free finding id of the form F-001. */
export function nextFindingId(assessment: Assessment): string {
  let max = 0;
  for (const f of assessment.findings) {
    const m = /^F-(\d+)$/.exec(f.id);
    if (m) max = Math.max(max, Number(m[1]));
  }
  return `F-${String(max + 1).padStart(3, '0')}`;
}

/** Evidence hashes linked to each criterion's record, inverted: hash → criterion ids. */
export function evidenceLinks(assessment: Assessment): Map<string, string[]> {
  const links = new Map<string, string[]>();
  for (const [criterion, record] of Object.entries(assessment.criteria)) {
    for (const hash of record.evidence ?? []) {
      const list = links.get(hash);
      if (list) list.push(criterion);
      else links.set(hash, [criterion]);
    }
  }
  return links;
}

// ---------------------------------------------------------------------------------------

interface PackIndex {
  criteria: Map<string, Pack['criteria'][number]>;
  roles: Set<string>;
  capabilities: Set<string>;
  levels: Map<string, Set<string>>;
  ref: string;
}
interface Ctx {
  pack: PackIndex | undefined;
}
interface HandlerResult {
  old: unknown;
  new: unknown;
}
type Handler<C> = (d: Draft, c: C, ctx: Ctx) => HandlerResult;

/**
 * The document being changed. Each part (criteria, evidence, findings, claims) is copied
 * the first time a change in the batch touches it and then updated in place: the input
 * document is never modified, and a batch costs one copy per part, not one per change.
 * Values inside the parts (a criterion record, a finding) are replaced, never mutated,
 * so entries' old and new values stay as they were.
 */
class Draft {
  doc: Assessment;
  private copied = new Set<string>();

  constructor(doc: Assessment) {
    this.doc = { ...doc };
  }

  private part<K extends 'criteria' | 'evidence' | 'claims'>(key: K): NonNullable<Assessment[K]> {
    if (!this.copied.has(key)) {
      (this.doc as Record<string, unknown>)[key] = { ...this.doc[key] };
      this.copied.add(key);
    }
    return this.doc[key] as NonNullable<Assessment[K]>;
  }

  get criteria(): Record<string, CriterionRecordT> {
    return this.part('criteria');
  }
  get evidence(): Record<string, EvidenceItemT> {
    return this.part('evidence');
  }
  get claims(): Record<string, Claim> {
    return this.part('claims');
  }
  get findings(): FindingT[] {
    if (!this.copied.has('findings')) {
      this.doc.findings = [...this.doc.findings];
      this.copied.add('findings');
    }
    return this.doc.findings;
  }

  /** Sets (or, when every field is empty, removes) a criterion record. */
  setRecord(criterion: string, record: CriterionRecordT): void {
    if (Object.values(record).every((v) => v === undefined)) delete this.criteria[criterion];
    else this.criteria[criterion] = record;
  }

  /** Sets a top-level field, or a field of a top-level object (`organization.legalName`). */
  setField(head: string, tail: string | undefined, value: unknown): unknown {
    const doc = this.doc as Record<string, unknown>;
    if (tail === undefined) {
      const old = doc[head];
      if (value === undefined) delete doc[head];
      else doc[head] = value;
      return old;
    }
    const parent = { ...(doc[head] as Record<string, unknown>) };
    const old = parent[tail];
    if (value === undefined) delete parent[tail];
    else parent[tail] = value;
    doc[head] = parent;
    return old;
  }

  /** Replaces the whole criteria part (a pack migration). */
  replaceCriteria(records: Record<string, CriterionRecordT>): void {
    this.doc.criteria = { ...records };
    this.copied.add('criteria');
  }

  clearClaims(): void {
    delete this.doc.claims;
    delete this.doc.claimsSource;
    this.copied.delete('claims');
  }

  stamp(seq: number, at: string): void {
    this.doc.revision = seq;
    this.doc.updatedAt = at;
  }
}

const packIndexes = new WeakMap<Pack, PackIndex>();
function indexPack(pack: Pack): PackIndex {
  let index = packIndexes.get(pack);
  if (!index) {
    index = {
      criteria: new Map(pack.criteria.map((c) => [c.id, c])),
      roles: new Set(pack.roles.map((r) => r.id)),
      capabilities: new Set((pack.capabilities ?? []).map((c) => c.id)),
      levels: new Map(pack.dimensions.map((d) => [d.id, new Set(d.levels.map((l) => l.id))])),
      ref: `${pack.id}@${pack.version}`,
    };
    packIndexes.set(pack, index);
  }
  return index;
}

function fail(op: string, message: string): never {
  throw new InvalidInputError(`Change ${op}: ${message}`);
}

function checkCriterion(ctx: Ctx, op: string, id: string): void {
  if (ctx.pack && !ctx.pack.criteria.has(id)) fail(op, `criterion "${id}" is not in pack ${ctx.pack.ref}`);
}

function requireEvidence(a: Assessment, op: string, hash: string): EvidenceItemT {
  const item = own(a.evidence, hash);
  if (!item) fail(op, `evidence ${hash.slice(0, 12)}… is not in this workspace: add the file first`);
  return item;
}

function requireFinding(a: Assessment, op: string, id: string): [FindingT, number] {
  const index = a.findings.findIndex((f) => f.id === id);
  if (index < 0) fail(op, `finding "${id}" does not exist`);
  return [a.findings[index]!, index];
}

function validate<T>(schema: z.ZodType<T>, value: unknown, op: string, label: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) fail(op, formatIssues(parsed.error, label));
  return parsed.data;
}

const profileSet: Handler<z.infer<typeof ProfileSetChange>> = (d, c, ctx) => {
  const spec = PROFILE_FIELDS[c.field];
  let value: unknown;
  if (c.value === null || c.value === undefined) {
    if (!spec.optional) fail(c.op, `${c.field} is required and cannot be cleared`);
    value = undefined;
  } else {
    value = validate(spec.schema as z.ZodType, c.value, c.op, c.field);
  }
  if (ctx.pack && value !== undefined) {
    const p = ctx.pack;
    if (c.field === 'roles') for (const r of value as string[]) if (!p.roles.has(r)) fail(c.op, `role "${r}" is not in pack ${p.ref}`);
    if (c.field === 'capabilities') {
      for (const cap of value as string[]) if (!p.capabilities.has(cap)) fail(c.op, `capability "${cap}" is not in pack ${p.ref}`);
    }
    if (c.field === 'targets') {
      for (const [dim, level] of Object.entries(value as Record<string, string>)) {
        const levels = p.levels.get(dim);
        if (!levels) fail(c.op, `dimension "${dim}" is not in pack ${p.ref}`);
        if (!levels.has(level)) fail(c.op, `level "${level}" is not a level of dimension "${dim}"`);
      }
    }
  }
  const [head, tail] = c.field.split('.') as [string, string | undefined];
  const old = d.setField(head, tail, value);
  return { old, new: value };
};

const answerSet: Handler<z.infer<typeof AnswerSetChange>> = (d, c, ctx) => {
  checkCriterion(ctx, c.op, c.criterion);
  const satisfiedBy = ctx.pack?.criteria.get(c.criterion)?.satisfiedBy;
  if (satisfiedBy && c.set.status) {
    fail(c.op, `criterion "${c.criterion}" is satisfied by ${satisfiedBy.join(', ')}: record results on those criteria instead`);
  }
  const expected = ctx.pack?.criteria.get(c.criterion)?.evidence;
  if (expected && c.set.evidenceChecked) {
    const keys = new Set(expectedEvidenceKeys(expected));
    const unknown = c.set.evidenceChecked.find((k) => !keys.has(k));
    if (unknown !== undefined) {
      fail(c.op, `criterion "${c.criterion}" expects no evidence item "${unknown}" (expected: ${[...keys].join(', ') || 'none'})`);
    }
  }
  const old = own(d.doc.criteria, c.criterion);
  const record: Record<string, unknown> = { ...old };
  for (const [key, value] of Object.entries(c.set)) {
    if (value === null) delete record[key];
    else if (value !== undefined) record[key] = value;
  }
  // Recording a status is the re-assessment a migration asked for, also when it is the
  // status already carried over: the assessor confirms it, and the journal shows the flag go.
  if (c.set.status !== undefined && c.set.status !== null) delete record.reassess;
  d.setRecord(c.criterion, record as CriterionRecordT);
  return { old, new: own(d.doc.criteria, c.criterion) };
};

const evidenceAdd: Handler<z.infer<typeof EvidenceAddChange>> = (d, c, ctx) => {
  for (const criterion of c.criteria ?? []) checkCriterion(ctx, c.op, criterion);
  const old = own(d.doc.evidence, c.hash);
  let item: EvidenceItemT;
  if (!old) {
    item = { ...c.item };
    if (item.description === undefined) delete item.description;
  } else {
    if (old.size !== c.item.size) {
      fail(c.op, `evidence ${c.hash.slice(0, 12)}… is recorded with ${old.size} bytes but was added with ${c.item.size}: verify the evidence folder`);
    }
    const capture = { name: c.item.name, capturedAt: c.item.capturedAt, capturedBy: c.item.capturedBy };
    const recaptures = old.recaptures ?? [];
    // The same bytes captured over and over add links, not an unbounded list of captures.
    item = recaptures.length < LIMITS.recaptures ? { ...old, recaptures: [...recaptures, capture] } : old;
  }
  d.evidence[c.hash] = item;
  for (const criterion of c.criteria ?? []) {
    const record = own(d.doc.criteria, criterion) ?? {};
    if (record.evidence?.includes(c.hash)) continue;
    if ((record.evidence?.length ?? 0) >= LIMITS.evidenceLinksPerCriterion) fail(c.op, `"${criterion}" already has the most evidence links allowed`);
    d.setRecord(criterion, { ...record, evidence: [...(record.evidence ?? []), c.hash] });
  }
  return { old, new: item };
};

const evidenceUpdate: Handler<z.infer<typeof EvidenceUpdateChange>> = (d, c) => {
  const old = requireEvidence(d.doc, c.op, c.hash);
  const item: EvidenceItemT = { ...old };
  if (c.set.description === null) delete item.description;
  else if (c.set.description !== undefined) item.description = c.set.description;
  d.evidence[c.hash] = item;
  return { old, new: item };
};

const evidenceLink: Handler<z.infer<typeof EvidenceLinkChange>> = (d, c, ctx) => {
  checkCriterion(ctx, c.op, c.criterion);
  requireEvidence(d.doc, c.op, c.hash);
  const record = own(d.doc.criteria, c.criterion) ?? {};
  const old = record.evidence ?? [];
  if (old.includes(c.hash)) fail(c.op, `evidence ${c.hash.slice(0, 12)}… is already linked to "${c.criterion}"`);
  if (old.length >= LIMITS.evidenceLinksPerCriterion) fail(c.op, `"${c.criterion}" already has the most evidence links allowed`);
  const links = [...old, c.hash];
  d.setRecord(c.criterion, { ...record, evidence: links });
  return { old, new: links };
};

const evidenceUnlink: Handler<z.infer<typeof EvidenceUnlinkChange>> = (d, c) => {
  const record = own(d.doc.criteria, c.criterion);
  const old = record?.evidence ?? [];
  if (!record || !old.includes(c.hash)) fail(c.op, `evidence ${c.hash.slice(0, 12)}… is not linked to "${c.criterion}"`);
  const links = old.filter((h) => h !== c.hash);
  const nextRecord: CriterionRecordT = { ...record, evidence: links };
  if (links.length === 0) delete nextRecord.evidence;
  d.setRecord(c.criterion, nextRecord);
  return { old, new: links };
};

const findingCreate: Handler<z.infer<typeof FindingCreateChange>> = (d, c, ctx) => {
  if (d.doc.findings.some((f) => f.id === c.finding.id)) fail(c.op, `finding "${c.finding.id}" already exists: choose another id`);
  for (const criterion of c.finding.criteria) checkCriterion(ctx, c.op, criterion);
  if (d.doc.findings.length >= LIMITS.findings) fail(c.op, 'this assessment already holds the most findings allowed');
  d.findings.push(c.finding);
  return { old: null, new: c.finding };
};

const findingUpdate: Handler<z.infer<typeof FindingUpdateChange>> = (d, c, ctx) => {
  const [old, index] = requireFinding(d.doc, c.op, c.id);
  const merged: Record<string, unknown> = { ...old };
  for (const [key, value] of Object.entries(c.set)) {
    if (value === null) delete merged[key];
    else if (value !== undefined) merged[key] = value;
  }
  const finding = validate(Finding, merged, c.op, `finding ${c.id}`);
  for (const criterion of finding.criteria) checkCriterion(ctx, c.op, criterion);
  d.findings[index] = finding;
  return { old, new: finding };
};

const findingDelete: Handler<z.infer<typeof FindingDeleteChange>> = (d, c) => {
  const [old, index] = requireFinding(d.doc, c.op, c.id);
  d.findings.splice(index, 1);
  return { old, new: null };
};

const claimsImport: Handler<z.infer<typeof ClaimsImportChange>> = (d, c, ctx) => {
  for (const criterion of Object.keys(c.claims)) checkCriterion(ctx, c.op, criterion);
  const old = d.doc.claimsSource ? { source: d.doc.claimsSource, claims: d.doc.claims ?? {} } : null;
  d.clearClaims();
  d.doc.claims = c.claims;
  d.doc.claimsSource = c.source;
  return { old, new: { source: c.source, claims: c.claims } };
};

const claimSet: Handler<z.infer<typeof ClaimSetChange>> = (d, c, ctx) => {
  if (!d.doc.claimsSource) fail(c.op, 'the assessment has no claims source: import the applicant\'s self-assessment first (claims.import)');
  checkCriterion(ctx, c.op, c.criterion);
  const old = own(d.doc.claims, c.criterion);
  if (c.claim === null) delete d.claims[c.criterion];
  else d.claims[c.criterion] = c.claim;
  return { old, new: c.claim };
};

const claimsClear: Handler<z.infer<typeof ClaimsClearChange>> = (d, c) => {
  if (!d.doc.claimsSource) fail(c.op, 'the assessment holds no claims');
  const old = { source: d.doc.claimsSource, claims: d.doc.claims ?? {} };
  d.clearClaims();
  return { old, new: null };
};

const packMigrate: Handler<z.infer<typeof PackMigrateChange>> = (d, c) => {
  const pin = d.doc.pack;
  const fromRef = `${pin.id}@${pin.version}`;
  const toRef = `${c.to.id}@${c.to.version}`;
  if (c.to.id !== pin.id) fail(c.op, `the assessment uses pack ${pin.id}; it can move to another version of ${pin.id} only, not to ${c.to.id}`);
  if (c.to.version === pin.version) fail(c.op, `the assessment already uses ${fromRef}`);
  if (c.report.from !== fromRef || c.report.to !== toRef) {
    fail(c.op, `the migration was planned from ${c.report.from} to ${c.report.to}, but this moves ${fromRef} to ${toRef}: plan it again`);
  }
  for (const record of Object.values(c.records)) {
    for (const hash of record.evidence ?? []) requireEvidence(d.doc, c.op, hash);
  }
  // Nothing may vanish: every record of the previous version is the source of a new one,
  // kept under its own id, or retired.
  const sources = new Set<string>(Object.keys(c.records));
  for (const e of c.report.carried) for (const id of e.from) sources.add(id);
  for (const e of c.report.needsReassessment) for (const id of e.from) sources.add(id);
  for (const r of c.retired) sources.add(r.criterion);
  for (const id of Object.keys(d.doc.criteria)) {
    if (!sources.has(id)) fail(c.op, `the record of "${id}" would be dropped: it is neither carried to ${toRef} nor retired`);
  }
  const old = { pack: pin, criteria: d.doc.criteria };
  d.replaceCriteria(c.records);
  d.setField('pack', undefined, c.to);
  return { old, new: { pack: c.to, criteria: c.records } };
};

const handlers: { [K in ChangeOp]: Handler<Extract<Change, { op: K }>> } = {
  'profile.set': profileSet,
  'answer.set': answerSet,
  'evidence.add': evidenceAdd,
  'evidence.update': evidenceUpdate,
  'evidence.link': evidenceLink,
  'evidence.unlink': evidenceUnlink,
  'finding.create': findingCreate,
  'finding.update': findingUpdate,
  'finding.delete': findingDelete,
  'claims.import': claimsImport,
  'claim.set': claimSet,
  'claims.clear': claimsClear,
  'pack.migrate': packMigrate,
};
