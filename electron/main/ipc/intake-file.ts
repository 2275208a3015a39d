/**
 * The private channel of desktop drag and drop (docs/decisions/0010-evidence-intake.md):
 * the preload sends `{ assessment, path }` for a file the user dropped, main registers it as
 * an evidence source and answers `{ source, name, size }`. Not a contract channel, so neither
 * the browser bridge nor `window.api` can carry a path.
 *
 * #region SECURITY-SENSITIVE — the sender check runs before anything else, as in register.ts.
 */
import { ipcMain, type IpcMainInvokeEvent } from 'electron';
import { z } from 'zod';
import { ApiFailure, Handle, type ApiResult, type EvidenceSource } from '../../../core/api/contract';
import { INTAKE_FILE_CHANNEL } from '../../common/private-channels';
import type { AssessmentService } from '../services/assessments';
import { isTrustedSender } from '../security/sender';

/** Longest path accepted (Windows long paths reach 32,767 UTF-16 units). */
const MAX_PATH = 32767;

const Args = z.strictObject({ assessment: Handle, path: z.string().min(1).max(MAX_PATH) });

/** Registers the drop channel; returns a function that removes it again. */
export function registerIntakeFileChannel(service: Pick<AssessmentService, 'registerDroppedFile'>): () => void {
  ipcMain.handle(INTAKE_FILE_CHANNEL, async (event: IpcMainInvokeEvent, raw: unknown): Promise<ApiResult<EvidenceSource>> => {
    if (!isTrustedSender(event)) {
      return { ok: false, error: { code: 'forbidden', message: 'This request did not come from the TF Assessor window and was refused.' } };
    }
    const args = Args.safeParse(raw);
    if (!args.success) return { ok: false, error: { code: 'bad-request', message: 'Invalid request to add a dropped file.' } };
    try {
      return { ok: true, value: await service.registerDroppedFile(args.data.assessment, args.data.path) };
    } catch (err) {
      if (err instanceof ApiFailure) return { ok: false, error: { code: err.code, message: err.message } };
      return { ok: false, error: { code: 'internal', message: err instanceof Error ? err.message : String(err) } };
    }
  });
  return () => ipcMain.removeHandler(INTAKE_FILE_CHANNEL);
}
// #endregion
