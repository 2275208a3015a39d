/**
 * Low-level reading of package archives, shared by the verifier and the entry reader: one
 * file handle per archive (yauzl parses the central directory through it, and entry data is
 * read from it directly), and entry content streamed chunk by chunk through the zip-bomb
 * budget, CRC-32 and the declared sizes. Nothing is ever extracted to disk.
 */
import { constants as fsConstants, createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { crc32, createInflateRaw } from 'node:zlib';
import yauzl from 'yauzl';
import type { ZipBudget } from '../interchange/zip-preflight';
import type { CheckId } from '../package/report';
import { EOCD_SIZE, readEndRecords, ZIP64_EOCD_SIZE, ZIP64_LOCATOR_SIZE, type CentralDirectory } from '../package/zip-layout';

/** Stored data is read in chunks this large (two reused buffers: one hashed while the next is read). */
export const READ_CHUNK = 1024 * 1024;
/** Compressed data is fed to the inflater in smaller chunks so the ratio is judged early. */
const INFLATE_INPUT_CHUNK = 64 * 1024;

/**
 * A problem found while reading an archive, filed under the check it fails. `fatal` problems
 * stop the reading (the archive cannot be read safely any further); the others are recorded and
 * reading goes on with the next entry.
 */
export class ArchiveProblem extends Error {
  constructor(
    readonly check: CheckId,
    message: string,
    readonly fatal: boolean,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ArchiveProblem';
  }
}

export const structureProblem = (message: string, fatal = true, details?: Record<string, unknown>) => new ArchiveProblem('zip-structure', message, fatal, details);

/** A window of the file kept in memory for small reads. */
class Window {
  readonly bytes = Buffer.allocUnsafe(HeaderReader.WINDOW);
  start = 0;
  length = 0;
  holds(position: number, length: number): boolean {
    return position >= this.start && position + length <= this.start + this.length;
  }
}

/**
 * Small reads (headers, the central directory, small entries) served from two 64 KiB windows,
 * one over the entries and one over the central directory: yauzl and the verifier read each
 * header more than once and alternate between a central record and its local header, and a
 * package of many small files would otherwise cost several system calls per entry. Reads are
 * serialized, so a window is never refilled under a reader's feet.
 */
export class HeaderReader {
  static readonly WINDOW = 64 * 1024;
  private readonly entries = new Window();
  private readonly central = new Window();
  private queue: Promise<unknown> = Promise.resolve();
  /** Where the central directory starts (set once the end records are read). */
  centralOffset = Number.POSITIVE_INFINITY;

  constructor(
    readonly fh: FileHandle,
    readonly fileSize: number,
  ) {}

  /** Reads up to `length` bytes at `position` into `target`; returns how many (fewer only at the end of the file). */
  read(target: Buffer, offset: number, length: number, position: number): Promise<number> {
    const run = this.queue.then(() => this.readNow(target, offset, length, position));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async fill(into: Buffer, offset: number, length: number, position: number): Promise<number> {
    let got = 0;
    while (got < length) {
      const { bytesRead } = await this.fh.read(into, offset + got, length - got, position + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return got;
  }

  private async readNow(target: Buffer, offset: number, length: number, position: number): Promise<number> {
    if (length > HeaderReader.WINDOW) return this.fill(target, offset, length, position);
    const w = position >= this.centralOffset ? this.central : this.entries;
    if (!w.holds(position, length)) {
      w.start = position;
      w.length = await this.fill(w.bytes, 0, Math.max(0, Math.min(HeaderReader.WINDOW, this.fileSize - position)), position);
    }
    const n = Math.max(0, Math.min(length, w.start + w.length - position));
    w.bytes.copy(target, offset, position - w.start, position - w.start + n);
    return n;
  }
}

/** yauzl reads through our file handle (and header window), so the archive is opened once and never by path again. */
class FileHandleReader extends yauzl.RandomAccessReader {
  constructor(private readonly headers: HeaderReader) {
    super();
  }

  override _readStreamForRange(start: number, end: number): Readable {
    return createReadStream('', { fd: this.headers.fh, start, end: end - 1, autoClose: false, emitClose: false });
  }

  override read(buffer: Buffer, offset: number, length: number, position: number, callback: (err: Error | null, bytesRead?: number) => void): void {
    this.headers.read(buffer, offset, length, position).then(
      (n) => callback(null, n),
      (err: Error) => callback(err),
    );
  }

  override close(callback: (err: Error | null) => void): void {
    // The handle belongs to OpenArchive, which closes it once.
    setImmediate(() => callback(null));
  }
}

export interface OpenArchive {
  fh: FileHandle;
  /** Cached reads for headers and the central directory. */
  headers: HeaderReader;
  /** File size when opened. */
  size: number;
  /** The central directory as the end records describe it. */
  cd: CentralDirectory;
  /** The end records' bytes (compared with the canonical form by the verifier). */
  endRecords: Uint8Array;
  zip: yauzl.ZipFile;
  close(): Promise<void>;
}

/**
 * Opens a package for reading: a regular file (a FIFO or device would block or never end), its
 * end records located at the very end of the file, and yauzl over the same handle with raw
 * names (decoded and checked by our own rules, not yauzl's, which rewrite backslashes).
 * @throws ArchiveProblem (zip-structure / entry-limits) — never a raw error.
 */
export async function openArchive(path: string, maxEntries: number): Promise<OpenArchive> {
  let fh: FileHandle;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused just below.
    fh = await open(path, fsConstants.O_RDONLY | (fsConstants.O_NONBLOCK ?? 0));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw structureProblem(code === 'ENOENT' ? `${path} does not exist` : code === 'EISDIR' ? `${path} is a folder, not a package file` : `${path} cannot be opened (${code ?? String(err)})`);
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw structureProblem(`${path} is not a regular file`);
    const size = st.size;
    const tailLength = Math.min(size, ZIP64_EOCD_SIZE + ZIP64_LOCATOR_SIZE + EOCD_SIZE);
    const headers = new HeaderReader(fh, size);
    const tail = await readExactly(headers, size - tailLength, tailLength);
    const end = readEndRecords(tail);
    if ('error' in end) throw structureProblem(`not a readable package: ${end.error}`);
    const { cd } = end;
    headers.centralOffset = cd.offset;
    if (cd.entries > maxEntries) throw new ArchiveProblem('entry-limits', `the archive has ${cd.entries} entries; at most ${maxEntries} are allowed`, true);
    if (cd.offset + cd.size + end.length !== size) {
      throw structureProblem('the central directory is not where the end record says it is (the archive is truncated, or bytes were added or removed)');
    }
    let zip: yauzl.ZipFile;
    try {
      zip = await yauzl.fromRandomAccessReaderPromise(new FileHandleReader(headers), size, {
        lazyEntries: true,
        decodeStrings: false,
        validateEntrySizes: true,
        strictFileNames: true,
        autoClose: false,
      });
    } catch (err) {
      throw structureProblem(`not a readable ZIP archive: ${errorText(err)}`);
    }
    if (zip.entryCount !== cd.entries) throw structureProblem('the ZIP end records disagree about the number of entries');
    let closed = false;
    return {
      fh,
      headers,
      size,
      cd,
      endRecords: tail.subarray(tail.length - end.length),
      zip,
      async close() {
        if (closed) return;
        closed = true;
        zip.close();
        await fh.close();
      },
    };
  } catch (err) {
    await fh.close().catch(() => undefined);
    throw err;
  }
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Reads exactly `length` bytes at `position`, or fails as a truncated archive. */
export async function readExactly(headers: HeaderReader, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(length);
  if ((await headers.read(buf, 0, length, position)) !== length) throw structureProblem('the archive ends unexpectedly (truncated)');
  return buf;
}

/** Two read buffers for stored entries, allocated once per archive and reused for every entry. */
export function readBuffers(): [Buffer, Buffer] {
  return [Buffer.allocUnsafe(READ_CHUNK), Buffer.allocUnsafe(READ_CHUNK)];
}

/** Where an entry's data is and what its central directory record claims about it. */
export interface EntryData {
  /** Printable name for messages. */
  label: string;
  dataStart: number;
  compressedSize: number;
  uncompressedSize: number;
  method: number;
  crc32: number;
}

/**
 * Reads `length` bytes from `start` in chunks. With `reuse`, the two buffers alternate (the
 * next read runs while the caller processes the current chunk, which it must finish with before
 * asking for the next); otherwise every chunk is a fresh buffer the caller may keep.
 */
async function* rawChunks(fh: FileHandle, start: number, length: number, chunkSize: number, reuse: [Buffer, Buffer] | null, onRead: (n: number) => void): AsyncGenerator<Buffer> {
  const end = start + length;
  let turn = 0;
  const readAt = (position: number) => {
    const n = Math.min(chunkSize, end - position);
    const buf = reuse ? reuse[(turn ^= 1)]! : Buffer.allocUnsafe(n);
    return fh.read(buf, 0, n, position);
  };
  let position = start;
  let pending = position < end ? readAt(position) : null;
  try {
    while (pending) {
      const { bytesRead, buffer } = await pending;
      pending = null;
      if (bytesRead === 0) throw structureProblem('the archive ends unexpectedly (truncated or changed while being read)');
      position += bytesRead;
      if (position < end) pending = readAt(position);
      onRead(bytesRead);
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    // Never leave a read in flight into a buffer, or on a handle about to be closed.
    if (pending) await pending.catch(() => undefined);
  }
}

/** A small stored entry in one chunk, through the header window. */
async function* smallChunk(headers: HeaderReader, start: number, length: number, onRead: (n: number) => void): AsyncGenerator<Buffer> {
  if (length === 0) return;
  const buf = Buffer.allocUnsafe(length);
  if ((await headers.read(buf, 0, length, start)) !== length) throw structureProblem('the archive ends unexpectedly (truncated or changed while being read)');
  onRead(length);
  yield buf;
}

/**
 * Streams an entry's content: inflated when deflated, every chunk counted by the budget
 * (declared size, per-entry and total limits, ratio against the compressed bytes consumed so
 * far) before it is handed out. When the content has ended it checks the size and CRC-32 the
 * central directory declares and, for deflate, that the compressed data ends exactly where the
 * entry does. Limits throw a fatal ArchiveProblem; damaged data a non-fatal one.
 *
 * With `reuseBuffers` (from `readBuffers`; used for stored entries only) chunks are views of
 * those buffers: the consumer must be done with one before asking for the next. Otherwise
 * chunks can be kept. With `headers`, a small stored entry is read through the header window
 * (it usually lies in the window its local header was just read into).
 */
export async function* entryContent(
  fh: FileHandle,
  e: EntryData,
  budget: ZipBudget,
  options: { reuseBuffers: [Buffer, Buffer] | null; headers?: HeaderReader },
): AsyncGenerator<Uint8Array, { size: number; crc32: number }> {
  budget.beginEntry({ label: e.label, declaredSize: e.uncompressedSize });
  let consumed = 0;
  let crc = 0;
  let size = 0;
  const stored = e.method === 0;
  const onRead = (n: number) => {
    consumed += n;
  };
  const raw =
    stored && options.headers && e.compressedSize <= HeaderReader.WINDOW
      ? smallChunk(options.headers, e.dataStart, e.compressedSize, onRead)
      : rawChunks(fh, e.dataStart, e.compressedSize, stored ? READ_CHUNK : INFLATE_INPUT_CHUNK, stored ? options.reuseBuffers : null, onRead);
  const inflater = stored ? null : createInflateRaw({ chunkSize: INFLATE_INPUT_CHUNK });
  let source: Readable | null = null;
  let chunks: AsyncIterable<Uint8Array> = raw;
  if (inflater) {
    source = Readable.from(raw, { objectMode: false, highWaterMark: INFLATE_INPUT_CHUNK });
    source.on('error', (err) => inflater.destroy(err));
    source.pipe(inflater);
    chunks = inflater;
  }
  try {
    for await (const chunk of chunks) {
      const over = budget.add(chunk.length, consumed);
      if (over) throw new ArchiveProblem('entry-limits', over.message, true, { entry: e.label, limit: over.kind, inflatedBytes: over.inflated, compressedBytes: over.compressed });
      crc = crc32(chunk, crc);
      size += chunk.length;
      yield chunk;
    }
  } catch (err) {
    if (err instanceof ArchiveProblem) throw err;
    throw structureProblem(`the compressed data of ${e.label} is damaged: ${errorText(err)}`, false);
  } finally {
    if (source && inflater) {
      source.unpipe(inflater);
      source.destroy();
      inflater.destroy();
    }
  }
  if (inflater && inflater.bytesWritten !== e.compressedSize) {
    throw structureProblem(`the compressed data of ${e.label} ends after ${inflater.bytesWritten} of its ${e.compressedSize} bytes (data hidden after it)`, false);
  }
  if (size !== e.uncompressedSize) throw structureProblem(`${e.label} declares ${e.uncompressedSize} bytes but holds ${size} (the archive is damaged)`, false);
  if (crc !== e.crc32) throw structureProblem(`${e.label} fails its CRC-32 check: the archive is corrupted`, false);
  return { size, crc32: crc };
}
