// The intake channels through `dispatch`, as the renderer calls them, on real signed packages
// exported from the demo workspace with local CA identities: import, verify against the
// trust store, read back (document, pack, recomputed score), tamper, trust, reverify, compare.
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiResult, Channel, ArgsOf, ResultOf } from '../../core/api/contract';
import { exportAssessment, type ExportResult } from '../../core/node/export';
import { readPackageEntryBytes } from '../../core/node/package-read';
import { editAssessment, makeDemo, makeIdentity, PACK_ROOTS, rewritePackage, type IdentityFiles } from '../../test/fixtures/export/tools';
import { dispatch } from './dispatch';
import { createHandlers, type Handlers } from './handlers';

const tmp = mkdtempSync(join(tmpdir(), 'tfa-intake-handlers-'));
let trusted: IdentityFiles;
let stranger: IdentityFiles;
let signed: ExportResult;
const pkg = {} as Record<'valid' | 'flipped' | 'stranger' | 'changed', string>;
/** What the next `tfa:dialogs:pickPackages` returns (the native dialog, injected). */
let picked: string[] = [];

function handlersFor(dataDir: string): Handlers {
  return createHandlers({
    dataDir,
    host: 'electron',
    version: '1.0.0',
    platform: 'linux',
    systemLocale: 'en-US',
    listPacks: async () => [],
    packRoots: PACK_ROOTS,
    pickPackages: async () => picked,
  });
}

async function call<C extends Channel>(h: Handlers, channel: C, args?: ArgsOf<C>): Promise<ResultOf<C>> {
  const r = (await dispatch(h, channel, args)) as ApiResult<ResultOf<C>>;
  if (!r.ok) throw new Error(`${channel}: ${r.error.code}: ${r.error.message}`);
  return r.value;
}

async function fail<C extends Channel>(h: Handlers, channel: C, args?: ArgsOf<C>): Promise<{ code: string; message: string }> {
  const r = await dispatch(h, channel, args);
  if (r.ok) throw new Error(`${channel} succeeded`);
  return r.error;
}

/** Imports one package file through the desktop dialog route. */
async function importFile(h: Handlers, path: string) {
  picked = [path];
  const [src] = await call(h, 'tfa:dialogs:pickPackages');
  if (!src || 'refused' in src) throw new Error(`refused: ${src?.refused}`);
  return call(h, 'tfa:reviews:import', { source: src.source });
}

const checkOf = (view: { checks: { id: string; status: string; reason: string }[] }, id: string) => view.checks.find((c) => c.id === id)!;

beforeAll(async () => {
  const ws = join(tmp, 'ws');
  await makeDemo(ws);
  trusted = await makeIdentity(tmp, 'trusted', { commonName: '株式会社サンプル監査 佐藤 花子' });
  stranger = await makeIdentity(tmp, 'stranger');
  signed = await exportAssessment(ws, { outDir: join(tmp, 'out'), lang: 'ja', identity: trusted.identity, packRoots: PACK_ROOTS });
  pkg.valid = signed.package.path;
  // One byte of the spreadsheet flipped inside the package: its hash no longer matches the manifest.
  const bytes = readFileSync(pkg.valid);
  const at = bytes.indexOf(readFileSync(signed.reportXlsx.path).subarray(0, 2048)) + 500;
  bytes[at] = bytes[at]! ^ 0x40;
  pkg.flipped = join(tmp, 'flipped.tfpkg');
  writeFileSync(pkg.flipped, bytes);
  // A whole submission (package, PDF, workbook) signed by an identity the body does not trust yet.
  pkg.stranger = (await exportAssessment(ws, { outDir: join(tmp, 'out-stranger'), lang: 'en', identity: stranger.identity, packRoots: PACK_ROOTS })).package.path;
  // Next year's submission: one result lowered, one finding closed, one finding's class changed.
  pkg.changed = await rewritePackage(
    pkg.valid,
    join(tmp, 'changed.tfpkg'),
    (files) =>
      editAssessment(files, (a) => {
        a.criteria['IAL-06']!.status = 'minor-nc';
        const findings = (a as unknown as { findings: { id: string; status: string; class: string }[] }).findings;
        findings.find((f) => f.id === 'F-002')!.status = 'verified-closed';
        findings.find((f) => f.id === 'F-004')!.class = 'ofi';
      }),
    trusted.identity,
  );
}, 120_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('intake channels', () => {
  const data = () => mkdtempSync(join(tmp, 'data-'));

  it('imports a valid signed package: every check passes, the document, the trusted pack and a recomputed score', async () => {
    const dataDir = data();
    const h = handlersFor(dataDir);
    const added = await call(h, 'tfa:trust:add', { text: readFileSync(trusted.caPem, 'utf8'), label: '審査機関 CA' });
    expect(added.added).toHaveLength(1);

    const summary = await importFile(h, pkg.valid);
    expect(summary).toMatchObject({ ok: true, failedChecks: 0, organization: expect.any(String), pack: 'jp-idtf@2.0.0', signer: 'CN=株式会社サンプル監査 佐藤 花子', size: readFileSync(pkg.valid).length });
    expect(summary.fileName).toBe(signed.package.path.split('/').pop());
    expect(summary.sha256).toBe(signed.package.sha256);
    // The package is kept as received, beside its report; nothing is extracted.
    const dir = join(dataDir, 'reviews', summary.review);
    expect(readdirSync(dir).sort()).toEqual(['package.tfpkg', 'report.json', 'review.json', 'verified-manifest.json']);
    expect(readFileSync(join(dir, 'package.tfpkg')).equals(readFileSync(pkg.valid))).toBe(true);

    const view = await call(h, 'tfa:reviews:get', { review: summary.review });
    expect(view.report.ok).toBe(true);
    expect(view.report.checks.every((c) => c.status === 'passed')).toBe(true);
    expect(view.report.claimedLevels).toEqual(signed.levels.dimensions);
    expect(view.report.recomputedLevels).toEqual(signed.levels.dimensions);
    expect(view.document?.organization.legalName).toBe(summary.organization);
    expect(view.documentProblem).toBeNull();
    expect(view.packTrusted).toBe(true);
    expect(view.pack).toMatchObject({ id: 'jp-idtf', version: '2.0.0', origin: 'builtin' });
    expect(view.score?.dimensions.map((d) => ({ dimension: d.dimension, achieved: d.achieved }))).toEqual(signed.levels.dimensions.map((d) => ({ dimension: d.dimension, achieved: d.achieved })));

    expect(await call(h, 'tfa:reviews:list')).toEqual([summary]);
    // A new handler set over the same data folder (next app start) finds the review again.
    expect(await call(handlersFor(dataDir), 'tfa:reviews:list')).toEqual([summary]);
  });

  it('previews evidence from inside the package, re-hashed; unknown evidence is missing', async () => {
    const h = handlersFor(data());
    const { review } = await importFile(h, pkg.valid);
    const view = await call(h, 'tfa:reviews:get', { review });
    const hashes = Object.keys(view.document!.evidence);
    expect(hashes.length).toBeGreaterThan(0);
    let shown = 0;
    for (const hash of hashes) {
      const p = await call(h, 'tfa:reviews:evidencePreview', { review, hash });
      expect(p.hash).toBe(hash);
      expect(p.size).toBe(view.document!.evidence[hash]!.size);
      if (p.data !== null) {
        const inside = await readPackageEntryBytes(pkg.valid, `evidence/${hash}`, { maxBytes: p.size });
        expect(Buffer.from(p.data, 'base64').equals(Buffer.from(inside).subarray(0, Buffer.from(p.data, 'base64').length))).toBe(true);
        shown += 1;
      } else expect(p.reason).not.toBe('modified');
    }
    expect(shown).toBeGreaterThan(0);
    const missing = await call(h, 'tfa:reviews:evidencePreview', { review, hash: 'f'.repeat(64) });
    expect(missing).toMatchObject({ data: null, reason: 'missing' });
  });

  it('a package with one byte flipped is imported and kept, its report names the failed check; the unchanged assessment is shown untrusted', async () => {
    const h = handlersFor(data());
    await call(h, 'tfa:trust:add', { text: readFileSync(trusted.caPem, 'utf8') });
    const summary = await importFile(h, pkg.flipped);
    expect(summary.ok).toBe(false);
    expect(summary.failedChecks).toBeGreaterThan(0);
    const view = await call(h, 'tfa:reviews:get', { review: summary.review });
    expect(checkOf(view.report, 'zip-structure')).toMatchObject({ status: 'failed', reason: expect.stringMatching(/"report\.xlsx" fails its CRC-32 check/) });
    expect(checkOf(view.report, 'xlsx-signature').status).toBe('failed');
    expect(summary.failedChecks).toBe(view.report.checks.filter((c) => c.status === 'failed').length);
    // The manifest is authentic and assessment.json matches it, so it is shown as submitted,
    // with levels recomputed here; the summary says the package is not valid.
    expect(view.document).not.toBeNull();
    expect(view.score).not.toBeNull();
  });

  it('a package whose assessment.json was altered is imported, but the document is not shown: it no longer matches what was signed', async () => {
    const h = handlersFor(data());
    await call(h, 'tfa:trust:add', { text: readFileSync(trusted.caPem, 'utf8') });
    const bytes = readFileSync(pkg.valid);
    const inside = Buffer.from(await readPackageEntryBytes(pkg.valid, 'assessment.json', { maxBytes: 64 * 1024 * 1024 }));
    const at = bytes.indexOf(inside.subarray(0, 4096)) + 1000;
    bytes[at] = bytes[at]! ^ 0x01;
    const altered = join(tmp, 'altered-assessment.tfpkg');
    writeFileSync(altered, bytes);
    const summary = await importFile(h, altered);
    expect(summary.ok).toBe(false);
    const view = await call(h, 'tfa:reviews:get', { review: summary.review });
    expect(checkOf(view.report, 'zip-structure')).toMatchObject({ status: 'failed', reason: expect.stringMatching(/"assessment\.json" fails its CRC-32 check/) });
    expect(checkOf(view.report, 'levels-recomputed').status).toBe('failed');
    expect(view).toMatchObject({ document: null, pack: null, score: null, documentProblem: expect.stringMatching(/assessment\.json/) });
    // Nothing from it can be compared either.
    const good = await importFile(h, pkg.valid);
    expect(await fail(h, 'tfa:reviews:compare', { base: good.review, other: summary.review })).toMatchObject({ code: 'invalid-input', message: expect.stringMatching(/cannot be compared/) });
  });

  it('an untrusted signer fails `signature`; after the CA is added to the trust store, reverify passes', async () => {
    const h = handlersFor(data());
    const first = await importFile(h, pkg.stranger);
    expect(first.ok).toBe(false);
    const before = await call(h, 'tfa:reviews:get', { review: first.review });
    expect(checkOf(before.report, 'signature')).toMatchObject({ status: 'failed', reason: expect.stringMatching(/not in the trust store/) });

    await call(h, 'tfa:trust:add', { text: readFileSync(stranger.caPem, 'utf8') });
    const again = await call(h, 'tfa:reviews:reverify', { review: first.review });
    expect(again).toMatchObject({ review: first.review, ok: true, failedChecks: 0 });
    const after = await call(h, 'tfa:reviews:get', { review: first.review });
    expect(checkOf(after.report, 'signature').status).toBe('passed');
    expect(after.report.verifiedAt >= before.report.verifiedAt).toBe(true);
  });

  it('compares two real submissions: the lowered result and the changed findings, nothing else', async () => {
    const h = handlersFor(data());
    const base = await importFile(h, pkg.valid);
    const other = await importFile(h, pkg.changed);
    const c = await call(h, 'tfa:reviews:compare', { base: base.review, other: other.review });
    expect(c.base.review).toBe(base.review);
    expect(c.sameOrganization).toBe(true);
    expect(c.samePack).toBe(true);
    expect(c.results).toEqual([{ criterion: 'IAL-06', kind: 'changed', status: { before: 'conformant', after: 'minor-nc' }, met: { before: true, after: false } }]);
    expect(c.unchangedResults).toBeGreaterThan(100);
    expect(c.findings.map((f) => [f.id, f.kind])).toEqual([
      ['F-002', 'closed'],
      ['F-004', 'changed'],
    ]);
    expect(c.findings[1]!.classification).toEqual({ before: 'observation', after: 'ofi' });
    // Reversed, the same criteria and findings differ.
    const back = await call(h, 'tfa:reviews:compare', { base: other.review, other: base.review });
    expect(back.results.map((r) => r.criterion)).toEqual(['IAL-06']);
    expect(back.unchangedResults).toBe(c.unchangedResults);
  });

  it('removes a review with its copy of the package', async () => {
    const dataDir = data();
    const h = handlersFor(dataDir);
    const { review } = await importFile(h, pkg.valid);
    expect(await call(h, 'tfa:reviews:remove', { review })).toEqual([]);
    expect(existsSync(join(dataDir, 'reviews', review))).toBe(false);
    expect((await fail(h, 'tfa:reviews:get', { review })).code).toBe('not-found');
    expect((await fail(h, 'tfa:reviews:remove', { review })).code).toBe('not-found');
  });

  it('sources are single use, and a made-up source or review names nothing', async () => {
    const h = handlersFor(data());
    picked = [pkg.valid];
    const [src] = await call(h, 'tfa:dialogs:pickPackages');
    await call(h, 'tfa:reviews:import', { source: (src as { source: string }).source });
    expect((await fail(h, 'tfa:reviews:import', { source: (src as { source: string }).source })).code).toBe('not-found');
    expect((await fail(h, 'tfa:reviews:import', { source: 'AAAAAAAAAAAAAAAAAAAAAAAA' })).code).toBe('not-found');
    expect((await fail(h, 'tfa:reviews:get', { review: 'AAAAAAAAAAAAAAAAAAAAAAAA' })).code).toBe('not-found');
    expect((await fail(h, 'tfa:reviews:get', { review: '../../etc' })).code).toBe('bad-request');
    picked = [];
    expect(await call(h, 'tfa:dialogs:pickPackages')).toEqual([]);
  });

  it('the preview has no package dialog', async () => {
    const h = createHandlers({ dataDir: data(), host: 'bridge', version: '1', platform: 'linux', systemLocale: 'en', listPacks: async () => [], packRoots: PACK_ROOTS });
    expect(await fail(h, 'tfa:dialogs:pickPackages')).toMatchObject({ code: 'bad-request', message: expect.stringMatching(/upload/) });
  });

  it('a copy of the package file taken while it is imported is what was verified', async () => {
    const dataDir = data();
    const h = handlersFor(dataDir);
    const copy = join(tmp, 'to-be-changed.tfpkg');
    copyFileSync(pkg.valid, copy);
    const summary = await importFile(h, copy);
    // The user's file changes afterwards: the review keeps what it verified.
    writeFileSync(copy, 'not a package any more');
    expect((await call(h, 'tfa:reviews:reverify', { review: summary.review })).ok).toBe(summary.ok);
  });
});
