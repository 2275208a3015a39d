/**
 * Writes a submission package: every file streamed into the ZIP (hashed on the way, never held
 * whole), then manifest.json listing them and manifest.json.p7s signing its exact bytes. The
 * ZIP takes the one form described in core/package/zip-layout.ts (stored entries in path
 * order, fixed timestamps and permissions), so the same inputs give the same bytes on any
 * machine and in any time zone. The package appears atomically: it is written to a temp file
 * beside the target, fsynced and renamed.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { open, stat, unlink, rename } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import yazl from 'yazl';
import { packageLimits, type PackageLimits } from '../package/limits';
import { buildManifest, FILE_ROLES, MANIFEST_NAME, ManifestError, serializeManifest, SIGNATURE_NAME, type FileRole, type Manifest, type ManifestFile, type ManifestInfo } from '../package/manifest';
import { printableName } from '../package/names';
import type { SignManifest } from '../package/signature';
import { FILE_MODE } from '../package/zip-layout';
import { fsyncDir } from './atomic-file';

export interface PackageFileInput {
  /** Path inside the package (relative POSIX path, see core/package/names.ts). */
  path: string;
  role: FileRole;
  /** The content, or the path of a file on disk to stream it from. */
  source: Uint8Array | string;
}

export interface WritePackageOptions {
  manifestInfo: ManifestInfo;
  files: readonly PackageFileInput[];
  /**
   * Signs the exact manifest bytes (detached CMS). `null` writes an unsigned package (no
   * manifest.json.p7s), which verifiers report as not signed.
   */
  sign: SignManifest | null;
  /** The verifier's limits the package must stay within (default: the standard ones). */
  limits?: Partial<PackageLimits>;
}

export interface WrittenPackage {
  path: string;
  manifest: Manifest;
  manifestBytes: Uint8Array;
  /** The manifest signature (empty for an unsigned package). */
  signature: Uint8Array;
  /** Size of the package file. */
  size: number;
}

export type PackageWriteErrorCode = 'invalid-input' | 'not-found' | 'sign-failed' | 'io';

export class PackageWriteError extends Error {
  constructor(
    readonly code: PackageWriteErrorCode,
    message: string,
    readonly problems: readonly string[] = [message],
  ) {
    super(message);
    this.name = 'PackageWriteError';
  }
}

/** 1980-02-01 00:00 local time: yazl encodes local time, so this is DOS date 1980-02-01 00:00 everywhere (see zip-layout.ts). */
const FIXED_MTIME = (): Date => new Date(1980, 1, 1, 0, 0, 0);
const READ_CHUNK = 1024 * 1024;
const ZERO_SHA256 = '0'.repeat(64);

/** Counts and hashes what passes through. */
class Hasher extends Transform {
  readonly hash = createHash('sha256');
  size = 0;
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.hash.update(chunk);
    this.size += chunk.length;
    cb(null, chunk);
  }
}

function entryOptions(size: number): Partial<yazl.ReadStreamOptions> {
  return { compress: false, mtime: FIXED_MTIME(), mode: FILE_MODE, forceDosTimestamp: true, size };
}

/**
 * Writes the package to `outPath` (replacing it atomically if it exists).
 * @throws PackageWriteError — `invalid-input` (names, roles, sizes, missing assessment or pack;
 *   every problem listed), `not-found` (a source file), `sign-failed`, `io` (disk full, read
 *   errors, a source file changing size while it is read).
 */
export async function writePackage(outPath: string, options: WritePackageOptions): Promise<WrittenPackage> {
  const limits = packageLimits(options.limits);
  const files = [...options.files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

  // Everything that can be judged before writing: names, collisions, roles, the manifest's rules.
  for (const f of files) {
    if (!(FILE_ROLES as readonly string[]).includes(f.role)) throw new PackageWriteError('invalid-input', `"${printableName(f.path)}" has an unknown role "${String(f.role)}"`);
  }
  if (files.length + 2 > limits.maxEntries) throw new PackageWriteError('invalid-input', `${files.length} files are more than a package may hold (${limits.maxEntries - 2})`);
  try {
    buildManifest(options.manifestInfo, files.map((f) => ({ path: f.path, role: f.role, size: 0, sha256: ZERO_SHA256 })));
  } catch (err) {
    if (err instanceof ManifestError) throw new PackageWriteError('invalid-input', err.message, err.problems);
    throw err;
  }
  const sizes: number[] = [];
  let total = 0;
  for (const f of files) {
    let size: number;
    if (typeof f.source === 'string') {
      const st = await stat(f.source).catch((err: NodeJS.ErrnoException) => {
        throw new PackageWriteError(err.code === 'ENOENT' ? 'not-found' : 'io', `cannot read ${f.source as string} for "${printableName(f.path)}": ${err.code ?? err.message}`);
      });
      // A FIFO or device would block or never end.
      if (!st.isFile()) throw new PackageWriteError('invalid-input', `${f.source} is not a regular file`);
      size = st.size;
    } else size = f.source.length;
    if (size > limits.maxEntryBytes) throw new PackageWriteError('invalid-input', `"${printableName(f.path)}" is larger than a package entry may be (${limits.maxEntryBytes} bytes)`);
    total += size;
    sizes.push(size);
  }
  if (total > limits.maxTotalBytes) throw new PackageWriteError('invalid-input', `the files add up to more than a package may hold (${limits.maxTotalBytes} bytes)`);

  const dir = dirname(outPath);
  const tmp = join(dir, `.${basename(outPath)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const zip = new yazl.ZipFile();
  const out = createWriteStream(tmp, { flags: 'wx', mode: 0o600 });
  const sources: Readable[] = [];
  let failure: unknown;
  let fail!: (err: unknown) => void;
  const failed = new Promise<never>((_, reject) => {
    fail = (err: unknown) => {
      failure ??= err;
      reject(failure);
    };
  });
  failed.catch(() => undefined);
  zip.on('error', fail);
  out.on('error', fail);
  zip.outputStream.on('error', fail);
  const finished = new Promise<void>((resolve) => out.on('close', resolve));
  zip.outputStream.pipe(out);

  /** Adds one entry; resolves with its size and SHA-256 once yazl has consumed it. */
  const addEntry = (path: string, source: Uint8Array | string, size: number): Promise<{ size: number; sha256: string }> =>
    new Promise((resolve, reject) => {
      zip.addReadStreamLazy(path, entryOptions(size), (cb) => {
        const input =
          typeof source === 'string' ? createReadStream(source, { highWaterMark: READ_CHUNK }) : Readable.from([Buffer.from(source.buffer, source.byteOffset, source.byteLength)], { objectMode: false });
        const hasher = new Hasher({ highWaterMark: READ_CHUNK });
        sources.push(input);
        input.on('error', (err: Error) => {
          const e = new PackageWriteError('io', `cannot read ${typeof source === 'string' ? source : 'the content'} for "${printableName(path)}": ${err.message}`);
          hasher.destroy(e);
          reject(e);
          fail(e);
        });
        hasher.on('end', () => resolve({ size: hasher.size, sha256: hasher.hash.digest('hex') }));
        input.pipe(hasher);
        cb(null, hasher);
      });
    });

  try {
    const written = await Promise.race([Promise.all(files.map((f, i) => addEntry(f.path, f.source, sizes[i]!))), failed]);
    const listed: ManifestFile[] = files.map((f, i) => ({ path: f.path, role: f.role, size: written[i]!.size, sha256: written[i]!.sha256 }));
    const manifest = buildManifest(options.manifestInfo, listed);
    const manifestBytes = serializeManifest(manifest);
    let signature: Uint8Array = new Uint8Array(0);
    if (options.sign !== null) {
      try {
        signature = await options.sign(manifestBytes);
      } catch (err) {
        throw new PackageWriteError('sign-failed', `the manifest could not be signed: ${err instanceof Error ? err.message : String(err)}`);
      }
      if (!(signature instanceof Uint8Array) || signature.length === 0 || signature.length > limits.maxSignatureBytes) {
        throw new PackageWriteError('sign-failed', 'the signer returned no signature (or one larger than a package allows)');
      }
    }
    const tail = Promise.all([
      addEntry(MANIFEST_NAME, manifestBytes, manifestBytes.length),
      ...(options.sign !== null ? [addEntry(SIGNATURE_NAME, signature, signature.length)] : []),
    ]);
    zip.end();
    await Promise.race([tail, failed]);
    await Promise.race([finished, failed]);
    if (failure) throw failure;

    const fh = await open(tmp, 'r+');
    let size: number;
    try {
      await fh.sync();
      size = (await fh.stat()).size;
    } finally {
      await fh.close();
    }
    await rename(tmp, outPath);
    await fsyncDir(dir);
    return { path: outPath, manifest, manifestBytes, signature, size };
  } catch (err) {
    for (const s of sources) s.destroy();
    zip.outputStream.unpipe(out);
    out.destroy();
    await finishedOrTimeout(finished);
    await unlink(tmp).catch(() => undefined);
    if (err instanceof PackageWriteError) throw err;
    if (err instanceof ManifestError) throw new PackageWriteError('invalid-input', err.message, err.problems);
    const code = (err as NodeJS.ErrnoException).code;
    if (err instanceof Error && err.message.includes('unexpected number of bytes')) {
      throw new PackageWriteError('io', `a file changed while it was being packaged (its size differs from when the export started); export again`);
    }
    if (code === 'ENOSPC') throw new PackageWriteError('io', `the disk is full: ${outPath} could not be written; free some space and export again`);
    throw new PackageWriteError('io', `${outPath} could not be written: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Waits for the output stream to close after destroy (it always does, but never wait forever). */
async function finishedOrTimeout(finished: Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([finished, new Promise<void>((resolve) => (timer = setTimeout(resolve, 5000)))]);
  clearTimeout(timer);
}
