/**
 * ZIP64: entries or offsets past 4 GiB, and 65,535 entries or more. The verifier rebuilds every
 * header byte for byte, so its ZIP64 forms must be yazl's exactly. Header bytes are compared
 * with yazl's own header builders (no test writes 4 GiB); the ZIP64 end records are exercised
 * for real with a package of 65,536 entries.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yazl from 'yazl';
import { afterAll, describe, expect, it } from 'vitest';
import { centralRecordBytes, dataDescriptorBytes, localHeaderBytes, type LayoutEntry } from '../package/zip-layout';
import { sampleFiles, sampleInfo, testSign, testVerify } from './package-test-helpers';
import { verifyPackage } from './package-verify';
import { writePackage, type PackageFileInput } from './package-write';

interface YazlEntry {
  crcAndFileSizeKnown: boolean;
  crc32: number;
  uncompressedSize: number;
  compressedSize: number;
  relativeOffsetOfLocalHeader: number;
  getLocalFileHeader(): Buffer;
  getDataDescriptor(): Buffer;
  getCentralDirectoryRecord(): Buffer;
}

/** yazl's entry for these values, configured as the writer configures every entry. */
function yazlEntry(e: LayoutEntry): YazlEntry {
  const zip = new yazl.ZipFile();
  zip.addBuffer(Buffer.alloc(0), Buffer.from(e.nameBytes).toString('utf8'), { compress: false, mtime: new Date(1980, 1, 1), mode: 0o100644, forceDosTimestamp: true });
  const entry = (zip as unknown as { entries: YazlEntry[] }).entries[0]!;
  entry.crcAndFileSizeKnown = !e.descriptor;
  entry.crc32 = e.crc32;
  entry.uncompressedSize = e.uncompressedSize;
  entry.compressedSize = e.compressedSize;
  entry.relativeOffsetOfLocalHeader = e.offset;
  return entry;
}

describe('header bytes match yazl', () => {
  const GiB = 1024 ** 3;
  it.each([
    ['a small file', 1000, 0],
    ['a 5 GiB file', 5 * GiB, 0],
    ['exactly 0xFFFFFFFE bytes (the last non-ZIP64 size)', 0xfffffffe, 0],
    ['exactly 0xFFFFFFFF bytes', 0xffffffff, 0],
    ['a small file after 6 GiB of others', 1000, 6 * GiB],
    ['a 9 TiB file at 17 TiB', 9 * 1024 * GiB, 17 * 1024 * GiB],
  ])('%s', (_what, size, offset) => {
    for (const descriptor of [true, false]) {
      const e: LayoutEntry = { nameBytes: Buffer.from('evidence/録画.mp4'), method: 0, descriptor, crc32: 0xdeadbeef, compressedSize: size, uncompressedSize: size, offset };
      const y = yazlEntry(e);
      expect(Buffer.from(centralRecordBytes(e))).toEqual(y.getCentralDirectoryRecord());
      expect(Buffer.from(dataDescriptorBytes(e))).toEqual(y.getDataDescriptor());
      if (size <= 0x3fffffff || descriptor) expect(Buffer.from(localHeaderBytes(e))).toEqual(y.getLocalFileHeader());
    }
  });
});

describe('a package of 65,536 entries (ZIP64 end records)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tfa-pkg-zip64-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is written and verified, and a flipped byte in its ZIP64 end records is refused', async () => {
    const files: PackageFileInput[] = [...sampleFiles()];
    // 65,530 + the 4 sample files + manifest + signature = 0x10000 entries, past the 0xFFFF of a plain end record.
    for (let i = 0; i < 65_530; i++) files.push({ path: `evidence/${String(i).padStart(5, '0')}.txt`, role: 'evidence', source: Buffer.from(`${i}\n`) });
    const out = join(dir, 'many.tfpkg');
    await writePackage(out, { manifestInfo: sampleInfo, files, sign: testSign });
    const report = await verifyPackage(out, { verifySignature: testVerify });
    expect(report.checks.filter((c) => c.status !== 'passed')).toEqual([]);
    expect(report.entries.length).toBe(65_536);

    const bytes = readFileSync(out);
    // ZIP64 record (56) + locator (20) + end record (22) close the file.
    expect(bytes.readUInt32LE(bytes.length - 98)).toBe(0x06064b50);
    for (const at of [bytes.length - 98 + 12, bytes.length - 98 + 24, bytes.length - 42 + 16, bytes.length - 22 + 8]) {
      const bad = Buffer.from(bytes);
      bad[at]! ^= 0x01;
      const path = join(dir, 'flipped.tfpkg');
      writeFileSync(path, bad);
      const r = await verifyPackage(path, { verifySignature: testVerify });
      expect(r.ok, `byte ${at - bytes.length}`).toBe(false);
      expect(r.checks[0]!.status).toBe('failed');
    }
  }, 120_000);
});
