/**
 * The certification body's intake verification of a submission package: everything
 * `verifyPackage` checks (archive, names, limits, manifest, the manifest signature against the
 * body's trust anchors), then what only the body can judge with its own trusted material:
 *
 * - `pack-trusted`: the pack files in the package load to the very pack (same canonical hash)
 *   as the body's installed copy of that `id@version`;
 * - `levels-recomputed`: the scoring engine, run on the package's assessment.json with the
 *   trusted pack, gives the levels the package claims (claimed-levels.json, the levels the
 *   report states) — every difference is named;
 * - `pdf-signature`, `xlsx-signature`: the report's PAdES signature and the spreadsheet's
 *   detached CMS, against the same trust anchors, by the package's signer.
 *
 * Nothing is extracted: entries are read into memory one at a time, by exact name, with size
 * bounds and the SHA-256 the manifest lists (a file changed since the scan is refused). Like
 * verifyPackage, this never throws for anything a package contains.
 */
import { availableParallelism } from 'node:os';
import { migrateDocument } from '../assessment/format';
import type { Assessment } from '../assessment/schema';
import { toScoringInput } from '../assessment/scoring-input';
import { DEFAULT_PACK_LIMITS, loadPack, MANIFEST_FILE } from '../criteria/load';
import { formatProblem } from '../criteria/problems';
import { packRef, type Pack } from '../criteria/schema';
import { utf8DecodeStrict } from '../criteria/utf8';
import { cmsManifestVerifier } from '../package/cms';
import type { PackageLimits } from '../package/limits';
import type { Manifest } from '../package/manifest';
import { printableName } from '../package/names';
import { CHECK_IDS, type CheckStatus, type PackageCheck, type PackageReport } from '../package/report';
import type { SignatureCheck } from '../package/signature';
import { isoSeconds } from '../signing/certificate';
import { verifyDetached, type DetachedVerification } from '../signing/cms';
import { verifyPdfSignature } from '../signing/pdf';
import { score } from '../scoring/score';
import type { ScoreResult } from '../scoring/types';
import { CLAIMED_LEVELS_NAME, ClaimedLevels } from './export';
import { PackageReadError, readPackageEntryBytes } from './package-read';
import { verifyPackage } from './package-verify';
import { resolvePack, type PackRoot } from './packs';

export const INTAKE_CHECK_IDS = [...CHECK_IDS, 'pack-trusted', 'levels-recomputed', 'pdf-signature', 'xlsx-signature'] as const;
export type IntakeCheckId = (typeof INTAKE_CHECK_IDS)[number];

export interface IntakeCheck {
  id: IntakeCheckId;
  status: CheckStatus;
  reason: string;
  details?: Record<string, unknown>;
}

export interface LevelDifference {
  dimension: string;
  field: 'achieved' | 'targetMet' | 'notApplicable' | 'target' | 'presence';
  claimed: string | boolean | null;
  recomputed: string | boolean | null;
}

export interface IntakeReport {
  /** Every check passed. */
  ok: boolean;
  package: string;
  checks: IntakeCheck[];
  manifest?: Manifest;
  /** The manifest signature as verified. */
  signature?: SignatureCheck;
  /** The levels recomputed with the trusted pack, when they could be. */
  levels?: ClaimedLevels['dimensions'];
}

export interface IntakeOptions {
  /** The certification body's trusted CA certificates (DER). */
  trustAnchors: Uint8Array[];
  /** Where the body's trusted packs are installed (`<root>/<id>/<version>/`). */
  trustedPacks: PackRoot[];
  /** Check certificate validity at this time instead of the signing time each signature claims. */
  at?: Date;
  limits?: Partial<PackageLimits>;
  /** Shared trusted-pack cache (verifyIntakes passes one for the whole batch). */
  packCache?: TrustedPackCache;
}

/** Bounds for entries read into memory. */
export const INTAKE_LIMITS = {
  assessmentBytes: 64 * 1024 * 1024,
  claimedLevelsBytes: 1024 * 1024,
  reportBytes: 512 * 1024 * 1024,
  signatureBytes: 1024 * 1024,
} as const;

type TrustedPack = { ok: true; pack: Pack; dir: string } | { ok: false; reason: string };
/** Trusted packs by `id@version`, loaded once per batch. */
export type TrustedPackCache = Map<string, Promise<TrustedPack>>;

function trustedPack(ref: string, roots: PackRoot[], cache: TrustedPackCache): Promise<TrustedPack> {
  let p = cache.get(ref);
  if (!p) {
    p = (async (): Promise<TrustedPack> => {
      try {
        const r = await resolvePack(ref, { roots });
        if (!r.result.ok) return { ok: false, reason: `the trusted copy of ${ref} in ${r.dir} is not a valid pack: ${formatProblem(r.result.problems[0]!)}` };
        return { ok: true, pack: r.result.pack, dir: r.dir };
      } catch {
        return { ok: false, reason: `unknown pack ${ref}, install it to verify (tf-assessor pack list shows the installed packs)` };
      }
    })();
    cache.set(ref, p);
  }
  return p;
}

const short = (hash: string) => `${hash.slice(0, 12)}…`;
const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Reads one listed entry, bounded, checked against the manifest's SHA-256. */
async function readListed(pkg: string, manifest: Manifest, name: string, maxBytes: number, limits: Partial<PackageLimits> | undefined): Promise<{ ok: true; bytes: Uint8Array } | { ok: false; reason: string }> {
  const listed = manifest.files.find((f) => f.path === name);
  if (!listed) return { ok: false, reason: `the package has no ${name}` };
  if (listed.size > maxBytes) return { ok: false, reason: `${name} is ${listed.size} bytes; at most ${maxBytes} are read` };
  try {
    return { ok: true, bytes: await readPackageEntryBytes(pkg, name, { maxBytes, expectedSha256: listed.sha256, ...(limits && { limits }) }) };
  } catch (err) {
    return { ok: false, reason: err instanceof PackageReadError ? err.message : `${name} could not be read: ${errorText(err)}` };
  }
}

function parseJson(bytes: Uint8Array, name: string): { ok: true; value: unknown } | { ok: false; reason: string } {
  const text = utf8DecodeStrict(bytes);
  if (text === null) return { ok: false, reason: `${name} is not UTF-8 text` };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    return { ok: false, reason: `${name} is not valid JSON: ${errorText(err)}` };
  }
}

type Outcome = { status: CheckStatus; reason: string; details?: Record<string, unknown> };
const passed = (reason: string, details?: Record<string, unknown>): Outcome => ({ status: 'passed', reason, ...(details && { details }) });
const failed = (reason: string, details?: Record<string, unknown>): Outcome => ({ status: 'failed', reason, ...(details && { details }) });
const skipped = (reason: string): Outcome => ({ status: 'skipped', reason });

/** The embedded pack: pack/pack.yaml and the files it lists, loaded from the entries. */
async function checkEmbeddedPack(pkg: string, manifest: Manifest, limits: Partial<PackageLimits> | undefined, trusted: TrustedPack): Promise<Outcome> {
  const ref = packRef(manifest.pack);
  const packFiles = manifest.files.filter((f) => f.path.startsWith('pack/'));
  const root = manifest.files.find((f) => f.role === 'pack');
  if (!root || root.path !== `pack/${MANIFEST_FILE}`) {
    return failed(`the package's pack is ${root ? `"${printableName(root.path)}"` : 'missing'}, not a pack folder (pack/${MANIFEST_FILE} and the files it lists)`);
  }
  const total = packFiles.reduce((n, f) => n + f.size, 0);
  if (total > DEFAULT_PACK_LIMITS.maxPackBytes) return failed(`the pack files add up to ${total} bytes; a pack may hold ${DEFAULT_PACK_LIMITS.maxPackBytes}`);
  const read = new Set<string>();
  const result = await loadPack(async (path) => {
    const r = await readListed(pkg, manifest, `pack/${path}`, DEFAULT_PACK_LIMITS.maxFileBytes, limits);
    if (!r.ok) throw new Error(r.reason);
    read.add(`pack/${path}`);
    return r.bytes;
  });
  if (!result.ok) return failed(`the embedded pack does not load: ${formatProblem(result.problems[0]!, `pack/${result.problems[0]!.file}`)}`);
  const unused = packFiles.filter((f) => !read.has(f.path)).map((f) => f.path);
  if (unused.length > 0) return failed(`the pack folder holds files the pack does not use: ${unused.slice(0, 5).map((p) => `"${printableName(p)}"`).join(', ')}`);
  const embedded = result.pack;
  if (packRef(embedded) !== ref || embedded.hash !== manifest.pack.hash) {
    return failed(`the embedded pack is ${packRef(embedded)} with hash ${short(embedded.hash)}, not the ${ref} (${short(manifest.pack.hash)}) the manifest names`, { embeddedHash: embedded.hash, manifestHash: manifest.pack.hash });
  }
  if (!trusted.ok) return failed(trusted.reason);
  if (trusted.pack.hash !== embedded.hash) {
    return failed(`the embedded ${ref} (hash ${short(embedded.hash)}) differs from the trusted copy (hash ${short(trusted.pack.hash)}): the assessment was made with a modified pack`, {
      embeddedHash: embedded.hash,
      trustedHash: trusted.pack.hash,
      trustedDir: trusted.dir,
    });
  }
  return passed(`the embedded ${ref} is identical to the trusted copy (sha256 ${embedded.hash})`, { hash: embedded.hash, trustedDir: trusted.dir });
}

function describeLevel(d: { achieved: string | null; notApplicable: boolean }): string {
  return d.notApplicable ? 'not applicable' : (d.achieved ?? 'no level');
}

/** Every difference between the claimed levels and a fresh score. */
export function compareLevels(claimed: ClaimedLevels, recomputed: ScoreResult): LevelDifference[] {
  const out: LevelDifference[] = [];
  const fresh = new Map(recomputed.dimensions.map((d) => [d.dimension, d]));
  const seen = new Set<string>();
  for (const c of claimed.dimensions) {
    seen.add(c.dimension);
    const r = fresh.get(c.dimension);
    if (!r) {
      out.push({ dimension: c.dimension, field: 'presence', claimed: describeLevel(c), recomputed: null });
      continue;
    }
    if (c.notApplicable !== r.notApplicable) out.push({ dimension: c.dimension, field: 'notApplicable', claimed: c.notApplicable, recomputed: r.notApplicable });
    else if (c.achieved !== r.achieved) out.push({ dimension: c.dimension, field: 'achieved', claimed: c.achieved, recomputed: r.achieved });
    if (c.target !== r.target) out.push({ dimension: c.dimension, field: 'target', claimed: c.target, recomputed: r.target });
    else if (c.targetMet !== r.targetMet) out.push({ dimension: c.dimension, field: 'targetMet', claimed: c.targetMet, recomputed: r.targetMet });
  }
  for (const r of recomputed.dimensions) if (!seen.has(r.dimension)) out.push({ dimension: r.dimension, field: 'presence', claimed: null, recomputed: describeLevel(r) });
  return out;
}

function differenceText(d: LevelDifference): string {
  const v = (x: string | boolean | null) => (x === null ? 'none' : String(x));
  switch (d.field) {
    case 'achieved':
      return `${d.dimension}: the package claims ${v(d.claimed)}, the answers give ${v(d.recomputed)}`;
    case 'notApplicable':
      return `${d.dimension}: the package claims it ${d.claimed ? 'does not apply' : 'applies'}, the answers say it ${d.recomputed ? 'does not apply' : 'applies'}`;
    case 'target':
      return `${d.dimension}: the package claims target ${v(d.claimed)}, the assessment sets ${v(d.recomputed)}`;
    case 'targetMet':
      return `${d.dimension}: the package claims the target is ${d.claimed ? 'met' : 'not met'}, the answers say it is ${d.recomputed ? 'met' : 'not met'}`;
    case 'presence':
      return d.claimed === null ? `${d.dimension}: the pack has this dimension (${v(d.recomputed)}), the package claims nothing for it` : `${d.dimension}: the package claims ${v(d.claimed)} for a dimension the pack does not have`;
  }
}

async function checkLevels(pkg: string, manifest: Manifest, limits: Partial<PackageLimits> | undefined, trusted: TrustedPack): Promise<{ outcome: Outcome; levels?: ClaimedLevels['dimensions'] }> {
  const ref = packRef(manifest.pack);
  const assessmentFile = manifest.files.find((f) => f.role === 'assessment')!;
  const a = await readListed(pkg, manifest, assessmentFile.path, INTAKE_LIMITS.assessmentBytes, limits);
  if (!a.ok) return { outcome: failed(a.reason) };
  const json = parseJson(a.bytes, assessmentFile.path);
  if (!json.ok) return { outcome: failed(json.reason) };
  let assessment: Assessment;
  try {
    assessment = migrateDocument(json.value).assessment;
  } catch (err) {
    return { outcome: failed(`${assessmentFile.path} is not a valid assessment: ${errorText(err)}`) };
  }
  const pin = assessment.pack;
  if (pin.id !== manifest.pack.id || pin.version !== manifest.pack.version || pin.hash !== manifest.pack.hash) {
    return { outcome: failed(`the assessment pins ${pin.id}@${pin.version} (${short(pin.hash)}), but the manifest names ${ref} (${short(manifest.pack.hash)})`) };
  }
  const c = await readListed(pkg, manifest, CLAIMED_LEVELS_NAME, INTAKE_LIMITS.claimedLevelsBytes, limits);
  if (!c.ok) return { outcome: failed(`the package states no levels to compare: ${c.reason}`) };
  const cj = parseJson(c.bytes, CLAIMED_LEVELS_NAME);
  if (!cj.ok) return { outcome: failed(cj.reason) };
  const parsed = ClaimedLevels.safeParse(cj.value);
  if (!parsed.success) return { outcome: failed(`${CLAIMED_LEVELS_NAME} is not valid: ${parsed.error.issues[0]?.path.join('.') ?? ''} ${parsed.error.issues[0]?.message ?? ''}`.trim()) };
  const claimed = parsed.data;
  if (claimed.assessment.id !== assessment.id || claimed.assessment.revision !== assessment.revision) {
    return { outcome: failed(`${CLAIMED_LEVELS_NAME} is about assessment ${claimed.assessment.id} revision ${claimed.assessment.revision}, not the enclosed ${assessment.id} revision ${assessment.revision}`) };
  }
  if (claimed.pack.id !== pin.id || claimed.pack.version !== pin.version || claimed.pack.hash !== pin.hash) {
    return { outcome: failed(`${CLAIMED_LEVELS_NAME} claims levels against ${claimed.pack.id}@${claimed.pack.version}, not the pinned ${ref}`) };
  }
  if (!trusted.ok) return { outcome: skipped(`not checked: no trusted copy of ${ref} to recompute with (${trusted.reason})`) };
  let fresh: ScoreResult;
  try {
    fresh = score(trusted.pack, toScoringInput(assessment));
  } catch (err) {
    return { outcome: failed(`the answers cannot be scored against the trusted ${ref}: ${errorText(err)}`) };
  }
  const levels = fresh.dimensions.map((d) => ({ dimension: d.dimension, achieved: d.achieved, target: d.target, targetMet: d.targetMet, notApplicable: d.notApplicable }));
  const diffs = compareLevels(claimed, fresh);
  const summary = levels.map((d) => `${d.dimension} ${describeLevel(d)}`).join(', ');
  if (diffs.length > 0) {
    const texts = diffs.map(differenceText);
    return {
      outcome: failed(`the levels recomputed from the answers differ from the claimed ones: ${texts[0]}${texts.length > 1 ? ` (and ${texts.length - 1} more)` : ''}`, { differences: diffs, problems: texts, recomputed: levels }),
      levels,
    };
  }
  return { outcome: passed(`the levels recomputed with the trusted ${ref} match the claimed ones: ${summary}`, { recomputed: levels }), levels };
}

/** A signature verification result as one line and a verdict, compared with the manifest's signer. */
function signatureOutcome(what: string, v: DetachedVerification & { warnings?: string[] }, manifestSigner: SignatureCheck | undefined): Outcome {
  const details: Record<string, unknown> = {
    intact: v.intact,
    chainTrusted: v.chainTrusted,
    ...(v.signerSubject && { signer: v.signerSubject }),
    ...(v.signerFingerprint && { fingerprintSha256: v.signerFingerprint }),
    checkedAt: isoSeconds(v.checkedAt),
    ...(v.reasons.length > 0 && { problems: v.reasons }),
    ...(v.warnings && v.warnings.length > 0 && { warnings: v.warnings }),
  };
  if (!v.valid) return failed(`${what}: the signature is not accepted: ${v.reasons.join('; ') || 'it is invalid'}`, details);
  const pkgFp = manifestSigner?.signer?.fingerprintSha256;
  if (pkgFp && v.signerFingerprint && pkgFp !== v.signerFingerprint) {
    return failed(`${what}: signed by ${v.signerSubject}, but the package by ${manifestSigner?.signer?.subject}: the report was not signed by whoever signed the package`, details);
  }
  return passed(`${what}: signed by ${v.signerSubject}, certificate chain trusted at ${isoSeconds(v.checkedAt)} (no revocation check)`, details);
}

async function checkPdf(pkg: string, manifest: Manifest, options: IntakeOptions, manifestSigner: SignatureCheck | undefined): Promise<Outcome> {
  const r = await readListed(pkg, manifest, 'report.pdf', INTAKE_LIMITS.reportBytes, options.limits);
  if (!r.ok) return failed(r.reason);
  const v = await verifyPdfSignature(r.bytes, { trustAnchors: options.trustAnchors, ...(options.at && { at: options.at }) }).catch((err: unknown) => ({ valid: false, signatures: [], reasons: [errorText(err)] }));
  if (v.signatures.length === 0) {
    return failed(v.reasons.length === 0 || v.reasons[0] === 'the PDF has no signature' ? 'report.pdf is not signed (exported without a signing identity)' : `report.pdf could not be checked: ${v.reasons[0]}`);
  }
  if (v.signatures.length > 1) return failed(`report.pdf holds ${v.signatures.length} signatures; TF Assessor reports carry exactly one`);
  const s = v.signatures[0]!;
  return signatureOutcome('report.pdf (PAdES)', s, manifestSigner);
}

async function checkXlsx(pkg: string, manifest: Manifest, options: IntakeOptions, manifestSigner: SignatureCheck | undefined): Promise<Outcome> {
  if (!manifest.files.some((f) => f.path === 'report.xlsx.p7s')) {
    return failed(manifest.files.some((f) => f.path === 'report.xlsx') ? 'report.xlsx.p7s is missing: the spreadsheet is not signed' : 'the package has no report.xlsx');
  }
  const x = await readListed(pkg, manifest, 'report.xlsx', INTAKE_LIMITS.reportBytes, options.limits);
  if (!x.ok) return failed(x.reason);
  const p = await readListed(pkg, manifest, 'report.xlsx.p7s', INTAKE_LIMITS.signatureBytes, options.limits);
  if (!p.ok) return failed(p.reason);
  const v = await verifyDetached(x.bytes, p.bytes, { trustAnchors: options.trustAnchors, ...(options.at && { at: options.at }) });
  return signatureOutcome('report.xlsx (report.xlsx.p7s)', v, manifestSigner);
}

/**
 * Verifies one submission package for intake (see the module comment). Checks, always all
 * twelve, in INTAKE_CHECK_IDS order; `ok` only when every one passed.
 */
export async function verifyIntake(pkgPath: string, options: IntakeOptions): Promise<IntakeReport> {
  const cache = options.packCache ?? new Map();
  let base: PackageReport;
  try {
    base = await verifyPackage(pkgPath, {
      verifySignature: cmsManifestVerifier({ trustAnchors: options.trustAnchors, ...(options.at && { at: options.at }) }),
      ...(options.limits && { limits: options.limits }),
    });
  } catch (err) {
    // verifyPackage does not throw for package content; this is a bug or the machine failing.
    const checks = INTAKE_CHECK_IDS.map((id): IntakeCheck => ({ id, status: id === 'zip-structure' ? 'failed' : 'skipped', reason: id === 'zip-structure' ? `the package could not be verified: ${errorText(err)}` : 'not checked' }));
    return { ok: false, package: pkgPath, checks };
  }
  const checks: IntakeCheck[] = base.checks.map((c: PackageCheck) => ({ ...c }));
  const manifest = base.manifest;
  const extra: Record<'pack-trusted' | 'levels-recomputed' | 'pdf-signature' | 'xlsx-signature', Outcome> = {
    'pack-trusted': skipped('not checked: the package has no valid manifest'),
    'levels-recomputed': skipped('not checked: the package has no valid manifest'),
    'pdf-signature': skipped('not checked: the package has no valid manifest'),
    'xlsx-signature': skipped('not checked: the package has no valid manifest'),
  };
  let levels: ClaimedLevels['dimensions'] | undefined;
  const unreadable = base.checks.find((c) => c.status !== 'passed' && (c.id === 'entry-limits' || c.id === 'entry-names' || c.id === 'entry-types'));
  if (manifest && unreadable) {
    const why = `not checked: ${unreadable.id} ${unreadable.status}, so entries are not read`;
    for (const k of Object.keys(extra) as (keyof typeof extra)[]) extra[k] = skipped(why);
  } else if (manifest) {
    const trusted = await trustedPack(packRef(manifest.pack), options.trustedPacks, cache);
    const guard = async (what: string, fn: () => Promise<Outcome>): Promise<Outcome> => fn().catch((err: unknown) => failed(`${what} could not be checked: ${errorText(err)}`));
    extra['pack-trusted'] = await guard('the pack', () => checkEmbeddedPack(pkgPath, manifest, options.limits, trusted));
    extra['levels-recomputed'] = await guard('the levels', async () => {
      const r = await checkLevels(pkgPath, manifest, options.limits, trusted);
      levels = r.levels;
      return r.outcome;
    });
    extra['pdf-signature'] = await guard('report.pdf', () => checkPdf(pkgPath, manifest, options, base.signature));
    extra['xlsx-signature'] = await guard('report.xlsx', () => checkXlsx(pkgPath, manifest, options, base.signature));
  }
  for (const id of ['pack-trusted', 'levels-recomputed', 'pdf-signature', 'xlsx-signature'] as const) checks.push({ id, ...extra[id] });
  return {
    ok: checks.every((c) => c.status === 'passed'),
    package: pkgPath,
    checks,
    ...(manifest && { manifest }),
    ...(base.signature && { signature: base.signature }),
    ...(levels && { levels }),
  };
}

/**
 * Verifies several packages, a few at a time (default one per available CPU), sharing the
 * trusted packs; reports come back in the order of `paths`.
 */
export async function verifyIntakes(paths: readonly string[], options: IntakeOptions & { concurrency?: number }): Promise<IntakeReport[]> {
  const shared: IntakeOptions = { ...options, packCache: options.packCache ?? new Map() };
  const reports = new Array<IntakeReport>(paths.length);
  let next = 0;
  const worker = async () => {
    while (next < paths.length) {
      const i = next++;
      reports[i] = await verifyIntake(paths[i]!, shared);
    }
  };
  const n = Math.max(1, Math.min(options.concurrency ?? availableParallelism(), paths.length));
  await Promise.all(Array.from({ length: n }, worker));
  return reports;
}
