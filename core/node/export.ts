/**
 * Exporting an assessment: the reports (PDF, XLSX), their signatures, the OSCAL results and the
 * signed submission package, from one consistent snapshot of a workspace. One function serves
 * the CLI (`tf-assessor export`) and the app's export dialog.
 *
 * It only composes: the workspace (read-only, under its lock so nobody edits while it reads),
 * the pinned pack (loaded through a recording reader, so the package carries the exact YAML
 * files whose canonical form has the pinned hash), the scoring engine, the report model and
 * renderers, core/signing (PAdES for the PDF, detached CMS for the XLSX and the manifest) and
 * the package writer. See docs/decisions/0011-export-and-intake.md.
 */
import { readFile, stat, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
// @ts-expect-error -- fontkit 2 (pdfmake's, for the visible signature block) ships no type declarations; only create() is used, through fontkitForPdfLib.
import * as fontkit from 'fontkit';
import { z } from 'zod';
import { evidenceLinks } from '../assessment/ops';
import { AssessmentId, PinnedPack, type Assessment } from '../assessment/schema';
import { toScoringInput } from '../assessment/scoring-input';
import { loadPack, MANIFEST_FILE, type PackReader } from '../criteria/load';
import { formatProblem } from '../criteria/problems';
import { Id, type Pack } from '../criteria/schema';
import { utf8Encode } from '../criteria/utf8';
import { buildOscalAssessmentResults, serializeOscalResults } from '../interchange/oscal-results';
import { cmsManifestSigner } from '../package/cms';
import { checkEntryName, printableName } from '../package/names';
import { buildReportModel, ReportInputError } from '../reports/model';
import { TEMPLATE_FILE, TemplateError, type ReportTemplate } from '../reports/template';
import { checkSigningCertificate, isoSeconds, parseCertificate } from '../signing/certificate';
import { signDetached } from '../signing/cms';
import { SigningError } from '../signing/errors';
import type { SigningIdentity } from '../signing/keys';
import { score } from '../scoring/score';
import type { ScoreResult } from '../scoring/types';
import { writeFileAtomic } from './atomic-file';
import { evidenceMetadata, hashFile } from './evidence';
import { StorageError } from './fs-port';
import { acquireLock, type HeldLock } from './lock';
import { PackageWriteError, writePackage, type PackageFileInput } from './package-write';
import { defaultPackRoots, packDirReader, resolvePack, type PackRoot } from './packs';
import { FONT_FILES, renderReportPdf } from './report-pdf';
import { builtinTemplatesDir, readDefaultTemplate, readTemplate, reportFontsDir } from './report-template';
import { renderReportXlsx } from './report-xlsx';
import { signPdf } from './signing-pdf';
import { openWorkspace, type Workspace } from './workspace';

// ---- what the package states about levels ---------------------------------------------------

/** The levels the report states, recorded in the package so a verifier can recompute them. */
export const CLAIMED_LEVELS_NAME = 'claimed-levels.json';
export const CLAIMED_LEVELS_FORMAT = 'tf-assessor/claimed-levels@1';

export const ClaimedLevels = z.strictObject({
  format: z.literal(CLAIMED_LEVELS_FORMAT),
  assessment: z.strictObject({ id: AssessmentId, revision: z.number().int().min(0) }),
  pack: PinnedPack,
  /** One row per dimension of the pack, in pack order, as the scoring engine gave them. */
  dimensions: z
    .array(
      z.strictObject({
        dimension: Id,
        achieved: Id.nullable(),
        target: Id.nullable(),
        targetMet: z.boolean().nullable(),
        notApplicable: z.boolean(),
      }),
    )
    .max(100),
});
export type ClaimedLevels = z.infer<typeof ClaimedLevels>;

/** The claimed levels of a score (what the report states). */
export function claimedLevels(assessment: Assessment, result: ScoreResult): ClaimedLevels {
  return {
    format: CLAIMED_LEVELS_FORMAT,
    assessment: { id: assessment.id, revision: assessment.revision },
    pack: { id: assessment.pack.id, version: assessment.pack.version, hash: assessment.pack.hash },
    dimensions: result.dimensions.map((d) => ({ dimension: d.dimension, achieved: d.achieved, target: d.target, targetMet: d.targetMet, notApplicable: d.notApplicable })),
  };
}

/** The file form: two-space JSON, UTF-8, final newline. */
export function serializeClaimedLevels(c: ClaimedLevels): Uint8Array {
  return utf8Encode(`${JSON.stringify(c, null, 2)}\n`);
}

// ---- options and result -------------------------------------------------------------------

export type ExportStep = 'workspace' | 'pack' | 'report-pdf' | 'report-xlsx' | 'sign' | 'oscal' | 'package' | 'done';

export interface ExportOptions {
  /** Folder for the files; created when missing. Existing files of an earlier export are replaced. */
  outDir: string;
  lang: 'ja' | 'en';
  /** A built-in template name (`default`) or a template folder; default the built-in default. */
  template?: string;
  /** Signs the PDF (PAdES), the XLSX (report.xlsx.p7s) and the package manifest. Unsigned without. */
  identity?: SigningIdentity;
  /**
   * The export's time: the report date, the signatures' claimed signing time, the manifest's
   * createdAt (default now; whole seconds).
   */
  signingTime?: Date;
  include?: { evidence?: boolean; oscal?: boolean };
  /** IANA zone of the dates shown in the report (default UTC). */
  timeZone?: string;
  /**
   * Take the workspace lock while reading (default true), so nobody edits the assessment
   * mid-export. The app, which holds the lock itself, flushes and passes false.
   */
  lock?: boolean;
  /** Where pinned packs are looked up (default: built-in and user packs). */
  packRoots?: PackRoot[];
  /** The Noto Sans JP folder (default the built-in templates/fonts). */
  fontsDir?: string;
  onProgress?: (progress: { step: ExportStep; detail?: string }) => void;
}

export interface ExportedFile {
  path: string;
  sha256: string;
  size: number;
}

export interface ExportResult {
  outDir: string;
  reportPdf: ExportedFile;
  reportXlsx: ExportedFile;
  /** report.xlsx.p7s; null when unsigned. */
  xlsxSignature: ExportedFile | null;
  oscal: ExportedFile | null;
  package: ExportedFile;
  signer: { subject: string; commonName: string | null; fingerprintSha256: string; notAfter: string } | null;
  /** The claimed signing time (ISO, seconds) when signed. */
  signedAt: string | null;
  levels: ClaimedLevels;
  /** Things the user should know (a torn journal tail repaired, no visible signature block…). */
  warnings: string[];
}

export type ExportErrorCode = 'workspace' | 'pack' | 'template' | 'signing' | 'evidence' | 'output';

/** Why an export failed: one line for the user (what, where, what to do). */
export class ExportError extends Error {
  override readonly name = 'ExportError';
  constructor(
    readonly code: ExportErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

// ---- file names ---------------------------------------------------------------------------

// Characters no file system (or shell habit) takes kindly: separators, Windows' reserved set,
// controls, invisible formatting characters.
const HOSTILE = /[\\/:*?"<>|\p{Cc}\p{Cf}\u2028\u2029]/gu;
const MAX_NAME_BYTES = 120;

function cleanSegment(text: string): string {
  let s = text.normalize('NFC').replace(HOSTILE, ' ').replace(/\s+/g, '_').replace(/^[._-]+|[._-]+$/g, '');
  // Keep whole characters within the byte budget.
  while (utf8Encode(s).length > MAX_NAME_BYTES) s = [...s].slice(0, -1).join('');
  return s.replace(/[._-]+$/, '');
}

/**
 * `<organization>-<pack id>-<version>-<YYYY-MM-DD>.tfpkg`. The organization keeps its own
 * script (a Japanese name stays Japanese: every current file system stores UTF-8 names) with
 * path-hostile characters removed and blanks as `_`. When nothing usable is left, or the name
 * would be unsafe on some system (a Windows device name…), the English name is used, then
 * `assessment`.
 */
export function packageFileName(organization: { legalName: string; legalNameEn?: string | undefined }, pack: { id: string; version: string }, date: string): string {
  const tail = `-${pack.id}-${pack.version}-${date.slice(0, 10)}.tfpkg`;
  for (const candidate of [organization.legalName, organization.legalNameEn ?? '', 'assessment']) {
    const name = cleanSegment(candidate);
    if (name === '') continue;
    const file = `${name}${tail}`;
    if (!checkEntryName(file)) return file;
  }
  return `assessment${tail}`;
}

// ---- the steps ----------------------------------------------------------------------------

function fail(code: ExportErrorCode, err: unknown): ExportError {
  if (err instanceof ExportError) return err;
  return new ExportError(code, err instanceof Error ? err.message : String(err), { cause: err });
}

/** Opens the workspace read-only; the lock (when asked) is taken first so the snapshot is stable. */
async function openSnapshot(dir: string, lock: boolean): Promise<{ ws: Workspace; held: HeldLock | null }> {
  try {
    const st = await stat(dir);
    if (!st.isDirectory()) throw new ExportError('workspace', `${dir} is not an assessment folder (it is a file)`);
  } catch (err) {
    if (err instanceof ExportError) throw err;
    throw new ExportError('workspace', `${dir} does not exist: give the folder of an assessment (tf-assessor demo <dir> makes one)`, { cause: err });
  }
  let held: HeldLock | null = null;
  if (lock) {
    try {
      held = await acquireLock(dir);
    } catch (err) {
      // On a read-only medium nobody can edit either: reading without the lock is safe.
      if (!(err instanceof StorageError && err.code === 'read-only')) throw fail('workspace', err);
    }
  }
  try {
    const ws = await openWorkspace(dir, { actor: 'tf-assessor export', readOnly: true });
    return { ws, held };
  } catch (err) {
    await held?.release().catch(() => undefined);
    throw fail('workspace', err);
  }
}

interface LoadedPack {
  pack: Pack;
  /** Pack-relative path → the exact bytes that were loaded. */
  files: Map<string, Uint8Array>;
}

/**
 * The pinned pack, read once through a recording reader: the files recorded are exactly the
 * bytes whose canonical form has the pinned hash, so the receiver can recompute it.
 */
async function loadPinnedPack(pin: { id: string; version: string; hash: string }, roots: PackRoot[], where: string): Promise<LoadedPack> {
  const ref = `${pin.id}@${pin.version}`;
  let dir: string;
  try {
    dir = (await resolvePack(`${ref}#${pin.hash}`, { roots })).dir;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (/has hash/.test(message)) {
      throw new ExportError('pack', `${where} was made with ${ref} (hash ${pin.hash.slice(0, 12)}…), but the installed ${ref} has different content: install the exact pack the assessment pins`);
    }
    throw new ExportError('pack', `${where} needs pack ${ref}, which is not installed: install it (tf-assessor pack list shows what is installed)`);
  }
  const files = new Map<string, Uint8Array>();
  const read = packDirReader(dir);
  const recording: PackReader = async (path) => {
    const bytes = await read(path);
    const b = typeof bytes === 'string' ? utf8Encode(bytes) : bytes;
    files.set(path, b);
    return b;
  };
  const result = await loadPack(recording);
  if (!result.ok) {
    const first = result.problems[0]!;
    throw new ExportError('pack', `the installed ${ref} is not a valid pack: ${formatProblem({ ...first, file: join(dir, first.file) })} (run tf-assessor pack validate)`);
  }
  if (result.pack.hash !== pin.hash) {
    throw new ExportError('pack', `${join(dir, MANIFEST_FILE)} changed while it was read (its hash is no longer the pinned ${pin.hash.slice(0, 12)}…); export again`);
  }
  return { pack: result.pack, files };
}

async function loadTemplate(name: string | undefined): Promise<ReportTemplate> {
  try {
    if (name === undefined) return await readDefaultTemplate();
    const builtin = builtinTemplatesDir();
    if (builtin && /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) {
      const dir = join(builtin, name);
      if (await isFile(join(dir, TEMPLATE_FILE))) return await readTemplate(dir);
    }
    if (await exists(name)) return await readTemplate(name);
    throw new ExportError('template', `unknown template "${printableName(name)}": give a built-in template name (default) or a folder holding ${TEMPLATE_FILE} (see templates/default)`);
  } catch (err) {
    if (err instanceof TemplateError) throw new ExportError('template', err.message, { cause: err });
    throw fail('template', err);
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
async function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isFile(),
    () => false,
  );
}

async function fileInfo(path: string): Promise<ExportedFile> {
  const { sha256, size } = await hashFile(path);
  return { path, sha256, size };
}

const VISIBLE = {
  ja: (signer: string, at: string) => [`電子署名: ${signer}`, `日時: ${at}`, '理由: 評価報告書の発行'],
  en: (signer: string, at: string) => [`Digitally signed by ${signer}`, `Date: ${at}`, 'Reason: assessment report issued'],
};

/**
 * Exports an assessment into `outDir`: report.pdf, report.xlsx (+ report.xlsx.p7s when
 * signed), oscal/assessment-results.json (when asked), and the submission package
 * `<organization>-<pack>-<version>-<date>.tfpkg` holding manifest.json(.p7s), assessment.json,
 * claimed-levels.json, pack/…, the reports and their signature, evidence/<sha256> (+ .json
 * metadata) and the OSCAL results. Every file is written atomically.
 * @throws ExportError with a one-line message (`code` says which step failed).
 */
export async function exportAssessment(workspaceDir: string, options: ExportOptions): Promise<ExportResult> {
  const dir = resolve(workspaceDir);
  const outDir = resolve(options.outDir);
  const progress = (step: ExportStep, detail?: string) => options.onProgress?.({ step, ...(detail !== undefined && { detail }) });
  const at = new Date(Math.floor((options.signingTime ?? new Date()).getTime() / 1000) * 1000);
  const generatedAt = isoSeconds(at);
  const includeEvidence = options.include?.evidence ?? true;
  const includeOscal = options.include?.oscal ?? false;
  const warnings: string[] = [];

  // Refuse an unusable identity before any work.
  let signer: ExportResult['signer'] = null;
  if (options.identity) {
    try {
      const leaf = parseCertificate(options.identity.chain[0] ?? new Uint8Array(0), 'the signing certificate');
      checkSigningCertificate(leaf.info, at, 'the signing identity');
      signer = { subject: leaf.info.subject, commonName: leaf.info.commonName ?? null, fingerprintSha256: leaf.info.sha256, notAfter: isoSeconds(leaf.info.notAfter) };
    } catch (err) {
      throw fail('signing', err);
    }
  }

  progress('workspace', dir);
  const { ws, held } = await openSnapshot(dir, options.lock ?? true);
  try {
    warnings.push(...ws.recovery.issues);
    const assessment = ws.assessment;
    let journal;
    try {
      journal = (await ws.readJournal()).filter((e) => e.seq <= assessment.revision);
    } catch (err) {
      throw fail('workspace', err);
    }

    progress('pack', `${assessment.pack.id}@${assessment.pack.version}`);
    const { pack, files: packFiles } = await loadPinnedPack(assessment.pack, options.packRoots ?? defaultPackRoots(), dir);
    const template = await loadTemplate(options.template);

    // Missing evidence is known before minutes of rendering, not after.
    const evidenceHashes = includeEvidence ? Object.keys(assessment.evidence).sort() : [];
    for (const hash of evidenceHashes) {
      const blob = ws.evidencePath(hash);
      if (!(await isFile(blob))) {
        throw new ExportError('evidence', `the evidence file "${printableName(assessment.evidence[hash]!.name)}" (${hash.slice(0, 12)}…) is missing from ${blob}: restore it, or export with --no-evidence`);
      }
    }

    const result = score(pack, toScoringInput(assessment));
    const levels = claimedLevels(assessment, result);
    let model;
    try {
      model = buildReportModel({ assessment, pack, score: result, journal }, { lang: options.lang, template, generatedAt, timeZone: options.timeZone ?? 'UTC', workbookName: 'report.xlsx' });
    } catch (err) {
      throw fail(err instanceof ReportInputError ? 'pack' : 'output', err);
    }

    progress('report-pdf');
    let pdf = await renderReportPdf(model, options.fontsDir ? { fontsDir: options.fontsDir } : {}).catch((err: unknown) => {
      throw fail('output', err);
    });
    progress('report-xlsx');
    const xlsx = renderReportXlsx(model);
    let xlsxP7s: Uint8Array | null = null;
    if (options.identity && signer) {
      progress('sign', signer.subject);
      const name = signer.commonName ?? signer.subject;
      try {
        const fontsDir = options.fontsDir ?? reportFontsDir();
        const font = { bytes: new Uint8Array(await readFile(join(fontsDir, FONT_FILES.normal))), fontkit };
        const reason = options.lang === 'ja' ? '評価報告書の発行' : 'Assessment report issued';
        const base = { signingTime: at, reason, label: 'the signing identity' };
        try {
          pdf = await signPdf(pdf, options.identity, { ...base, visible: { font, lines: VISIBLE[options.lang](name, generatedAt) } });
        } catch (err) {
          // A name the report font cannot draw: sign without the visible block rather than not at all.
          if (!(err instanceof SigningError && err.code === 'bad-input' && /visible signature/.test(err.message))) throw err;
          warnings.push(`the PDF signature has no visible block: ${err.message}`);
          pdf = await signPdf(pdf, options.identity, base);
        }
        xlsxP7s = await signDetached(xlsx, options.identity, { signingTime: at, label: 'the signing identity' });
      } catch (err) {
        throw fail('signing', err);
      }
    }

    let oscal: Uint8Array | null = null;
    if (includeOscal) {
      progress('oscal');
      oscal = utf8Encode(serializeOscalResults(buildOscalAssessmentResults({ assessment, pack, score: result, generatedAt, lang: options.lang })));
    }

    // The loose files, then the package.
    const out = {
      pdf: join(outDir, 'report.pdf'),
      xlsx: join(outDir, 'report.xlsx'),
      p7s: join(outDir, 'report.xlsx.p7s'),
      oscal: join(outDir, 'oscal', 'assessment-results.json'),
      pkg: join(outDir, packageFileName(assessment.organization, pack, generatedAt)),
    };
    try {
      await writeFileAtomic(out.pdf, pdf, { mode: 0o644 });
      await writeFileAtomic(out.xlsx, xlsx, { mode: 0o644 });
      if (xlsxP7s) await writeFileAtomic(out.p7s, xlsxP7s, { mode: 0o644 });
      // A stale signature of an earlier signed export must not sit beside an unsigned report.
      else await unlink(out.p7s).catch(() => undefined);
      if (oscal) await writeFileAtomic(out.oscal, oscal, { mode: 0o644 });
      else await unlink(out.oscal).catch(() => undefined);
    } catch (err) {
      throw new ExportError('output', `cannot write the reports into ${outDir}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }

    progress('package', out.pkg);
    const files: PackageFileInput[] = [
      { path: 'assessment.json', role: 'assessment', source: utf8Encode(`${JSON.stringify(assessment, null, 1)}\n`) },
      { path: CLAIMED_LEVELS_NAME, role: 'other', source: serializeClaimedLevels(levels) },
      { path: 'report.pdf', role: 'report-pdf', source: pdf },
      { path: 'report.xlsx', role: 'report-xlsx', source: xlsx },
      ...(xlsxP7s ? [{ path: 'report.xlsx.p7s', role: 'signature' as const, source: xlsxP7s }] : []),
      ...(oscal ? [{ path: 'oscal/assessment-results.json', role: 'oscal' as const, source: oscal }] : []),
      // pack.yaml is the pack (the manifest's one `pack` file); the files it lists ride along.
      ...[...packFiles].map(([path, bytes]) => ({ path: `pack/${path}`, role: path === MANIFEST_FILE ? ('pack' as const) : ('other' as const), source: bytes })),
    ];
    if (evidenceHashes.length > 0) {
      const links = evidenceLinks(assessment);
      for (const hash of evidenceHashes) {
        const item = assessment.evidence[hash]!;
        files.push({ path: `evidence/${hash}`, role: 'evidence', source: ws.evidencePath(hash) });
        files.push({ path: `evidence/${hash}.json`, role: 'other', source: utf8Encode(`${JSON.stringify(evidenceMetadata(hash, item, links.get(hash) ?? []), null, 2)}\n`) });
      }
    }
    const createdBy = (signer?.commonName ?? assessment.assessors.find((s) => s.role === 'lead')?.name ?? assessment.assessors[0]?.name ?? 'TF Assessor').replace(/[\p{Cc}\p{Cf}\u2028\u2029]+/gu, ' ').slice(0, 500);
    let written;
    try {
      written = await writePackage(out.pkg, {
        manifestInfo: {
          createdAt: generatedAt,
          createdBy: createdBy.trim() || 'TF Assessor',
          pack: { id: pack.id, version: pack.version, hash: pack.hash },
          organization: assessment.organization.legalName.replace(/[\p{Cc}\p{Cf}\u2028\u2029]+/gu, ' ').slice(0, 500),
        },
        files,
        sign: options.identity ? cmsManifestSigner(options.identity, { signingTime: at, label: 'the signing identity' }) : null,
      });
    } catch (err) {
      if (err instanceof PackageWriteError) throw new ExportError(err.code === 'sign-failed' ? 'signing' : err.code === 'not-found' ? 'evidence' : 'output', err.message, { cause: err });
      throw fail('output', err);
    }
    // Evidence files are named by their SHA-256: one whose content changed is damaged.
    const damaged = written.manifest.files.find((f) => f.role === 'evidence' && f.path !== `evidence/${f.sha256}`);
    if (damaged) {
      await unlink(out.pkg).catch(() => undefined);
      throw new ExportError('evidence', `the evidence file ${join(dir, damaged.path)} no longer matches its SHA-256 (it was altered or damaged): restore it from a backup; no package was written`);
    }

    progress('done', out.pkg);
    return {
      outDir,
      reportPdf: await fileInfo(out.pdf),
      reportXlsx: await fileInfo(out.xlsx),
      xlsxSignature: xlsxP7s ? await fileInfo(out.p7s) : null,
      oscal: oscal ? await fileInfo(out.oscal) : null,
      package: await fileInfo(out.pkg),
      signer,
      signedAt: signer ? generatedAt : null,
      levels,
      warnings,
    };
  } finally {
    await ws.close().catch(() => undefined);
    await held?.release().catch(() => undefined);
  }
}

/** The levels as one line: `IAL IAL2, AAL AAL2, FAL none`. */
export function formatLevels(levels: ClaimedLevels): string {
  return levels.dimensions.map((d) => `${d.dimension} ${d.notApplicable ? 'n/a' : (d.achieved ?? 'none')}`).join(', ');
}
