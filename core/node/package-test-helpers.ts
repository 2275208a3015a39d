/**
 * Test helpers for packages: a stand-in signature (the CMS signer lives in core/signing; these
 * tests exercise the package format, not CMS), sample inputs, and a ZIP writer built by hand —
 * independent of the verifier's own layout code — that can put anything in any header: names
 * no ZIP library would write, lying sizes, symlink attributes, overlapping offsets.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { Readable } from 'node:stream';
import { crc32, createDeflateRaw, deflateRawSync } from 'node:zlib';
import yazl from 'yazl';
import type { ManifestInfo } from '../package/manifest';
import type { SignatureCheck } from '../package/signature';
import type { PackageFileInput } from './package-write';

// region: stand-in signature (tests only)
const PREFIX = 'TEST-SIGNATURE sha256=';

/** Deterministic stand-in for a detached CMS signature: the manifest's SHA-256 with a marker. */
export async function testSign(manifestBytes: Uint8Array): Promise<Uint8Array> {
  return Buffer.from(PREFIX + createHash('sha256').update(manifestBytes).digest('hex'));
}

/** Accepts exactly what `testSign` produced for these bytes. */
export async function testVerify(manifestBytes: Uint8Array, signature: Uint8Array): Promise<SignatureCheck> {
  const expected = await testSign(manifestBytes);
  return Buffer.from(signature).equals(Buffer.from(expected))
    ? { valid: true, reason: 'signed by CN=Test Signer (test double)', signer: { subject: 'CN=Test Signer' } }
    : { valid: false, reason: 'the signature does not match the manifest bytes' };
}
// endregion

export const sampleInfo: ManifestInfo = {
  createdAt: '2025-04-01T09:30:00Z',
  createdBy: '山田 花子 (TF Assessor 0.1.0)',
  pack: { id: 'nist-800-63-4', version: '1.0.0', hash: 'a'.repeat(64) },
  organization: '株式会社サンプル認証',
};

export function sampleFiles(): PackageFileInput[] {
  return [
    { path: 'assessment.json', role: 'assessment', source: Buffer.from('{"formatVersion":1,"id":"assessment-0001"}\n') },
    { path: 'pack/nist-800-63-4@1.0.0.json', role: 'pack', source: Buffer.from('{"id":"nist-800-63-4","version":"1.0.0"}\n') },
    { path: 'evidence/日本語の証跡.txt', role: 'evidence', source: Buffer.from('本人確認の手順書\n'.repeat(20)) },
    { path: 'evidence/screenshot-01.png', role: 'evidence', source: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4, 5]) },
  ];
}

// region: hand-made ZIP archives
export interface CraftEntry {
  /** The name as stored (a string is UTF-8 encoded). */
  name: string | Uint8Array;
  /** The content (stored as is with method 0; deflated with method 8 unless `raw` is given). */
  data?: Uint8Array;
  method?: number;
  /** Bytes to store as the entry's data, bypassing compression (e.g. hand-made deflate). */
  raw?: Uint8Array;
  /** Lies: values written instead of the true ones, in every header. */
  crc32?: number;
  uncompressedSize?: number;
  compressedSize?: number;
  externalAttributes?: number;
  flags?: number;
  versionMadeBy?: number;
  /** A different name in the local header only. */
  localName?: string;
  /** Write a data descriptor (bit 3) as the writer does; default true. */
  descriptor?: boolean;
  /** Local header offset written in the central directory (default: the true one). */
  offset?: number;
}

const u16 = (v: number) => {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(v);
  return b;
};
const u32 = (v: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v >>> 0);
  return b;
};

function nameBytes(name: string | Uint8Array): Buffer {
  return typeof name === 'string' ? Buffer.from(name, 'utf8') : Buffer.from(name);
}

/**
 * Builds a ZIP archive in the package form (descriptors, fixed time, mode 0100644, UTF-8 flag)
 * from `entries`, applying whatever lies each entry asks for. `trailing` bytes go after the end
 * record; `entryCount` overrides the counts in the end record.
 */
export function craftZip(entries: CraftEntry[], options: { trailing?: Uint8Array; entryCount?: number } = {}): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const method = e.method ?? 0;
    const data = Buffer.from(e.data ?? new Uint8Array(0));
    const stored = e.raw ? Buffer.from(e.raw) : method === 8 ? deflateRawSync(data) : data;
    const crc = e.crc32 ?? crc32(data);
    const usize = e.uncompressedSize ?? data.length;
    const csize = e.compressedSize ?? stored.length;
    const descriptor = e.descriptor ?? true;
    const flags = e.flags ?? (0x0800 | (descriptor ? 0x0008 : 0));
    const name = nameBytes(e.name);
    const localName = e.localName === undefined ? name : nameBytes(e.localName);
    const local = Buffer.concat([
      u32(0x04034b50), u16(20), u16(flags), u16(method), u16(0), u16(0x41),
      u32(descriptor ? 0 : crc), u32(descriptor ? 0 : csize), u32(descriptor ? 0 : usize),
      u16(localName.length), u16(0), localName,
    ]);
    const desc = descriptor ? Buffer.concat([u32(0x08074b50), u32(crc), u32(csize), u32(usize)]) : Buffer.alloc(0);
    central.push(
      Buffer.concat([
        u32(0x02014b50), u16(e.versionMadeBy ?? 0x033f), u16(20), u16(flags), u16(method), u16(0), u16(0x41),
        u32(crc), u32(csize), u32(usize), u16(name.length), u16(0), u16(0), u16(0), u16(0),
        u32(e.externalAttributes ?? (0o100644 << 16) >>> 0), u32(e.offset ?? offset), name,
      ]),
    );
    parts.push(local, stored, desc);
    offset += local.length + stored.length + desc.length;
  }
  const cd = Buffer.concat(central);
  const count = options.entryCount ?? entries.length;
  const eocd = Buffer.concat([u32(0x06054b50), u16(0), u16(0), u16(count), u16(count), u32(cd.length), u32(offset), u16(0)]);
  return Buffer.concat([...parts, cd, eocd, Buffer.from(options.trailing ?? new Uint8Array(0))]);
}

/**
 * A ZIP64 end (record, locator, end of central directory) claiming `entries` entries, after an
 * empty central directory: the verifier must refuse the count before reading anything.
 */
export function craftZip64EntryCount(entries: number): Buffer {
  const u64 = (v: number) => {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(v));
    return b;
  };
  const record = Buffer.concat([u32(0x06064b50), u64(44), u16(0x033f), u16(45), u32(0), u32(0), u64(entries), u64(entries), u64(0), u64(0)]);
  const locator = Buffer.concat([u32(0x07064b50), u32(0), u64(0), u32(1)]);
  const eocd = Buffer.concat([u32(0x06054b50), u16(0), u16(0), u16(0xffff), u16(0xffff), u32(0), u32(0), u16(0)]);
  return Buffer.concat([record, locator, eocd]);
}

/** A deflated run of zeros, made once per test run (deflating 1 GiB takes ~2 s). */
export interface Bomb {
  compressed: Buffer;
  inflatedSize: number;
  crc32: number;
}

export async function makeZeroBomb(inflatedSize: number): Promise<Bomb> {
  const zeros = Buffer.alloc(1024 * 1024);
  const deflater = createDeflateRaw({ level: 9 });
  const out: Buffer[] = [];
  deflater.on('data', (c: Buffer) => out.push(c));
  let crc = 0;
  for (let done = 0; done < inflatedSize; done += zeros.length) {
    const n = Math.min(zeros.length, inflatedSize - done);
    crc = crc32(zeros.subarray(0, n), crc);
    if (!deflater.write(zeros.subarray(0, n))) await once(deflater, 'drain');
  }
  deflater.end();
  await once(deflater, 'end');
  return { compressed: Buffer.concat(out), inflatedSize, crc32: crc };
}

/** Writes a one-entry package holding the bomb, its headers declaring `declaredSize` (streamed: the file is ~1 MB). */
export async function writeBombZip(path: string, bomb: Bomb, declaredSize: number, name = 'evidence/zeros.bin'): Promise<void> {
  const zip = craftZip([{ name, method: 8, raw: bomb.compressed, crc32: bomb.crc32, uncompressedSize: declaredSize }]);
  const ws = createWriteStream(path);
  ws.end(zip);
  await once(ws, 'close');
}
// endregion

/**
 * A well-formed archive made with yazl exactly as the writer makes one, from raw entries: for
 * packages whose ZIP is fine but whose content lies (a file swapped after signing, one removed,
 * one added).
 */
export async function yazlZip(entries: { name: string; data: Uint8Array }[]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const e of entries) {
    zip.addReadStream(Readable.from([Buffer.from(e.data)], { objectMode: false }), e.name, {
      compress: false,
      mtime: new Date(1980, 1, 1),
      mode: 0o100644,
      forceDosTimestamp: true,
      size: e.data.length,
    });
  }
  zip.end();
  const parts: Buffer[] = [];
  for await (const chunk of zip.outputStream as AsyncIterable<Buffer>) parts.push(chunk);
  return Buffer.concat(parts);
}
