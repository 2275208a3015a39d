/**
 * Files on their way to becoming evidence, named by opaque single-use source handles, so
 * the renderer never names a path:
 * - desktop: a file the user chose in main's native dialog (registered by path, in main);
 * - preview: bytes streamed to `PUT /upload`, written to a temp file inside the workspace.
 * `tfa:evidence:add` then takes the source and hands its file to `Workspace.addEvidence`.
 * See docs/decisions/0010-evidence-intake.md.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { stat, unlink } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ApiFailure, type EvidenceSource } from '../../../core/api/contract';
import { sanitizeDisplayName } from '../../../core/assessment/display-name';
import { apiErrorCode, storageErrorFrom } from '../../../core/node/fs-port';
import { newHandle } from './assessment-registry';

/** Largest upload the preview accepts by default (a long screen recording fits). */
export const DEFAULT_MAX_UPLOAD_BYTES = 4 * 1024 ** 3;
/** A source not added within this time is dropped (and its upload deleted). */
export const SOURCE_TTL_MS = 60 * 60 * 1000;
/** Sources waiting per assessment: bounds what a runaway page can pile up. */
export const MAX_PENDING_SOURCES = 200;

/** The upload went past the size limit; the bridge answers 413. */
export class UploadTooLargeError extends ApiFailure {
  constructor(readonly limit: number) {
    super('bad-request', `The file is larger than ${formatBytes(limit)}, the most this app accepts in one upload. Add it from the desktop app, or split it.`);
    this.name = 'UploadTooLargeError';
  }
}

export interface IntakeItem {
  id: string;
  /** The assessment handle the source belongs to: it cannot be added anywhere else. */
  assessment: string;
  path: string;
  /** Sanitized display name. */
  name: string;
  size: number;
  /** An upload written by us (deleted once added or dropped); false for the user's own file. */
  temporary: boolean;
  createdAt: number;
}

export interface ReceiveOptions {
  assessment: string;
  /** The workspace's evidence folder: uploads land beside the blobs (same file system). */
  evidenceDir: string;
  /** The file's name as the client gives it (untrusted; display text only). */
  name: string;
  body: Readable;
  maxBytes: number;
  /** Content-Length, when the client sent one: checked before and after. */
  declaredLength?: number;
}

function formatBytes(n: number): string {
  return n >= 1024 ** 3 ? `${(n / 1024 ** 3).toFixed(1)} GiB` : `${(n / 1024 ** 2).toFixed(1)} MiB`;
}

export class EvidenceIntake {
  private readonly items = new Map<string, IntakeItem>();

  constructor(private readonly now: () => number = Date.now) {}

  private toSource(item: IntakeItem): EvidenceSource {
    return { source: item.id, name: item.name, size: item.size };
  }

  private async admit(assessment: string): Promise<void> {
    await this.sweep();
    let pending = 0;
    for (const item of this.items.values()) if (item.assessment === assessment) pending += 1;
    if (pending >= MAX_PENDING_SOURCES) {
      throw new ApiFailure('conflict', `${pending} files are already waiting to be added to this assessment: add them (or close the assessment) first.`);
    }
  }

  private put(item: Omit<IntakeItem, 'id' | 'createdAt'>): EvidenceSource {
    const full: IntakeItem = { ...item, id: newHandle(), createdAt: this.now() };
    this.items.set(full.id, full);
    return this.toSource(full);
  }

  /** Registers a file the user chose in a native dialog (main side only). */
  async registerFile(assessment: string, path: string): Promise<EvidenceSource> {
    await this.admit(assessment);
    let st;
    try {
      st = await stat(path);
    } catch (err) {
      const e = storageErrorFrom(err, 'read the chosen file', path);
      throw new ApiFailure(apiErrorCode(e.code), e.message);
    }
    // A FIFO or device would block or never end: only regular files are evidence.
    if (!st.isFile()) throw new ApiFailure('invalid-input', `${basename(path)} is not a regular file: choose a file to add as evidence.`);
    return this.put({ assessment, path, name: sanitizeDisplayName(basename(path)), size: st.size, temporary: false });
  }

  /**
   * Streams an upload into a temp file inside the workspace, counting bytes as they arrive
   * (a chunked body has no length to trust), and stops at `maxBytes`.
   * @throws UploadTooLargeError, or ApiFailure (`disk-full`, `read-only`, `bad-request` when the upload was cut off).
   */
  async receive(options: ReceiveOptions): Promise<EvidenceSource> {
    const { maxBytes, declaredLength } = options;
    if (declaredLength !== undefined && declaredLength > maxBytes) throw new UploadTooLargeError(maxBytes);
    await this.admit(options.assessment);
    // Named like the workspace's temp files, so a crash's leftovers are removed on the next open.
    const tmp = join(options.evidenceDir, `.upload.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    let size = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        size += chunk.length;
        if (size > maxBytes) done(new UploadTooLargeError(maxBytes));
        else done(null, chunk);
      },
    });
    try {
      await pipeline(options.body, counter, createWriteStream(tmp, { flags: 'wx', mode: 0o600 }));
    } catch (err) {
      await unlink(tmp).catch(() => undefined);
      if (err instanceof ApiFailure) throw err;
      const code = (err as NodeJS.ErrnoException)?.code;
      if (code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE' || code === 'ABORT_ERR') {
        throw new ApiFailure('bad-request', 'The upload was interrupted before the whole file arrived. Add the file again.');
      }
      const e = storageErrorFrom(err, 'receive the file', options.evidenceDir);
      throw new ApiFailure(apiErrorCode(e.code), e.message);
    }
    if (declaredLength !== undefined && size !== declaredLength) {
      await unlink(tmp).catch(() => undefined);
      throw new ApiFailure('bad-request', `The upload ended after ${size} of ${declaredLength} bytes. Add the file again.`);
    }
    return this.put({ assessment: options.assessment, path: tmp, name: sanitizeDisplayName(options.name || 'upload'), size, temporary: true });
  }

  /**
   * Takes a source for adding: single use, and only for the assessment it was made for.
   * @throws ApiFailure `not-found`.
   */
  take(assessment: string, id: string): IntakeItem {
    const item = this.items.get(id);
    if (!item || item.assessment !== assessment || this.now() - item.createdAt > SOURCE_TTL_MS) {
      throw new ApiFailure('not-found', 'This file is no longer waiting to be added (it was added already, or it expired): choose it again.');
    }
    this.items.delete(id);
    return item;
  }

  /** Puts a taken source back (adding it failed before anything was recorded). */
  restore(item: IntakeItem): void {
    this.items.set(item.id, item);
  }

  /** Deletes an upload once it is stored as evidence (or no longer wanted). The user's own files are never touched. */
  async release(item: IntakeItem): Promise<void> {
    if (item.temporary) await unlink(item.path).catch(() => undefined);
  }

  /** Drops every source of an assessment (it is closing). */
  async dropAssessment(assessment: string): Promise<void> {
    for (const item of [...this.items.values()]) {
      if (item.assessment !== assessment) continue;
      this.items.delete(item.id);
      await this.release(item);
    }
  }

  /** Sources waiting, for an assessment or all. */
  pending(assessment?: string): number {
    let n = 0;
    for (const item of this.items.values()) if (assessment === undefined || item.assessment === assessment) n += 1;
    return n;
  }

  private async sweep(): Promise<void> {
    const cutoff = this.now() - SOURCE_TTL_MS;
    for (const item of [...this.items.values()]) {
      if (item.createdAt >= cutoff) continue;
      this.items.delete(item.id);
      await this.release(item);
    }
  }
}
