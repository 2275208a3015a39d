import type { Api, ApiResult, EvidenceSource } from '../../../core/api/contract';
import type { AppCommand } from '../../../core/api/commands';

declare global {
  interface Window {
    /** Exposed by the Electron preload; absent in the browser preview. */
    api?: Api;
    /** Desktop drag and drop (electron/preload/intake.ts); absent in the browser preview. */
    intake?: { registerFile(assessment: string, file: File): Promise<ApiResult<EvidenceSource>> };
    /** Application menu commands (electron/preload/commands.ts); absent in the browser preview. */
    commands?: { onCommand(callback: (name: AppCommand) => void): () => void };
  }
}

export {};
