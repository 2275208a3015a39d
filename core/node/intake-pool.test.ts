import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { editAssessment, makeDemo, makeIdentity, PACK_ROOTS, rewritePackage, type IdentityFiles } from '../../test/fixtures/export/tools';
import { exportAssessment, type ExportResult } from './export';
import { verifyIntakes, type IntakeReport } from './intake';
import { verifyIntakesParallel } from './intake-pool';

const tmp = mkdtempSync(join(tmpdir(), 'tfa-intake-pool-'));
const workerScript = join(tmp, 'intake-worker.cjs');
let trusted: IdentityFiles;
let signed: ExportResult;
const packages: string[] = [];

/** What a report says, without the parts that differ by design (package path). */
const gist = (r: IntakeReport) => ({ ok: r.ok, checks: r.checks.map((c) => `${c.id}:${c.status}:${c.reason}`), levels: r.levels ?? null });

beforeAll(async () => {
  // The worker as it ships: bundled from core/node/intake-worker.ts, like scripts/build.mjs does.
  await build({ entryPoints: [join(__dirname, 'intake-worker.ts')], outfile: workerScript, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning' });
  const ws = join(tmp, 'ws');
  await makeDemo(ws);
  trusted = await makeIdentity(tmp, 'trusted');
  signed = await exportAssessment(ws, { outDir: join(tmp, 'out'), lang: 'en', identity: trusted.identity, signingTime: new Date(), packRoots: PACK_ROOTS });
  // A valid package, two copies of it, one whose assessment was altered (digest mismatch), and
  // one that is not a package at all.
  for (let i = 0; i < 2; i++) {
    const p = join(tmp, `copy-${i}.tfpkg`);
    copyFileSync(signed.package.path, p);
    packages.push(p);
  }
  packages.push(signed.package.path);
  packages.push(await rewritePackage(signed.package.path, join(tmp, 'altered.tfpkg'), (files) => editAssessment(files, (a) => (Object.values(a.criteria)[0]!.status = 'major-nc')), null));
  const junk = join(tmp, 'junk.tfpkg');
  writeFileSync(junk, 'not a zip');
  packages.push(junk);
}, 120_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('verifyIntakesParallel', () => {
  it('gives, in order, exactly the reports the in-thread batch gives', async () => {
    const options = { trustAnchors: [trusted.caDer], trustedPacks: PACK_ROOTS };
    const inThread = await verifyIntakes(packages, options);
    const pooled = await verifyIntakesParallel(packages, { ...options, workers: 2, workerScript });
    expect(pooled.map(gist)).toEqual(inThread.map(gist));
    expect(pooled.map((r) => r.package)).toEqual(packages);
    expect(pooled.map((r) => r.ok)).toEqual([true, true, true, false, false]);
  }, 120_000);

  it('fails only the package whose worker dies, and carries on with a new worker', async () => {
    // A heap limit too small to verify anything: every worker dies; every package is reported, none hangs.
    const reports = await verifyIntakesParallel(packages.slice(0, 3), { trustAnchors: [trusted.caDer], trustedPacks: PACK_ROOTS, workers: 2, workerScript, maxHeapMb: 1 });
    expect(reports).toHaveLength(3);
    for (const r of reports) {
      expect(r.ok).toBe(false);
      expect(r.checks.find((c) => c.id === 'zip-structure')?.reason).toMatch(/could not be verified/);
    }
  }, 120_000);

  it('falls back to the in-thread batch without a worker script', async () => {
    const reports = await verifyIntakesParallel(packages.slice(0, 1), { trustAnchors: [trusted.caDer], trustedPacks: PACK_ROOTS, workerScript: join(tmp, 'missing.cjs') });
    expect(reports[0]!.ok).toBe(true);
  }, 60_000);
});
