/**
 * Verifies a submission package (`*.tfpkg`) without extracting anything: the archive is read
 * once, front to back, through one file handle. Every entry's name, type and declared sizes are
 * judged before its data is touched; its data is streamed through the zip-bomb budget (counted
 * bytes, never headers), CRC-32 and SHA-256, holding one chunk at a time; every header is
 * compared with the one form the writer produces. Then the manifest is parsed (bounded,
 * canonical, schema-checked), compared with what was found, and its signature handed to the
 * injected verifier. The result is a report of stable checks; this function does not throw for
 * anything a package can contain.
 */
import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import type yauzl from 'yauzl';
import { ZipBudget } from '../interchange/zip-preflight';
import { packageLimits, type PackageLimits } from '../package/limits';
import { compareWithManifest, MANIFEST_NAME, parseManifest, SIGNATURE_NAME, type Manifest } from '../package/manifest';
import { checkEntryName, decodeEntryName, NameRegistry, printableName } from '../package/names';
import { ReportBuilder, type PackageEntry, type PackageReport } from '../package/report';
import type { SignatureCheck, VerifyManifestSignature } from '../package/signature';
import {
  CENTRAL_HEADER_SIZE,
  centralRecordBytes,
  dataDescriptorBytes,
  differingField,
  endRecordsBytes,
  FLAG_DESCRIPTOR,
  FLAG_UTF8,
  LOCAL_HEADER_SIZE,
  localHeaderBytes,
  usesZip64,
} from '../package/zip-layout';
import { ArchiveProblem, entryContent, errorText, openArchive, readBuffers, readExactly, structureProblem, type OpenArchive } from './package-zip';

export interface VerifyPackageOptions {
  /** Checks manifest.json.p7s over the exact manifest bytes against the verifier's trust anchors. */
  verifySignature: VerifyManifestSignature;
  limits?: Partial<PackageLimits>;
}

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;
const DOS_DIRECTORY = 0x10;

type EntryKind = 'file' | 'directory' | 'symlink' | 'special' | 'untyped';

/** What an entry is, from its Unix mode (ZIP's external attributes) and, for folders, its name. */
function entryKind(entry: yauzl.Entry, name: string | null): EntryKind {
  const mode = (entry.externalFileAttributes >>> 16) & 0xffff;
  const type = mode & S_IFMT;
  if (type === S_IFLNK) return 'symlink';
  if (type === S_IFDIR || (entry.externalFileAttributes & DOS_DIRECTORY) !== 0 || name?.endsWith('/')) return 'directory';
  if (type === S_IFREG) return 'file';
  if (type === 0) return 'untyped';
  return 'special';
}

const TYPE_PROBLEM: Record<Exclude<EntryKind, 'file'>, string> = {
  symlink: 'is a symbolic link: extracting it could make later files land anywhere on disk',
  directory: 'is a folder entry: packages hold files only',
  special: 'is a device, FIFO or socket, not a file',
  untyped: 'has no file type in its attributes: TF Assessor marks every file as a regular file',
};

interface ScanResult {
  entries: PackageEntry[];
  manifestBytes?: Uint8Array;
  signatureBytes?: Uint8Array;
  manifestSeen: boolean;
  signatureSeen: boolean;
  /** Entries whose content was not read (refused names or types, damaged data). */
  unread: number;
}

function mib(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(bytes % (1024 * 1024) === 0 ? 0 : 1)} MiB` : `${bytes} bytes`;
}

/** Collects an entry's bytes up to `max`; beyond that it only remembers that there were more. */
class Collector {
  private readonly parts: Uint8Array[] = [];
  private size = 0;
  overflow = false;
  constructor(private readonly max: number) {}
  push(chunk: Uint8Array): void {
    this.size += chunk.length;
    if (this.size > this.max) this.overflow = true;
    // Chunks may be views of reused buffers: copy.
    else this.parts.push(Uint8Array.prototype.slice.call(chunk));
  }
  bytes(): Uint8Array {
    return new Uint8Array(Buffer.concat(this.parts));
  }
}

/**
 * Reads every entry in archive order, recording problems in `report`. Throws ArchiveProblem for
 * fatal problems (the caller records it and stops).
 */
async function scan(archive: OpenArchive, limits: PackageLimits, report: ReportBuilder): Promise<ScanResult> {
  const { fh, headers, cd, zip } = archive;
  const buffers = readBuffers();
  const result: ScanResult = { entries: [], manifestSeen: false, signatureSeen: false, unread: 0 };

  const endDiff = differingField('end', archive.endRecords, endRecordsBytes(cd));
  if (endDiff) throw structureProblem(`the end records differ from the form TF Assessor writes (${endDiff})`);

  const names = new NameRegistry();
  const budget = new ZipBudget(limits);
  let next = 0;
  let cdCursor = cd.offset;
  let declaredTotal = 0;
  let index = 0;
  const iterator = zip.eachEntry();
  for (;;) {
    let step: IteratorResult<yauzl.Entry>;
    try {
      step = await iterator.next();
    } catch (err) {
      throw structureProblem(`the central directory is damaged: ${errorText(err)}`);
    }
    if (step.done) break;
    const entry = step.value;
    index++;
    const nameBytes = entry.fileNameRaw;
    const name = decodeEntryName(nameBytes);
    const label = name === null ? `entry ${index} (its name is not UTF-8)` : `"${printableName(name)}"`;

    // The record as stored, for the byte-for-byte comparison below; it must lie inside the directory.
    const recordLength = CENTRAL_HEADER_SIZE + entry.fileNameLength + entry.extraFieldLength + entry.fileCommentLength;
    if (cdCursor + recordLength > cd.offset + cd.size) throw structureProblem('the central directory runs past its declared size');
    const record = await readExactly(headers, cdCursor, recordLength);
    cdCursor += recordLength;

    // Names and types first: a refused entry's data is never read.
    let readable = true;
    const kind = entryKind(entry, name);
    if (name === null) {
      report.fail('entry-names', `entry ${index}: the name is not valid UTF-8`);
      readable = false;
    } else {
      const bad = checkEntryName(name, { directory: kind === 'directory' });
      if (bad) {
        report.fail('entry-names', bad.message);
        readable = false;
      } else if (kind === 'file') {
        const clash = names.add(name);
        if (clash) report.fail('entry-names', clash.message);
      }
    }
    if (kind !== 'file') {
      const detail = kind === 'directory' && entry.uncompressedSize > 0 ? `${TYPE_PROBLEM.directory}, and it carries ${entry.uncompressedSize} bytes of data` : TYPE_PROBLEM[kind];
      report.fail('entry-types', `${label} ${detail}`);
      readable = false;
    }

    const flags = entry.generalPurposeBitFlag;
    if (flags & 0x0041) throw structureProblem(`${label} is encrypted: packages are never encrypted`);
    if ((flags & ~FLAG_DESCRIPTOR) !== FLAG_UTF8) throw structureProblem(`${label} has ZIP flags 0x${flags.toString(16).padStart(4, '0')}; TF Assessor writes 0x0800 or 0x0808`);
    const method = entry.compressionMethod;
    if (method !== 0 && method !== 8) throw structureProblem(`${label} uses compression method ${method}; packages are stored or deflated`);

    // Declared sizes: refused before a byte is inflated (the counted bytes are checked again while streaming).
    if (entry.uncompressedSize > limits.maxEntryBytes) {
      throw new ArchiveProblem('entry-limits', `${label} declares ${mib(entry.uncompressedSize)}; one entry may hold at most ${mib(limits.maxEntryBytes)}`, true);
    }
    declaredTotal += entry.uncompressedSize;
    if (declaredTotal > limits.maxTotalBytes) {
      throw new ArchiveProblem('entry-limits', `the entries declare more than ${mib(limits.maxTotalBytes)} in all, the limit for a package`, true);
    }
    if (method === 8 && entry.uncompressedSize > limits.ratioGraceBytes && entry.uncompressedSize > limits.maxRatio * Math.max(1, entry.compressedSize)) {
      const ratio = Math.round(entry.uncompressedSize / Math.max(1, entry.compressedSize));
      throw new ArchiveProblem('entry-limits', `${label} declares a ${ratio}:1 compression ratio (more than ${limits.maxRatio}:1): a "zip bomb"`, true);
    }

    // Layout: entries back to back from offset 0, local header naming the same file.
    if (entry.relativeOffsetOfLocalHeader !== next) {
      throw structureProblem(
        entry.relativeOffsetOfLocalHeader < next
          ? `${label} starts inside the previous entry (overlapping entries, a zip-bomb technique)`
          : `${entry.relativeOffsetOfLocalHeader - next} unlisted bytes lie before ${label} (hidden data)`,
      );
    }
    let local: yauzl.LocalFileHeader;
    try {
      local = await zip.readLocalFileHeaderPromise(entry);
    } catch (err) {
      throw structureProblem(`the local header of ${label} is damaged: ${errorText(err)}`);
    }
    if (!Buffer.from(local.fileName).equals(nameBytes)) {
      const localName = decodeEntryName(local.fileName);
      throw structureProblem(`the local header of ${label} names another file (${localName === null ? 'not UTF-8' : `"${printableName(localName)}"`}): ZIP tools would disagree about what the package holds`);
    }
    const layout = {
      nameBytes,
      method: method as 0 | 8,
      descriptor: (flags & FLAG_DESCRIPTOR) !== 0,
      crc32: entry.crc32,
      compressedSize: entry.compressedSize,
      uncompressedSize: entry.uncompressedSize,
      offset: entry.relativeOffsetOfLocalHeader,
      ...(kind !== 'file' && { externalAttributes: entry.externalFileAttributes }),
    };
    const localExpected = localHeaderBytes(layout);
    const localFound = await readExactly(headers, layout.offset, LOCAL_HEADER_SIZE + local.fileNameLength + local.extraFieldLength);
    const localDiff = differingField('local', localFound, localExpected);
    if (localDiff) report.fail('zip-structure', `the local header of ${label} differs from the form TF Assessor writes (${localDiff})`);
    const centralDiff = differingField('central', record, centralRecordBytes(layout));
    if (centralDiff) report.fail('zip-structure', `the central directory record of ${label} differs from the form TF Assessor writes (${centralDiff})`);

    // Content.
    const info: PackageEntry = { path: name ?? label, size: entry.uncompressedSize, compressedSize: entry.compressedSize, method: method === 0 ? 'stored' : 'deflated' };
    if (readable) {
      const hash = createHash('sha256');
      const keep = name === MANIFEST_NAME ? new Collector(limits.maxManifestBytes) : name === SIGNATURE_NAME ? new Collector(limits.maxSignatureBytes) : null;
      try {
        const content = entryContent(
          fh,
          { label, dataStart: local.fileDataStart, compressedSize: entry.compressedSize, uncompressedSize: entry.uncompressedSize, method, crc32: entry.crc32 },
          budget,
          { reuseBuffers: buffers, headers },
        );
        for await (const chunk of content) {
          hash.update(chunk);
          keep?.push(chunk);
        }
        info.sha256 = hash.digest('hex');
        if (name === MANIFEST_NAME) {
          result.manifestSeen = true;
          if (keep!.overflow) report.fail('manifest-schema', `manifest.json is ${entry.uncompressedSize} bytes; at most ${limits.maxManifestBytes} are read`);
          else result.manifestBytes = keep!.bytes();
        } else if (name === SIGNATURE_NAME) {
          result.signatureSeen = true;
          if (keep!.overflow) report.fail('signature', `manifest.json.p7s is ${entry.uncompressedSize} bytes; a signature is at most ${limits.maxSignatureBytes}`);
          else result.signatureBytes = keep!.bytes();
        }
      } catch (err) {
        if (!(err instanceof ArchiveProblem) || err.fatal) throw err;
        report.fail(err.check, err.message, err.details);
        result.unread++;
        if (name === MANIFEST_NAME) result.manifestSeen = true;
        if (name === SIGNATURE_NAME) result.signatureSeen = true;
      }
    } else {
      result.unread++;
    }
    result.entries.push(info);

    const dataEnd = local.fileDataStart + entry.compressedSize;
    const descriptor = dataDescriptorBytes(layout);
    if (descriptor.length > 0) {
      const found = await readExactly(headers, dataEnd, descriptor.length);
      const diff = differingField('descriptor', found, descriptor);
      if (diff) report.fail('zip-structure', `the data descriptor of ${label} disagrees with the central directory (${diff})${usesZip64(layout) ? ' [ZIP64]' : ''}`);
    }
    next = dataEnd + descriptor.length;
  }

  if (next !== cd.offset) {
    throw structureProblem(next < cd.offset ? `${cd.offset - next} unlisted bytes lie between the last entry and the central directory (hidden data)` : 'the last entry runs into the central directory');
  }
  if (cdCursor !== cd.offset + cd.size) throw structureProblem('the central directory holds bytes after its last record');
  return result;
}

async function checkSignature(verify: VerifyManifestSignature, manifestBytes: Uint8Array, signatureBytes: Uint8Array): Promise<SignatureCheck> {
  try {
    const check = await verify(manifestBytes, signatureBytes);
    if (typeof check?.valid !== 'boolean' || typeof check.reason !== 'string') return { valid: false, reason: 'the signature verifier returned no verdict' };
    return check;
  } catch (err) {
    return { valid: false, reason: `the signature could not be checked: ${errorText(err)}` };
  }
}

/**
 * Verifies one package. Never throws for anything the package contains; the report's `ok` is
 * true only when every check passed. Memory: two 1 MiB read buffers, two 64 KiB header
 * windows, the inflater's window, manifest.json and its signature, and one small record per
 * entry — whatever the size of the evidence.
 */
export async function verifyPackage(path: string, options: VerifyPackageOptions): Promise<PackageReport> {
  const limits = packageLimits(options.limits);
  const report = new ReportBuilder();
  let scanned: ScanResult | undefined;
  let archive: OpenArchive | undefined;
  try {
    archive = await openArchive(path, limits.maxEntries);
    scanned = await scan(archive, limits, report);
  } catch (err) {
    if (err instanceof ArchiveProblem) report.fail(err.check, err.message, err.details);
    else report.fail('zip-structure', `the package could not be read: ${errorText(err)}`);
    report.aborted = 'reading stopped at a problem that makes the rest of the archive unsafe to read';
  } finally {
    await archive?.close().catch(() => undefined);
  }
  if (!scanned) return report.build(path, { entries: [] });

  let manifest: Manifest | undefined;
  let signature: SignatureCheck | undefined;
  if (!scanned.manifestSeen) {
    report.fail('manifest-present', 'manifest.json is missing: this is not a TF Assessor package, or it was stripped');
    report.skip('manifest-schema', 'not checked: there is no manifest');
    report.skip('files-match-manifest', 'not checked: there is no manifest');
    report.skip('signature', 'not checked: there is no manifest to check it against');
  } else {
    report.pass('manifest-present');
    if (scanned.manifestBytes && !report.failed('manifest-schema')) {
      const parsed = parseManifest(scanned.manifestBytes, limits.maxManifestBytes);
      if (parsed.ok) manifest = parsed.manifest;
      else report.fail('manifest-schema', parsed.reason, parsed.problems.length > 1 ? { problems: parsed.problems.slice(0, 100) } : undefined);
    } else if (!report.failed('manifest-schema')) report.skip('manifest-schema', 'not checked: manifest.json could not be read');

    if (!manifest) report.skip('files-match-manifest', 'not checked: the manifest is not valid');
    else if (scanned.unread > 0) report.skip('files-match-manifest', `not checked: ${scanned.unread} entr${scanned.unread === 1 ? 'y was' : 'ies were'} refused or unreadable`);
    else {
      const found = scanned.entries.map((e) => ({ path: e.path, size: e.size, sha256: e.sha256 ?? '' }));
      const diff = compareWithManifest(manifest, found);
      const parts: string[] = [];
      const list = (paths: string[]) => paths.slice(0, 5).map((p) => `"${printableName(p)}"`).join(', ') + (paths.length > 5 ? ', …' : '');
      if (diff.modified.length > 0) parts.push(`${diff.modified.length} modified (${list(diff.modified.map((m) => m.path))})`);
      if (diff.missing.length > 0) parts.push(`${diff.missing.length} missing (${list(diff.missing)})`);
      if (diff.extra.length > 0) parts.push(`${diff.extra.length} not in the manifest (${list(diff.extra)})`);
      if (parts.length > 0) {
        report.fail('files-match-manifest', `the files do not match the manifest: ${parts.join('; ')}`, {
          modified: diff.modified.slice(0, 1000),
          missing: diff.missing.slice(0, 1000),
          extra: diff.extra.slice(0, 1000).map(printableName),
        });
      }
    }

    if (report.failed('signature')) {
      // Already refused (an oversized signature).
    } else if (!scanned.signatureSeen) report.fail('signature', 'manifest.json.p7s is missing: the package is not signed');
    else if (!scanned.manifestBytes || !scanned.signatureBytes) report.skip('signature', 'not checked: the manifest or its signature could not be read');
    else {
      signature = await checkSignature(options.verifySignature, scanned.manifestBytes, scanned.signatureBytes);
      if (signature.valid) report.pass('signature', signature.reason, signature.details);
      else report.fail('signature', signature.reason, signature.details);
    }
  }
  return report.build(path, { entries: scanned.entries, ...(manifest && { manifest }), ...(signature && { signature }) });
}

/**
 * Verifies several packages, a few at a time (default: one per available CPU), and returns the
 * reports in the order of `paths`.
 */
export async function verifyPackages(paths: readonly string[], options: VerifyPackageOptions & { concurrency?: number }): Promise<PackageReport[]> {
  const reports: PackageReport[] = new Array<PackageReport>(paths.length);
  let nextIndex = 0;
  const worker = async () => {
    while (nextIndex < paths.length) {
      const i = nextIndex++;
      reports[i] = await verifyPackage(paths[i]!, options);
    }
  };
  const n = Math.max(1, Math.min(options.concurrency ?? availableParallelism(), paths.length));
  await Promise.all(Array.from({ length: n }, worker));
  return reports;
}
