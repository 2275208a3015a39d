/**
 * The evidence store of a workspace: `evidence/<sha256>` blobs, read-only once captured,
 * never modified, plus `evidence/<sha256>.json` metadata written by the workspace.
 *
 * A blob's name is its SHA-256, so the name proves the content (re-hash to check), the same
 * bytes are stored once, and no original file name — hostile ones included — ever becomes
 * part of a path.
 */
import { createHash, randomBytes } from 'node:crypto';
import { open } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { sanitizeDisplayName } from '../assessment/display-name';
import type { EvidenceItem } from '../assessment/schema';
import { fsyncDir } from './atomic-file';
import { StorageError, errno, nodeFs, storageErrorFrom, writeAll, type FileHandlePort, type FsPort } from './fs-port';

export { sanitizeDisplayName };

export const EVIDENCE_DIR = 'evidence';
/** Read size: large reads keep SHA-256 at the speed of `openssl dgst` (small ones cost syscalls). */
export const READ_CHUNK = 4 * 1024 * 1024;

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** True for a lowercase hex SHA-256, the only form a blob name can take. */
export function isSha256Hex(value: string): boolean {
  return SHA256_HEX.test(value);
}

/**
 * Path of a blob. The hash is checked first, so the result is always directly inside
 * `<workspace>/evidence/`.
 * @throws StorageError `invalid-input` for anything but a SHA-256.
 */
export function evidenceBlobPath(workspaceDir: string, hash: string): string {
  if (!isSha256Hex(hash)) throw new StorageError('invalid-input', 'Evidence is identified by its SHA-256 (64 lowercase hex characters).');
  return join(workspaceDir, EVIDENCE_DIR, hash);
}

/** Path of a blob's metadata file. */
export function evidenceMetaPath(workspaceDir: string, hash: string): string {
  return `${evidenceBlobPath(workspaceDir, hash)}.json`;
}

/**
 * Reads a file chunk by chunk into two reused buffers, reading the next chunk while the
 * caller processes the current one (`onChunk` must be done with the buffer when its promise
 * settles). Reused buffers matter: a fresh 4 MiB buffer per chunk costs page faults that
 * halve hashing throughput, and memory stays at two chunks whatever the file size.
 */
async function readChunks(path: string, chunkSize: number, onChunk: (bytes: Buffer) => void | Promise<void>): Promise<number> {
  const fh = await open(path, 'r');
  try {
    const buffers = [Buffer.allocUnsafe(chunkSize), Buffer.allocUnsafe(chunkSize)];
    let current = 0;
    let size = 0;
    let pending = fh.read(buffers[0]!, 0, chunkSize, null);
    for (;;) {
      const { bytesRead } = await pending;
      if (bytesRead === 0) return size;
      size += bytesRead;
      const bytes = buffers[current]!.subarray(0, bytesRead);
      current ^= 1;
      pending = fh.read(buffers[current]!, 0, chunkSize, null);
      try {
        await onChunk(bytes);
      } catch (err) {
        await pending.catch(() => undefined);
        throw err;
      }
    }
  } finally {
    await fh.close();
  }
}

/** SHA-256 and size of a file, streamed (memory stays at two read chunks). */
export async function hashFile(path: string, chunkSize: number = READ_CHUNK): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  const size = await readChunks(path, chunkSize, (bytes) => {
    hash.update(bytes);
  });
  return { sha256: hash.digest('hex'), size };
}

/** Tells a failure writing into the workspace from a failure reading the source. */
class WriteFailure {
  constructor(readonly cause: unknown) {}
}

export interface StoredBlob {
  hash: string;
  size: number;
  /** The workspace already held these bytes; nothing new was written. */
  existed: boolean;
}

/**
 * Copies a file into the evidence store while hashing it: the bytes are streamed into a
 * temp file in `evidence/`, fsynced, made read-only and then linked to `evidence/<sha256>`
 * (link refuses to replace, so an existing blob is never touched). Memory stays at a few
 * read chunks whatever the file size.
 * @throws StorageError — `not-found`, `invalid-input` (not a regular file), `disk-full`,
 *   `read-only`, `corrupt` (a blob with that name but another size), `io`.
 */
export async function storeBlob(workspaceDir: string, sourcePath: string, options: { fs?: FsPort; chunkSize?: number } = {}): Promise<StoredBlob> {
  const fs = options.fs ?? nodeFs;
  const dir = join(workspaceDir, EVIDENCE_DIR);
  let st;
  try {
    st = await nodeFs.stat(sourcePath);
  } catch (err) {
    throw storageErrorFrom(err, 'read the evidence file', sourcePath);
  }
  // A FIFO or device would block or never end: only regular files are evidence.
  if (!st.isFile()) throw new StorageError('invalid-input', `${sourcePath} is not a regular file: choose a file to add as evidence.`);
  await fs.mkdir(dir).catch((err: unknown) => {
    throw storageErrorFrom(err, 'create the evidence folder', dir);
  });
  const tmp = join(dir, `.capture.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let fh: FileHandlePort | undefined;
  try {
    fh = await fs.open(tmp, 'wx', 0o600);
  } catch (err) {
    throw storageErrorFrom(err, 'store the evidence file', dir);
  }
  const out = fh;
  const hash = createHash('sha256');
  let size = 0;
  try {
    try {
      size = await readChunks(sourcePath, options.chunkSize ?? READ_CHUNK, async (bytes) => {
        hash.update(bytes);
        try {
          await writeAll(out, bytes);
        } catch (err) {
          throw new WriteFailure(err);
        }
      });
    } catch (err) {
      if (err instanceof WriteFailure) throw storageErrorFrom(err.cause, 'store the evidence file', dir);
      throw storageErrorFrom(err, 'read the evidence file', sourcePath);
    }
    try {
      await out.sync();
      fh = undefined;
      await out.close();
      // Evidence never changes after capture; read-only says so to every other program too.
      await fs.chmod(tmp, 0o444);
    } catch (err) {
      throw storageErrorFrom(err, 'store the evidence file', dir);
    }
    const digest = hash.digest('hex');
    const target = join(dir, digest);
    const existed = await linkNoReplace(fs, tmp, target, size);
    await fsyncDir(dir, fs);
    return { hash: digest, size, existed };
  } finally {
    await fh?.close().catch(() => undefined);
    await removeReadOnly(fs, tmp);
  }
}

async function linkNoReplace(fs: FsPort, tmp: string, target: string, size: number): Promise<boolean> {
  try {
    await fs.link(tmp, target);
    return false;
  } catch (err) {
    const code = errno(err);
    if (code === 'EEXIST') {
      const existing = await fs.stat(target);
      if (existing.size !== size) {
        throw new StorageError('corrupt', `${target} exists but has ${existing.size} bytes instead of ${size}: that evidence file was altered. Verify the workspace's evidence.`);
      }
      return true;
    }
    if (!['EPERM', 'ENOTSUP', 'ENOSYS', 'EXDEV'].includes(code ?? '')) throw storageErrorFrom(err, 'store the evidence file', target);
  }
  // No hard links on this file system: rename, after checking by hand that nothing is replaced.
  try {
    const existing = await fs.stat(target);
    if (existing.size !== size) throw new StorageError('corrupt', `${target} exists but has ${existing.size} bytes instead of ${size}: that evidence file was altered.`);
    return true;
  } catch (err) {
    if (errno(err) !== 'ENOENT') throw err;
  }
  try {
    await fs.rename(tmp, target);
  } catch (err) {
    throw storageErrorFrom(err, 'store the evidence file', target);
  }
  return false;
}

/** Unlinks a read-only temp file (Windows refuses to delete read-only files). */
export async function removeReadOnly(fs: FsPort, path: string): Promise<void> {
  try {
    await fs.unlink(path);
  } catch (err) {
    if (errno(err) === 'EPERM') {
      await fs.chmod(path, 0o600).catch(() => undefined);
      await fs.unlink(path).catch(() => undefined);
    }
  }
}

export interface BlobCheck {
  hash: string;
  /** The blob exists and its content hashes to its name. */
  ok: boolean;
  missing: boolean;
  /** SHA-256 of the content found (absent when missing). */
  actual?: string;
  size?: number;
}

/** Re-hashes a blob: proves the stored file is, bit for bit, the file that was collected. */
export async function verifyBlob(workspaceDir: string, hash: string): Promise<BlobCheck> {
  const path = evidenceBlobPath(workspaceDir, hash);
  try {
    const { sha256, size } = await hashFile(path);
    return { hash, ok: sha256 === hash, missing: false, actual: sha256, size };
  } catch (err) {
    if (errno(err) === 'ENOENT') return { hash, ok: false, missing: true };
    throw storageErrorFrom(err, 'read the evidence file', path);
  }
}

/** The metadata file's content: everything known about a blob, for people and tools browsing the folder. */
export function evidenceMetadata(hash: string, item: EvidenceItem, linkedCriteria: readonly string[]): Record<string, unknown> {
  return {
    sha256: hash,
    name: item.name,
    mediaType: item.mediaType,
    size: item.size,
    capturedAt: item.capturedAt,
    capturedBy: item.capturedBy,
    ...(item.description !== undefined && { description: item.description }),
    linkedCriteria: [...linkedCriteria],
    ...(item.recaptures && { recaptures: item.recaptures }),
  };
}

const MEDIA_TYPES: Record<string, string> = {
  '.pdf': 'application/pdf',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.heic': 'image/heic',
  '.tif': 'image/tiff',
  '.tiff': 'image/tiff',
  '.svg': 'image/svg+xml',
  '.mp4': 'video/mp4',
  '.mov': 'video/quicktime',
  '.webm': 'video/webm',
  '.m4a': 'audio/mp4',
  '.mp3': 'audio/mpeg',
  '.wav': 'audio/wav',
  '.txt': 'text/plain',
  '.md': 'text/markdown',
  '.csv': 'text/csv',
  '.json': 'application/json',
  '.xml': 'application/xml',
  '.html': 'text/html',
  '.eml': 'message/rfc822',
  '.msg': 'application/vnd.ms-outlook',
  '.zip': 'application/zip',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.pptx': 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  '.doc': 'application/msword',
  '.xls': 'application/vnd.ms-excel',
};

/** Media type from a (display) name's extension; `application/octet-stream` when unknown. */
export function guessMediaType(name: string): string {
  const ext = extname(name).toLowerCase();
  return Object.hasOwn(MEDIA_TYPES, ext) ? MEDIA_TYPES[ext]! : 'application/octet-stream';
}
