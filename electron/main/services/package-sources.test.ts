// Package sources: single use, expiring, bounded in number, uploads hashed on arrival and
// deleted when dropped, and leftovers of an earlier run removed. Real files in a temp folder.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_PENDING_PACKAGES, PACKAGE_SOURCE_TTL_MS, PackageSources, PackageTooLargeError, maxPackageFileBytes } from './package-sources';

const tmp = mkdtempSync(join(tmpdir(), 'tfa-package-sources-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const body = (...chunks: string[]) => Readable.from(chunks.map((c) => Buffer.from(c)));

describe('package sources', () => {
  it('an upload is hashed as it arrives, its name sanitized; taking it is single use', async () => {
    const sources = new PackageSources(mkdtempSync(join(tmp, 'r-')));
    const src = await sources.receive({ name: '../../etc/提出\u202E.tfpkg', body: body('PK', 'data') });
    expect(src).toMatchObject({ name: '提出.tfpkg', size: 6 });
    const item = sources.take(src.source);
    expect(item.sha256).toBe(createHash('sha256').update('PKdata').digest('hex'));
    expect(() => sources.take(src.source)).toThrow(expect.objectContaining({ code: 'not-found' }));
    await sources.release(item);
    expect(readdirSync(sources.incomingDir)).toEqual([]);
  });

  it('expired sources are refused and their uploads deleted at the next admission', async () => {
    let clock = 1_000_000;
    const sources = new PackageSources(mkdtempSync(join(tmp, 'r-')), 1024, () => clock);
    const old = await sources.receive({ name: 'a.tfpkg', body: body('x') });
    clock += PACKAGE_SOURCE_TTL_MS + 1;
    expect(() => sources.take(old.source)).toThrow(expect.objectContaining({ code: 'not-found' }));
    await sources.receive({ name: 'b.tfpkg', body: body('y') });
    expect(readdirSync(sources.incomingDir)).toHaveLength(1);
  });

  it('at most MAX_PENDING_PACKAGES wait; over the byte limit is refused whether declared or counted', async () => {
    const dir = mkdtempSync(join(tmp, 'r-'));
    const file = join(tmp, 'p.tfpkg');
    writeFileSync(file, 'x');
    const sources = new PackageSources(dir, 10);
    for (let i = 0; i < MAX_PENDING_PACKAGES; i++) await sources.registerFile(file);
    await expect(sources.registerFile(file)).rejects.toMatchObject({ code: 'conflict' });

    const small = new PackageSources(mkdtempSync(join(tmp, 'r-')), 10);
    await expect(small.receive({ name: 'a', body: body('x'), declaredLength: 11 })).rejects.toBeInstanceOf(PackageTooLargeError);
    await expect(small.receive({ name: 'a', body: body('12345', '678901') })).rejects.toBeInstanceOf(PackageTooLargeError);
    await expect(small.receive({ name: 'a', body: body('123'), declaredLength: 5 })).rejects.toMatchObject({ code: 'bad-request', message: expect.stringMatching(/ended after 3 of 5 bytes/) });
    expect(readdirSync(small.incomingDir)).toEqual([]);
  });

  it('uploads an earlier run left behind are removed; this run’s are kept', async () => {
    const dir = mkdtempSync(join(tmp, 'r-'));
    const sources = new PackageSources(dir);
    mkdirSync(sources.incomingDir, { recursive: true });
    const stale = join(sources.incomingDir, `upload.${process.pid + 1}.0123456789ab.tmp`);
    const other = join(sources.incomingDir, 'notes.txt');
    writeFileSync(stale, 'old');
    writeFileSync(other, 'not ours');
    const mine = await sources.receive({ name: 'a.tfpkg', body: body('new') });
    await sources.removeLeftovers();
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(other)).toBe(true);
    expect(sources.take(mine.source).path).toSatisfy((p: string) => existsSync(p));
  });

  it('the package size limit leaves room for every entry at the package limits', () => {
    const limit = maxPackageFileBytes();
    expect(limit).toBeGreaterThan(64 * 1024 ** 3);
    expect(limit).toBeLessThan(65 * 1024 ** 3);
  });
});
