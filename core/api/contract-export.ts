/**
 * Channels for signing identities and the export dialog (reports, signatures, package).
 * Spread into `contract` in contract.ts.
 *
 * Private keys never cross this contract: identities are listed by their public facts, and
 * an export names its identity by id; main unlocks the key and signs (docs/decisions/0007,
 * 0011 and 0012). Paths in results are display text for the user, never something the
 * renderer sends back: an export's folder is named by its job, a picked folder by a handle.
 */
import { z } from 'zod';
import { Sha256Hex } from '../assessment/schema';
import { Handle, Language } from './contract-core';
// Import schemas from './contract-core' (never from './contract': that would be a cycle).

/** Largest .p12/.pfx file accepted (real ones are a few KiB: a key and two or three certificates). */
export const MAX_P12_BYTES = 256 * 1024;
/** The same limit as base64 text (4 characters per 3 bytes). */
export const MAX_P12_BASE64 = Math.ceil(MAX_P12_BYTES / 3) * 4;

/** A signing identity kept on this machine: public information only. */
export const IdentityView = z.strictObject({
  /** SHA-256 of the signing certificate (lowercase hex): names the identity in every call. */
  id: Sha256Hex,
  label: z.string(),
  /** RFC 4514, most specific first: `CN=…,O=…,C=JP`. */
  subject: z.string(),
  commonName: z.string().nullable(),
  issuer: z.string(),
  /** Same as `id`, named for what it is. */
  fingerprintSha256: Sha256Hex,
  notBefore: z.string(),
  notAfter: z.string(),
  /** `ECDSA P-256` or `RSA 3072`. */
  keyAlgorithm: z.string(),
  /** Past notAfter now: it can no longer sign. */
  expired: z.boolean(),
  /** Made by this app (a private CA for self-assessment) rather than imported from a .p12. */
  localCa: z.boolean(),
  /** The certificate at the top of the chain (the CA a verifier must trust), when the chain has one. */
  caSubject: z.string().nullable(),
  caFingerprintSha256: Sha256Hex.nullable(),
  createdAt: z.string(),
});
export type IdentityView = z.infer<typeof IdentityView>;

/** Whether keys can be kept encrypted here; when not, creating and importing are refused with `problem`. */
export const KeyStorageView = z.strictObject({
  available: z.boolean(),
  /** `system-keychain` in the desktop app; `preview-key-file` in the browser preview (not for real keys). */
  kind: z.enum(['system-keychain', 'preview-key-file']),
  problem: z.string().nullable(),
});
export type KeyStorageView = z.infer<typeof KeyStorageView>;

export const IdentitiesView = z.strictObject({ identities: z.array(IdentityView), storage: KeyStorageView });
export type IdentitiesView = z.infer<typeof IdentitiesView>;

/** A name part of a certificate: any script (Japanese included), at most 64 characters (RFC 5280). */
const NamePart = z.string().trim().min(1).max(64);

export const IdentityCreateArgs = z.strictObject({
  commonName: NamePart,
  organization: NamePart.optional(),
  /** ISO 3166 two-letter code, e.g. JP. */
  country: z.string().regex(/^[A-Z]{2}$/, 'must be a two-letter country code such as JP').optional(),
  keyType: z.enum(['ecdsa-p256', 'rsa-3072']).default('ecdsa-p256'),
  validityDays: z.number().int().min(1).max(3650).default(365),
  label: z.string().trim().min(1).max(200).optional(),
});
export type IdentityCreateArgs = z.input<typeof IdentityCreateArgs>;

export const IdentityImportArgs = z.strictObject({
  /** The .p12/.pfx file as base64 (the renderer reads the file the user picked). */
  p12: z.string().min(1).max(MAX_P12_BASE64, `the file is larger than ${MAX_P12_BYTES / 1024} KiB: it is not a signing identity`),
  /** Used once to open the file; never stored. */
  passphrase: z.string().max(1024),
  /** The file's name (display text, used in messages). */
  name: z.string().max(500).optional(),
  label: z.string().trim().min(1).max(200).optional(),
});
export type IdentityImportArgs = z.input<typeof IdentityImportArgs>;

/** The CA certificate of an identity, for the certification body's trust store. */
export const CaCertificateView = z.strictObject({
  /** One `-----BEGIN CERTIFICATE-----` block. */
  pem: z.string(),
  /** The name to save it under, e.g. `ca.pem`. */
  suggestedName: z.string(),
  subject: z.string(),
  fingerprintSha256: Sha256Hex,
  notAfter: z.string(),
});
export type CaCertificateView = z.infer<typeof CaCertificateView>;

/** The steps of an export, in order (core/node/export.ts `ExportStep`). */
export const EXPORT_STEPS = ['workspace', 'pack', 'report-pdf', 'report-xlsx', 'sign', 'oscal', 'package', 'done'] as const;
export const ExportStepName = z.enum(EXPORT_STEPS);
export type ExportStepName = z.infer<typeof ExportStepName>;

export const ExportTemplateView = z.strictObject({
  /** Pass as `template` to `tfa:export:start`. */
  name: z.string(),
  title: z.strictObject({ ja: z.string(), en: z.string() }),
});

export const ExportOptionsView = z.strictObject({
  templates: z.array(ExportTemplateView),
  identities: z.array(IdentityView),
  storage: KeyStorageView,
  /** The app's language (settings, else the OS language). */
  defaultLang: Language,
  /** Where an export goes unless a folder is picked (display text). */
  defaultDestination: z.string(),
  /** A native folder dialog is available (desktop). */
  canPickDestination: z.boolean(),
  /** Showing the files in the file manager is available (desktop). */
  canReveal: z.boolean(),
  /** The export of this assessment running now, if any (the screen reattaches to it). */
  running: Handle.nullable(),
  /** The most recent export of this assessment in this session, if any. */
  last: Handle.nullable(),
});
export type ExportOptionsView = z.infer<typeof ExportOptionsView>;

export const ExportStartArgs = z.strictObject({
  handle: Handle,
  lang: Language,
  template: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be a template name from tfa:export:options').default('default'),
  /** An identity id from the list; null exports unsigned (nothing can prove who made it). */
  identity: Sha256Hex.nullable(),
  include: z.strictObject({ evidence: z.boolean(), oscal: z.boolean() }),
  /** A folder from `tfa:dialogs:pickExportFolder`; default a new folder under the app's data folder. */
  destination: Handle.optional(),
});
export type ExportStartArgs = z.input<typeof ExportStartArgs>;

export const ExportFileKind = z.enum(['report-pdf', 'report-xlsx', 'xlsx-signature', 'oscal', 'package', 'ca-certificate']);
export type ExportFileKind = z.infer<typeof ExportFileKind>;

export const ExportResultView = z.strictObject({
  /** The folder holding the files (display text). */
  folder: z.string(),
  files: z.array(
    z.strictObject({
      kind: ExportFileKind,
      /** Relative to `folder`, e.g. `report.pdf`, `oscal/assessment-results.json`. */
      name: z.string(),
      sha256: Sha256Hex,
      size: z.number().int().min(0),
    }),
  ),
  /** SHA-256 of the .tfpkg file (what the certification body can compare). */
  packageSha256: Sha256Hex,
  signer: z
    .strictObject({
      subject: z.string(),
      commonName: z.string().nullable(),
      fingerprintSha256: Sha256Hex,
      notAfter: z.string(),
      /** The CA a verifier must trust; null when the chain has none. */
      caSubject: z.string().nullable(),
      caFingerprintSha256: Sha256Hex.nullable(),
    })
    .nullable(),
  signedAt: z.string().nullable(),
  levels: z.array(
    z.strictObject({ dimension: z.string(), achieved: z.string().nullable(), target: z.string().nullable(), targetMet: z.boolean().nullable(), notApplicable: z.boolean() }),
  ),
  assessmentRevision: z.number().int().min(0),
  warnings: z.array(z.string()),
});
export type ExportResultView = z.infer<typeof ExportResultView>;

export const ExportJobView = z.strictObject({
  job: Handle,
  handle: Handle,
  /** `cancelled`: stopped by the user; what it had written was removed. */
  state: z.enum(['running', 'done', 'failed', 'cancelled']),
  /** The step running now (the last one reached when finished). */
  step: ExportStepName,
  /** The steps this export goes through, in order (sign and oscal only when asked for). */
  steps: z.array(ExportStepName),
  startedAt: z.string(),
  /** Milliseconds from start to now (running) or to the end. */
  elapsedMs: z.number().int().min(0),
  result: ExportResultView.nullable(),
  /** One line: what failed and what to do. `code` is the step's area (core ExportError codes, or `internal`). */
  error: z.strictObject({ code: z.string(), message: z.string() }).nullable(),
});
export type ExportJobView = z.infer<typeof ExportJobView>;

export const exportChannels = {
  /** Signing identities kept on this machine (newest first) and whether keys can be stored here. */
  'tfa:identities:list': { args: z.undefined(), result: IdentitiesView },
  /**
   * Creates a local CA and a signing certificate for self-assessment (the CA key is discarded
   * after issuing). The key is stored sealed; hand the CA certificate to the certification body.
   */
  'tfa:identities:create': { args: IdentityCreateArgs, result: IdentityView },
  /**
   * Imports a .p12/.pfx (RSA or ECDSA P-256). A wrong passphrase, an expired or not yet valid
   * certificate, or one not for signing is `invalid-input` naming the problem.
   */
  'tfa:identities:import': { args: IdentityImportArgs, result: IdentityView },
  /** Deletes the identity (its sealed key and certificates). Reports already signed stay valid. */
  'tfa:identities:remove': { args: z.strictObject({ id: Sha256Hex }), result: IdentitiesView },
  /** The CA certificate at the top of the identity's chain, as PEM. `not-found` when the chain has no CA. */
  'tfa:identities:caCertificate': { args: z.strictObject({ id: Sha256Hex }), result: CaCertificateView },
  /** What the export dialog offers for an open assessment. */
  'tfa:export:options': { args: z.strictObject({ handle: Handle }), result: ExportOptionsView },
  /**
   * Starts exporting an open assessment (saved first) off the main thread; returns the job.
   * `conflict` while another export of the same assessment runs.
   */
  'tfa:export:start': { args: ExportStartArgs, result: z.strictObject({ job: Handle }) },
  /** Progress and, when finished, the result or the one-line reason it failed. */
  'tfa:export:status': { args: z.strictObject({ job: Handle }), result: ExportJobView },
  /**
   * Stops a running export and removes what it wrote (its own new folder, or in a chosen
   * folder the files it had replaced so far). A finished export is left as it is.
   */
  'tfa:export:cancel': { args: z.strictObject({ job: Handle }), result: ExportJobView },
  /** Desktop: shows the exported package in the file manager. */
  'tfa:export:reveal': { args: z.strictObject({ job: Handle }), result: z.null() },
  /** Desktop: a native dialog to choose the export folder; null when cancelled. */
  'tfa:dialogs:pickExportFolder': { args: z.undefined(), result: z.strictObject({ destination: Handle, folder: z.string() }).nullable() },
} as const;
