/**
 * The export worker (bundled to out/main/export-worker.cjs and dist/export-worker.cjs by
 * scripts/build.mjs): runs one export from `workerData` (an ExportRequest) and posts its
 * steps and its result or one-line failure to the thread that started it, which then ends
 * this thread. No Electron here: a worker has none.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { exportAssessment } from '../../../core/node/export';
import { exportOptionsFor, failureOf, type ExportRequest, type WorkerMessage } from './export-jobs';

const port = parentPort;
if (!port) throw new Error('export-worker runs as a worker thread only');
const post = (m: WorkerMessage) => port.postMessage(m);
const request = workerData as ExportRequest;

exportAssessment(request.workspaceDir, exportOptionsFor(request, (step, detail) => post({ type: 'progress', step, ...(detail !== undefined && { detail }) })))
  .then((result) => post({ type: 'done', result }))
  .catch((err: unknown) => post({ type: 'failed', ...failureOf(err) }));
