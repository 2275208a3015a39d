/**
 * Review workspaces of the certification body: submitted packages imported for reading.
 *
 * `<dataDir>/reviews/<review>/` holds the package as received (`package.tfpkg`, copied and
 * hashed on the way in), `review.json` (what was received, when) and `report.json` (the
 * verification against the trust store and the trusted packs, replaced on reverify). The
 * package is never extracted: the assessment, the pack and evidence are read from it on
 * demand, each entry bounded and checked against the manifest's SHA-256, so nothing a
 * package holds ever lands on disk under a name it chose. An invalid package is kept too —
 * its report says what is wrong — but its content is shown as submitted, never trusted:
 * levels are always recomputed here, and a pack that is not the trusted copy is flagged.
 * See docs/decisions/0013-review-workspaces.md.
 *
 * Pure Node (no Electron import): the desktop app and the browser bridge run this same code.
 */
import { createHash, randomBytes } from 'node:crypto';
import { constants, createWriteStream, existsSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, unlink } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import { ApiFailure, type PackDetail } from '../../../core/api/contract';
import type { EvidencePreview } from '../../../core/api/contract-evidence';
import { IntakeReportView, type ReviewSummary, type ReviewView, type SubmissionComparison } from '../../../core/api/contract-intake';
import { compareSubmissions } from '../../../core/assessment/compare';
import { migrateDocument } from '../../../core/assessment/format';
import { Sha256Hex, type Assessment } from '../../../core/assessment/schema';
import { toScoringInput } from '../../../core/assessment/scoring-input';
import { DEFAULT_PACK_LIMITS, loadPack, MANIFEST_FILE } from '../../../core/criteria/load';
import { formatProblem } from '../../../core/criteria/problems';
import { packRef, type Pack } from '../../../core/criteria/schema';
import { utf8DecodeStrict } from '../../../core/criteria/utf8';
import { writeFileAtomic, fsyncDir } from '../../../core/node/atomic-file';
import { buildEvidencePreview, type PreviewOptions } from '../../../core/node/evidence-preview';
import { CLAIMED_LEVELS_NAME, ClaimedLevels } from '../../../core/node/export';
import { apiErrorCode, errno, storageErrorFrom } from '../../../core/node/fs-port';
import { INTAKE_LIMITS, verifyIntake, type IntakeReport } from '../../../core/node/intake';
import { PackageReadError, readPackageEntry, readPackageEntryBytes } from '../../../core/node/package-read';
import { readPackDir, type PackOrigin, type PackRoot } from '../../../core/node/packs';
import { Manifest } from '../../../core/package/manifest';
import { score } from '../../../core/scoring/score';
import type { ScoreResult } from '../../../core/scoring/types';
import { newHandle } from './assessment-registry';
import { maxPackageFileBytes, PackageSources, type PackageUpload, type SourceView } from './package-sources';
import { packDetail } from './packs';
import type { TrustStore } from './trust-store';

export const REVIEWS_DIR = 'reviews';
export const PACKAGE_FILE = 'package.tfpkg';
const REVIEW_FILE = 'review.json';
const REPORT_FILE = 'report.json';
/** The manifest as verified, apart from report.json: it can list 100,000 files, and listing reviews needs none of them. */
const MANIFEST_COPY = 'verified-manifest.json';
const REVIEW_FORMAT = 'tf-assessor/review@1';
const REPORT_FORMAT = 'tf-assessor/review-report@1';
/** Review folders are named by their handle; nothing else in `reviews/` is a review. */
const REVIEW_ID = /^[A-Za-z0-9_-]{16,64}$/;
/** Reviews whose document, pack and score are kept in memory (each may be tens of MB). */
const VIEW_CACHE_SIZE = 4;

const ReviewRecord = z.strictObject({
  format: z.literal(REVIEW_FORMAT),
  fileName: z.string().max(1000),
  size: z.number().int().min(0),
  sha256: Sha256Hex,
  importedAt: z.string().max(40),
});
type ReviewRecord = z.infer<typeof ReviewRecord>;

const Info = z.strictObject({
  organization: z.string().nullable(),
  service: z.string().nullable(),
  pack: z.string().nullable(),
  assessmentType: z.string().nullable(),
  assessmentId: z.string().nullable(),
});
type Info = z.infer<typeof Info>;

const ReportRecord = z.strictObject({
  format: z.literal(REPORT_FORMAT),
  view: IntakeReportView,
  /** The verified manifest was usable and is kept in MANIFEST_COPY (its hashes guard every later read). */
  hasManifest: z.boolean(),
  /** Entries may be read: names, types and limits passed and the manifest is usable. */
  readable: z.boolean(),
  info: Info,
});
type ReportRecord = z.infer<typeof ReportRecord>;

export interface ReviewServiceOptions {
  dataDir: string;
  /** The body's trusted packs: built-in and installed (`<root>/<id>/<version>/`). */
  packRoots: PackRoot[];
  trust: TrustStore;
  /** Largest package file accepted (default: what the package limits allow). */
  maxPackageBytes?: number;
  /** Evidence preview tuning (default: the contract's limits). */
  preview?: PreviewOptions;
  now?: () => Date;
}

export interface ReviewService {
  readonly trust: TrustStore;
  readonly sources: PackageSources;
  list(): Promise<ReviewSummary[]>;
  /** Imports a source from `tfa:dialogs:pickPackages` or the upload route. */
  importSource(source: string): Promise<ReviewSummary>;
  /** Imports a file the OS asked the app to open (main side only). */
  importFile(path: string): Promise<ReviewSummary>;
  get(review: string): Promise<ReviewView>;
  reverify(review: string): Promise<ReviewSummary>;
  remove(review: string): Promise<ReviewSummary[]>;
  evidencePreview(review: string, hash: string): Promise<EvidencePreview>;
  compare(base: string, other: string): Promise<SubmissionComparison>;
  /** Desktop: registers paths chosen in a native dialog as sources. */
  /** Registers every file it can; the others come back refused (all refused: throws the first reason). */
  registerFiles(paths: string[]): Promise<(SourceView | { name: string; refused: string })[]>;
  /** Preview: the upload route's receiver for `purpose=package`. */
  receiveUpload(upload: PackageUpload): Promise<SourceView>;
}

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * Text from a package shown in the review list: without control or invisible formatting
 * characters (a bidi override could make one organization's name read as another's), bounded.
 */
function displayText(text: string, max = 500): string {
  const clean = text
    .replace(/[\p{Cc}\u2028\u2029]/gu, ' ')
    .replace(/\p{Cf}/gu, '')
    .replace(/\s+/gu, ' ')
    .trim();
  return [...clean].length > max ? `${[...clean].slice(0, max - 1).join('')}…` : clean;
}
const isoSeconds = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

function notFound(): ApiFailure {
  return new ApiFailure('not-found', 'This review does not exist (it was removed): reload the list.');
}

function storageFailure(err: unknown, action: string, path: string): ApiFailure {
  if (err instanceof ApiFailure) return err;
  const e = storageErrorFrom(err, action, path);
  return new ApiFailure(apiErrorCode(e.code), e.message);
}

type Read<T> = { ok: true; value: T } | { ok: false; reason: string };

/** One listed entry, bounded and checked against the manifest's SHA-256. */
async function readListed(pkg: string, manifest: Manifest, name: string, maxBytes: number): Promise<Read<Uint8Array>> {
  const listed = manifest.files.find((f) => f.path === name);
  if (!listed) return { ok: false, reason: `the package has no ${name}` };
  if (listed.size > maxBytes) return { ok: false, reason: `${name} is ${listed.size} bytes; at most ${maxBytes} are read` };
  try {
    return { ok: true, value: await readPackageEntryBytes(pkg, name, { maxBytes, expectedSha256: listed.sha256 }) };
  } catch (err) {
    return { ok: false, reason: err instanceof PackageReadError ? err.message : `${name} could not be read: ${errorText(err)}` };
  }
}

function parseJson(bytes: Uint8Array, name: string): Read<unknown> {
  const text = utf8DecodeStrict(bytes);
  if (text === null) return { ok: false, reason: `${name} is not UTF-8 text` };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    return { ok: false, reason: `${name} is not valid JSON: ${errorText(err)}` };
  }
}

/** The submitted assessment, read and validated like a workspace document; never trusted for levels. */
async function readAssessment(pkg: string, manifest: Manifest): Promise<Read<Assessment>> {
  const file = manifest.files.find((f) => f.role === 'assessment');
  if (!file) return { ok: false, reason: 'the package has no assessment' };
  const bytes = await readListed(pkg, manifest, file.path, INTAKE_LIMITS.assessmentBytes);
  if (!bytes.ok) return bytes;
  const json = parseJson(bytes.value, file.path);
  if (!json.ok) return json;
  try {
    return { ok: true, value: migrateDocument(json.value).assessment };
  } catch (err) {
    return { ok: false, reason: `${file.path} is not a valid assessment: ${errorText(err)}` };
  }
}

/** The pack embedded in the package (pack/pack.yaml and the files it lists), as submitted. */
async function readEmbeddedPack(pkg: string, manifest: Manifest): Promise<Read<Pack>> {
  const total = manifest.files.filter((f) => f.path.startsWith('pack/')).reduce((n, f) => n + f.size, 0);
  if (total > DEFAULT_PACK_LIMITS.maxPackBytes) return { ok: false, reason: `the pack files add up to ${total} bytes; a pack may hold ${DEFAULT_PACK_LIMITS.maxPackBytes}` };
  if (!manifest.files.some((f) => f.path === `pack/${MANIFEST_FILE}`)) return { ok: false, reason: `the package has no pack/${MANIFEST_FILE}` };
  const result = await loadPack(async (path) => {
    const r = await readListed(pkg, manifest, `pack/${path}`, DEFAULT_PACK_LIMITS.maxFileBytes);
    if (!r.ok) throw new Error(r.reason);
    return r.value;
  });
  if (!result.ok) return { ok: false, reason: `the embedded pack does not load: ${formatProblem(result.problems[0]!, `pack/${result.problems[0]!.file}`)}` };
  return { ok: true, value: result.pack };
}

const UNSAFE_CHECKS = new Set(['entry-names', 'entry-types', 'entry-limits']);

/** Turns a fresh intake report into what is kept and shown. */
async function recordOf(pkg: string, report: IntakeReport, verifiedAt: string): Promise<{ record: ReportRecord; manifest: Manifest | null }> {
  const manifest = report.manifest ?? null;
  const unsafe = report.checks.some((c) => UNSAFE_CHECKS.has(c.id) && c.status !== 'passed');
  const readable = manifest !== null && !unsafe;
  let claimedLevels: ReportRecord['view']['claimedLevels'] = null;
  const info: Info = { organization: manifest?.organization ?? null, service: null, pack: manifest ? packRef(manifest.pack) : null, assessmentType: null, assessmentId: null };
  if (readable) {
    const c = await readListed(pkg, manifest, CLAIMED_LEVELS_NAME, INTAKE_LIMITS.claimedLevelsBytes);
    const j = c.ok ? parseJson(c.value, CLAIMED_LEVELS_NAME) : null;
    const parsed = j?.ok ? ClaimedLevels.safeParse(j.value) : null;
    if (parsed?.success) claimedLevels = parsed.data.dimensions.map((d) => ({ ...d }));
    const a = await readAssessment(pkg, manifest);
    if (a.ok) {
      info.organization = displayText(a.value.organization.legalName);
      info.service = displayText(a.value.service.name);
      info.assessmentType = a.value.type;
      info.assessmentId = a.value.id;
    }
  }
  const signer = report.signature?.signer;
  const record: ReportRecord = {
    format: REPORT_FORMAT,
    view: {
      ok: report.ok,
      checks: report.checks.map((c) => ({ id: c.id, status: c.status, reason: c.reason })),
      signer: signer ? { subject: signer.subject, issuer: signer.issuer ?? null, fingerprintSha256: signer.fingerprintSha256 ?? null } : null,
      signedAt: report.signature?.signedAt ?? null,
      claimedLevels,
      recomputedLevels: report.levels ? report.levels.map((d) => ({ ...d })) : null,
      verifiedAt,
    },
    hasManifest: manifest !== null,
    readable,
    info,
  };
  return { record, manifest };
}

function summaryOf(id: string, review: ReviewRecord, report: ReportRecord): ReviewSummary {
  return {
    review: id,
    fileName: review.fileName,
    size: review.size,
    sha256: review.sha256,
    importedAt: review.importedAt,
    ok: report.view.ok,
    failedChecks: report.view.checks.filter((c) => c.status === 'failed').length,
    ...report.info,
    signer: report.view.signer ? displayText(report.view.signer.subject) : null,
  };
}

interface Opened {
  summary: ReviewSummary;
  view: ReviewView;
  /** The scorable pack behind `view.pack` (for comparisons). */
  pack: Pack | null;
}

export function createReviewService(options: ReviewServiceOptions): ReviewService {
  const root = join(options.dataDir, REVIEWS_DIR);
  const now = options.now ?? (() => new Date());
  const maxBytes = options.maxPackageBytes ?? maxPackageFileBytes();
  const sources = new PackageSources(root, maxBytes);
  const trust = options.trust;
  /** Imports under way: their folders are not yet reviews and must not be swept. */
  const importing = new Set<string>();
  const lanes = new Map<string, Promise<unknown>>();
  const views = new Map<string, { verifiedAt: string; opened: Promise<Opened> }>();
  const manifests = new Map<string, { verifiedAt: string; manifest: Manifest | null }>();
  const trustedPacks = new Map<string, Promise<{ pack: Pack; origin: PackOrigin } | null>>();
  const details = new WeakMap<Pack, PackDetail>();
  let leftoversSwept = false;

  const dirOf = (id: string) => {
    if (!REVIEW_ID.test(id)) throw notFound();
    return join(root, id);
  };

  /** Work on one review runs one at a time (a reverify and a remove must not interleave). */
  function inLane<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const run = (lanes.get(id) ?? Promise.resolve()).then(fn);
    const settled = run.catch(() => undefined);
    lanes.set(id, settled);
    void settled.then(() => {
      if (lanes.get(id) === settled) lanes.delete(id);
    });
    return run;
  }

  async function readJson<T>(path: string, schema: z.ZodType<T>): Promise<T | null> {
    let raw: string;
    try {
      raw = await readFile(path, 'utf8');
    } catch (err) {
      if (errno(err) === 'ENOENT') return null;
      throw storageFailure(err, 'read the review', path);
    }
    try {
      const parsed = schema.safeParse(JSON.parse(raw));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }

  async function writeJson(path: string, value: unknown): Promise<void> {
    try {
      await writeFileAtomic(path, `${JSON.stringify(value, null, 1)}\n`);
    } catch (err) {
      throw storageFailure(err, 'save the review', path);
    }
  }

  function remember<T>(cache: Map<string, T>, id: string, value: T): void {
    cache.delete(id);
    cache.set(id, value);
    while (cache.size > VIEW_CACHE_SIZE) cache.delete(cache.keys().next().value!);
  }

  /** Verifies the review's package now and keeps the report (the manifest first: the report names it). */
  async function verify(id: string): Promise<ReportRecord> {
    const dir = dirOf(id);
    const pkg = join(dir, PACKAGE_FILE);
    const report = await verifyIntake(pkg, { trustAnchors: await trust.anchors(), trustedPacks: options.packRoots });
    const { record, manifest } = await recordOf(pkg, report, isoSeconds(now()));
    if (manifest) await writeJson(join(dir, MANIFEST_COPY), manifest);
    else await unlink(join(dir, MANIFEST_COPY)).catch(() => undefined);
    await writeJson(join(dir, REPORT_FILE), record);
    views.delete(id);
    remember(manifests, id, { verifiedAt: record.view.verifiedAt, manifest });
    return record;
  }

  /** The manifest as verified for this report; a lost or damaged copy is made again by verifying. */
  async function manifestOf(id: string, report: ReportRecord): Promise<{ report: ReportRecord; manifest: Manifest | null }> {
    if (!report.hasManifest) return { report, manifest: null };
    const hit = manifests.get(id);
    if (hit && hit.verifiedAt === report.view.verifiedAt) return { report, manifest: hit.manifest };
    const manifest = await readJson(join(dirOf(id), MANIFEST_COPY), Manifest);
    if (manifest) {
      remember(manifests, id, { verifiedAt: report.view.verifiedAt, manifest });
      return { report, manifest };
    }
    const fresh = await verify(id);
    return { report: fresh, manifest: manifests.get(id)?.manifest ?? null };
  }

  /** The review's records; a report that is missing or damaged is made again. */
  async function load(id: string): Promise<{ review: ReviewRecord; report: ReportRecord }> {
    const dir = dirOf(id);
    const review = await readJson(join(dir, REVIEW_FILE), ReviewRecord);
    if (!review) throw notFound();
    const report = (await readJson(join(dir, REPORT_FILE), ReportRecord)) ?? (await verify(id));
    return { review, report };
  }

  /** Copies a package into the review folder, hashing it on the way; refuses one larger than any package. */
  async function copyIn(path: string, dest: string): Promise<{ size: number; sha256: string }> {
    let fh;
    try {
      // Non-blocking, so a FIFO put in place of the chosen file cannot hang the app; checked below.
      fh = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
    } catch (err) {
      throw storageFailure(err, 'read the package', path);
    }
    const tmp = join(dest, `.${PACKAGE_FILE}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      const st = await fh.stat();
      if (!st.isFile()) throw new ApiFailure('invalid-input', 'The chosen package is not a regular file: choose a .tfpkg file.');
      if (st.size > maxBytes) throw new ApiFailure('invalid-input', `The package is ${st.size} bytes, more than a submission package can hold (${maxBytes}): it cannot be verified.`);
      let size = 0;
      const hash = createHash('sha256');
      const counter = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          size += chunk.length;
          // The file may grow while it is copied: the limit holds for what is read.
          if (size > maxBytes) done(new ApiFailure('invalid-input', `The package grew past ${maxBytes} bytes while it was read: it cannot be verified.`));
          else {
            hash.update(chunk);
            done(null, chunk);
          }
        },
      });
      const out = createWriteStream(tmp, { flags: 'wx', mode: 0o600, flush: true });
      await pipeline(fh.createReadStream({ autoClose: false }), counter, out);
      await rename(tmp, join(dest, PACKAGE_FILE));
      await fsyncDir(dest).catch(() => undefined);
      return { size, sha256: hash.digest('hex') };
    } catch (err) {
      await unlink(tmp).catch(() => undefined);
      throw storageFailure(err, 'copy the package', dest);
    } finally {
      await fh.close().catch(() => undefined);
    }
  }

  /** Makes a review from a file: copied (or, for an upload of ours, moved), recorded, verified. */
  async function importFrom(item: { path: string; name: string; temporary: boolean; sha256?: string; size: number }): Promise<ReviewSummary> {
    const id = newHandle();
    const dir = join(root, id);
    importing.add(id);
    try {
      try {
        await mkdir(dir, { recursive: true, mode: 0o700 });
      } catch (err) {
        throw storageFailure(err, 'create the review folder', dir);
      }
      let received: { size: number; sha256: string };
      if (item.temporary && item.sha256) {
        // Our own upload, hashed while it arrived, on the same file system: a rename, not a copy.
        try {
          await rename(item.path, join(dir, PACKAGE_FILE));
          // The upload was written without fsync (it may never be imported); the review's copy must be durable.
          const fh = await open(join(dir, PACKAGE_FILE), 'r');
          await fh.sync().finally(() => fh.close());
          await fsyncDir(dir).catch(() => undefined);
        } catch (err) {
          throw storageFailure(err, 'keep the package', dir);
        }
        received = { size: item.size, sha256: item.sha256 };
      } else {
        received = await copyIn(item.path, dir);
      }
      const review: ReviewRecord = { format: REVIEW_FORMAT, fileName: item.name, ...received, importedAt: isoSeconds(now()) };
      const report = await verify(id);
      // review.json last: a folder without it is an import that did not finish (swept by list).
      await writeJson(join(dir, REVIEW_FILE), review);
      return summaryOf(id, review, report);
    } catch (err) {
      await rm(dir, { recursive: true, force: true }).catch(() => undefined);
      throw err;
    } finally {
      importing.delete(id);
    }
  }

  async function trustedPack(manifest: Manifest): Promise<{ pack: Pack; origin: PackOrigin } | null> {
    const ref = `${packRef(manifest.pack)}#${manifest.pack.hash}`;
    let p = trustedPacks.get(ref);
    if (!p) {
      p = installedPack(options.packRoots, manifest.pack).catch(() => null);
      trustedPacks.set(ref, p);
      // A failed lookup is not kept: the body may install the pack and try again.
      void p.then((v) => {
        if (!v) trustedPacks.delete(ref);
      });
    }
    return p;
  }

  function detailOf(pack: Pack, origin: PackOrigin): PackDetail {
    let d = details.get(pack);
    if (!d) {
      d = packDetail(pack, origin);
      details.set(pack, d);
    }
    return d;
  }

  /** Everything a review shows: the report, the document as submitted, the pack, a fresh score. */
  async function openReview(id: string): Promise<Opened> {
    const loaded = await load(id);
    const { report, manifest } = await manifestOf(id, loaded.report);
    const summary = summaryOf(id, loaded.review, report);
    const pkg = join(dirOf(id), PACKAGE_FILE);
    const base = { summary, report: report.view, packTrusted: false };
    const empty = (problem: string): Opened => ({ summary, pack: null, view: { ...base, document: null, documentProblem: problem, pack: null, score: null, scoreProblem: problem } });
    if (!manifest) return empty('the package has no usable manifest, so nothing in it can be read safely (see the report)');
    if (!report.readable) {
      const bad = report.view.checks.find((c) => UNSAFE_CHECKS.has(c.id) && c.status !== 'passed');
      return empty(`entries are not read because the ${bad?.id ?? 'entry'} check did not pass (see the report)`);
    }
    const doc = await readAssessment(pkg, manifest);
    if (!doc.ok) return empty(doc.reason);
    const document = doc.value;
    const withDoc = { ...base, document, documentProblem: null };
    const pin = document.pack;
    if (pin.id !== manifest.pack.id || pin.version !== manifest.pack.version || pin.hash !== manifest.pack.hash) {
      const problem = `the assessment pins ${pin.id}@${pin.version}, but the manifest names ${packRef(manifest.pack)} (hash ${manifest.pack.hash.slice(0, 12)}…): it cannot be scored`;
      return { summary, pack: null, view: { ...withDoc, pack: null, score: null, scoreProblem: problem } };
    }
    // The body's own copy of the exact pack the assessment pins (id, version and hash) whenever
    // it is installed — also when the embedded copy was tampered with (pack-trusted failed):
    // the answers are then read against the real criteria, as the report's levels were.
    let pack: Pack | null = null;
    let detail: PackDetail | null = null;
    let packTrusted = false;
    let problem: string | null = null;
    const trusted = await trustedPack(manifest);
    if (trusted) {
      pack = trusted.pack;
      detail = detailOf(trusted.pack, trusted.origin);
      packTrusted = true;
    } else {
      const embedded = await readEmbeddedPack(pkg, manifest);
      if (embedded.ok) {
        pack = embedded.value;
        // Shown as submitted; `packTrusted: false` is what says it is not the body's copy.
        detail = detailOf(embedded.value, 'user');
      } else problem = `${embedded.reason}, so the answers cannot be scored`;
    }
    let scored: ScoreResult | null = null;
    if (pack) {
      try {
        scored = score(pack, toScoringInput(document));
      } catch (err) {
        problem = `the answers cannot be scored against ${packRef(pack)}: ${errorText(err)}`;
      }
    }
    return { summary, pack, view: { ...withDoc, pack: detail, packTrusted, score: scored, scoreProblem: problem } };
  }

  function opened(id: string): Promise<Opened> {
    return inLane(id, async () => {
      const { report } = await load(id);
      const hit = views.get(id);
      if (hit && hit.verifiedAt === report.view.verifiedAt) return hit.opened;
      const p = openReview(id);
      remember(views, id, { verifiedAt: report.view.verifiedAt, opened: p });
      p.catch(() => views.delete(id));
      return p;
    });
  }

  async function importSource(source: string): Promise<ReviewSummary> {
    const item = sources.take(source);
    try {
      const summary = await importFrom(item);
      await sources.release(item);
      return summary;
    } catch (err) {
      // The choice stays usable, so a retry (e.g. after freeing disk space) needs no new dialog
      // or upload — unless the upload itself is gone.
      if (!item.temporary || (await stillThere(item.path))) sources.restore(item);
      throw err;
    }
  }

  async function list(): Promise<ReviewSummary[]> {
    if (!leftoversSwept) {
      leftoversSwept = true;
      await sources.removeLeftovers();
    }
    let names: string[];
    try {
      names = await readdir(root);
    } catch (err) {
      if (errno(err) === 'ENOENT') return [];
      throw storageFailure(err, 'list the reviews', root);
    }
    const out: ReviewSummary[] = [];
    for (const id of names) {
      if (!REVIEW_ID.test(id) || importing.has(id)) continue;
      const loaded = await inLane(id, async () => {
        const review = await readJson(join(root, id, REVIEW_FILE), ReviewRecord);
        if (!review) {
          // An import that never finished (the app stopped during it): nothing to show.
          await rm(join(root, id), { recursive: true, force: true }).catch(() => undefined);
          return null;
        }
        return load(id).catch(() => null);
      });
      if (loaded) out.push(summaryOf(id, loaded.review, loaded.report));
    }
    return out.sort((a, b) => (a.importedAt < b.importedAt ? 1 : a.importedAt > b.importedAt ? -1 : a.review < b.review ? -1 : 1));
  }

  return {
    trust,
    sources,
    list,

    importSource,

    async importFile(path) {
      return importSource((await sources.registerFile(path)).source);
    },

    async get(review) {
      return (await opened(review)).view;
    },

    reverify: (review) =>
      inLane(review, async () => {
        const { review: record } = await load(review);
        return summaryOf(review, record, await verify(review));
      }),

    async remove(review) {
      await inLane(review, async () => {
        const dir = dirOf(review);
        if (!(await readJson(join(dir, REVIEW_FILE), ReviewRecord))) throw notFound();
        views.delete(review);
        manifests.delete(review);
        try {
          await rm(dir, { recursive: true, force: true });
        } catch (err) {
          throw storageFailure(err, 'remove the review', dir);
        }
      });
      return list();
    },

    async evidencePreview(review, hash) {
      const { report, manifest } = await inLane(review, async () => manifestOf(review, (await load(review)).report));
      const pkg = join(dirOf(review), PACKAGE_FILE);
      const listed = manifest?.files.find((f) => f.path === `evidence/${hash}` && f.role === 'evidence');
      if (!manifest || !listed) return buildEvidencePreview(hash, null, options.preview);
      if (!report.readable) {
        // The package's names or sizes are unsafe: its entries are not read at all.
        const refused: AsyncIterable<Uint8Array> = { [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(new Error('entries are not read')) }) };
        return buildEvidencePreview(hash, { size: listed.size, chunks: refused }, options.preview);
      }
      async function* chunks(): AsyncGenerator<Uint8Array> {
        try {
          yield* readPackageEntry(pkg, listed!.path, { maxBytes: listed!.size, expectedSha256: listed!.sha256 });
        } catch (err) {
          // Content that differs from the manifest (by hash or CRC) ends the stream short or
          // wrong; the preview's own size and hash checks then say `modified`, not just unreadable.
          if (err instanceof PackageReadError && (err.code === 'modified' || err.code === 'damaged')) return;
          throw err;
        }
      }
      return buildEvidencePreview(hash, { size: listed.size, chunks: chunks() }, options.preview);
    },

    async compare(baseId, otherId) {
      const [base, other] = await Promise.all([opened(baseId), opened(otherId)]);
      const side = (o: Opened) => {
        const doc = o.view.document;
        if (!doc) throw new ApiFailure('invalid-input', `${o.summary.fileName} cannot be compared: its assessment could not be read (${o.view.documentProblem ?? 'see its report'}).`);
        return { document: doc, criteria: (o.pack?.criteria ?? []).map((c) => c.id), score: o.view.score };
      };
      return { base: base.summary, other: other.summary, ...compareSubmissions(side(base), side(other)) };
    },

    async registerFiles(paths) {
      const out: (SourceView | { name: string; refused: string })[] = [];
      let first: unknown;
      for (const p of paths) {
        try {
          out.push(await sources.registerFile(p));
        } catch (err) {
          first ??= err;
          out.push({ name: displayText(basename(p)), refused: errorText(err) });
        }
      }
      if (first !== undefined && out.every((o) => 'refused' in o)) throw first;
      return out;
    },

    receiveUpload: (upload) => sources.receive(upload),
  };
}

/**
 * The installed copy of exactly `id@version#hash` (built-in first), or null. Looked up by
 * folder under each root, never as a path relative to the working folder: the reference comes
 * from a package.
 */
async function installedPack(roots: readonly PackRoot[], pin: { id: string; version: string; hash: string }): Promise<{ pack: Pack; origin: PackOrigin } | null> {
  const ordered = [...roots].sort((a, b) => (a.origin === b.origin ? 0 : a.origin === 'builtin' ? -1 : 1));
  for (const root of ordered) {
    const dir = join(root.dir, pin.id, pin.version);
    if (!existsSync(join(dir, MANIFEST_FILE))) continue;
    const r = await readPackDir(dir, { expectFromFolder: true, roots: ordered });
    if (r.ok && r.pack.hash === pin.hash) return { pack: r.pack, origin: root.origin };
  }
  return null;
}

async function stillThere(path: string): Promise<boolean> {
  try {
    const fh = await open(path, 'r');
    await fh.close();
    return true;
  } catch {
    return false;
  }
}
