/**
 * Exports running off the main thread. Rendering a report is seconds of synchronous pdfmake
 * work and up to a gigabyte of memory (docs/decisions/0009, 0011): in main it would freeze
 * every window and keep that memory. Each export runs in its own worker_threads Worker
 * (bundled as export-worker.cjs next to the main bundle), which reports its steps and exits
 * when done, so its heap is returned at once. See docs/decisions/0012-export-in-the-app.md.
 *
 * Pure Node (no Electron import).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ExportStepName } from '../../../core/api/contract-export';
import { exportAssessment, ExportError, type ExportOptions, type ExportResult, type ExportStep } from '../../../core/node/export';
import type { PackRoot } from '../../../core/node/packs';
import type { SigningIdentity } from '../../../core/signing/keys';
import { newHandle } from './assessment-registry';

/** What an export needs, as plain data that crosses to a worker (structured clone). */
export interface ExportRequest {
  workspaceDir: string;
  outDir: string;
  lang: 'ja' | 'en';
  /** The template folder (resolved in main, so the worker discovers nothing on its own). */
  template: string;
  /** The report fonts folder (templates/fonts). */
  fontsDir: string;
  /** Unlocked in main (the key protector lives there); copied into the worker only. */
  identity: SigningIdentity | null;
  /** ISO time of the export: report date and signing time. */
  signingTime: string;
  include: { evidence: boolean; oscal: boolean };
  timeZone: string;
  packRoots: PackRoot[];
}

/** Messages from the worker. */
export type WorkerMessage =
  | { type: 'progress'; step: ExportStep; detail?: string }
  | { type: 'done'; result: ExportResult }
  | { type: 'failed'; code: string; message: string };

/** Why an export failed, one line. `code` is an ExportError code or `internal`. */
export class ExportJobError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ExportJobError';
  }
}

/** Runs one export; `signal` aborts it (the runner rejects as soon as it has stopped). */
export type ExportRunner = (request: ExportRequest, onProgress: (step: ExportStep, detail?: string) => void, signal?: AbortSignal) => Promise<ExportResult>;

/** The options exportAssessment gets for a request: the app holds the workspace lock itself. */
export function exportOptionsFor(request: ExportRequest, onProgress: (step: ExportStep, detail?: string) => void): ExportOptions {
  return {
    outDir: request.outDir,
    lang: request.lang,
    template: request.template,
    fontsDir: request.fontsDir,
    ...(request.identity && { identity: request.identity }),
    signingTime: new Date(request.signingTime),
    include: request.include,
    timeZone: request.timeZone,
    lock: false,
    packRoots: request.packRoots,
    onProgress: (p) => onProgress(p.step, p.detail),
  };
}

/** A one-line reason from whatever an export threw. */
export function failureOf(err: unknown): { code: string; message: string } {
  if (err instanceof ExportError || err instanceof ExportJobError) return { code: err.code, message: err.message };
  return { code: 'internal', message: err instanceof Error ? err.message.split('\n')[0]! : String(err) };
}

/**
 * Where the worker bundle is: beside the running bundle (out/main in the app, dist/ for the
 * preview), or dist/ when main runs from source (tests). null when it was never built.
 */
export function findExportWorker(here: string = __dirname): string | null {
  for (const candidate of [join(here, 'export-worker.cjs'), join(here, '..', '..', '..', 'dist', 'export-worker.cjs')]) {
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

/** Runs each export in a fresh Worker from `script`; the worker is ended when the export is. */
export function workerRunner(script: string | (() => string | null)): ExportRunner {
  return (request, onProgress, signal) =>
    new Promise<ExportResult>((resolve, reject) => {
      if (signal?.aborted) {
        reject(new ExportJobError('cancelled', 'The export was cancelled.'));
        return;
      }
      const path = typeof script === 'string' ? script : script();
      if (!path || !existsSync(path)) {
        reject(new ExportJobError('internal', 'The export component (export-worker.cjs) is missing from this installation: rebuild (node scripts/build.mjs) or reinstall TF Assessor.'));
        return;
      }
      let settled = false;
      const worker = new Worker(path, { workerData: request, stdout: false, stderr: false });
      // The unlocked key now lives in the worker's copy only.
      request.identity?.privateKey.fill(0);
      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        fn();
        // The export is over either way: end the thread now so its memory goes with it.
        void worker.terminate();
      };
      // Cancelling ends the thread at once: whatever it was rendering or writing stops there.
      signal?.addEventListener('abort', () => finish(() => reject(new ExportJobError('cancelled', 'The export was cancelled.'))), { once: true });
      worker.on('message', (m: WorkerMessage) => {
        if (m.type === 'progress') onProgress(m.step, m.detail);
        else if (m.type === 'done') finish(() => resolve(m.result));
        else if (m.type === 'failed') finish(() => reject(new ExportJobError(m.code, m.message)));
      });
      worker.on('error', (err) => finish(() => reject(new ExportJobError('internal', `The export stopped: ${err.message.split('\n')[0]}`))));
      worker.on('exit', (code) =>
        finish(() => reject(new ExportJobError('internal', `The export stopped before it finished (exit code ${code}); the computer may be short of memory. Close other programs and export again.`))),
      );
    });
}

/** Runs the export in this thread (tests; and the baseline the worker is measured against). */
export function inProcessRunner(): ExportRunner {
  return (request, onProgress) => exportAssessment(request.workspaceDir, exportOptionsFor(request, onProgress));
}

export interface ExportJob<R> {
  job: string;
  key: string;
  state: 'running' | 'done' | 'failed' | 'cancelled';
  step: ExportStepName;
  steps: ExportStepName[];
  startedAt: Date;
  endedAt: Date | null;
  result: R | null;
  error: { code: string; message: string } | null;
}

export interface ExportJobs<R> {
  /**
   * Starts `run` as a job for `key` (an assessment). Refuses (returns null) while a job of the
   * same key runs: one export per assessment at a time.
   */
  start(key: string, steps: ExportStepName[], run: (progress: (step: ExportStep) => void, signal: AbortSignal) => Promise<R>): ExportJob<R> | null;
  /** Aborts a running job; it ends as `cancelled` once its run has stopped. False when not running. */
  cancel(job: string): boolean;
  get(job: string): ExportJob<R> | undefined;
  running(key: string): ExportJob<R> | undefined;
  last(key: string): ExportJob<R> | undefined;
  /** Settles when every running job has (app quit). */
  idle(): Promise<void>;
}

/** Finished jobs kept for status queries; older ones are forgotten. */
const KEEP_FINISHED = 50;

export function createExportJobs<R>(options: { now?: () => Date } = {}): ExportJobs<R> {
  const now = options.now ?? (() => new Date());
  const jobs = new Map<string, ExportJob<R>>();
  const latest = new Map<string, string>();
  const pending = new Set<Promise<unknown>>();
  const controllers = new Map<string, AbortController>();

  function prune(): void {
    const finished = [...jobs.values()].filter((j) => j.state !== 'running');
    for (const j of finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED))) jobs.delete(j.job);
  }

  return {
    start(key, steps, run) {
      if (this.running(key)) return null;
      const job: ExportJob<R> = { job: newHandle(), key, state: 'running', step: steps[0] ?? 'workspace', steps, startedAt: now(), endedAt: null, result: null, error: null };
      jobs.set(job.job, job);
      latest.set(key, job.job);
      const controller = new AbortController();
      controllers.set(job.job, controller);
      const p = run((step) => {
        if (job.state === 'running') job.step = step;
      }, controller.signal).then(
        (result) => {
          job.result = result;
          job.step = 'done';
          job.state = 'done';
        },
        (err: unknown) => {
          if (controller.signal.aborted) job.state = 'cancelled';
          else {
            job.error = failureOf(err);
            job.state = 'failed';
          }
        },
      );
      const tracked = p.finally(() => {
        controllers.delete(job.job);
        job.endedAt = now();
        pending.delete(tracked);
        prune();
      });
      pending.add(tracked);
      return job;
    },
    get: (id) => jobs.get(id),
    cancel(id) {
      const c = controllers.get(id);
      if (!c || jobs.get(id)?.state !== 'running') return false;
      c.abort();
      return true;
    },
    running(key) {
      const id = latest.get(key);
      const j = id ? jobs.get(id) : undefined;
      return j?.state === 'running' ? j : undefined;
    },
    last(key) {
      const id = latest.get(key);
      return id ? jobs.get(id) : undefined;
    },
    async idle() {
      await Promise.allSettled([...pending]);
    },
  };
}
