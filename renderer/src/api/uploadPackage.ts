// The browser preview's way to hand a submitted package to main: `PUT /upload?purpose=package`
// on the bridge, the same route, token and body as an evidence upload (api/upload.ts), but not
// tied to an open assessment. The answer's `source` goes to `tfa:reviews:import`. The desktop
// app picks packages with its native dialog instead. Never rejects.
import { ApiResultSchema, EvidenceSource, type ApiResult } from '../../../core/api/contract';
import { TOKEN_HEADER } from './bridge';
import { currentToken } from './token';
import { canUploadFiles } from './upload';

/** Streams one `.tfpkg` file to main; the source to import, or why it could not be sent. */
export async function uploadPackageFile(file: Blob & { name: string }, fetchImpl: typeof fetch = globalThis.fetch.bind(globalThis)): Promise<ApiResult<EvidenceSource>> {
  if (!canUploadFiles()) {
    return { ok: false, error: { code: 'bad-request', message: 'In the desktop app, choose packages with the "Import packages" button (the file dialog).' } };
  }
  const token = currentToken();
  if (!token) {
    return { ok: false, error: { code: 'forbidden', message: 'The preview session token is missing: open the address printed by npm run preview (it ends with #token=…).' } };
  }
  const query = new URLSearchParams({ purpose: 'package', name: file.name || 'package.tfpkg' });
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
