/**
 * Handlers of the channels in core/api/contract-export.ts. Pure Node (no Electron import):
 * the same functions serve IPC and the browser bridge. Electron-only capabilities come in
 * through `ExportHandlerDeps` (injected by electron/main/index.ts; absent in the preview).
 */
import type { ArgsOf, ResultOf } from '../../core/api/contract';
import { exportChannels } from '../../core/api/contract-export';
import type { AssessmentService } from './services/assessments';

type ExportChannel = keyof typeof exportChannels;
export type ExportHandlers = { [C in ExportChannel]: (args: ArgsOf<C>) => Promise<ResultOf<C>> };

/** Extra dependencies of these handlers; every field optional (HandlerDeps extends this). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in by the area's work
export interface ExportHandlerDeps {}

export function createExportHandlers(deps: ExportHandlerDeps & { dataDir: string; host: 'electron' | 'bridge' }, assessments: AssessmentService): ExportHandlers {
  void deps;
  void assessments;
  return {} as ExportHandlers;
}
