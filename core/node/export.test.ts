import { chmodSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDemo, makeIdentity, PACK_ROOTS, readAllEntries, REPO, type IdentityFiles } from '../../test/fixtures/export/tools';
import { checkEntryName } from '../package/names';
import { sha256Hex } from '../criteria/sha256';
import { utf8Encode } from '../criteria/utf8';
import { ClaimedLevels, CLAIMED_LEVELS_NAME, exportAssessment, ExportError, packageFileName, type ExportResult, type ExportStep } from './export';
import { acquireLock } from './lock';

const tmp = mkdtempSync(join(tmpdir(), 'tfa-export-'));
const ws = join(tmp, 'ws');
let id: IdentityFiles;
let result: ExportResult;
const steps: ExportStep[] = [];
const AT = new Date('2026-03-01T10:20:30.456Z');

let workspaceBefore: Record<string, Buffer>;
const workspaceFiles = () => Object.fromEntries(readdirSync(ws, { recursive: true, encoding: 'utf8' }).sort().filter((n) => !n.startsWith('evidence') || n.includes('/')).map((n) => [n, readFileSync(join(ws, n))]));

beforeAll(async () => {
  await makeDemo(ws);
  id = await makeIdentity(tmp, 'assessor', { notBefore: new Date('2026-01-01T00:00:00Z'), validityDays: 365 });
  workspaceBefore = workspaceFiles();
  result = await exportAssessment(ws, { outDir: join(tmp, 'out'), lang: 'ja', identity: id.identity, signingTime: AT, include: { oscal: true }, packRoots: PACK_ROOTS, onProgress: (p) => steps.push(p.step) });
}, 60_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('packageFileName', () => {
  const pack = { id: 'jp-idtf', version: '2.0.0' };
  it('keeps a Japanese organization name, with blanks as "_"', () => {
    expect(packageFileName({ legalName: '株式会社サンプルID' }, pack, '2026-03-01T10:20:30Z')).toBe('株式会社サンプルID-jp-idtf-2.0.0-2026-03-01.tfpkg');
    expect(packageFileName({ legalName: '株式会社 サンプル\u3000ID' }, pack, '2026-03-01')).toBe('株式会社_サンプル_ID-jp-idtf-2.0.0-2026-03-01.tfpkg');
  });

  it('strips path-hostile and invisible characters', () => {
    const name = packageFileName({ legalName: '../../etc/passwd: "A<B>|C?*" \u202Egpj.exe\u0000' }, pack, '2026-03-01');
    expect(name).toBe('etc_passwd_A_B_C_gpj.exe-jp-idtf-2.0.0-2026-03-01.tfpkg');
    expect(checkEntryName(name)).toBeNull();
  });

  it('falls back to the English name, then to "assessment", when nothing usable is left', () => {
    expect(packageFileName({ legalName: '///***', legalNameEn: 'Sample ID Inc.' }, pack, '2026-03-01')).toBe('Sample_ID_Inc-jp-idtf-2.0.0-2026-03-01.tfpkg');
    expect(packageFileName({ legalName: '..', legalNameEn: '?' }, pack, '2026-03-01')).toBe('assessment-jp-idtf-2.0.0-2026-03-01.tfpkg');
    // Windows reserves CON only as a whole name or before a dot: with the suffix it is an ordinary name.
    const con = packageFileName({ legalName: 'CON', legalNameEn: 'Con Corp' }, pack, '2026-03-01');
    expect(con).toBe('CON-jp-idtf-2.0.0-2026-03-01.tfpkg');
    expect(checkEntryName(con)).toBeNull();
  });

  it('shortens long names at a character boundary', () => {
    const name = packageFileName({ legalName: '長'.repeat(100) }, pack, '2026-03-01');
    const org = name.split('-jp-idtf-')[0]!;
    expect(org).toBe('長'.repeat(40));
    expect(utf8Encode(org).length).toBeLessThanOrEqual(120);
  });
});

describe('exportAssessment', () => {
  it('writes the reports, the XLSX signature, the OSCAL results and the package, and reports progress', () => {
    expect(readdirSync(result.outDir).sort()).toEqual(['oscal', 'report.pdf', 'report.xlsx', 'report.xlsx.p7s', '株式会社サンプルID-jp-idtf-2.0.0-2026-03-01.tfpkg']);
    for (const f of [result.reportPdf, result.reportXlsx, result.xlsxSignature!, result.oscal!, result.package]) {
      const bytes = readFileSync(f.path);
      expect(sha256Hex(bytes)).toBe(f.sha256);
      expect(bytes.length).toBe(f.size);
    }
    expect(result.signer).toMatchObject({ subject: 'CN=assessor 審査員', commonName: 'assessor 審査員', notAfter: '2027-01-01T00:00:00Z' });
    expect(result.signedAt).toBe('2026-03-01T10:20:30Z');
    expect(steps).toEqual(['workspace', 'pack', 'report-pdf', 'report-xlsx', 'sign', 'oscal', 'package', 'done']);
  });

  it('only reads the workspace: every file is as it was, and the lock is released', () => {
    expect(workspaceFiles()).toEqual(workspaceBefore);
    expect(existsSync(join(ws, 'workspace.lock'))).toBe(false);
  });

  it('packages the exact workspace snapshot, the exact pack files, reports, evidence with metadata, OSCAL and the claimed levels', async () => {
    const { manifest, files } = await readAllEntries(result.package.path);
    expect(manifest).toMatchObject({ createdAt: '2026-03-01T10:20:30Z', createdBy: 'assessor 審査員', organization: '株式会社サンプルID', pack: { id: 'jp-idtf', version: '2.0.0' } });
    const paths = manifest.files.map((f) => `${f.role} ${f.path}`);
    const evidence = readdirSync(join(ws, 'evidence')).filter((n) => /^[0-9a-f]{64}$/.test(n)).sort();
    expect(evidence).toHaveLength(5);
    const packFiles = ['pack.yaml', 'mapping.yaml', ...readdirSync(join(REPO, 'criteria/jp-idtf/2.0.0/criteria')).map((f) => `criteria/${f}`)];
    expect(paths.sort()).toEqual(
      [
        'assessment assessment.json',
        `other ${CLAIMED_LEVELS_NAME}`,
        'report-pdf report.pdf',
        'report-xlsx report.xlsx',
        'signature report.xlsx.p7s',
        'oscal oscal/assessment-results.json',
        ...packFiles.map((p) => `${p === 'pack.yaml' ? 'pack' : 'other'} pack/${p}`),
        ...evidence.flatMap((h) => [`evidence evidence/${h}`, `other evidence/${h}.json`]),
      ].sort(),
    );
    // The workspace snapshot is current (the demo closed cleanly): the package holds its exact bytes.
    expect(Buffer.from(files.get('assessment.json')!).equals(readFileSync(join(ws, 'assessment.json')))).toBe(true);
    for (const p of packFiles) expect(Buffer.from(files.get(`pack/${p}`)!).equals(readFileSync(join(REPO, 'criteria/jp-idtf/2.0.0', p))), p).toBe(true);
    for (const h of evidence) {
      expect(sha256Hex(files.get(`evidence/${h}`)!)).toBe(h);
      expect(JSON.parse(Buffer.from(files.get(`evidence/${h}.json`)!).toString())).toMatchObject({ sha256: h });
    }
    for (const [name, f] of [
      ['report.pdf', result.reportPdf],
      ['report.xlsx', result.reportXlsx],
      ['report.xlsx.p7s', result.xlsxSignature!],
      ['oscal/assessment-results.json', result.oscal!],
    ] as const) {
      expect(sha256Hex(files.get(name)!), name).toBe(f.sha256);
    }
    const claimed = ClaimedLevels.parse(JSON.parse(Buffer.from(files.get(CLAIMED_LEVELS_NAME)!).toString()));
    expect(claimed).toEqual(result.levels);
    expect(claimed.dimensions.map((d) => `${d.dimension}=${d.achieved}`)).toEqual(['ORG=ORG-BASE', 'PRIV=PRIV-BASE', 'CONSENT=CONSENT-BASE', 'IAL=IAL2', 'AAL=AAL2', 'FAL=FAL1']);
  });

  it('refuses a workspace another program has open (locked), unless told the caller holds the lock', async () => {
    const held = await acquireLock(ws);
    try {
      const err = await exportAssessment(ws, { outDir: join(tmp, 'locked'), lang: 'en', packRoots: PACK_ROOTS }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ExportError);
      expect((err as ExportError).code).toBe('workspace');
      expect((err as ExportError).message).toMatch(/open|lock/i);
      expect(existsSync(join(tmp, 'locked'))).toBe(false);
      const ok = await exportAssessment(ws, { outDir: join(tmp, 'locked'), lang: 'en', lock: false, include: { evidence: false }, packRoots: PACK_ROOTS });
      expect(ok.package.size).toBeGreaterThan(0);
    } finally {
      await held.release();
    }
  }, 30_000);

  it('refuses a missing folder, an unknown template and an uninstalled pack with one line each', async () => {
    const fails = async (dir: string, extra: object) => (await exportAssessment(dir, { outDir: join(tmp, 'x'), lang: 'en', packRoots: PACK_ROOTS, ...extra }).catch((e: unknown) => e)) as ExportError;
    const missing = await fails(join(tmp, 'nope'), {});
    expect([missing.code, missing.message]).toEqual(['workspace', `${join(tmp, 'nope')} does not exist: give the folder of an assessment (tf-assessor demo <dir> makes one)`]);
    const template = await fails(ws, { template: 'no-such-template' });
    expect([template.code, template.message]).toEqual(['template', 'unknown template "no-such-template": give a built-in template name (default) or a folder holding template.yaml (see templates/default)']);
    const pack = await fails(ws, { packRoots: [{ dir: join(tmp, 'empty'), origin: 'user' }] });
    expect([pack.code, pack.message]).toEqual(['pack', `${ws} needs pack jp-idtf@2.0.0, which is not installed: install it (tf-assessor pack list shows what is installed)`]);
    for (const e of [missing, template, pack]) expect(e.message).not.toContain('\n');
  });

  it('refuses to package evidence that is missing or no longer matches its SHA-256, and writes no package', async () => {
    const copy = join(tmp, 'ws-damaged');
    cpSync(ws, copy, { recursive: true });
    const hash = readdirSync(join(copy, 'evidence')).find((n) => /^[0-9a-f]{64}$/.test(n))!;
    const blob = join(copy, 'evidence', hash);
    chmodSync(blob, 0o644);
    writeFileSync(blob, 'tampered');
    const out = join(tmp, 'out-damaged');
    const err = (await exportAssessment(copy, { outDir: out, lang: 'en', packRoots: PACK_ROOTS }).catch((e: unknown) => e)) as ExportError;
    expect(err.code).toBe('evidence');
    expect(err.message).toBe(`the evidence file ${blob} no longer matches its SHA-256 (it was altered or damaged): restore it from a backup; no package was written`);
    expect(readdirSync(out).filter((n) => n.endsWith('.tfpkg'))).toEqual([]);
    rmSync(blob);
    const gone = (await exportAssessment(copy, { outDir: out, lang: 'en', packRoots: PACK_ROOTS }).catch((e: unknown) => e)) as ExportError;
    expect(gone.code).toBe('evidence');
    expect(gone.message).toMatch(new RegExp(`^the evidence file ".+" \\(${hash.slice(0, 12)}…\\) is missing from ${blob}: restore it, or export with --no-evidence$`));
  }, 40_000);

  it('refuses an identity whose certificate is not valid at the signing time', async () => {
    const err = (await exportAssessment(ws, { outDir: join(tmp, 'late'), lang: 'en', identity: id.identity, signingTime: new Date('2028-01-01T00:00:00Z'), packRoots: PACK_ROOTS }).catch((e: unknown) => e)) as ExportError;
    expect(err.code).toBe('signing');
    expect(err.message).toMatch(/expired/);
  });
});
