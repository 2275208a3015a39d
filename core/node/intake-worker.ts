/**
 * The worker thread of `verifyIntakesParallel` (bundled to intake-worker.cjs): verifies the
 * packages it is sent, one at a time, sharing its trusted-pack cache across them.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { verifyIntake, type IntakeOptions, type TrustedPackCache } from './intake';
import type { IntakeWorkerData, IntakeWorkerReply, IntakeWorkerRequest } from './intake-pool';

const data = workerData as IntakeWorkerData;
const packCache: TrustedPackCache = new Map();
const options: IntakeOptions = {
  trustAnchors: data.trustAnchors,
  trustedPacks: data.trustedPacks,
  packCache,
  ...(data.at && { at: new Date(data.at) }),
  ...(data.limits && { limits: data.limits }),
};

parentPort?.on('message', (request: IntakeWorkerRequest) => {
  const reply = (r: IntakeWorkerReply) => {
    try {
      parentPort!.postMessage(r);
    } catch {
      // A detail that cannot cross threads (structured clone refused it): send plain JSON data.
      parentPort!.postMessage(JSON.parse(JSON.stringify(r)) as IntakeWorkerReply);
    }
  };
  verifyIntake(request.path, options).then(
    (report) => reply({ id: request.id, report }),
    (err: unknown) => reply({ id: request.id, error: err instanceof Error ? err.message : String(err) }),
  );
});
