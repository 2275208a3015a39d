// Desktop drag and drop (docs/decisions/0010-evidence-intake.md): the preload's
// `window.intake.registerFile` turns a File the user dropped or picked in the page into an
// evidence source; the path stays between the preload and main. Absent in the browser
// preview, which uploads the bytes instead (./upload.ts). Like `api`, this never rejects.
import type { ApiResult, EvidenceSource } from '../../../core/api/contract';

/** True in the desktop app, where files dropped on the page are registered by the preload. */
export function canRegisterFiles(): boolean {
  return typeof window.intake?.registerFile === 'function';
}

/** Registers one dropped or picked file with the open assessment; the source to pass to `tfa:evidence:add`. */
export async function registerDroppedFile(assessment: string, file: File): Promise<ApiResult<EvidenceSource>> {
  const intake = window.intake;
  if (!intake) return { ok: false, error: { code: 'bad-request', message: 'Dropping files needs the desktop app; in the preview, files are uploaded.' } };
  try {
    return await intake.registerFile(assessment, file);
  } catch (err) {
    return { ok: false, error: { code: 'internal', message: err instanceof Error ? err.message : String(err) } };
  }
}
