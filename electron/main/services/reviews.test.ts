// The review service on real packages and real folders: what is trusted and what is only
// shown, a package file changed after import, interrupted imports, and sources that are not
// regular files.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportAssessment, type ExportResult } from '../../../core/node/export';
import { readPackageEntryBytes } from '../../../core/node/package-read';
import { makeDemo, makeIdentity, PACK_ROOTS, rewritePackage, type IdentityFiles } from '../../../test/fixtures/export/tools';
import { createReviewService, PACKAGE_FILE, type ReviewService } from './reviews';
import { createTrustStore } from './trust-store';

const tmp = mkdtempSync(join(tmpdir(), 'tfa-reviews-'));
let who: IdentityFiles;
let signed: ExportResult;
let weakened: string;

async function service(options: { packRoots?: typeof PACK_ROOTS; maxPackageBytes?: number } = {}): Promise<{ reviews: ReviewService; dataDir: string }> {
  const dataDir = mkdtempSync(join(tmp, 'data-'));
  const trust = createTrustStore({ dataDir });
  await trust.add(readFileSync(who.caPem, 'utf8'));
  return { dataDir, reviews: createReviewService({ dataDir, packRoots: options.packRoots ?? PACK_ROOTS, trust, ...(options.maxPackageBytes !== undefined && { maxPackageBytes: options.maxPackageBytes }) }) };
}

const statusOf = (checks: { id: string; status: string }[], id: string) => checks.find((c) => c.id === id)!.status;

beforeAll(async () => {
  await makeDemo(join(tmp, 'ws'));
  who = await makeIdentity(tmp, 'trusted');
  signed = await exportAssessment(join(tmp, 'ws'), { outDir: join(tmp, 'out'), lang: 'ja', identity: who.identity, packRoots: PACK_ROOTS });
  // The embedded pack weakened (SHALL → SHOULD) and the package re-signed by the trusted signer.
  weakened = await rewritePackage(
    signed.package.path,
    join(tmp, 'weakened.tfpkg'),
    (files) => files.set('pack/criteria/ial.yaml', new Uint8Array(Buffer.from(Buffer.from(files.get('pack/criteria/ial.yaml')!).toString().replace('obligation: SHALL', 'obligation: SHOULD')))),
    who.identity,
  );
}, 120_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('review service', () => {
  it('a weakened embedded pack fails pack-trusted; the answers are read and scored against the trusted copy they pin', async () => {
    const { reviews } = await service();
    const s = await reviews.importFile(weakened);
    const v = await reviews.get(s.review);
    expect(v.report.checks.find((c) => c.id === 'pack-trusted')).toMatchObject({ status: 'failed', reason: expect.stringMatching(/^the embedded pack is jp-idtf@2\.0\.0 with hash/) });
    expect(v.packTrusted).toBe(true);
    expect(v.pack).toMatchObject({ id: 'jp-idtf', version: '2.0.0', hash: signed.levels.pack.hash, origin: 'builtin' });
    expect(v.score?.packHash).toBe(signed.levels.pack.hash);
    expect(v.report.recomputedLevels).toEqual(signed.levels.dimensions);
  });

  it('a pack the body has not installed: pack-trusted says so, the embedded pack is shown untrusted', async () => {
    const { reviews } = await service({ packRoots: [{ dir: join(tmp, 'no-packs'), origin: 'builtin' }] });
    const s = await reviews.importFile(signed.package.path);
    const v = await reviews.get(s.review);
    expect(v.report.checks.find((c) => c.id === 'pack-trusted')!.reason).toMatch(/^unknown pack jp-idtf@2\.0\.0, install it to verify/);
    expect(statusOf(v.report.checks, 'levels-recomputed')).toBe('skipped');
    expect(v.report.recomputedLevels).toBeNull();
    expect(v).toMatchObject({ packTrusted: false, pack: { id: 'jp-idtf', version: '2.0.0', hash: signed.levels.pack.hash } });
    // Recomputed here with the pack as submitted, for reading; the report says it is not the trusted one.
    expect(v.score?.dimensions.map((d) => d.achieved)).toEqual(signed.levels.dimensions.map((d) => d.achieved));
  });

  it('the kept package changed on disk after import: evidence is not shown, the document is refused, reverify reports it', async () => {
    const { reviews, dataDir } = await service();
    const s = await reviews.importFile(signed.package.path);
    const before = await reviews.get(s.review);
    const hash = Object.keys(before.document!.evidence).find((h) => before.document!.evidence[h]!.mediaType.startsWith('text/') || before.document!.evidence[h]!.size > 100)!;
    const stored = join(dataDir, 'reviews', s.review, PACKAGE_FILE);
    const bytes = readFileSync(stored);
    const evidence = Buffer.from(await readPackageEntryBytes(stored, `evidence/${hash}`, { maxBytes: 1 << 30 }));
    const at = bytes.indexOf(evidence.subarray(0, Math.min(64, evidence.length))) + Math.min(32, evidence.length - 1);
    bytes[at] = bytes[at]! ^ 0x20;
    writeFileSync(stored, bytes);
    expect(await reviews.evidencePreview(s.review, hash)).toMatchObject({ data: null, reason: 'modified' });
    const after = await reviews.reverify(s.review);
    expect(after.ok).toBe(false);
    expect(statusOf((await reviews.get(s.review)).report.checks, 'zip-structure')).toBe('failed');
  });

  it('an import the app did not finish is swept; a lost report is made again', async () => {
    const { reviews, dataDir } = await service();
    const s = await reviews.importFile(signed.package.path);
    const half = join(dataDir, 'reviews', 'AAAAAAAAAAAAAAAAAAAAAAAA');
    mkdirSync(half);
    writeFileSync(join(half, PACKAGE_FILE), 'partial');
    unlinkSync(join(dataDir, 'reviews', s.review, 'report.json'));
    const list = await reviews.list();
    expect(list).toEqual([s]);
    expect(existsSync(half)).toBe(false);
    expect(existsSync(join(dataDir, 'reviews', s.review, 'report.json'))).toBe(true);
    // A damaged report is made again too, and so is a lost copy of the verified manifest.
    writeFileSync(join(dataDir, 'reviews', s.review, 'report.json'), '{"format":');
    expect((await reviews.get(s.review)).report.ok).toBe(true);
    unlinkSync(join(dataDir, 'reviews', s.review, 'verified-manifest.json'));
    const fresh = createReviewService({ dataDir, packRoots: PACK_ROOTS, trust: createTrustStore({ dataDir }) });
    expect((await fresh.get(s.review)).document).not.toBeNull();
    expect(existsSync(join(dataDir, 'reviews', s.review, 'verified-manifest.json'))).toBe(true);
  });

  it('only regular files within the size limit become sources; a failed import leaves no folder and keeps the user’s choice', async () => {
    const { reviews, dataDir } = await service({ maxPackageBytes: 1000 });
    await expect(reviews.registerFiles([tmp])).rejects.toMatchObject({ code: 'invalid-input', message: expect.stringMatching(/not a regular file/) });
    const fifo = join(tmp, 'pipe.tfpkg');
    execFileSync('mkfifo', [fifo]);
    await expect(reviews.registerFiles([fifo])).rejects.toMatchObject({ code: 'invalid-input' });
    await expect(reviews.registerFiles([signed.package.path])).rejects.toMatchObject({ code: 'invalid-input', message: expect.stringMatching(/more than a submission package can hold/) });
    await expect(reviews.registerFiles([join(tmp, 'missing.tfpkg')])).rejects.toMatchObject({ code: 'not-found' });
    // Several chosen: the refused ones say why, the others are still taken.
    const fine = join(tmp, 'fine.tfpkg');
    writeFileSync(fine, 'x');
    const mixed = await reviews.registerFiles([fifo, fine]);
    expect(mixed).toEqual([{ name: 'pipe.tfpkg', refused: expect.stringMatching(/not a regular file/) }, expect.objectContaining({ name: 'fine.tfpkg', size: 1, source: expect.any(String) })]);
    unlinkSync(fine);

    // Chosen, then replaced by a FIFO before the import: refused without hanging, nothing kept.
    const small = join(tmp, 'small.tfpkg');
    writeFileSync(small, 'x');
    const [src] = await reviews.registerFiles([small]);
    unlinkSync(small);
    execFileSync('mkfifo', [small]);
    await expect(reviews.importSource((src as { source: string }).source)).rejects.toMatchObject({ code: 'invalid-input', message: expect.stringMatching(/not a regular file/) });
    expect(readdirSync(join(dataDir, 'reviews'))).toEqual([]);
    // The choice stays usable: once the file is a file again, the same source imports.
    unlinkSync(small);
    writeFileSync(small, 'not a package');
    expect((await reviews.importSource((src as { source: string }).source)).ok).toBe(false);
  });

  it('names from the package are shown in the list without control or bidi characters', async () => {
    const { reviews } = await service();
    const tricky = await rewritePackage(
      signed.package.path,
      join(tmp, 'bidi.tfpkg'),
      (files) => {
        const a = JSON.parse(Buffer.from(files.get('assessment.json')!).toString('utf8')) as { organization: { legalName: string }; service: { name: string } };
        a.organization.legalName = '株式会社\u202Eイゼンサ\u202C\u0007 本物';
        a.service.name = 'ID\u200B\nサービス';
        files.set('assessment.json', new Uint8Array(Buffer.from(`${JSON.stringify(a, null, 1)}\n`)));
      },
      who.identity,
    );
    const s = await reviews.importFile(tricky);
    expect(s).toMatchObject({ organization: '株式会社イゼンサ 本物', service: 'ID サービス' });
    // The document itself is shown as submitted (the renderer prints it as text).
    expect((await reviews.get(s.review)).document?.organization.legalName).toContain('\u202E');
  });

  it('concurrent work on one review runs in order; one source imports once', async () => {
    const { reviews, dataDir } = await service();
    const [src] = await reviews.registerFiles([signed.package.path]);
    const twice = await Promise.allSettled([reviews.importSource((src as { source: string }).source), reviews.importSource((src as { source: string }).source)]);
    expect(twice.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const s = (twice.find((r) => r.status === 'fulfilled') as PromiseFulfilledResult<Awaited<ReturnType<ReviewService['importSource']>>>).value;
    const [again, , gone] = await Promise.allSettled([reviews.reverify(s.review), reviews.get(s.review), reviews.remove(s.review)]);
    expect(again.status).toBe('fulfilled');
    expect(gone).toMatchObject({ status: 'fulfilled', value: [] });
    expect(readdirSync(join(dataDir, 'reviews')).filter((n) => n !== '.incoming')).toEqual([]);
    await expect(reviews.reverify(s.review)).rejects.toMatchObject({ code: 'not-found' });
  });

  it('no path of the data folder reaches the renderer', async () => {
    const { reviews, dataDir } = await service();
    const s = await reviews.importFile(signed.package.path);
    const text = JSON.stringify([await reviews.list(), await reviews.get(s.review), await reviews.trust.list()]);
    expect(text).not.toContain(dataDir);
    expect(text).not.toContain(tmp);
  });
});
