/**
 * Submission packages: verifying a package that holds a lot of evidence (throughput against
 * `openssl dgst -sha256` over the same evidence files in the same run, and peak memory), and
 * a batch of 100 small packages verified concurrently, as a certification body checks a day's
 * submissions. Signatures are real detached CMS (core/signing) over a local CA.
 *
 * TFA_BENCH_PACKAGE_MB sets the evidence size (default 1024), split over 8 files of random
 * bytes written once to the OS temp folder and deleted at the end.
 */
import { spawnSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { cmsManifestSigner, cmsManifestVerifier } from '../core/package/cms';
import type { ManifestInfo } from '../core/package/manifest';
import type { PackageReport } from '../core/package/report';
import type { VerifyManifestSignature } from '../core/package/signature';
import { createLocalIdentity } from '../core/signing/local-identity';
import { verifyPackage, verifyPackages } from '../core/node/package-verify';
import { writePackage, type PackageFileInput } from '../core/node/package-write';
import { collectGarbage, ms, type BenchSection } from './harness';

const RATIO_TARGET = 0.8;
const RSS_TARGET_MB = 200;
const EVIDENCE_FILES = 8;
const BATCH = 100;

const MiB = 1024 * 1024;
const mb = (bytes: number) => bytes / MiB;

const info: ManifestInfo = {
  createdAt: '2025-04-01T09:30:00Z',
  createdBy: 'bench',
  pack: { id: 'nist-800-63-4', version: '1.0.0', hash: 'a'.repeat(64) },
  organization: '株式会社ベンチマーク',
};

function baseFiles(i = 0): PackageFileInput[] {
  return [
    { path: 'assessment.json', role: 'assessment', source: Buffer.from(JSON.stringify({ formatVersion: 1, id: `assessment-${i}`, notes: 'x'.repeat(20_000) })) },
    { path: 'pack/nist-800-63-4@1.0.0.json', role: 'pack', source: Buffer.from(JSON.stringify({ id: 'nist-800-63-4', criteria: 'y'.repeat(200_000) })) },
  ];
}

function expectValid(r: PackageReport): void {
  if (!r.ok) throw new Error(`bench package did not verify: ${r.checks.filter((c) => c.status !== 'passed').map((c) => `${c.id}: ${c.reason}`).join('; ')}`);
}

export const packageBench: BenchSection = {
  name: 'package',
  async run(print) {
    const root = mkdtempSync(join(tmpdir(), 'tfa-bench-package-'));
    try {
      const local = await createLocalIdentity({ commonName: 'TF Assessor bench', keyType: 'ecdsa-p256', validityDays: 2 });
      const sign = cmsManifestSigner(local.identity);
      const verifySignature = cmsManifestVerifier({ trustAnchors: [local.caCertificate] });
      await largePackage(root, print, sign, verifySignature);
      collectGarbage();
      await batch(root, print, sign, verifySignature);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  },
};

async function largePackage(root: string, print: (line: string) => void, sign: ReturnType<typeof cmsManifestSigner>, verifySignature: VerifyManifestSignature): Promise<void> {
  const sizeMb = Number(process.env.TFA_BENCH_PACKAGE_MB ?? '1024');
  const perFile = Math.ceil((sizeMb * MiB) / EVIDENCE_FILES);
  const chunk = Buffer.allocUnsafe(16 * MiB);
  const evidence: string[] = [];
  for (let i = 0; i < EVIDENCE_FILES; i++) {
    const file = join(root, `evidence-${i}.bin`);
    const fd = openSync(file, 'w');
    for (let written = 0; written < perFile; written += chunk.length) {
      randomFillSync(chunk);
      writeSync(fd, chunk, 0, Math.min(chunk.length, perFile - written));
    }
    closeSync(fd);
    evidence.push(file);
  }
  const pkg = join(root, 'large.tfpkg');
  const files = [...baseFiles(), ...evidence.map((source, i) => ({ path: `evidence/recording-${i}.bin`, role: 'evidence' as const, source }))];
  print(`package — verifying a package with ${sizeMb} MiB of evidence (${EVIDENCE_FILES} files of random bytes; signature: detached CMS, ECDSA P-256, core/signing)`);
  let t0 = performance.now();
  const written = await writePackage(pkg, { manifestInfo: info, files, sign });
  const writeMs = performance.now() - t0;
  print(`  writePackage (stream, hash, CRC, fsync, rename)       ${ms(writeMs)}  = ${(mb(written.size) / (writeMs / 1000)).toFixed(0)} MiB/s`);

  // Warm page cache; alternate the tools so both see the same machine load.
  const openssl = () => {
    const s = performance.now();
    const r = spawnSync('openssl', ['dgst', '-sha256', '-r', ...evidence], { encoding: 'utf8' });
    return r.status === 0 ? performance.now() - s : null;
  };
  const ours = async () => {
    const s = performance.now();
    expectValid(await verifyPackage(pkg, { verifySignature }));
    return performance.now() - s;
  };
  await ours();
  const runs: { openssl: number[]; ours: number[] } = { openssl: [], ours: [] };
  for (let k = 0; k < 3; k++) {
    const o = openssl();
    if (o !== null) runs.openssl.push(o);
    runs.ours.push(await ours());
  }
  const best = (xs: number[]) => Math.min(...xs);
  const rate = (t: number) => `${(sizeMb / (t / 1000)).toFixed(0)} MiB/s`;
  print(`  verifyPackage (names, layout, CRC-32, SHA-256, CMS)    best ${rate(best(runs.ours))}   (${runs.ours.map((t) => ms(t)).join(', ')})`);
  if (runs.openssl.length > 0) {
    print(`  openssl dgst -sha256 over the ${EVIDENCE_FILES} evidence files       best ${rate(best(runs.openssl))}   (${runs.openssl.map((t) => ms(t)).join(', ')})`);
    print(`  throughput ratio verifyPackage / openssl: ${(best(runs.openssl) / best(runs.ours)).toFixed(2)} (best of 3 each; target ≥ ${RATIO_TARGET})`);
  } else print('  openssl not found: no throughput ratio');

  collectGarbage();
  const before = process.memoryUsage();
  let peakRss = before.rss;
  let peakBuffers = before.arrayBuffers;
  const sample = () => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakBuffers = Math.max(peakBuffers, m.arrayBuffers);
  };
  const sampler = setInterval(sample, 5);
  t0 = performance.now();
  expectValid(await verifyPackage(pkg, { verifySignature }));
  clearInterval(sampler);
  sample();
  print(
    `  memory while verifying (sampled every 5 ms): RSS peak ${mb(peakRss).toFixed(0)} MB (target < ${RSS_TARGET_MB} MB: ${(mb(peakRss) / RSS_TARGET_MB).toFixed(2)}× target), ` +
      `${mb(peakRss - before.rss).toFixed(1)} MB above the ${mb(before.rss).toFixed(0)} MB before; Buffers peak ${mb(peakBuffers - before.arrayBuffers).toFixed(1)} MB above`,
  );
  rmSync(pkg);
  for (const f of evidence) rmSync(f);
}

async function batch(root: string, print: (line: string) => void, sign: ReturnType<typeof cmsManifestSigner>, verifySignature: VerifyManifestSignature): Promise<void> {
  const paths: string[] = [];
  let bytes = 0;
  for (let i = 0; i < BATCH; i++) {
    const evidence = Array.from({ length: 20 }, (_, k) => {
      const b = Buffer.allocUnsafe(40_000 + ((i * 7919 + k * 104_729) % 200_000));
      randomFillSync(b);
      return { path: `evidence/screenshot-${k}.png`, role: 'evidence' as const, source: b };
    });
    const p = join(root, `small-${i}.tfpkg`);
    bytes += (await writePackage(p, { manifestInfo: info, files: [...baseFiles(i), ...evidence], sign })).size;
    paths.push(p);
  }
  const workers = availableParallelism();
  print(`package — ${BATCH} small packages (22 files, ${(mb(bytes) / BATCH).toFixed(1)} MB each on average), verified in one batch`);
  await verifyPackages(paths.slice(0, 10), { verifySignature });
  let t0 = performance.now();
  for (const p of paths) expectValid(await verifyPackage(p, { verifySignature }));
  const sequential = performance.now() - t0;
  t0 = performance.now();
  const reports = await verifyPackages(paths, { verifySignature, concurrency: workers });
  const concurrent = performance.now() - t0;
  reports.forEach(expectValid);
  print(`  one after another                 ${ms(sequential)}  = ${(BATCH / (sequential / 1000)).toFixed(0)} packages/s, ${ms(sequential / BATCH)} each`);
  print(`  ${workers} at a time (availableParallelism)   ${ms(concurrent)}  = ${(BATCH / (concurrent / 1000)).toFixed(0)} packages/s, ${(sequential / concurrent).toFixed(2)}× one after another`);
}
