/**
 * Channels for the certification body: its trust store (the CA certificates whose signers it
 * accepts), the intake of submitted packages into read-only review workspaces, and the
 * comparison of two submissions. Spread into `contract` in contract.ts.
 *
 * A review is a package the body imported: main keeps a copy of the `.tfpkg` file and its
 * verification report under `<dataDir>/reviews/<review>/` and reads entries from the copy on
 * demand (never extracted). Nothing in a review can be edited; it is evidence of what was
 * submitted.
 */
import { z } from 'zod';
import { AssessmentShape, Sha256Hex } from '../assessment/schema';
import { Handle, PackDetail, ScoreView } from './contract-core';
import { EvidencePreview } from './contract-evidence';
// Import schemas from './contract-core' (never from './contract': that would be a cycle).

/** A CA certificate in the trust store. */
export const TrustAnchorView = z.strictObject({
  /** SHA-256 of the DER certificate, lowercase hex: the anchor's identity. */
  fingerprintSha256: Sha256Hex,
  /** RFC 4514 subject, most specific first. */
  subject: z.string(),
  issuer: z.string(),
  serialNumber: z.string(),
  notBefore: z.string(),
  notAfter: z.string(),
  /** basicConstraints cA; a non-CA certificate can be trusted too (it then trusts itself only). */
  isCa: z.boolean(),
  /** Past notAfter now (packages signed while it was valid still verify). */
  expired: z.boolean(),
  /** The public-key algorithm, e.g. `RSA 3072` or `ECDSA P-256`. */
  keyAlgorithm: z.string(),
  addedAt: z.string(),
  /** Optional label given by the body. */
  label: z.string().nullable(),
});
export type TrustAnchorView = z.infer<typeof TrustAnchorView>;

export const IntakeCheckView = z.strictObject({
  /** Stable check id (core/package/report.ts and core/node/intake.ts INTAKE_CHECK_IDS). */
  id: z.string(),
  status: z.enum(['passed', 'failed', 'skipped']),
  reason: z.string(),
});
export type IntakeCheckView = z.infer<typeof IntakeCheckView>;

const LevelRow = z.strictObject({
  dimension: z.string(),
  achieved: z.string().nullable(),
  target: z.string().nullable(),
  targetMet: z.boolean().nullable(),
  notApplicable: z.boolean(),
});

/** The verification report of an imported package, as shown first in its review. */
export const IntakeReportView = z.strictObject({
  ok: z.boolean(),
  checks: z.array(IntakeCheckView),
  /** Who signed the manifest, when it could be read. */
  signer: z.strictObject({ subject: z.string(), issuer: z.string().nullable(), fingerprintSha256: z.string().nullable() }).nullable(),
  signedAt: z.string().nullable(),
  /** The levels the submitter's report states (claimed-levels.json), when readable. */
  claimedLevels: z.array(LevelRow).nullable(),
  /** The levels recomputed by this app with the trusted pack, when they could be. */
  recomputedLevels: z.array(LevelRow).nullable(),
  /** When the verification ran (ISO). */
  verifiedAt: z.string(),
});
export type IntakeReportView = z.infer<typeof IntakeReportView>;

/** One imported package in the intake list. */
export const ReviewSummary = z.strictObject({
  /** Opaque id of the review (main maps it to its folder). */
  review: Handle,
  /** The package's file name as received (display text only). */
  fileName: z.string(),
  size: z.number().int().min(0),
  /** SHA-256 of the package file as received. */
  sha256: Sha256Hex,
  importedAt: z.string(),
  /** Every check passed. */
  ok: z.boolean(),
  failedChecks: z.number().int().min(0),
  /** From the assessment when it could be read (also for an invalid package: shown, never trusted). */
  organization: z.string().nullable(),
  service: z.string().nullable(),
  /** `id@version` of the pack the manifest names. */
  pack: z.string().nullable(),
  assessmentType: z.string().nullable(),
  assessmentId: z.string().nullable(),
  signer: z.string().nullable(),
});
export type ReviewSummary = z.infer<typeof ReviewSummary>;

/** A review opened for reading: the report first, then the assessment as the assessor saw it. */
export const ReviewView = z.strictObject({
  summary: ReviewSummary,
  report: IntakeReportView,
  /** The submitted assessment; null when it could not be read safely (`documentProblem` says why). */
  document: AssessmentShape.nullable(),
  /** Why `document` is null (one line); null when it was read. Always sent by main; optional only for older fixtures. */
  documentProblem: z.string().nullable().optional(),
  /**
   * The pack the assessment was made with: the body's installed copy of the pinned
   * `id@version#hash` when there is one (`packTrusted` true; the report's `pack-trusted` check
   * says whether the package's embedded copy matched it), else the embedded one as submitted
   * (`packTrusted` false, e.g. a pack the body has not installed).
   */
  pack: PackDetail.nullable(),
  packTrusted: z.boolean(),
  /** Recomputed by this app from the submitted answers (never the submitter's numbers). */
  score: ScoreView.nullable(),
  scoreProblem: z.string().nullable(),
});
export type ReviewView = z.infer<typeof ReviewView>;


const Change = <T extends z.ZodType>(value: T) => z.strictObject({ before: value, after: value });

/** The differences between two submissions (`base` → `other`), computed in core. */
export const SubmissionComparison = z.strictObject({
  base: ReviewSummary,
  other: ReviewSummary,
  /** Same organization (corporate number, else legal name); the UI warns when not. */
  sameOrganization: z.boolean(),
  samePack: z.boolean(),
  levels: z.array(z.strictObject({ dimension: z.string(), achieved: Change(z.string().nullable()), target: Change(z.string().nullable()), changed: z.boolean() })),
  /** Criteria whose result, applicability or scope changed; unchanged ones are only counted. */
  results: z.array(
    z.strictObject({
      criterion: z.string(),
      /** `added`/`removed`: the criterion exists in one pack only. */
      kind: z.enum(['changed', 'added', 'removed']),
      /** The effective result (`conformant`, `minor-nc`, …); null when out of the service's scope or not in that pack. */
      status: Change(z.string().nullable()),
      /** Met by the scoring rules; null out of scope, not in that pack, or when the submission could not be scored. */
      met: Change(z.boolean().nullable()),
    }),
  ),
  unchangedResults: z.number().int().min(0),
  findings: z.array(
    z.strictObject({
      /** Findings are matched by id, then by criteria + title. The id is `other`'s (`base`'s for `removed`). */
      id: z.string(),
      /** `opened`: only in `other`; `removed`: only in `base`; `closed`: now verified-closed; `changed`: status, class, text or criteria. */
      kind: z.enum(['opened', 'closed', 'changed', 'removed']),
      /** The first line of the finding's description. */
      title: z.string(),
      criterion: z.string().nullable(),
      status: Change(z.string().nullable()),
      classification: Change(z.string().nullable()),
    }),
  ),
});
export type SubmissionComparison = z.infer<typeof SubmissionComparison>;

const Review = { review: Handle };

export const intakeChannels = {
  /** The trust store's anchors, newest first. */
  'tfa:trust:list': { args: z.undefined(), result: z.array(TrustAnchorView) },
  /**
   * Adds CA certificates from PEM text (one or more `BEGIN CERTIFICATE` blocks) or base64 DER.
   * The renderer reads the file the user picked (File API) and sends its text; adding one
   * already present is not an error. `invalid-input` names what is wrong with which block.
   */
  'tfa:trust:add': {
    args: z.strictObject({ text: z.string().min(1).max(1024 * 1024), label: z.string().max(200).optional() }),
    result: z.strictObject({ added: z.array(TrustAnchorView), alreadyPresent: z.array(Sha256Hex), anchors: z.array(TrustAnchorView) }),
  },
  'tfa:trust:remove': { args: z.strictObject({ fingerprintSha256: Sha256Hex }), result: z.array(TrustAnchorView) },
  /** Imported packages, newest first. */
  'tfa:reviews:list': { args: z.undefined(), result: z.array(ReviewSummary) },
  /**
   * Imports a package from a source (`tfa:dialogs:pickPackages` on the desktop, `PUT
   * /upload?purpose=package&name=…` in the preview): copies it, verifies it against the
   * trust store and the trusted packs, and keeps it as a review. An invalid package is
   * imported too — its report says what is wrong — but its contents are never trusted.
   */
  'tfa:reviews:import': { args: z.strictObject({ source: Handle }), result: ReviewSummary },
  'tfa:reviews:get': { args: z.strictObject(Review), result: ReviewView },
  /** Verifies again (e.g. after adding a CA to the trust store). */
  'tfa:reviews:reverify': { args: z.strictObject(Review), result: ReviewSummary },
  /** Deletes the review's copy of the package and its report. */
  'tfa:reviews:remove': { args: z.strictObject(Review), result: z.array(ReviewSummary) },
  /** One evidence file of the package, read from the package and checked against the manifest. */
  'tfa:reviews:evidencePreview': { args: z.strictObject({ ...Review, hash: Sha256Hex }), result: EvidencePreview },
  /** What changed from `base` to `other` (e.g. last year's and this year's submission). */
  'tfa:reviews:compare': { args: z.strictObject({ base: Handle, other: Handle }), result: SubmissionComparison },
  /**
   * Desktop: a native dialog to pick `.tfpkg` files; [] when cancelled. The preview uploads
   * instead. A file that cannot be taken (not a regular file, too large…) comes back with
   * `refused` instead of a source, so the others are still imported; when every chosen file
   * is refused, the call fails with the first reason.
   */
  'tfa:dialogs:pickPackages': {
    args: z.undefined(),
    result: z.array(
      z.union([
        z.strictObject({ source: Handle, name: z.string(), size: z.number().int().min(0) }),
        z.strictObject({ name: z.string(), refused: z.string() }),
      ]),
    ),
  },
} as const;
