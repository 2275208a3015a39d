/**
 * `window.intake`: desktop drag and drop (docs/decisions/0010-evidence-intake.md). The page
 * hands over a `File`; the path is looked up here with `webUtils.getPathForFile`, which knows
 * it only for files the user gave the page through the OS (a drop, `<input type=file>`), and
 * goes to main on a private channel. The page never sees or names a path.
 *
 * #region SECURITY-SENSITIVE — a File the page made itself has no path and is refused here.
 */
import { ApiResultSchema, EvidenceSource, Handle, type ApiResult } from '../../core/api/contract';
import { INTAKE_FILE_CHANNEL } from '../common/private-channels';

export type PathForFile = (file: File) => string;
export type PrivateInvoke = (channel: typeof INTAKE_FILE_CHANNEL, args: { assessment: string; path: string }) => Promise<unknown>;

export interface Intake {
  /** Registers a dropped or picked file as an evidence source of an open assessment. Never rejects. */
  registerFile(assessment: string, file: File): Promise<ApiResult<EvidenceSource>>;
}

const resultSchema = ApiResultSchema(EvidenceSource);

function failure(code: 'bad-request' | 'internal', message: string): ApiResult<never> {
  return { ok: false, error: { code, message } };
}

export function buildIntake(pathForFile: PathForFile, invoke: PrivateInvoke): Readonly<Intake> {
  return Object.freeze({
    async registerFile(assessment: string, file: File): Promise<ApiResult<EvidenceSource>> {
      if (!Handle.safeParse(assessment).success) return failure('bad-request', 'No open assessment to add the file to.');
      let path = '';
      try {
        path = pathForFile(file);
      } catch {
        path = '';
      }
      if (typeof path !== 'string' || path === '') {
        return failure('bad-request', 'This item is not a file from your computer: drag files from a folder, or use “Add files”.');
      }
      let raw: unknown;
      try {
        raw = await invoke(INTAKE_FILE_CHANNEL, { assessment, path });
      } catch {
        return failure('internal', 'TF Assessor could not reach its background process. Restart the app; your saved work is safe.');
      }
      const parsed = resultSchema.safeParse(raw);
      return parsed.success ? (parsed.data as ApiResult<EvidenceSource>) : failure('internal', 'TF Assessor received an invalid answer for a dropped file. Please report this.');
    },
  });
}
// #endregion
