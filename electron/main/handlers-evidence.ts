/**
 * Handlers of the channels in core/api/contract-evidence.ts. Pure Node (no Electron import):
 * the same functions serve IPC and the browser bridge. Electron-only capabilities come in
 * through `EvidenceHandlerDeps` (injected by electron/main/index.ts; absent in the preview).
 */
import type { ArgsOf, ResultOf } from '../../core/api/contract';
import { evidenceChannels } from '../../core/api/contract-evidence';
import { buildEvidencePreview } from '../../core/node/evidence-preview';
import type { AssessmentService } from './services/assessments';

type EvidenceChannel = keyof typeof evidenceChannels;
export type EvidenceHandlers = { [C in EvidenceChannel]: (args: ArgsOf<C>) => Promise<ResultOf<C>> };

/** Extra dependencies of these handlers; every field optional (HandlerDeps extends this). */
export interface EvidenceHandlerDeps {
  /** Largest evidence file previewed, in bytes (default `PREVIEW_LIMIT_BYTES`). */
  evidencePreviewLimit?: number;
}

export function createEvidenceHandlers(deps: EvidenceHandlerDeps & { dataDir: string; host: 'electron' | 'bridge' }, assessments: AssessmentService): EvidenceHandlers {
  return {
    'tfa:evidence:preview': async ({ handle, hash }) => {
      const source = await assessments.openEvidenceBlob(handle, hash);
      return buildEvidencePreview(hash, source, { ...(deps.evidencePreviewLimit !== undefined && { limit: deps.evidencePreviewLimit }) });
    },
  };
}
