import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { editAssessment, makeDemo, makeIdentity, PACK_ROOTS, readAllEntries, rewritePackage, type IdentityFiles } from '../../test/fixtures/export/tools';
import { migrateDocument } from '../assessment/format';
import { toScoringInput } from '../assessment/scoring-input';
import type { Pack } from '../criteria/schema';
import { score } from '../scoring/score';
import { CLAIMED_LEVELS_NAME, exportAssessment, type ExportResult } from './export';
import { compareLevels, INTAKE_CHECK_IDS, verifyIntake, verifyIntakes, type IntakeReport } from './intake';
import { readPackDir } from './packs';

const tmp = mkdtempSync(join(tmpdir(), 'tfa-intake-'));
const ws = join(tmp, 'ws');
let trusted: IdentityFiles;
let stranger: IdentityFiles;
let signed: ExportResult;
let pack: Pack;
const SIGNED_AT = new Date();

const statuses = (r: IntakeReport) => Object.fromEntries(r.checks.map((c) => [c.id, c.status]));
const check = (r: IntakeReport, id: string) => r.checks.find((c) => c.id === id)!;
/** Ids of the checks that did not pass. */
const notPassed = (r: IntakeReport) => r.checks.filter((c) => c.status !== 'passed').map((c) => c.id);
const options = () => ({ trustAnchors: [trusted.caDer], trustedPacks: PACK_ROOTS });

beforeAll(async () => {
  await makeDemo(ws);
  trusted = await makeIdentity(tmp, 'trusted', { commonName: '株式会社サンプル監査 佐藤 花子' });
  stranger = await makeIdentity(tmp, 'stranger');
  signed = await exportAssessment(ws, { outDir: join(tmp, 'out'), lang: 'ja', identity: trusted.identity, signingTime: SIGNED_AT, include: { oscal: true }, packRoots: PACK_ROOTS });
  const r = await readPackDir(join(PACK_ROOTS[0]!.dir, 'jp-idtf', '2.0.0'));
  if (!r.ok) throw new Error('jp-idtf 2.0.0 does not load');
  pack = r.pack;
}, 60_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A conformant criterion whose major NC lowers the dimension's achieved level, for the forger. */
function criterionThatLowers(files: Map<string, Uint8Array>): { id: string; dimension: string } {
  const a = migrateDocument(JSON.parse(Buffer.from(files.get('assessment.json')!).toString('utf8'))).assessment;
  const before = score(pack, toScoringInput(a));
  for (const c of pack.criteria) {
    if (a.criteria[c.id]?.status !== 'conformant') continue;
    const changed = { ...a, criteria: { ...a.criteria, [c.id]: { ...a.criteria[c.id], status: 'major-nc' as const } } };
    const after = score(pack, toScoringInput(changed));
    if (after.levels[c.dimension] !== before.levels[c.dimension]) return { id: c.id, dimension: c.dimension };
  }
  throw new Error('no criterion lowers a level');
}

describe('verifyIntake', () => {
  it('accepts the signed export: all twelve checks pass, in order', async () => {
    const r = await verifyIntake(signed.package.path, options());
    expect(r.checks.map((c) => c.id)).toEqual([...INTAKE_CHECK_IDS]);
    expect(notPassed(r)).toEqual([]);
    expect(r.ok).toBe(true);
    expect(check(r, 'pack-trusted').reason).toBe(`the embedded jp-idtf@2.0.0 is identical to the trusted copy (sha256 ${pack.hash})`);
    expect(check(r, 'levels-recomputed').reason).toMatch(/^the levels recomputed with the trusted jp-idtf@2\.0\.0 match the claimed ones: ORG ORG-BASE, .*IAL IAL2, AAL AAL2, FAL FAL1$/);
    expect(check(r, 'pdf-signature').reason).toMatch(/^report\.pdf \(PAdES\): signed by CN=株式会社サンプル監査 佐藤 花子, certificate chain trusted at /);
    expect(check(r, 'xlsx-signature').reason).toMatch(/^report\.xlsx \(report\.xlsx\.p7s\): signed by CN=株式会社サンプル監査 佐藤 花子/);
    expect(r.levels).toEqual(signed.levels.dimensions);
  });

  it('an assessment changed and re-signed by an untrusted identity: the signature is refused', async () => {
    const forged = await rewritePackage(signed.package.path, join(tmp, 'forged-stranger.tfpkg'), (files) => editAssessment(files, (a) => (a.criteria[criterionThatLowers(files).id]!.status = 'major-nc')), stranger.identity);
    const r = await verifyIntake(forged, options());
    expect(r.ok).toBe(false);
    expect(check(r, 'signature').status).toBe('failed');
    expect(check(r, 'signature').reason).toMatch(/^the signature is not accepted: the chain ends at CN=stranger 審査員 Local CA [0-9A-F]{8}, which is not in the trust store$/);
    expect(check(r, 'files-match-manifest').status).toBe('passed');
  });

  it('a result changed and re-signed by the trusted signer, claimed levels kept: levels-recomputed names the dimension', async () => {
    let lowered = { id: '', dimension: '' };
    const forged = await rewritePackage(
      signed.package.path,
      join(tmp, 'forged-levels.tfpkg'),
      (files) =>
        editAssessment(files, (a) => {
          lowered = criterionThatLowers(files);
          a.criteria[lowered.id]!.status = 'major-nc';
        }),
      trusted.identity,
    );
    const r = await verifyIntake(forged, options());
    expect(notPassed(r)).toEqual(['levels-recomputed']);
    const c = check(r, 'levels-recomputed');
    const claimed = signed.levels.dimensions.find((d) => d.dimension === lowered.dimension)!.achieved;
    expect(c.reason).toMatch(new RegExp(`^the levels recomputed from the answers differ from the claimed ones: ${lowered.dimension}: the package claims ${claimed}, the answers give \\S+`));
    expect((c.details!.differences as { dimension: string }[]).map((d) => d.dimension)).toContain(lowered.dimension);
  });

  it('an altered embedded pack: pack-trusted fails against the trusted copy, levels are still recomputed with the trusted one', async () => {
    const forged = await rewritePackage(
      signed.package.path,
      join(tmp, 'forged-pack.tfpkg'),
      (files) => {
        const path = [...files.keys()].find((p) => p.startsWith('pack/criteria/ial'))!;
        const yaml = Buffer.from(files.get(path)!).toString('utf8');
        // A SHALL weakened to a SHOULD: what a forger would do to pass a level.
        files.set(path, new Uint8Array(Buffer.from(yaml.replace('obligation: SHALL', 'obligation: SHOULD'))));
      },
      trusted.identity,
    );
    const r = await verifyIntake(forged, options());
    expect(notPassed(r)).toEqual(['pack-trusted']);
    expect(check(r, 'pack-trusted').reason).toMatch(/^the embedded pack is jp-idtf@2\.0\.0 with hash [0-9a-f]{12}…, not the jp-idtf@2\.0\.0 \([0-9a-f]{12}…\) the manifest names$/);
  });

  it('a pack not installed at the certification body: unknown pack, levels not recomputed', async () => {
    const r = await verifyIntake(signed.package.path, { ...options(), trustedPacks: [{ dir: join(tmp, 'no-packs'), origin: 'user' }] });
    expect(check(r, 'pack-trusted')).toMatchObject({ status: 'failed', reason: 'unknown pack jp-idtf@2.0.0, install it to verify (tf-assessor pack list shows the installed packs)' });
    expect(check(r, 'levels-recomputed').status).toBe('skipped');
    expect(check(r, 'levels-recomputed').reason).toMatch(/^not checked: no trusted copy of jp-idtf@2\.0\.0 to recompute with/);
    expect(r.ok).toBe(false);
  });

  it('a flipped byte in the report is refused by the package checks and the report signature', async () => {
    const bytes = readFileSync(signed.package.path);
    const { manifest } = await readAllEntries(signed.package.path);
    // Inside report.pdf's stored data (entries are stored, so its bytes appear as they are).
    const at = bytes.indexOf(readFileSync(signed.reportPdf.path).subarray(0, 4096)) + 1000;
    expect(at).toBeGreaterThan(1000);
    bytes[at] = bytes[at]! ^ 0x01;
    const flipped = join(tmp, 'flipped.tfpkg');
    writeFileSync(flipped, bytes);
    const r = await verifyIntake(flipped, options());
    expect(r.ok).toBe(false);
    expect(manifest.files.some((f) => f.path === 'report.pdf')).toBe(true);
    expect(statuses(r)).toMatchObject({ 'zip-structure': 'failed', signature: 'passed', 'pdf-signature': 'failed' });
    expect(check(r, 'zip-structure').reason).toContain('report.pdf');
    expect(check(r, 'pdf-signature').reason).toMatch(/report\.pdf/);
  });

  it('an unsigned export: the manifest and both reports are reported as not signed', async () => {
    const unsigned = await exportAssessment(ws, { outDir: join(tmp, 'unsigned'), lang: 'en', signingTime: SIGNED_AT, include: { evidence: false }, packRoots: PACK_ROOTS });
    const r = await verifyIntake(unsigned.package.path, options());
    expect(notPassed(r)).toEqual(['signature', 'pdf-signature', 'xlsx-signature']);
    expect(check(r, 'signature').reason).toBe('manifest.json.p7s is missing: the package is not signed');
    expect(check(r, 'pdf-signature').reason).toBe('report.pdf is not signed (exported without a signing identity)');
    expect(check(r, 'xlsx-signature').reason).toBe('report.xlsx.p7s is missing: the spreadsheet is not signed');
  }, 30_000);

  it('reports signed by someone else than the package signer are refused', async () => {
    // The forger keeps the assessor's signed PDF/XLSX but signs the package with another trusted identity.
    const other = await makeIdentity(tmp, 'other-trusted');
    const forged = await rewritePackage(signed.package.path, join(tmp, 'other-signer.tfpkg'), () => undefined, other.identity);
    const r = await verifyIntake(forged, { ...options(), trustAnchors: [trusted.caDer, other.caDer] });
    expect(notPassed(r)).toEqual(['pdf-signature', 'xlsx-signature']);
    expect(check(r, 'pdf-signature').reason).toMatch(/^report\.pdf \(PAdES\): signed by CN=株式会社サンプル監査 佐藤 花子, but the package by CN=other-trusted 審査員: the report was not signed by whoever signed the package$/);
  });

  it('claimed levels that disagree with the enclosed assessment, or are missing, fail levels-recomputed', async () => {
    const noClaims = await rewritePackage(signed.package.path, join(tmp, 'no-claims.tfpkg'), (files) => files.delete(CLAIMED_LEVELS_NAME), trusted.identity);
    const r = await verifyIntake(noClaims, options());
    expect(notPassed(r)).toEqual(['levels-recomputed']);
    expect(check(r, 'levels-recomputed').reason).toBe('the package states no levels to compare: the package has no claimed-levels.json');
  });

  it('checks validity at the time given: certificates expired by then fail every signature', async () => {
    const r = await verifyIntake(signed.package.path, { ...options(), at: new Date(SIGNED_AT.getTime() + 400 * 86_400_000) });
    expect(notPassed(r)).toEqual(['signature', 'pdf-signature', 'xlsx-signature']);
    expect(check(r, 'signature').reason).toMatch(/expired/);
  });

  it('verifies a batch concurrently and returns reports in argument order', async () => {
    const paths = [signed.package.path, join(tmp, 'forged-pack.tfpkg'), join(tmp, 'missing.tfpkg'), signed.package.path];
    const reports = await verifyIntakes(paths, { ...options(), concurrency: 3 });
    expect(reports.map((r) => [r.package, r.ok])).toEqual([
      [paths[0], true],
      [paths[1], false],
      [paths[2], false],
      [paths[3], true],
    ]);
    expect(check(reports[2]!, 'zip-structure').status).toBe('failed');
    expect(reports[2]!.checks.slice(8).every((c) => c.status === 'skipped')).toBe(true);
  });
});

describe('compareLevels', () => {
  it('names every kind of difference', () => {
    const claimed = signed.levels;
    const base = { pack: 'p@1', packHash: 'h', levels: {}, aggregate: { kind: 'vector' as const, levels: {} }, blocking: {}, criteria: {} };
    const dims = claimed.dimensions.map((d) => ({ dimension: d.dimension, kind: 'assurance' as const, achieved: d.achieved, target: d.target, targetMet: d.targetMet, notApplicable: d.notApplicable, levels: [], progress: { applicable: 0, answered: 0 } }));
    expect(compareLevels(claimed, { ...base, dimensions: dims })).toEqual([]);
    const changed = dims.map((d) => (d.dimension === 'IAL' ? { ...d, achieved: 'IAL1', targetMet: false } : d)).filter((d) => d.dimension !== 'FAL');
    expect(compareLevels(claimed, { ...base, dimensions: changed })).toEqual([
      { dimension: 'IAL', field: 'achieved', claimed: 'IAL2', recomputed: 'IAL1' },
      { dimension: 'IAL', field: 'targetMet', claimed: true, recomputed: false },
      { dimension: 'FAL', field: 'presence', claimed: 'FAL1', recomputed: null },
    ]);
  });
});
