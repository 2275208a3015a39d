/**
 * Where a file dropped on the desktop window may come from. The path reaches main from the
 * preload (`webUtils.getPathForFile`), so a compromised renderer process could send any path:
 * main refuses what the user cannot have meant to hand over as evidence — the app's own data
 * folder (other assessments, keys, settings) — and anything that is not a regular file.
 *
 * #region SECURITY-SENSITIVE — dropped-file.test.ts covers each refused case.
 */
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { ApiFailure } from '../../../core/api/contract';
import { apiErrorCode, storageErrorFrom } from '../../../core/node/fs-port';

/** True when `child` is `parent` or inside it (both absolute, already resolved). */
export function isInside(parent: string, child: string, pathApi: Pick<typeof path, 'relative' | 'isAbsolute' | 'sep'> = path): boolean {
  const rel = pathApi.relative(parent, child);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${pathApi.sep}`) && !pathApi.isAbsolute(rel));
}

async function resolved(p: string): Promise<string> {
  try {
    return await realpath(p);
  } catch {
    // The data folder may not exist yet: nothing inside it can be dropped then.
    return path.resolve(p);
  }
}

/**
 * Checks a dropped file's path and returns it resolved (symbolic links followed), the path to
 * read the evidence from.
 * @throws ApiFailure `invalid-input` for a relative path, a file inside `dataDir` or a
 *   non-regular file; `not-found` and other storage codes when it cannot be read.
 */
export async function checkDroppedFile(file: string, dataDir: string, platform: NodeJS.Platform = process.platform): Promise<string> {
  if (!path.isAbsolute(file) || file.includes('\0')) {
    throw new ApiFailure('invalid-input', 'The dropped item has no usable location on this computer: drag the file from a folder, or use “Add files”.');
  }
  const data = await resolved(dataDir);
  // Windows and macOS folders usually ignore case: a differently cased path is the same folder.
  const fold = platform === 'win32' || platform === 'darwin' ? (s: string) => s.toLowerCase() : (s: string) => s;
  const refuse = (): never => {
    throw new ApiFailure('invalid-input', `${path.basename(file)} is inside TF Assessor’s own data folder and cannot be added as evidence: copy it somewhere else first.`);
  };
  // Checked as written first, so a refusal says nothing about which files exist in there.
  if (isInside(fold(path.resolve(dataDir)), fold(path.resolve(file))) || isInside(fold(data), fold(path.resolve(file)))) refuse();
  let real: string;
  try {
    real = await realpath(file);
  } catch (err) {
    const e = storageErrorFrom(err, 'read the dropped file', file);
    throw new ApiFailure(apiErrorCode(e.code), e.message);
  }
  if (isInside(fold(data), fold(real))) refuse();
  const st = await stat(real).catch((err: unknown) => {
    const e = storageErrorFrom(err, 'read the dropped file', file);
    throw new ApiFailure(apiErrorCode(e.code), e.message);
  });
  if (!st.isFile()) throw new ApiFailure('invalid-input', `${path.basename(file)} is not a regular file: drop files, not folders or devices.`);
  return real;
}
// #endregion
