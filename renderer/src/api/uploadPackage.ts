// The browser preview's way to hand a submitted package to main: `PUT /upload?purpose=package`
// on the bridge, the same route, token and body as an evidence upload (api/upload.ts), but not
// tied to an open assessment. The answer's `source` goes to `tfa:reviews:import`. The desktop
// app picks packages with its native dialog instead. Never rejects.
import type { ApiResult, EvidenceSource } from '../../../core/api/contract';
import { putUpload } from './upload';

/** Streams one `.tfpkg` file to main; the source to import, or why it could not be sent. */
export function uploadPackageFile(file: Blob & { name: string }, fetchImpl: typeof fetch = globalThis.fetch.bind(globalThis)): Promise<ApiResult<EvidenceSource>> {
  return putUpload(
    new URLSearchParams({ purpose: 'package', name: file.name || 'package.tfpkg' }),
    file,
    'In the desktop app, choose packages with the "Import packages" button (the file dialog).',
    fetchImpl,
  );
}
