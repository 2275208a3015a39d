import { createHash, randomFillSync } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yauzl from 'yauzl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseManifest } from '../package/manifest';
import { readPackageEntry, readPackageEntryBytes, PackageReadError } from './package-read';
import { craftZip, sampleFiles, sampleInfo, testSign, testVerify } from './package-test-helpers';
import { verifyPackage } from './package-verify';
import { PackageWriteError, writePackage } from './package-write';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tfa-pkg-write-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function entryNames(path: string): Promise<string[]> {
  const zip = await yauzl.openPromise(path);
  const names: string[] = [];
  for await (const e of zip.eachEntry()) names.push(e.fileName);
  zip.close();
  return names;
}

async function readError(p: Promise<unknown>): Promise<PackageReadError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(PackageReadError);
    return err as PackageReadError;
  }
  throw new Error('expected a PackageReadError');
}

describe('writePackage', () => {
  it('writes files in path order, then manifest.json and its signature over the exact manifest bytes', async () => {
    const out = join(dir, 'ok.tfpkg');
    const written = await writePackage(out, { manifestInfo: sampleInfo, files: sampleFiles(), sign: testSign });
    expect(await entryNames(out)).toEqual([
      'assessment.json',
      'evidence/screenshot-01.png',
      'evidence/日本語の証跡.txt',
      'pack/nist-800-63-4@1.0.0.json',
      'manifest.json',
      'manifest.json.p7s',
    ]);
    const manifestBytes = await readPackageEntryBytes(out, 'manifest.json', { maxBytes: 1 << 20 });
    expect(Buffer.from(manifestBytes)).toEqual(Buffer.from(written.manifestBytes));
    expect(Buffer.from(await readPackageEntryBytes(out, 'manifest.json.p7s', { maxBytes: 1 << 20 }))).toEqual(Buffer.from(await testSign(manifestBytes)));
    const parsed = parseManifest(manifestBytes, 1 << 20);
    expect(parsed.ok).toBe(true);
    for (const f of sampleFiles()) {
      const listed = written.manifest.files.find((m) => m.path === f.path)!;
      const bytes = f.source as Buffer;
      expect(listed).toEqual({ path: f.path, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), role: f.role });
    }
    const report = await verifyPackage(out, { verifySignature: testVerify });
    expect(report.ok).toBe(true);
    expect(report.manifest).toEqual(written.manifest);
  });

  it('gives the same bytes for the same inputs, in any time zone', async () => {
    const tz = process.env.TZ;
    try {
      process.env.TZ = 'Asia/Tokyo';
      await writePackage(join(dir, 'tokyo.tfpkg'), { manifestInfo: sampleInfo, files: sampleFiles(), sign: testSign });
      process.env.TZ = 'America/Los_Angeles';
      await writePackage(join(dir, 'la.tfpkg'), { manifestInfo: sampleInfo, files: [...sampleFiles()].reverse(), sign: testSign });
    } finally {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    }
    expect(readFileSync(join(dir, 'tokyo.tfpkg')).equals(readFileSync(join(dir, 'la.tfpkg')))).toBe(true);
  });

  it('streams file sources: a 256 MiB evidence file costs little memory', async () => {
    const big = join(dir, 'big.bin');
    const chunk = Buffer.alloc(16 * 1024 * 1024);
    const fd = openSync(big, 'w');
    const hash = createHash('sha256');
    for (let i = 0; i < 16; i++) {
      randomFillSync(chunk);
      hash.update(chunk);
      writeSync(fd, chunk);
    }
    closeSync(fd);
    const files = [...sampleFiles(), { path: 'evidence/recording.bin', role: 'evidence' as const, source: big }];
    const before = process.memoryUsage().rss;
    let peak = before;
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
    const out = join(dir, 'big.tfpkg');
    const written = await writePackage(out, { manifestInfo: sampleInfo, files, sign: testSign });
    clearInterval(timer);
    expect(written.manifest.files.find((f) => f.path === 'evidence/recording.bin')).toMatchObject({ size: 256 * 1024 * 1024, sha256: hash.digest('hex') });
    expect(peak - before).toBeLessThan(100 * 1024 * 1024);
    const report = await verifyPackage(out, { verifySignature: testVerify });
    expect(report.ok).toBe(true);
    rmSync(big);
    rmSync(out);
  }, 60_000);

  it('refuses bad inputs before writing anything, listing every problem', async () => {
    const out = join(dir, 'bad.tfpkg');
    const attempt = (files: Parameters<typeof writePackage>[1]['files']) => writePackage(out, { manifestInfo: sampleInfo, files, sign: testSign });
    const base = sampleFiles();
    await expect(attempt([...base, { path: '../escape.txt', role: 'evidence', source: Buffer.from('x') }])).rejects.toMatchObject({ code: 'invalid-input', message: expect.stringMatching(/"\.\.\/escape\.txt"/) });
    await expect(attempt([...base, { path: 'Assessment.json', role: 'other', source: Buffer.from('x') }])).rejects.toMatchObject({ code: 'invalid-input', message: expect.stringMatching(/only in letter case/) });
    await expect(attempt([...base, { path: 'manifest.json', role: 'other', source: Buffer.from('x') }])).rejects.toMatchObject({ code: 'invalid-input' });
    await expect(attempt(base.filter((f) => f.role !== 'pack'))).rejects.toMatchObject({ code: 'invalid-input', message: expect.stringMatching(/role "pack"/) });
    await expect(attempt([...base, { path: 'evidence/gone.pdf', role: 'evidence', source: join(dir, 'no-such-file.pdf') }])).rejects.toMatchObject({ code: 'not-found' });
    await expect(attempt([...base, { path: 'evidence/dir', role: 'evidence', source: dir }])).rejects.toMatchObject({ code: 'invalid-input', message: expect.stringMatching(/not a regular file/) });
    expect(readdirSync(dir).filter((n) => n.includes('bad.tfpkg'))).toEqual([]);
  });

  it('leaves an existing package untouched and no temp file behind when signing fails', async () => {
    const out = join(dir, 'keep.tfpkg');
    writeFileSync(out, 'previous package');
    const err = await writePackage(out, {
      manifestInfo: sampleInfo,
      files: sampleFiles(),
      sign: () => Promise.reject(new Error('the token was removed')),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PackageWriteError);
    expect(err).toMatchObject({ code: 'sign-failed', message: expect.stringMatching(/the token was removed/) });
    expect(readFileSync(out, 'utf8')).toBe('previous package');
    expect(readdirSync(dir).filter((n) => n.includes('keep.tfpkg'))).toEqual(['keep.tfpkg']);
  });
});

it.runIf(process.platform === 'linux')('refuses a source whose size changes while it is read (leaving nothing behind)', async () => {
  // /proc files stat as 0 bytes but read as more: the same as a file growing during an export.
  const out = join(dir, 'changing.tfpkg');
  await expect(writePackage(out, { manifestInfo: sampleInfo, files: [...sampleFiles(), { path: 'evidence/status.txt', role: 'evidence', source: '/proc/self/status' }], sign: testSign })).rejects.toMatchObject({
    code: 'io',
    message: expect.stringMatching(/a file changed while it was being packaged/),
  });
  expect(readdirSync(dir).filter((n) => n.includes('changing.tfpkg'))).toEqual([]);
});

describe('readPackageEntry', () => {
  let pkg: string;
  beforeAll(async () => {
    pkg = join(dir, 'read.tfpkg');
    await writePackage(pkg, { manifestInfo: sampleInfo, files: sampleFiles(), sign: testSign });
  });

  it('streams one entry and checks it against the SHA-256 the manifest lists', async () => {
    const report = await verifyPackage(pkg, { verifySignature: testVerify });
    const listed = report.manifest!.files.find((f) => f.path === 'evidence/日本語の証跡.txt')!;
    const bytes = await readPackageEntryBytes(pkg, listed.path, { maxBytes: 1 << 20, expectedSha256: listed.sha256 });
    expect(Buffer.from(bytes).toString('utf8')).toBe('本人確認の手順書\n'.repeat(20));
    const e = await readError(readPackageEntryBytes(pkg, listed.path, { maxBytes: 1 << 20, expectedSha256: 'f'.repeat(64) }));
    expect(e.code).toBe('modified');
  });

  it('refuses what it must not read', async () => {
    expect((await readError(readPackageEntryBytes(pkg, 'evidence/none.png', { maxBytes: 1 << 20 }))).code).toBe('not-found');
    expect((await readError(readPackageEntryBytes(pkg, '../etc/passwd', { maxBytes: 1 << 20 }))).code).toBe('refused');
    expect((await readError(readPackageEntryBytes(pkg, 'evidence/日本語の証跡.txt', { maxBytes: 10 }))).code).toBe('too-large');
    expect((await readError(readPackageEntryBytes(join(dir, 'nothing.tfpkg'), 'assessment.json', { maxBytes: 10 }))).code).toBe('not-a-package');
    const collide = join(dir, 'collide.zip');
    writeFileSync(collide, craftZip([{ name: 'Evidence/a.png', data: Buffer.from('1') }, { name: 'evidence/A.png', data: Buffer.from('2') }]));
    expect((await readError(readPackageEntryBytes(collide, 'evidence/A.png', { maxBytes: 10 }))).code).toBe('refused');
    const link = join(dir, 'link.zip');
    writeFileSync(link, craftZip([{ name: 'evidence/a.png', data: Buffer.from('/etc/passwd'), externalAttributes: (0o120777 << 16) >>> 0 }]));
    expect((await readError(readPackageEntryBytes(link, 'evidence/a.png', { maxBytes: 100 }))).code).toBe('refused');
    const corrupt = join(dir, 'corrupt.zip');
    writeFileSync(corrupt, craftZip([{ name: 'evidence/a.png', data: Buffer.from('hello'), crc32: 1234 }]));
    expect((await readError(readPackageEntryBytes(corrupt, 'evidence/a.png', { maxBytes: 100 }))).code).toBe('damaged');
  });

  it('hands out chunks the caller may keep', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024 + 5);
    randomFillSync(big);
    const out = join(dir, 'chunks.tfpkg');
    await writePackage(out, { manifestInfo: sampleInfo, files: [...sampleFiles(), { path: 'evidence/big.bin', role: 'evidence', source: big }], sign: testSign });
    const chunks: Uint8Array[] = [];
    for await (const c of readPackageEntry(out, 'evidence/big.bin', { maxBytes: 1 << 30 })) chunks.push(c);
    expect(chunks.length).toBeGreaterThan(1);
    expect(Buffer.concat(chunks).equals(big)).toBe(true);
  });
});
