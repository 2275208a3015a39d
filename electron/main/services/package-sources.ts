/**
 * Submitted packages on their way into a review, named by opaque single-use source handles so
 * the renderer never names a path (as for evidence, docs/decisions/0010-evidence-intake.md):
 * - desktop: a file chosen in main's native dialog, or one the OS asked the app to open;
 * - preview: bytes streamed to `PUT /upload?purpose=package`, written to a temp file in
 *   `<dataDir>/reviews/.incoming/` (hashed while received, so importing it is a rename).
 * `tfa:reviews:import` takes the source.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, stat, unlink } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ApiFailure } from '../../../core/api/contract';
import { sanitizeDisplayName } from '../../../core/assessment/display-name';
import { apiErrorCode, storageErrorFrom } from '../../../core/node/fs-port';
import { DEFAULT_PACKAGE_LIMITS, type PackageLimits } from '../../../core/package/limits';
import { newHandle } from './assessment-registry';
import { UploadTooLargeError } from './evidence-intake';

/** A source not imported within this time is dropped (and its upload deleted). */
export const PACKAGE_SOURCE_TTL_MS = 60 * 60 * 1000;
/** Sources waiting at once: bounds what a runaway page can pile up. */
export const MAX_PENDING_PACKAGES = 100;
export const INCOMING_DIR = '.incoming';

/**
 * The largest package file accepted: every entry at the package limits (content, manifest,
 * signature) plus the ZIP's own headers (at most ~2.2 KiB per entry with the longest names).
 * Anything larger could not verify anyway, so it is refused before it fills the disk.
 */
export function maxPackageFileBytes(limits: PackageLimits = DEFAULT_PACKAGE_LIMITS): number {
  return limits.maxTotalBytes + limits.maxManifestBytes + limits.maxSignatureBytes + limits.maxEntries * 2300 + 64 * 1024;
}

/** The upload is larger than any package can be; the bridge answers 413. */
export class PackageTooLargeError extends UploadTooLargeError {
  constructor(limit: number) {
    super(limit);
    this.name = 'PackageTooLargeError';
    const size = limit >= 1024 ** 3 ? `${(limit / 1024 ** 3).toFixed(1)} GiB` : limit >= 1024 ** 2 ? `${(limit / 1024 ** 2).toFixed(1)} MiB` : `${limit} bytes`;
    this.message = `The file is larger than ${size}, more than a submission package can hold: it is not a package TF Assessor can verify.`;
  }
}

export interface PackageSource {
  id: string;
  path: string;
  /** Sanitized display name. */
  name: string;
  size: number;
  /** An upload written by us (deleted once imported or dropped); false for the user's own file. */
  temporary: boolean;
  /** SHA-256 of an upload, computed while it arrived. */
  sha256?: string;
  createdAt: number;
}

export interface PackageUpload {
  /** The file's name as the client gives it (untrusted; display text only). */
  name: string;
  body: Readable;
  /** Content-Length, when the client sent one: checked before and after. */
  declaredLength?: number;
}

export interface SourceView {
  source: string;
  name: string;
  size: number;
}

export class PackageSources {
  private readonly items = new Map<string, PackageSource>();

  constructor(
    /** `<dataDir>/reviews`: uploads land in its `.incoming/` folder (same file system as the reviews). */
    private readonly reviewsDir: string,
    private readonly maxBytes: number = maxPackageFileBytes(),
    private readonly now: () => number = Date.now,
  ) {}

  get incomingDir(): string {
    return join(this.reviewsDir, INCOMING_DIR);
  }

  private view(item: PackageSource): SourceView {
    return { source: item.id, name: item.name, size: item.size };
  }

  private async admit(): Promise<void> {
    await this.sweep();
    if (this.items.size >= MAX_PENDING_PACKAGES) {
      throw new ApiFailure('conflict', `${this.items.size} packages are already waiting to be imported: import them first.`);
    }
  }

  private put(item: Omit<PackageSource, 'id' | 'createdAt'>): SourceView {
    const full: PackageSource = { ...item, id: newHandle(), createdAt: this.now() };
    this.items.set(full.id, full);
    return this.view(full);
  }

  /**
   * Registers a file chosen in a native dialog or opened by the OS (main side only).
   * @throws ApiFailure `invalid-input` (not a regular file, too large), storage codes.
   */
  async registerFile(path: string): Promise<SourceView> {
    await this.admit();
    let st;
    try {
      st = await stat(path);
    } catch (err) {
      const e = storageErrorFrom(err, 'read the chosen package', path);
      throw new ApiFailure(apiErrorCode(e.code), e.message);
    }
    // A FIFO or device would block or never end: only regular files are packages.
    if (!st.isFile()) throw new ApiFailure('invalid-input', `${sanitizeDisplayName(basename(path))} is not a regular file: choose a .tfpkg package.`);
    if (st.size > this.maxBytes) throw new ApiFailure('invalid-input', new PackageTooLargeError(this.maxBytes).message);
    return this.put({ path, name: sanitizeDisplayName(basename(path)), size: st.size, temporary: false });
  }

  /**
   * Streams an upload into `.incoming/`, counting and hashing bytes as they arrive (a chunked
   * body has no length to trust), and stops at the package size limit.
   * @throws PackageTooLargeError, or ApiFailure (`disk-full`, `read-only`, `bad-request` when cut off).
   */
  async receive(upload: PackageUpload): Promise<SourceView> {
    const { declaredLength } = upload;
    const maxBytes = this.maxBytes;
    if (declaredLength !== undefined && declaredLength > maxBytes) throw new PackageTooLargeError(maxBytes);
    await this.admit();
    try {
      await mkdir(this.incomingDir, { recursive: true, mode: 0o700 });
    } catch (err) {
      const e = storageErrorFrom(err, 'receive the package', this.incomingDir);
      throw new ApiFailure(apiErrorCode(e.code), e.message);
    }
    const tmp = join(this.incomingDir, `upload.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    let size = 0;
    const hash = createHash('sha256');
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        size += chunk.length;
        if (size > maxBytes) {
          done(new PackageTooLargeError(maxBytes));
          return;
        }
        hash.update(chunk);
        done(null, chunk);
      },
    });
    try {
      await pipeline(upload.body, counter, createWriteStream(tmp, { flags: 'wx', mode: 0o600 }));
    } catch (err) {
      await unlink(tmp).catch(() => undefined);
      if (err instanceof ApiFailure) throw err;
      const code = (err as NodeJS.ErrnoException)?.code;
      if (code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE' || code === 'ABORT_ERR') {
        throw new ApiFailure('bad-request', 'The upload was interrupted before the whole package arrived. Upload it again.');
      }
      const e = storageErrorFrom(err, 'receive the package', this.incomingDir);
      throw new ApiFailure(apiErrorCode(e.code), e.message);
    }
    if (declaredLength !== undefined && size !== declaredLength) {
      await unlink(tmp).catch(() => undefined);
      throw new ApiFailure('bad-request', `The upload ended after ${size} of ${declaredLength} bytes. Upload the package again.`);
    }
    return this.put({ path: tmp, name: sanitizeDisplayName(upload.name || 'package.tfpkg'), size, temporary: true, sha256: hash.digest('hex') });
  }

  /**
   * Takes a source for importing (single use).
   * @throws ApiFailure `not-found`.
   */
  take(id: string): PackageSource {
    const item = this.items.get(id);
    if (!item || this.now() - item.createdAt > PACKAGE_SOURCE_TTL_MS) {
      throw new ApiFailure('not-found', 'This package is no longer waiting to be imported (it was imported already, or it expired): choose it again.');
    }
    this.items.delete(id);
    return item;
  }

  /** Puts a taken source back (importing failed before anything was kept). */
  restore(item: PackageSource): void {
    this.items.set(item.id, item);
  }

  /** Deletes an upload once imported or dropped. The user's own files are never touched. */
  async release(item: PackageSource): Promise<void> {
    if (item.temporary) await unlink(item.path).catch(() => undefined);
  }

  /** Sources waiting now. */
  pending(): number {
    return this.items.size;
  }

  /**
   * Removes uploads an earlier run left in `.incoming/`: sources live in memory only, so
   * those can never be imported. This run's files (its pid in the name) are left alone, as
   * one may be arriving right now.
   */
  async removeLeftovers(): Promise<void> {
    const names = await readdir(this.incomingDir).catch(() => [] as string[]);
    for (const n of names) {
      const m = /^upload\.(\d+)\.[0-9a-f]{12}\.tmp$/.exec(n);
      if (m && Number(m[1]) !== process.pid) await unlink(join(this.incomingDir, n)).catch(() => undefined);
    }
  }

  private async sweep(): Promise<void> {
    const cutoff = this.now() - PACKAGE_SOURCE_TTL_MS;
    for (const item of [...this.items.values()]) {
      if (item.createdAt >= cutoff) continue;
      this.items.delete(item.id);
      await this.release(item);
    }
  }
}
