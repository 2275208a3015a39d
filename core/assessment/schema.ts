/**
 * The assessment document: everything an assessor records about one organization's service
 * against one pinned criteria pack. Stored as `assessment.json` in a workspace folder and
 * embedded in submission packages, so its shape is versioned (`formatVersion`).
 *
 * Achieved levels are deliberately absent: the scoring engine computes them from the
 * answers and findings every time, so a stored level can never disagree with its evidence.
 *
 * The schema has no defaults and no transforms: what is parsed is exactly what was stored,
 * so a document round-trips byte for byte through parse and stringify.
 */
import { z } from 'zod';
import { Id, SemVer } from '../criteria/schema';
import { FINDING_CLASSES, FINDING_STATUSES, RESULT_STATUSES } from '../scoring/types';
import { isValidCorporateNumber, isValidLei } from './identifiers';
import { isSanitizedDisplayName } from './display-name';
import { ExpectedEvidenceKey, MAX_EXPECTED_EVIDENCE } from './checklist';

/**
 * The format written by this version of TF Assessor. 2 added `criteria.*.evidenceChecked`:
 * a program that reads only format 1 would refuse such a record as invalid and might fall
 * back to an older snapshot, so it must see a newer format instead.
 */
export const FORMAT_VERSION = 2;

/** Limits that bound a hostile or runaway document. */
export const LIMITS = { evidenceLinksPerCriterion: 1000, recaptures: 100, findings: 5000 } as const;

export const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 in lowercase hex (64 characters)');
export const IsoDate = z.iso.date({ error: 'must be a date such as 2025-04-01' });
export const IsoDateTime = z.iso.datetime({ offset: true, error: 'must be a date and time such as 2025-04-01T09:30:00Z' });
const text = (max: number) => z.string().max(max, `must be at most ${max} characters`);
const requiredText = (max: number) => text(max).refine((s) => s.trim() !== '', 'must not be empty');

export const ResultStatus = z.enum(RESULT_STATUSES);
export const AssessmentMethod = z.enum(['examine', 'interview', 'test']);
export const AssessmentType = z.enum(['self-assessment', 'third-party']);
export const AssessorRole = z.enum(['lead', 'assessor', 'technical-expert', 'observer']);
export const IdentifierScheme = z.enum(['jp-corporate-number', 'lei', 'other']);

const unique = <T>(items: T[]) => new Set(items).size === items.length;

export const OrganizationIdentifier = z
  .strictObject({
    /** `jp-corporate-number`: 法人番号, 13 digits, check digit first. `lei`: ISO 17442. */
    scheme: IdentifierScheme,
    value: requiredText(100),
    /** What the identifier is, for `other` (e.g. "DUNS", "適格請求書発行事業者登録番号"). */
    label: text(100).optional(),
  })
  .superRefine((id, ctx) => {
    if (id.scheme === 'jp-corporate-number' && !isValidCorporateNumber(id.value)) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: 'is not a valid corporate number (法人番号): 13 digits whose first digit is the check digit' });
    }
    if (id.scheme === 'lei' && !isValidLei(id.value)) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: 'is not a valid LEI: 20 characters with a valid check sum' });
    }
    if (id.scheme === 'other' && !id.label?.trim()) {
      ctx.addIssue({ code: 'custom', path: ['label'], message: 'is required for an identifier of scheme "other"' });
    }
  });

export const Address = z.strictObject({
  /** ISO 3166-1 alpha-2, e.g. JP. */
  country: z.string().regex(/^[A-Z]{2}$/, 'must be a two-letter country code such as JP'),
  postalCode: text(20).optional(),
  /** The address as written locally, lines separated by newlines. */
  text: requiredText(1000),
});

export const Contact = z.strictObject({
  name: requiredText(200),
  title: text(200).optional(),
  email: z.email({ error: 'must be an e-mail address' }).max(320).optional(),
  phone: z.string().regex(/^[+0-9 ()-]{3,40}$/, 'must be a phone number (digits, spaces, + ( ) -)').optional(),
});

export const Organization = z.strictObject({
  legalName: requiredText(500),
  /** Legal name in English, when the organization has one. */
  legalNameEn: text(500).optional(),
  identifiers: z
    .array(OrganizationIdentifier)
    .max(20)
    .refine((ids) => unique(ids.map((i) => `${i.scheme}:${i.label ?? ''}`)), 'must not repeat a scheme'),
  address: Address.optional(),
  contacts: z.array(Contact).max(50),
});

export const Service = z.strictObject({
  name: requiredText(300),
  description: text(20000),
  /** What is in and out of scope (systems, sites, processes). */
  scope: text(20000).optional(),
});

export const PinnedPack = z.strictObject({ id: Id, version: SemVer, hash: Sha256Hex });

export const Assessor = z.strictObject({
  name: requiredText(200),
  organization: text(300),
  role: AssessorRole,
  email: z.email({ error: 'must be an e-mail address' }).max(320).optional(),
});

export const Period = z
  .strictObject({ start: IsoDate.optional(), end: IsoDate.optional() })
  .refine((p) => !p.start || !p.end || p.start <= p.end, { message: 'end must not be before start', path: ['end'] });

export const Site = z.strictObject({
  name: requiredText(300),
  address: text(1000).optional(),
  /** Days the assessors were on this site. */
  visitedOn: z.array(IsoDate).max(366).optional(),
});

/** Why a migrated criterion needs re-assessment (core/migration/migrate.ts `ReassessmentReason`). */
export const REASSESS_REASONS = ['revised', 'renamed', 'split', 'merged-disagreement', 'new', 'unmapped'] as const;

/** The assessor's record for one criterion. An absent record means not assessed. */
export const CriterionRecord = z.strictObject({
  /**
   * Absent = not assessed. `not-applicable` is the applicability decision; it needs a
   * justification (the scoring engine blocks the criterion without one).
   */
  status: ResultStatus.optional(),
  justification: text(20000).optional(),
  methods: z.array(AssessmentMethod).max(3).refine(unique, 'must not repeat a method').optional(),
  notes: text(100000).optional(),
  samplingNotes: text(20000).optional(),
  /** SHA-256 of evidence items supporting this result (keys of `Assessment.evidence`). */
  evidence: z.array(Sha256Hex).max(LIMITS.evidenceLinksPerCriterion).refine(unique, 'must not link the same evidence twice').optional(),
  /**
   * The pack's expected-evidence items the assessor has ticked as seen, by checklist key
   * (core/assessment/checklist.ts `expectedEvidenceKeys`). Absent = none ticked.
   */
  evidenceChecked: z.array(ExpectedEvidenceKey).min(1).max(MAX_EXPECTED_EVIDENCE).refine(unique, 'must not repeat an item').optional(),
  /**
   * Set by a pack migration (`pack.migrate`) when the criterion changed and its result must
   * be looked at again; cleared when the assessor records a status for it (`answer.set`),
   * including the status it already had (confirming the carried result).
   */
  reassess: z
    .strictObject({
      reason: z.enum(REASSESS_REASONS),
      /** Criteria of the previous pack version the result came from ([] for a new criterion). */
      from: z.array(Id).max(200),
    })
    .optional(),
});

export const DisplayName = text(255).refine(isSanitizedDisplayName, 'must be a sanitized display name (see sanitizeDisplayName)');
export const MediaType = z
  .string()
  .max(127)
  .regex(/^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/, 'must be a media type such as application/pdf');

export const Capture = z.strictObject({
  /** Original file name, sanitized: display text only, never a path. */
  name: DisplayName,
  capturedAt: IsoDateTime,
  capturedBy: requiredText(200),
});

/** One collected file. The blob is `evidence/<sha256>` in the workspace, read-only. */
export const EvidenceItem = z.strictObject({
  ...Capture.shape,
  mediaType: MediaType,
  size: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  description: text(5000).optional(),
  /** Later captures of the very same bytes (same SHA-256) under another name or by someone else. */
  recaptures: z.array(Capture).max(LIMITS.recaptures).optional(),
});

export const CorrectiveAction = z.strictObject({
  plan: requiredText(20000),
  owner: text(200).optional(),
  dueDate: IsoDate.optional(),
});

export const Finding = z.strictObject({
  id: Id,
  class: z.enum(FINDING_CLASSES),
  criteria: z.array(Id).max(200).refine(unique, 'must not repeat a criterion'),
  description: requiredText(20000),
  correctiveAction: CorrectiveAction.optional(),
  status: z.enum(FINDING_STATUSES),
});

/** What the applicant declared in its self-assessment, kept apart from the assessor's results. */
export const Claim = z.strictObject({
  status: ResultStatus,
  justification: text(20000).optional(),
  notes: text(100000).optional(),
});

export const ClaimsSource = z.strictObject({
  /** Who made the claims (the applicant organization). */
  organization: requiredText(500),
  /** When the self-assessment was handed over. */
  receivedOn: IsoDate.optional(),
  /** The document or file the claims came from (display text). */
  document: text(500).optional(),
  /** Assessment id of the applicant's own self-assessment, when it came as a TF Assessor file. */
  assessmentId: text(64).optional(),
});

export const AssessmentId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-]{7,63}$/, 'must be 8 to 64 letters, digits or "-"');

export const AssessmentShape = z.strictObject({
  formatVersion: z.literal(FORMAT_VERSION),
  id: AssessmentId,
  /** Sequence number of the last journal entry this state includes. */
  revision: z.number().int().min(0),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
  organization: Organization,
  service: Service,
  /** Role ids of the pinned pack that the service plays. Empty = every role. */
  roles: z.array(Id).max(20).refine(unique, 'must not repeat a role'),
  /** Capability ids of the pinned pack; they switch conditional criteria on. */
  capabilities: z.array(Id).max(100).refine(unique, 'must not repeat a capability'),
  pack: PinnedPack,
  /** Target level id per dimension id. */
  targets: z.record(Id, Id),
  type: AssessmentType,
  assessors: z.array(Assessor).max(50),
  /** The assessors' statement of independence from the assessed organization. */
  independenceStatement: text(20000).optional(),
  dates: Period,
  sites: z.array(Site).max(100),
  criteria: z.record(Id, CriterionRecord),
  findings: z.array(Finding).max(LIMITS.findings),
  evidence: z.record(Sha256Hex, EvidenceItem),
  claims: z.record(Id, Claim).optional(),
  claimsSource: ClaimsSource.optional(),
});

/** The full document schema, with the checks that span several fields. */
export const Assessment = AssessmentShape.superRefine((a, ctx) => {
  const findingIds = new Set<string>();
  a.findings.forEach((f, i) => {
    if (findingIds.has(f.id)) ctx.addIssue({ code: 'custom', path: ['findings', i, 'id'], message: `repeats finding id "${f.id}"` });
    findingIds.add(f.id);
  });
  for (const [criterion, record] of Object.entries(a.criteria)) {
    for (const hash of record.evidence ?? []) {
      if (!Object.hasOwn(a.evidence, hash)) {
        ctx.addIssue({ code: 'custom', path: ['criteria', criterion, 'evidence'], message: `links evidence ${hash.slice(0, 12)}… that is not in the workspace` });
      }
    }
  }
  if (a.claims && !a.claimsSource) {
    ctx.addIssue({ code: 'custom', path: ['claimsSource'], message: 'is required when the assessment holds claims' });
  }
});

export type Assessment = z.infer<typeof AssessmentShape>;
export type CriterionRecord = z.infer<typeof CriterionRecord>;
export type EvidenceItem = z.infer<typeof EvidenceItem>;
export type Capture = z.infer<typeof Capture>;
export type Finding = z.infer<typeof Finding>;
export type Claim = z.infer<typeof Claim>;
export type ClaimsSource = z.infer<typeof ClaimsSource>;
export type Organization = z.infer<typeof Organization>;
export type Service = z.infer<typeof Service>;
export type PinnedPack = z.infer<typeof PinnedPack>;
export type Assessor = z.infer<typeof Assessor>;
export type AssessmentMethod = z.infer<typeof AssessmentMethod>;

/** `criteria.IAL2-3.status: must be one of …` — one line per problem, paths as users see them. */
export function formatIssues(error: z.ZodError, prefix = ''): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => {
      const path = [prefix, ...issue.path.map(String)].filter((p) => p !== '').join('.');
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ') + (error.issues.length > 5 ? `; and ${error.issues.length - 5} more` : '');
}

/** Own-property lookup: criterion ids such as `constructor` must never reach Object.prototype. */
export function own<T>(record: Record<string, T> | undefined, key: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}
