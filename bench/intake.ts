/**
 * Certification-body batch intake: 100 real signed submission packages (a sample assessment
 * exported with a local CA: PAdES PDF, signed XLSX, signed manifest) verified with every
 * intake check — archive, manifest signature, trusted pack, recomputed levels, PDF and XLSX
 * signatures — first in one thread (`verifyIntakes`, concurrent I/O only), then on worker
 * threads (`verifyIntakesParallel`, what `tf-assessor verify` uses), one per core.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoCommand } from '../cli/commands/demo';
import { exportAssessment } from '../core/node/export';
import { verifyIntakes, type IntakeReport } from '../core/node/intake';
import { verifyIntakesParallel } from '../core/node/intake-pool';
import { defaultPackRoots } from '../core/node/packs';
import { createLocalIdentity } from '../core/signing/local-identity';
import { ms, type BenchSection } from './harness';

const BATCH = 100;

function expectAllValid(reports: IntakeReport[]): void {
  const bad = reports.find((r) => !r.ok);
  if (bad) throw new Error(`intake bench: ${bad.package} did not verify: ${bad.checks.find((c) => c.status !== 'passed')?.reason}`);
}

export const intakeBench: BenchSection = {
  name: 'intake',
  async run(print) {
    const root = mkdtempSync(join(tmpdir(), 'tfa-bench-intake-'));
    try {
      const ws = join(root, 'ws');
      const sink: string[] = [];
      if ((await demoCommand.run({ argv: [ws], stdout: (t) => sink.push(t), stderr: (t) => sink.push(t), env: process.env, cwd: root })) !== 0) throw new Error(`demo failed: ${sink.join('')}`);
      const local = await createLocalIdentity({ commonName: 'ベンチ 審査員', keyType: 'ecdsa-p256', validityDays: 30 });
      const roots = defaultPackRoots(process.env);
      const exported = await exportAssessment(ws, { outDir: join(root, 'out'), lang: 'ja', identity: local.identity, packRoots: roots });
      const paths = Array.from({ length: BATCH }, (_, i) => {
        const p = join(root, `submission-${i}.tfpkg`);
        copyFileSync(exported.package.path, p);
        return p;
      });
      const options = { trustAnchors: [local.caCertificate], trustedPacks: roots };
      const cores = availableParallelism();
      print(`intake — ${BATCH} signed submissions (${(exported.package.size / 1024).toFixed(0)} KB each, every intake check), ${cores} cores`);
      expectAllValid(await verifyIntakes(paths.slice(0, 4), options));
      let t0 = performance.now();
      expectAllValid(await verifyIntakes(paths, { ...options, concurrency: cores }));
      const oneThread = performance.now() - t0;
      t0 = performance.now();
      expectAllValid(await verifyIntakesParallel(paths, { ...options, workers: cores, workerScript: join(__dirname, 'intake-worker.cjs') }));
      const workers = performance.now() - t0;
      print(`  one thread (${cores} at a time)          ${ms(oneThread)}  = ${(BATCH / (oneThread / 1000)).toFixed(1)} packages/s`);
      print(`  ${cores} worker threads                  ${ms(workers)}  = ${(BATCH / (workers / 1000)).toFixed(1)} packages/s, ${(oneThread / workers).toFixed(2)}× one thread (ideal ${cores}×)`);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  },
};
