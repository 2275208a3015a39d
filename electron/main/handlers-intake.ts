/**
 * Handlers of the channels in core/api/contract-intake.ts. Pure Node (no Electron import):
 * the same functions serve IPC and the browser bridge. Electron-only capabilities come in
 * through `IntakeHandlerDeps` (injected by electron/main/index.ts; absent in the preview).
 */
import type { ArgsOf, ResultOf } from '../../core/api/contract';
import { intakeChannels } from '../../core/api/contract-intake';
import type { AssessmentService } from './services/assessments';

type IntakeChannel = keyof typeof intakeChannels;
export type IntakeHandlers = { [C in IntakeChannel]: (args: ArgsOf<C>) => Promise<ResultOf<C>> };

/** Extra dependencies of these handlers; every field optional (HandlerDeps extends this). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in by the area's work
export interface IntakeHandlerDeps {}

export function createIntakeHandlers(deps: IntakeHandlerDeps & { dataDir: string; host: 'electron' | 'bridge' }, assessments: AssessmentService): IntakeHandlers {
  void deps;
  void assessments;
  return {} as IntakeHandlers;
}
