/**
 * Batch intake on every core: `verifyIntake` spread over worker threads.
 *
 * `verifyIntakes` runs packages concurrently in one thread, which overlaps only the I/O and
 * zlib; CMS and PDF signature checks, pack loading and rescoring are JavaScript and take
 * turns on one core. A certification body verifying a hundred submissions wants all of its
 * cores, and a hostile package that makes the verifier allocate without bound should take
 * down one bounded worker, not the whole batch. So each worker gets its own heap limit;
 * a worker that dies fails only the package it held (reported, with the reason) and is
 * replaced for the rest of the batch.
 *
 * The worker script is the bundled `intake-worker.cjs` (scripts/build.mjs writes it beside
 * the CLI). Without it (running from sources), the batch falls back to `verifyIntakes`.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { INTAKE_CHECK_IDS, verifyIntakes, type IntakeCheck, type IntakeOptions, type IntakeReport } from './intake';
import type { PackRoot } from './packs';

/** What a worker needs to verify packages: everything in IntakeOptions that can cross a thread. */
export interface IntakeWorkerData {
  trustAnchors: Uint8Array[];
  trustedPacks: PackRoot[];
  at?: string;
  limits?: IntakeOptions['limits'];
}
export type IntakeWorkerRequest = { id: number; path: string };
export type IntakeWorkerReply = { id: number; report: IntakeReport } | { id: number; error: string };

export interface IntakePoolOptions extends Omit<IntakeOptions, 'packCache'> {
  /** The bundled worker script (`intake-worker.cjs`); absent or missing → in-thread `verifyIntakes`. */
  workerScript?: string;
  /** Worker threads (default one per available CPU, at most one per package). */
  workers?: number;
  /** Heap limit of each worker in MiB (default 768): a hostile package fails alone. */
  maxHeapMb?: number;
}

/** A report for a package whose verification could not finish (its worker died). */
function crashedReport(path: string, why: string): IntakeReport {
  const checks = INTAKE_CHECK_IDS.map(
    (id): IntakeCheck => (id === 'zip-structure' ? { id, status: 'failed', reason: `the package could not be verified: ${why}` } : { id, status: 'skipped', reason: 'not checked' }),
  );
  return { ok: false, package: path, checks };
}

/**
 * Verifies several packages on worker threads; reports come back in the order of `paths`,
 * exactly as `verifyIntakes` would give them.
 */
export async function verifyIntakesParallel(paths: readonly string[], options: IntakePoolOptions): Promise<IntakeReport[]> {
  const count = Math.max(1, Math.min(options.workers ?? availableParallelism(), paths.length));
  if (!options.workerScript || !existsSync(options.workerScript) || count < 2) {
    return verifyIntakes(paths, { ...options, concurrency: options.workers ?? availableParallelism() });
  }
  const script = options.workerScript;
  const workerData: IntakeWorkerData = {
    trustAnchors: options.trustAnchors.map((a) => Uint8Array.from(a)),
    trustedPacks: options.trustedPacks,
    ...(options.at && { at: options.at.toISOString() }),
    ...(options.limits && { limits: options.limits }),
  };
  const reports = new Array<IntakeReport>(paths.length);
  let next = 0;

  // One loop per worker slot: take the next package, send it, wait for the answer; replace
  // the worker when it dies, failing the package it was holding.
  const slot = async (): Promise<void> => {
    let worker: Worker | null = null;
    let pending: { id: number; resolve: (r: IntakeWorkerReply) => void } | null = null;
    const spawn = () => {
      const w = new Worker(script, { workerData, resourceLimits: { maxOldGenerationSizeMb: options.maxHeapMb ?? 768 } });
      w.on('message', (reply: IntakeWorkerReply) => {
        if (pending && reply.id === pending.id) {
          const p = pending;
          pending = null;
          p.resolve(reply);
        }
      });
      const died = (why: string) => {
        if (worker === w) worker = null;
        if (pending) {
          const p = pending;
          pending = null;
          p.resolve({ id: p.id, error: why });
        }
      };
      w.on('error', (err) => died(err instanceof Error ? err.message : String(err)));
      w.on('exit', (code) => died(`the verifier stopped (exit code ${code})`));
      return w;
    };
    try {
      while (next < paths.length) {
        const id = next++;
        worker ??= spawn();
        const w = worker;
        const reply = await new Promise<IntakeWorkerReply>((resolve) => {
          pending = { id, resolve };
          w.postMessage({ id, path: paths[id]! } satisfies IntakeWorkerRequest);
        });
        reports[id] = 'report' in reply ? reply.report : crashedReport(paths[id]!, reply.error);
      }
    } finally {
      const w = worker as Worker | null;
      if (w) await w.terminate();
    }
  };
  await Promise.all(Array.from({ length: count }, slot));
  return reports;
}
