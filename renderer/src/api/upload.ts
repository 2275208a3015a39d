// The browser preview's way to hand a file to main: PUT /upload on the bridge (see
// docs/decisions/0010-evidence-intake.md). The desktop app has no such route: there, files
// come from the native dialog (tfa:dialogs:pickEvidence). Like `api`, this never rejects.
import { ApiResultSchema, EvidenceSource, type ApiResult } from '../../../core/api/contract';
import { TOKEN_HEADER } from './bridge';
import { currentToken } from './token';

/** True when files picked or dropped in the page can be uploaded (the browser preview). */
export function canUploadFiles(): boolean {
  return !window.api;
}

/**
 * Streams one file to the open assessment's folder and returns the evidence source to pass to
 * `tfa:evidence:add`. The body is the File itself, so the browser streams it from disk.
 */
export function uploadEvidenceFile(assessment: string, file: Blob & { name: string }, fetchImpl: typeof fetch = globalThis.fetch.bind(globalThis)): Promise<ApiResult<EvidenceSource>> {
  return putUpload(
    new URLSearchParams({ assessment, name: file.name || 'file' }),
    file,
    'In the desktop app, add files with the "Add files" button (the file dialog).',
    fetchImpl,
  );
}

/**
 * `PUT /upload?<query>` with the session token, the file as the streamed body, and the answer
 * checked like an API result: the one route behind evidence and package uploads.
 * `desktopHint` is what to do instead when there is no bridge (the desktop app).
 */
export async function putUpload(query: URLSearchParams, file: Blob & { name: string }, desktopHint: string, fetchImpl: typeof fetch): Promise<ApiResult<EvidenceSource>> {
  if (!canUploadFiles()) return { ok: false, error: { code: 'bad-request', message: desktopHint } };
  const token = currentToken();
  if (!token) {
    return { ok: false, error: { code: 'forbidden', message: 'The preview session token is missing: open the address printed by npm run preview (it ends with #token=…).' } };
  }
  let response: Response;
  try {
    response = await fetchImpl(`/upload?${query.toString()}`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/octet-stream', [TOKEN_HEADER]: token },
      body: file,
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch {
    return { ok: false, error: { code: 'io', message: `Could not upload ${file.name}: the preview bridge did not answer. Is npm run preview still running?` } };
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    return { ok: false, error: { code: 'internal', message: `The preview bridge sent an unreadable answer to the upload of ${file.name} (HTTP ${response.status}).` } };
  }
  const parsed = ApiResultSchema(EvidenceSource).safeParse(body);
  if (!parsed.success) return { ok: false, error: { code: 'internal', message: `The preview bridge sent an unexpected answer to the upload of ${file.name} (HTTP ${response.status}).` } };
  return parsed.data as ApiResult<EvidenceSource>;
}
