/**
 * The one ZIP form a package takes, byte for byte. The writer (yazl with fixed options) lays
 * every entry out the same way; the verifier rebuilds each header from what it counted and
 * compares it with the bytes in the file. Any byte that differs — a flipped permission bit, a
 * timestamp, an extra field, a data descriptor disagreeing with the central directory, bytes
 * hidden between entries — rejects the package. That closes the parser-differential tricks
 * (two ZIP readers seeing different files in one archive) and means every byte of a valid
 * package is either checked content or checked structure.
 *
 * The form (what yazl 3.3 writes with `mtime` 1980-02-01 00:00 local, `forceDosTimestamp`,
 * `mode` 0o100644, and no comments):
 * - entries back to back from offset 0, then the central directory, then the end records;
 * - local header: version 2.0, flags UTF-8 (+ bit 3 when a data descriptor follows), method
 *   0 (stored) or 8 (deflate), DOS time 00:00:00 date 1980-02-01, no extra field; with a
 *   descriptor, CRC and sizes are zero;
 * - data descriptor (bit 3): signature, CRC, sizes (64-bit sizes when the entry is ZIP64);
 * - central record: made by Unix/6.3, version 2.0 (4.5 for ZIP64), same flags, method, time
 *   and date, mode 0100644, no comment; a ZIP64 extra field with all three values when any
 *   of size, compressed size or offset reaches 0xFFFFFFFF;
 * - end of central directory without comment, preceded by the ZIP64 record and locator when
 *   the entry count reaches 0xFFFF or the directory's size or offset reaches 0xFFFFFFFF.
 */

export const SIG_LOCAL = 0x04034b50;
export const SIG_CENTRAL = 0x02014b50;
export const SIG_DESCRIPTOR = 0x08074b50;
export const SIG_EOCD = 0x06054b50;
export const SIG_ZIP64_EOCD = 0x06064b50;
export const SIG_ZIP64_LOCATOR = 0x07064b50;

export const VERSION_MADE_BY = (3 << 8) | 63;
export const VERSION_NEEDED = 20;
export const VERSION_NEEDED_ZIP64 = 45;
export const FLAG_DESCRIPTOR = 0x0008;
export const FLAG_UTF8 = 0x0800;
/**
 * 1980-02-01 00:00:00: fixed so a package's bytes never depend on clocks or time zones. Not the
 * DOS epoch itself (1980-01-01), which a time-zone shift can push below the minimum and clamp
 * (Maven's reproducible builds chose 1980-02-01 for the same reason).
 */
export const DOS_TIME = 0;
export const DOS_DATE = (2 << 5) | 1;
/** Regular file, rw-r--r--. */
export const FILE_MODE = 0o100644;
export const EXTERNAL_ATTRIBUTES = (FILE_MODE << 16) >>> 0;

export const LOCAL_HEADER_SIZE = 30;
export const CENTRAL_HEADER_SIZE = 46;
export const EOCD_SIZE = 22;
export const ZIP64_EOCD_SIZE = 56;
export const ZIP64_LOCATOR_SIZE = 20;

/** What determines an entry's headers. */
export interface LayoutEntry {
  nameBytes: Uint8Array;
  method: 0 | 8;
  /** Bit 3: sizes and CRC follow the data in a descriptor (yazl streams). */
  descriptor: boolean;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  /** Offset of the local header in the file. */
  offset: number;
  /**
   * External attributes to expect instead of the regular-file mode: the verifier passes what it
   * found for entries it has already refused as symlinks or folders, so one problem is not
   * reported twice.
   */
  externalAttributes?: number;
}

export function usesZip64(e: Pick<LayoutEntry, 'compressedSize' | 'uncompressedSize' | 'offset'>): boolean {
  return e.uncompressedSize > 0xfffffffe || e.compressedSize > 0xfffffffe || e.offset > 0xfffffffe;
}

function writer(size: number) {
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  let o = 0;
  return {
    bytes,
    u16(v: number) {
      view.setUint16(o, v, true);
      o += 2;
    },
    u32(v: number) {
      view.setUint32(o, v >>> 0, true);
      o += 4;
    },
    u64(v: number) {
      view.setUint32(o, v % 0x100000000, true);
      view.setUint32(o + 4, Math.floor(v / 0x100000000), true);
      o += 8;
    },
    raw(b: Uint8Array) {
      bytes.set(b, o);
      o += b.length;
    },
  };
}

const flagsOf = (e: LayoutEntry) => FLAG_UTF8 | (e.descriptor ? FLAG_DESCRIPTOR : 0);

/** The local file header (with name) the writer puts before an entry's data. */
export function localHeaderBytes(e: LayoutEntry): Uint8Array {
  const w = writer(LOCAL_HEADER_SIZE + e.nameBytes.length);
  w.u32(SIG_LOCAL);
  w.u16(VERSION_NEEDED);
  w.u16(flagsOf(e));
  w.u16(e.method);
  w.u16(DOS_TIME);
  w.u16(DOS_DATE);
  w.u32(e.descriptor ? 0 : e.crc32);
  w.u32(e.descriptor ? 0 : e.compressedSize);
  w.u32(e.descriptor ? 0 : e.uncompressedSize);
  w.u16(e.nameBytes.length);
  w.u16(0);
  w.raw(e.nameBytes);
  return w.bytes;
}

/** The data descriptor after an entry's data (empty without bit 3). */
export function dataDescriptorBytes(e: LayoutEntry): Uint8Array {
  if (!e.descriptor) return new Uint8Array(0);
  const zip64 = usesZip64(e);
  const w = writer(zip64 ? 24 : 16);
  w.u32(SIG_DESCRIPTOR);
  w.u32(e.crc32);
  if (zip64) {
    w.u64(e.compressedSize);
    w.u64(e.uncompressedSize);
  } else {
    w.u32(e.compressedSize);
    w.u32(e.uncompressedSize);
  }
  return w.bytes;
}

/** The central directory record of an entry. */
export function centralRecordBytes(e: LayoutEntry): Uint8Array {
  const zip64 = usesZip64(e);
  const w = writer(CENTRAL_HEADER_SIZE + e.nameBytes.length + (zip64 ? 28 : 0));
  w.u32(SIG_CENTRAL);
  w.u16(VERSION_MADE_BY);
  w.u16(zip64 ? VERSION_NEEDED_ZIP64 : VERSION_NEEDED);
  w.u16(flagsOf(e));
  w.u16(e.method);
  w.u16(DOS_TIME);
  w.u16(DOS_DATE);
  w.u32(e.crc32);
  w.u32(zip64 ? 0xffffffff : e.compressedSize);
  w.u32(zip64 ? 0xffffffff : e.uncompressedSize);
  w.u16(e.nameBytes.length);
  w.u16(zip64 ? 28 : 0);
  w.u16(0); // comment length
  w.u16(0); // disk number start
  w.u16(0); // internal attributes
  w.u32(e.externalAttributes ?? EXTERNAL_ATTRIBUTES);
  w.u32(zip64 ? 0xffffffff : e.offset);
  w.raw(e.nameBytes);
  if (zip64) {
    w.u16(0x0001);
    w.u16(24);
    w.u64(e.uncompressedSize);
    w.u64(e.compressedSize);
    w.u64(e.offset);
  }
  return w.bytes;
}

/** Where the central directory is and how many records it holds, as the end records say. */
export interface CentralDirectory {
  entries: number;
  offset: number;
  size: number;
}

function needsZip64End(cd: CentralDirectory): boolean {
  return cd.entries >= 0xffff || cd.size >= 0xffffffff || cd.offset >= 0xffffffff;
}

/** The end records after the central directory: [ZIP64 record, ZIP64 locator,] end of central directory. */
export function endRecordsBytes(cd: CentralDirectory): Uint8Array {
  const zip64 = needsZip64End(cd);
  const w = writer((zip64 ? ZIP64_EOCD_SIZE + ZIP64_LOCATOR_SIZE : 0) + EOCD_SIZE);
  if (zip64) {
    w.u32(SIG_ZIP64_EOCD);
    w.u64(ZIP64_EOCD_SIZE - 12);
    w.u16(VERSION_MADE_BY);
    w.u16(VERSION_NEEDED_ZIP64);
    w.u32(0);
    w.u32(0);
    w.u64(cd.entries);
    w.u64(cd.entries);
    w.u64(cd.size);
    w.u64(cd.offset);
    w.u32(SIG_ZIP64_LOCATOR);
    w.u32(0);
    w.u64(cd.offset + cd.size);
    w.u32(1);
  }
  const entries = cd.entries >= 0xffff ? 0xffff : cd.entries;
  w.u32(SIG_EOCD);
  w.u16(0);
  w.u16(0);
  w.u16(entries);
  w.u16(entries);
  w.u32(cd.size >= 0xffffffff ? 0xffffffff : cd.size);
  w.u32(cd.offset >= 0xffffffff ? 0xffffffff : cd.offset);
  w.u16(0);
  return w.bytes;
}

/**
 * Reads the end records from the last bytes of a file (`tail` ends at the end of the file;
 * 98 bytes are enough). Returns the central directory they describe and how many bytes the end
 * records take, or a reason. Only locates: the bytes are compared with `endRecordsBytes` later.
 */
export function readEndRecords(tail: Uint8Array): { cd: CentralDirectory; length: number } | { error: string } {
  const view = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
  const n = tail.length;
  if (n < EOCD_SIZE) return { error: 'the file is too short to be a ZIP archive' };
  const e = n - EOCD_SIZE;
  if (view.getUint32(e, true) !== SIG_EOCD) return { error: 'the archive does not end with its end-of-central-directory record (truncated, or bytes appended after it)' };
  const entries16 = view.getUint16(e + 10, true);
  const size32 = view.getUint32(e + 12, true);
  const offset32 = view.getUint32(e + 16, true);
  if (entries16 !== 0xffff && size32 !== 0xffffffff && offset32 !== 0xffffffff) {
    return { cd: { entries: entries16, size: size32, offset: offset32 }, length: EOCD_SIZE };
  }
  const l = e - ZIP64_LOCATOR_SIZE;
  const r = l - ZIP64_EOCD_SIZE;
  if (r < 0 || view.getUint32(l, true) !== SIG_ZIP64_LOCATOR || view.getUint32(r, true) !== SIG_ZIP64_EOCD) {
    return { error: 'the ZIP64 end records are missing or misplaced' };
  }
  const u64 = (o: number) => view.getUint32(o, true) + view.getUint32(o + 4, true) * 0x100000000;
  return { cd: { entries: u64(r + 32), size: u64(r + 40), offset: u64(r + 48) }, length: ZIP64_EOCD_SIZE + ZIP64_LOCATOR_SIZE + EOCD_SIZE };
}

const LOCAL_FIELDS: [number, string][] = [
  [0, 'signature'],
  [4, 'version needed'],
  [6, 'flags'],
  [8, 'compression method'],
  [10, 'modification time'],
  [12, 'modification date'],
  [14, 'CRC-32'],
  [18, 'compressed size'],
  [22, 'uncompressed size'],
  [26, 'name length'],
  [28, 'extra field length'],
  [30, 'name'],
];
const CENTRAL_FIELDS: [number, string][] = [
  [0, 'signature'],
  [4, 'version made by'],
  [6, 'version needed'],
  [8, 'flags'],
  [10, 'compression method'],
  [12, 'modification time'],
  [14, 'modification date'],
  [16, 'CRC-32'],
  [20, 'compressed size'],
  [24, 'uncompressed size'],
  [28, 'name length'],
  [30, 'extra field length'],
  [32, 'comment length'],
  [34, 'disk number'],
  [36, 'internal attributes'],
  [38, 'external attributes (file type and permissions)'],
  [42, 'local header offset'],
  [46, 'name, extra field or comment'],
];

/**
 * Compares bytes found in the file with the bytes the writer would have produced; returns null
 * when identical, else the name of the first field that differs.
 */
export function differingField(kind: 'local' | 'central' | 'descriptor' | 'end', found: Uint8Array, expected: Uint8Array): string | null {
  const n = Math.min(found.length, expected.length);
  let i = 0;
  while (i < n && found[i] === expected[i]) i++;
  if (i === n && found.length === expected.length) return null;
  const table = kind === 'local' ? LOCAL_FIELDS : kind === 'central' ? CENTRAL_FIELDS : null;
  if (!table) return `byte ${i} of the ${kind === 'end' ? 'end records' : 'data descriptor'}`;
  let field = table[0]![1];
  for (const [at, name] of table) if (i >= at) field = name;
  return field;
}
