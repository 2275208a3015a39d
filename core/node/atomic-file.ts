import { randomBytes } from 'node:crypto';
import { dirname, basename, join } from 'node:path';
import { errno, nodeFs, writeAll, type FsPort } from './fs-port';

export interface AtomicWriteOptions {
  fs?: FsPort;
  /** Mode of the new file (default 0o600: assessments are confidential). */
  mode?: number;
  /**
   * fsync the directory after the rename (default true). Writers replacing many files in
   * one folder pass false and call `fsyncDir` once at the end.
   */
  syncDir?: boolean;
  /** Keep the previous content under this path (a hard link: no copy, no extra data written). */
  backup?: string;
}

/** Temp files are `.<name>.<pid>.<random>.tmp` beside the target; a crash may leave some behind. */
export function isAtomicTempName(name: string): boolean {
  return /^\..+\.\d+\.[0-9a-f]{12}\.tmp$/.test(name);
}

/**
 * Writes a file so that a crash at any moment leaves either the old or the new content,
 * never a mix: write a temp file beside it, fsync it, rename over the target, fsync the
 * directory so the rename itself is durable. On failure the target is untouched and the
 * temp file removed.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  const fs = options.fs ?? nodeFs;
  const dir = dirname(path);
  await fs.mkdir(dir);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const fh = await fs.open(tmp, 'wx', options.mode ?? 0o600);
  try {
    await writeAll(fh, bytes);
    await fh.sync();
  } catch (err) {
    await fh.close().catch(() => undefined);
    await fs.unlink(tmp).catch(() => undefined);
    throw err;
  }
  await fh.close();
  try {
    if (options.backup) await linkBackup(fs, path, options.backup);
    await fs.rename(tmp, path);
  } catch (err) {
    await fs.unlink(tmp).catch(() => undefined);
    throw err;
  }
  if (options.syncDir !== false) await fsyncDir(dir, fs);
}

async function linkBackup(fs: FsPort, path: string, backup: string): Promise<void> {
  // Nothing to back up: keep the existing backup, it may be the only good copy left.
  try {
    await fs.stat(path);
  } catch (err) {
    if (errno(err) === 'ENOENT') return;
    throw err;
  }
  await fs.unlink(backup).catch((err: unknown) => {
    if (errno(err) !== 'ENOENT') throw err;
  });
  try {
    await fs.link(path, backup);
  } catch (err) {
    // No previous file, or a file system without hard links (FAT, some network shares):
    // the backup is a convenience — the journal can always rebuild the document.
    if (!['ENOENT', 'EPERM', 'ENOTSUP', 'EXDEV', 'ENOSYS', 'EMLINK'].includes(errno(err) ?? '')) throw err;
  }
}

/** fsync a directory so a rename or create inside it survives power loss (no-op where unsupported). */
export async function fsyncDir(dir: string, fs: FsPort = nodeFs): Promise<void> {
  let fh;
  try {
    fh = await fs.open(dir, 'r');
    await fh.sync();
  } catch {
    // Windows cannot open directories for sync; rename is already durable enough there.
  } finally {
    await fh?.close().catch(() => undefined);
  }
}
