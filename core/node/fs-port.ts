/**
 * The file-system port the storage layer writes through. Production code uses `nodeFs`;
 * tests inject a wrapper that fails writes with ENOSPC, EROFS or EACCES — the only way to
 * test those paths when tests run as root (chmod does not stop root).
 */
import * as fsp from 'node:fs/promises';
import type { ErrorCode } from '../api/contract';

export interface FileHandlePort {
  write(data: Uint8Array, offset: number, length: number): Promise<{ bytesWritten: number }>;
  sync(): Promise<void>;
  datasync(): Promise<void>;
  truncate(length: number): Promise<void>;
  close(): Promise<void>;
}

export interface StatPort {
  size: number;
  mtimeMs: number;
  isFile(): boolean;
  isDirectory(): boolean;
}

export interface FsPort {
  open(path: string, flags: string, mode?: number): Promise<FileHandlePort>;
  readFile(path: string): Promise<Buffer>;
  rename(from: string, to: string): Promise<void>;
  link(existing: string, newPath: string): Promise<void>;
  unlink(path: string): Promise<void>;
  mkdir(path: string): Promise<void>;
  readdir(path: string): Promise<string[]>;
  stat(path: string): Promise<StatPort>;
  chmod(path: string, mode: number): Promise<void>;
}

/** The real file system. */
export const nodeFs: FsPort = {
  async open(path, flags, mode) {
    const fh = await fsp.open(path, flags, mode);
    return {
      write: (data, offset, length) => fh.write(data, offset, length),
      sync: () => fh.sync(),
      datasync: () => fh.datasync(),
      truncate: (length) => fh.truncate(length),
      close: () => fh.close(),
    };
  },
  readFile: (path) => fsp.readFile(path),
  rename: (from, to) => fsp.rename(from, to),
  link: (existing, newPath) => fsp.link(existing, newPath),
  unlink: (path) => fsp.unlink(path),
  mkdir: async (path) => {
    await fsp.mkdir(path, { recursive: true });
  },
  readdir: (path) => fsp.readdir(path),
  stat: (path) => fsp.stat(path),
  chmod: (path, mode) => fsp.chmod(path, mode),
};

/** Writes every byte (a single write may be short). */
export async function writeAll(fh: FileHandlePort, data: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < data.length) {
    const { bytesWritten } = await fh.write(data, offset, data.length - offset);
    if (bytesWritten <= 0) throw Object.assign(new Error('write made no progress'), { code: 'EIO' });
    offset += bytesWritten;
  }
}

export type StorageErrorCode =
  | 'invalid-input'
  | 'disk-full'
  | 'read-only'
  | 'io'
  | 'locked'
  | 'corrupt'
  | 'not-found'
  | 'exists'
  | 'closed'
  | 'newer-format';

/** A storage failure with a code a program can branch on and one line a user can act on. */
export class StorageError extends Error {
  constructor(
    readonly code: StorageErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StorageError';
  }
}

/** The errno of a Node error, if any. */
export function errno(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'string' ? (err as { code: string }).code : undefined;
}

/**
 * Maps a Node error to a StorageError whose message says what failed and what to do.
 * `action` reads like "save journal.jsonl" and `path` is the file or folder concerned.
 */
export function storageErrorFrom(err: unknown, action: string, path: string): StorageError {
  if (err instanceof StorageError) return err;
  const code = errno(err);
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return new StorageError('disk-full', `Disk full: could not ${action} (${path}). Free space on that drive, then retry.`, { cause: err });
    case 'EROFS':
    case 'EACCES':
    case 'EPERM':
      return new StorageError('read-only', `Cannot write to ${path} (${code === 'EROFS' ? 'read-only drive' : 'permission denied'}): could not ${action}. Move the assessment folder to a writable place or fix its permissions, then retry.`, { cause: err });
    case 'ENOENT':
      return new StorageError('not-found', `Could not ${action}: ${path} does not exist.`, { cause: err });
    default:
      return new StorageError('io', `Could not ${action} (${path}): ${(err as Error)?.message ?? String(err)}.`, { cause: err });
  }
}

/** The API contract's error code for a storage error (`tfa:*` handlers return these). */
export function apiErrorCode(code: StorageErrorCode): ErrorCode {
  switch (code) {
    case 'disk-full':
    case 'read-only':
    case 'invalid-input':
    case 'not-found':
    case 'io':
      return code;
    case 'locked':
    case 'exists':
    case 'closed':
      return 'conflict';
    case 'newer-format':
      return 'invalid-input';
    case 'corrupt':
      return 'io';
  }
}
