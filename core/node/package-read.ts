/**
 * Reads one entry of a package, streamed, for previewing evidence or loading assessment.json
 * and the criteria pack from a package that was verified earlier. The same limits apply as
 * when verifying (the entry is found by exact name, its headers checked, its content counted,
 * CRC-checked and, given the manifest's SHA-256, compared with it), because the file may have
 * changed since it was verified.
 */
import { createHash } from 'node:crypto';
import type yauzl from 'yauzl';
import { ZipBudget } from '../interchange/zip-preflight';
import { packageLimits, type PackageLimits } from '../package/limits';
import { checkEntryName, collisionKey, decodeEntryName, printableName } from '../package/names';
import { FLAG_DESCRIPTOR, FLAG_UTF8 } from '../package/zip-layout';
import { ArchiveProblem, entryContent, errorText, openArchive, type OpenArchive } from './package-zip';

export type PackageReadErrorCode = 'not-a-package' | 'not-found' | 'refused' | 'too-large' | 'damaged' | 'modified';

export class PackageReadError extends Error {
  constructor(
    readonly code: PackageReadErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'PackageReadError';
  }
}

export interface ReadPackageEntryOptions {
  /** Most bytes the entry may inflate to (also bounded by the package limits). */
  maxBytes: number;
  /** The SHA-256 the verified manifest lists: the stream fails at its end if the content differs. */
  expectedSha256?: string;
  limits?: Partial<PackageLimits>;
}

function asReadError(err: unknown): PackageReadError {
  if (err instanceof PackageReadError) return err;
  if (err instanceof ArchiveProblem) return new PackageReadError(err.check === 'entry-limits' ? 'too-large' : 'damaged', err.message);
  return new PackageReadError('damaged', `the package could not be read: ${errorText(err)}`);
}

/**
 * Streams the content of entry `name` (exact path, as listed in the manifest). Chunks may be
 * kept by the caller. The content is authentic only once the iteration has completed without
 * error: CRC-32, the declared size and `expectedSha256` are checked after the last chunk.
 * @throws PackageReadError — `not-a-package`, `not-found`, `refused` (unsafe or colliding
 *   name, not a regular file), `too-large` (over `maxBytes` or a zip-bomb limit), `damaged`,
 *   `modified` (SHA-256 differs from `expectedSha256`).
 */
export async function* readPackageEntry(path: string, name: string, options: ReadPackageEntryOptions): AsyncGenerator<Uint8Array, void> {
  const limits = packageLimits(options.limits);
  const bad = checkEntryName(name);
  if (bad) throw new PackageReadError('refused', `cannot read ${bad.message}`);
  let archive: OpenArchive;
  try {
    archive = await openArchive(path, limits.maxEntries);
  } catch (err) {
    const e = asReadError(err);
    throw new PackageReadError('not-a-package', e.message);
  }
  try {
    const wanted = Buffer.from(name, 'utf8');
    const key = collisionKey(name);
    let found: yauzl.Entry | undefined;
    try {
      for await (const entry of archive.zip.eachEntry()) {
        const entryName = decodeEntryName(entry.fileNameRaw);
        if (entry.fileNameRaw.equals(wanted)) {
          if (found) throw new PackageReadError('refused', `the package holds "${printableName(name)}" twice`);
          found = entry;
        } else if (entryName !== null && collisionKey(entryName) === key) {
          throw new PackageReadError('refused', `the package holds both "${printableName(name)}" and "${printableName(entryName)}", one file on Windows and macOS`);
        }
      }
    } catch (err) {
      if (err instanceof PackageReadError) throw err;
      throw new PackageReadError('damaged', `the central directory is damaged: ${errorText(err)}`);
    }
    if (!found) throw new PackageReadError('not-found', `the package has no "${printableName(name)}"`);
    const entry = found;
    const type = (entry.externalFileAttributes >>> 16) & 0o170000;
    if (type !== 0o100000) throw new PackageReadError('refused', `"${printableName(name)}" is not a regular file in the package`);
    const flags = entry.generalPurposeBitFlag;
    if ((flags & ~FLAG_DESCRIPTOR) !== FLAG_UTF8 || (entry.compressionMethod !== 0 && entry.compressionMethod !== 8)) {
      throw new PackageReadError('damaged', `"${printableName(name)}" is not stored the way TF Assessor writes packages`);
    }
    const maxBytes = Math.min(options.maxBytes, limits.maxEntryBytes);
    if (entry.uncompressedSize > maxBytes) throw new PackageReadError('too-large', `"${printableName(name)}" holds ${entry.uncompressedSize} bytes; at most ${maxBytes} are read`);
    let dataStart: number;
    try {
      const local = await archive.zip.readLocalFileHeaderPromise(entry);
      if (!Buffer.from(local.fileName).equals(entry.fileNameRaw)) throw new PackageReadError('damaged', `the local header of "${printableName(name)}" names another file`);
      dataStart = local.fileDataStart;
    } catch (err) {
      throw asReadError(err);
    }
    const budget = new ZipBudget({ ...limits, maxEntryBytes: maxBytes });
    const hash = options.expectedSha256 ? createHash('sha256') : null;
    try {
      const content = entryContent(
        archive.fh,
        { label: `"${printableName(name)}"`, dataStart, compressedSize: entry.compressedSize, uncompressedSize: entry.uncompressedSize, method: entry.compressionMethod, crc32: entry.crc32 },
        budget,
        { reuseBuffers: null },
      );
      for await (const chunk of content) {
        hash?.update(chunk);
        yield chunk;
      }
    } catch (err) {
      throw asReadError(err);
    }
    if (hash && hash.digest('hex') !== options.expectedSha256) {
      throw new PackageReadError('modified', `"${printableName(name)}" differs from the manifest: the package changed since it was verified`);
    }
  } finally {
    await archive.close().catch(() => undefined);
  }
}

/** Reads a whole entry into memory (assessment.json, the pack): `readPackageEntry` collected. */
export async function readPackageEntryBytes(path: string, name: string, options: ReadPackageEntryOptions): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const chunk of readPackageEntry(path, name, options)) parts.push(chunk);
  return new Uint8Array(Buffer.concat(parts));
}
