/**
 * Schemas and the core channels of the one API contract (see contract.ts, which adds the
 * channel groups of contract-*.ts). The one API contract between the renderer and the privileged side (Electron main, or the
 * browser bridge in `npm run preview`). Every channel is `tfa:<domain>:<verb>` with a schema
 * for its argument and its result. Main registers handlers from this table; the preload and
 * the bridge client build `window.api` from it — nobody types channel names by hand.
 */
import { z } from 'zod';
import { AssessmentInit } from '../assessment/create';
import { AnswerSetChange, FindingUpdateChange, MigrationReportShape, PROFILE_FIELD_NAMES, type ProfileField } from '../assessment/ops';
import { AssessmentShape, Claim, ClaimsSource, EvidenceItem, Finding, ResultStatus, Sha256Hex } from '../assessment/schema';
import { Condition, Id, MappingKind, SemVer } from '../criteria/schema';

export const ERROR_CODES = [
  'bad-request',
  'forbidden',
  'not-found',
  'conflict',
  'io',
  'disk-full',
  'read-only',
  'invalid-input',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export const Language = z.enum(['ja', 'en']);
export type Language = z.infer<typeof Language>;

export const Settings = z.strictObject({
  /** `system` follows the OS language. */
  language: z.enum(['system', 'ja', 'en']),
});
export type Settings = z.infer<typeof Settings>;

export const AppInfo = z.strictObject({
  name: z.string(),
  version: z.string(),
  platform: z.string(),
  /** The OS language resolved to a product language. */
  systemLanguage: Language,
  /** `electron` in the desktop app, `bridge` in `npm run preview`. */
  host: z.enum(['electron', 'bridge']),
});
export type AppInfo = z.infer<typeof AppInfo>;

export const RecentAssessment = z.strictObject({
  /** Opaque handle; never a filesystem path the renderer could forge. */
  handle: z.string(),
  organization: z.string(),
  service: z.string(),
  pack: z.string(),
  updatedAt: z.string(),
  /** Open in this app right now. */
  open: z.boolean().optional(),
  /** Its folder is gone (moved or deleted): opening it fails until it is picked again. */
  missing: z.boolean().optional(),
});
export type RecentAssessment = z.infer<typeof RecentAssessment>;

export const PackSummary = z.strictObject({
  id: z.string(),
  version: z.string(),
  hash: z.string(),
  title: z.strictObject({ ja: z.string(), en: z.string() }),
  origin: z.enum(['builtin', 'user']),
  criteriaCount: z.number().int(),
  dimensions: z.array(z.string()),
});
export type PackSummary = z.infer<typeof PackSummary>;

const Void = z.undefined();

// ---------------------------------------------------------------------------------------
// Assessments. An open assessment is named by an opaque handle that main maps to its folder;
// the renderer never sees, sends or forges a path. Every edit goes through the workspace's
// journal (who, when, old and new value) before it is acknowledged.

/** An opaque id minted by main: an assessment, a folder picked in a dialog, or an evidence source. */
export const Handle = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a handle returned by TF Assessor');
const WithHandle = { handle: Handle };

/** Where autosave stands. `pending` changes are in memory but not yet durable on disk. */
export const SaveStatus = z.strictObject({
  /** `saved`: every change is on disk. `saving`: a change is being written. `error`: see `error`. */
  state: z.enum(['saved', 'saving', 'error']),
  pending: z.number().int().min(0),
  /** The document's revision (journal sequence number of its last change). */
  revision: z.number().int().min(0),
  /** The last write failure, until a write succeeds (e.g. disk full: changes are kept in memory and retried). */
  error: z.strictObject({ code: z.enum(ERROR_CODES), message: z.string() }).nullable(),
});
export type SaveStatus = z.infer<typeof SaveStatus>;

const BlockReason = z.enum([
  'not-assessed',
  'major-nc',
  'minor-nc',
  'minor-nc-without-accepted-plan',
  'not-applicable-without-justification',
  'open-major-finding',
  'constituent-not-met',
]);
const Blocker = z.strictObject({
  criterion: z.string(),
  reason: BlockReason,
  constituents: z.array(z.string()).optional(),
  findings: z.array(z.string()).optional(),
});
const LevelOutcome = z.strictObject({
  level: z.string(),
  rank: z.number(),
  achieved: z.boolean(),
  applicable: z.number().int(),
  met: z.number().int(),
  blocking: z.array(Blocker),
  advisory: z.strictObject({ applicable: z.number().int(), met: z.number().int(), unmet: z.array(Blocker) }),
});
const LevelMap = z.record(z.string(), z.string().nullable());

/** The scoring engine's result (core/scoring/types.ts `ScoreResult`), computed by main on every change. */
export const ScoreView = z.strictObject({
  pack: z.string(),
  packHash: z.string(),
  dimensions: z.array(
    z.strictObject({
      dimension: z.string(),
      kind: z.enum(['assurance', 'baseline']),
      achieved: z.string().nullable(),
      target: z.string().nullable(),
      targetMet: z.boolean().nullable(),
      notApplicable: z.boolean(),
      levels: z.array(LevelOutcome),
      progress: z.strictObject({ applicable: z.number().int(), answered: z.number().int() }),
    }),
  ),
  levels: LevelMap,
  aggregate: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('vector'), levels: LevelMap }),
    z.strictObject({ kind: z.literal('minimum'), rank: z.number().nullable(), levels: LevelMap }),
  ]),
  blocking: z.record(z.string(), z.array(Blocker)),
  /** Per criterion id: in scope for this service, effective status, met. */
  criteria: z.record(z.string(), z.strictObject({ inScope: z.boolean(), effective: ResultStatus, met: z.boolean() })),
});
export type ScoreView = z.infer<typeof ScoreView>;

/** Where the applicant's claim and the assessor's result differ (core/assessment/claims.ts). */
export const ClaimDifference = z.strictObject({
  criterion: z.string(),
  kind: z.enum(['not-assessed', 'overclaimed', 'underclaimed', 'applicability', 'unclaimed']),
  claimed: ResultStatus,
  assessed: ResultStatus,
});

/**
 * Everything the assessor screens need about one open assessment. Every edit channel answers
 * with the whole view after the edit, so a store can simply replace what it holds (compare
 * `document.revision` to ignore an older answer that arrives late).
 */
export const AssessmentView = z.strictObject({
  handle: Handle,
  /** The assessment document (core/assessment/schema.ts), including unsaved changes. */
  document: AssessmentShape,
  /** The pinned pack (id, version, hash): fetch its criteria with `tfa:packs:get`. */
  pack: PackSummary,
  /** null when the document cannot be scored (see `scoreProblem`). */
  score: ScoreView.nullable(),
  scoreProblem: z.string().nullable(),
  claimDifferences: z.array(ClaimDifference),
  status: SaveStatus,
  /** What opening found and repaired (a torn write, a stale lock…), one line each; empty normally. */
  recovery: z.array(z.string()),
});
export type AssessmentView = z.infer<typeof AssessmentView>;

/** The pack to create an assessment against: an installed `id@version` (main pins its hash). */
export const PackChoice = z.strictObject({ id: Id, version: SemVer, hash: Sha256Hex.optional() });

export const AssessmentCreateArgs = AssessmentInit.omit({ pack: true }).extend({
  pack: PackChoice,
  /** A folder from `tfa:dialogs:pickFolder` (it must be empty); default: a new folder in the app's data folder. */
  folder: Handle.optional(),
});
export type AssessmentCreateArgs = z.input<typeof AssessmentCreateArgs>;

/** Profile fields editable through `tfa:profile:set` (the pinned pack changes only through a migration). */
export const EDITABLE_PROFILE_FIELDS = PROFILE_FIELD_NAMES.filter((f) => f !== 'pack') as [Exclude<ProfileField, 'pack'>, ...Exclude<ProfileField, 'pack'>[]];
export const EditableProfileField = z.enum(EDITABLE_PROFILE_FIELDS);

/** A file ready to become evidence: from an upload (preview) or a native dialog (desktop). */
export const EvidenceSource = z.strictObject({
  /** Pass to `tfa:evidence:add` as `source`. Single use; expires when the assessment closes. */
  source: Handle,
  /** The file's name, sanitized: display text only. */
  name: z.string(),
  size: z.number().int().min(0),
});
export type EvidenceSource = z.infer<typeof EvidenceSource>;

export const NewFinding = Finding.extend({
  /** Default: the next free `F-001`-style id. */
  id: Id.optional(),
  /** Default: `open`. */
  status: Finding.shape.status.optional(),
});

/** One audit-trail line. Entries that carry a whole document show only what happened. */
export const JournalEntryView = z.strictObject({
  seq: z.number().int().min(0),
  at: z.string(),
  actor: z.string(),
  op: z.string(),
  /** The change as recorded (for `assessment.create`, `format.migrate`, `journal.resume`: without the document). */
  change: z.record(z.string(), z.unknown()),
  old: z.unknown(),
  new: z.unknown(),
});
export type JournalEntryView = z.infer<typeof JournalEntryView>;

export const JournalPage = z.strictObject({
  /** Newest first. */
  entries: z.array(JournalEntryView),
  total: z.number().int().min(0),
  /** Pass as `before` for the next (older) page; null at the start of the journal. */
  nextBefore: z.number().int().nullable(),
});

// Packs, in full, for the criteria navigator.
const Text = z.strictObject({ ja: z.string(), en: z.string() });
const Titled = z.strictObject({ id: z.string(), title: Text, description: Text.optional() });
export const PackCriterionView = z.strictObject({
  id: z.string(),
  dimension: z.string(),
  category: z.string(),
  /** Level ids, `ALL` expanded to the dimension's levels. */
  levels: z.array(z.string()),
  /** Role ids; absent = every role. */
  roles: z.array(z.string()).optional(),
  condition: Condition.optional(),
  /** Summative: derived from these criteria, not answered directly. */
  satisfiedBy: z.array(z.string()).optional(),
  obligation: z.enum(['SHALL', 'SHOULD', 'MAY']),
  methods: z.array(z.enum(['examine', 'interview', 'test'])),
  evidence: z.array(z.strictObject({ type: z.string(), text: Text })),
  title: Text,
  statement: Text,
  guidance: Text,
  references: z.array(z.strictObject({ source: z.string(), clause: z.string(), control: z.string().optional() })),
  tags: z.array(z.string()).optional(),
});
export const PackDetail = PackSummary.extend({
  description: Text,
  publisher: z.string(),
  released: z.string(),
  sources: z.array(z.strictObject({ id: z.string(), title: Text, url: z.string().optional() })),
  dimensions: z.array(
    z.strictObject({
      id: z.string(),
      kind: z.enum(['assurance', 'baseline']),
      title: Text,
      description: Text.optional(),
      levels: z.array(z.strictObject({ id: z.string(), rank: z.number(), title: Text, description: Text.optional() })),
    }),
  ),
  roles: z.array(Titled),
  capabilities: z.array(Titled),
  categories: z.array(Titled.extend({ dimension: z.string() })),
  evidenceTypes: z.array(z.strictObject({ id: z.string(), title: Text })),
  findingClasses: z.array(z.strictObject({ id: z.string(), title: Text })),
  scoring: z.strictObject({ aggregate: z.enum(['vector', 'minimum']), minorNonconformity: z.enum(['block', 'allow-with-accepted-plan']) }),
  /** In presentation order. */
  criteria: z.array(PackCriterionView),
  /**
   * How this version differs from the one before it (its mapping file), for the wizard's
   * "what is new" and the navigator's "changed in this version" filter. Absent for a first version.
   */
  changes: z
    .strictObject({
      /** `id@version` of the previous version. */
      from: z.string(),
      /** Mapping entries per kind. */
      counts: z.partialRecord(MappingKind, z.number().int().min(0)),
      /** Criteria of this version that are not `same` as before: criterion id → kind. */
      criteria: z.record(z.string(), MappingKind),
      /** The mapping's entries as written (ids of the previous version in `from`), for the migration screen. */
      entries: z.array(z.strictObject({ kind: MappingKind, from: z.array(z.string()), to: z.array(z.string()), note: Text.optional() })),
    })
    .optional(),
});
export type PackDetail = z.infer<typeof PackDetail>;

const EvidenceRef = z.strictObject({ ...WithHandle, hash: Sha256Hex, criterion: Id });

/** The core channels; contract.ts adds the other groups. */
export const coreChannels = {
  'tfa:app:info': { args: Void, result: AppInfo },
  'tfa:settings:get': { args: Void, result: Settings },
  'tfa:settings:set': { args: Settings.partial(), result: Settings },
  /** Assessments this app knows, most recently used first. */
  'tfa:assessments:listRecent': { args: Void, result: z.array(RecentAssessment) },
  /** Creates an assessment (journaled from its first line) and opens it. */
  'tfa:assessments:create': { args: AssessmentCreateArgs, result: AssessmentView },
  /** Opens (locks) an assessment; opening one that is already open returns it. `conflict` names who holds it elsewhere. */
  'tfa:assessments:open': { args: z.strictObject(WithHandle), result: AssessmentView },
  /**
   * Saves and closes. Refused (`disk-full`/`read-only`) while changes cannot be written,
   * unless `discardUnsaved` — the only way to lose a change, so the UI must ask first.
   */
  'tfa:assessments:close': { args: z.strictObject({ ...WithHandle, discardUnsaved: z.boolean().optional() }), result: z.null() },
  /** Removes an assessment from the recent list (its folder stays on disk). */
  'tfa:assessments:forget': { args: z.strictObject(WithHandle), result: z.null() },
  'tfa:assessment:get': { args: z.strictObject(WithHandle), result: AssessmentView },
  /** Cheap autosave status, for polling or after an error. */
  'tfa:assessment:status': { args: z.strictObject(WithHandle), result: SaveStatus },
  /** Sets profile fields (organization, service, roles, capabilities, targets, team, dates…); `null` clears an optional one. Unchanged fields are skipped. */
  'tfa:profile:set': {
    args: z.strictObject({ ...WithHandle, fields: z.partialRecord(EditableProfileField, z.unknown()).refine((f) => Object.keys(f).length > 0, 'must set at least one field') }),
    result: AssessmentView,
  },
  /** Records a result: status, justification, methods, notes, sampling notes (`null` clears). */
  'tfa:answers:set': { args: z.strictObject({ ...WithHandle, criterion: Id, set: AnswerSetChange.shape.set }), result: AssessmentView },
  /** Turns a source from `tfa:dialogs:pickEvidence` or the preview's upload into evidence (stored under its SHA-256). */
  'tfa:evidence:add': {
    args: z.strictObject({
      ...WithHandle,
      source: Handle,
      /** Display name; default: the file's own name. */
      name: z.string().max(1000).optional(),
      description: EvidenceItem.shape.description,
      criteria: z.array(Id).max(200).optional(),
    }),
    result: AssessmentView.extend({ added: z.strictObject({ hash: Sha256Hex, deduplicated: z.boolean() }) }),
  },
  'tfa:evidence:update': {
    args: z.strictObject({ ...WithHandle, hash: Sha256Hex, description: z.string().max(5000).nullable() }),
    result: AssessmentView,
  },
  'tfa:evidence:link': { args: EvidenceRef, result: AssessmentView },
  /** The file and its record stay (the audit trail needs them); only the link goes. */
  'tfa:evidence:unlink': { args: EvidenceRef, result: AssessmentView },
  /** Re-hashes an evidence file: `ok` proves it is, bit for bit, the file collected. */
  'tfa:evidence:verify': {
    args: z.strictObject({ ...WithHandle, hash: Sha256Hex }),
    result: z.strictObject({ hash: Sha256Hex, ok: z.boolean(), missing: z.boolean() }),
  },
  'tfa:findings:create': { args: z.strictObject({ ...WithHandle, finding: NewFinding }), result: AssessmentView.extend({ id: Id }) },
  'tfa:findings:update': { args: z.strictObject({ ...WithHandle, id: Id, set: FindingUpdateChange.shape.set }), result: AssessmentView },
  'tfa:findings:delete': { args: z.strictObject({ ...WithHandle, id: Id }), result: AssessmentView },
  /** Replaces the applicant's claims (self-assessment) and their source. */
  'tfa:claims:import': {
    args: z.strictObject({ ...WithHandle, source: ClaimsSource, claims: z.record(Id, Claim) }),
    result: AssessmentView,
  },
  'tfa:claims:set': { args: z.strictObject({ ...WithHandle, criterion: Id, claim: Claim.nullable() }), result: AssessmentView },
  'tfa:claims:clear': { args: z.strictObject(WithHandle), result: AssessmentView },
  /** The audit trail, newest first, `limit` entries older than `before`. */
  'tfa:journal:list': {
    args: z.strictObject({ ...WithHandle, before: z.number().int().min(0).optional(), limit: z.number().int().min(1).max(500).optional() }),
    result: JournalPage,
  },
  'tfa:packs:list': { args: Void, result: z.array(PackSummary) },
  /** A pack in full for the criteria navigator; `hash` pins the exact content (an assessment's pack). */
  'tfa:packs:get': { args: PackChoice, result: PackDetail },
  /**
   * Moves an open assessment to a newer version of its pack in one journaled step: answers
   * carried, flagged for re-assessment or retired (kept in the journal), as `report` says.
   * `conflict` when `expectRevision` is not the current revision (re-read and confirm again).
   */
  'tfa:migration:apply': {
    args: z.strictObject({ ...WithHandle, to: PackChoice, expectRevision: z.number().int().min(0) }),
    result: AssessmentView.extend({ report: MigrationReportShape }),
  },
  /** Desktop: a native folder dialog for a new assessment; null when cancelled. Not in the preview. */
  'tfa:dialogs:pickFolder': { args: Void, result: z.strictObject({ folder: Handle, name: z.string() }).nullable() },
  /** Desktop: a native dialog to open an assessment folder; adds it to the recent list. null when cancelled. */
  'tfa:dialogs:pickAssessment': { args: Void, result: RecentAssessment.nullable() },
  /** Desktop: a native file dialog for evidence; [] when cancelled. The preview uploads instead (PUT /upload). */
  'tfa:dialogs:pickEvidence': { args: z.strictObject(WithHandle), result: z.array(EvidenceSource) },
} as const;
