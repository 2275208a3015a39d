/**
 * Hostile packages. Every package here is built by the test: well-formed ones with yazl (the
 * writer itself, or yazl with the writer's options), malformed ones byte by byte
 * (`craftZip`), so names, sizes, attributes and offsets can say anything. Each rejection must
 * come from the right check with the right reason, the earlier checks passing: a package
 * refused for the wrong reason is a verifier that works by accident.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PackageLimits } from '../package/limits';
import { CHECK_IDS, type CheckId, type PackageReport } from '../package/report';
import { readPackageEntryBytes } from './package-read';
import { craftZip, craftZip64EntryCount, makeZeroBomb, sampleFiles, sampleInfo, testSign, testVerify, writeBombZip, yazlZip, type Bomb, type CraftEntry } from './package-test-helpers';
import { verifyPackage, verifyPackages } from './package-verify';
import { writePackage } from './package-write';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

let dir: string;
let validPath: string;
let valid: Buffer;
/** The valid package's parts, to rebuild it with one thing changed. */
let parts: { name: string; data: Buffer }[];
let bomb: Bomb;
let counter = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tfa-pkg-verify-'));
  validPath = join(dir, 'valid.tfpkg');
  await writePackage(validPath, { manifestInfo: sampleInfo, files: sampleFiles(), sign: testSign });
  valid = readFileSync(validPath);
  parts = [];
  for (const name of ['assessment.json', 'evidence/screenshot-01.png', 'evidence/日本語の証跡.txt', 'pack/nist-800-63-4@1.0.0.json', 'manifest.json', 'manifest.json.p7s']) {
    parts.push({ name, data: Buffer.from(await readPackageEntryBytes(validPath, name, { maxBytes: MiB })) });
  }
  bomb = await makeZeroBomb(GiB);
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(bytes: Uint8Array): string {
  const p = join(dir, `case-${++counter}.tfpkg`);
  writeFileSync(p, bytes);
  return p;
}

async function verify(bytes: Uint8Array | string, limits?: Partial<PackageLimits>, verifySignature = testVerify): Promise<PackageReport> {
  return verifyPackage(typeof bytes === 'string' ? bytes : file(bytes), { verifySignature, ...(limits && { limits }) });
}

/** The package is refused, `id` is the first check that failed, with a reason matching `reason`. */
function expectRefusedBy(report: PackageReport, id: CheckId, reason: RegExp): void {
  expect(report.ok).toBe(false);
  const first = report.checks.find((c) => c.status === 'failed');
  expect({ id: first?.id, reason: first?.reason }).toEqual({ id, reason: expect.stringMatching(reason) });
  // Everything before it passed, or was not checked because reading stopped at this problem.
  for (const c of report.checks.slice(0, CHECK_IDS.indexOf(id))) {
    if (c.status !== 'passed') expect(c, c.id).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/^not checked: reading stopped/) });
  }
}

const withParts = (change: (p: { name: string; data: Buffer }[]) => { name: string; data: Buffer }[]) => yazlZip(change(parts.map((p) => ({ ...p }))));
const entry = (name: string | Uint8Array, data = 'x', more: Partial<CraftEntry> = {}): CraftEntry => ({ name, data: Buffer.from(data), ...more });

describe('a valid package', () => {
  it('passes every check, and the entries list what was read', async () => {
    const report = await verify(validPath);
    expect(report.checks.map((c) => [c.id, c.status])).toEqual(CHECK_IDS.map((id) => [id, 'passed']));
    expect(report.ok).toBe(true);
    expect(report.entries.map((e) => e.path)).toEqual(parts.map((p) => p.name));
    expect(report.signature?.signer?.subject).toBe('CN=Test Signer');
  });

  it('is rebuilt byte for byte by yazl with the writer options (the tests below change one thing each)', async () => {
    expect((await withParts((p) => p)).equals(valid)).toBe(true);
  });

  it('verifies 20 packages concurrently, reports in order', async () => {
    const bad = file(await withParts((p) => p.filter((x) => x.name !== 'manifest.json.p7s')));
    const paths = Array.from({ length: 20 }, (_, i) => (i % 5 === 4 ? bad : validPath));
    const reports = await verifyPackages(paths, { verifySignature: testVerify, concurrency: 4 });
    expect(reports.map((r) => r.ok)).toEqual(paths.map((p) => p === validPath));
  });
});

describe('content that does not match the signed manifest', () => {
  it('a modified file: reported with its path, expected and actual hashes; the manifest itself is authentic', async () => {
    const report = await verify(await withParts((p) => p.map((x) => (x.name === 'evidence/screenshot-01.png' ? { ...x, data: Buffer.from('a different picture') } : x))));
    expectRefusedBy(report, 'files-match-manifest', /1 modified \("evidence\/screenshot-01\.png"\)/);
    const details = report.checks.find((c) => c.id === 'files-match-manifest')!.details as { modified: { path: string; actual: { size: number } }[] };
    expect(details.modified).toMatchObject([{ path: 'evidence/screenshot-01.png', actual: { size: 19 } }]);
    expect(report.checks.find((c) => c.id === 'signature')!.status).toBe('passed');
  });

  it('a missing file', async () => {
    const report = await verify(await withParts((p) => p.filter((x) => x.name !== 'evidence/日本語の証跡.txt')));
    expectRefusedBy(report, 'files-match-manifest', /1 missing \("evidence\/日本語の証跡\.txt"\)/);
  });

  it('an extra file', async () => {
    const report = await verify(await withParts((p) => [...p.slice(0, 4), { name: 'evidence/planted.exe', data: Buffer.from('MZ') }, ...p.slice(4)]));
    expectRefusedBy(report, 'files-match-manifest', /1 not in the manifest \("evidence\/planted\.exe"\)/);
  });

  it('a manifest edited to match a swapped file: the signature no longer matches', async () => {
    const report = await verify(
      await withParts((p) => p.map((x) => (x.name === 'manifest.json' ? { ...x, data: Buffer.from(x.data.toString('utf8').replace('株式会社サンプル認証', '株式会社ニセモノ認証')) } : x))),
    );
    expectRefusedBy(report, 'signature', /does not match the manifest bytes/);
  });

  it('an unsigned package', async () => {
    const report = await verify(await withParts((p) => p.filter((x) => x.name !== 'manifest.json.p7s')));
    expectRefusedBy(report, 'signature', /manifest\.json\.p7s is missing: the package is not signed/);
  });

  it('a signature the verifier does not accept, and a verifier that fails', async () => {
    const untrusted = await verify(validPath, undefined, async () => ({ valid: false, reason: 'the signer CN=Someone is not in the trust store' }));
    expectRefusedBy(untrusted, 'signature', /not in the trust store/);
    const broken = await verify(validPath, undefined, () => Promise.reject(new Error('trust store unreadable')));
    expectRefusedBy(broken, 'signature', /could not be checked: trust store unreadable/);
  });

  it('no manifest at all', async () => {
    expectRefusedBy(await verify(await withParts((p) => p.filter((x) => !x.name.startsWith('manifest')))), 'manifest-present', /manifest\.json is missing/);
  });

  it('a manifest with a __proto__ key, and one not in canonical form', async () => {
    const poisoned = await withParts((p) => p.map((x) => (x.name === 'manifest.json' ? { ...x, data: Buffer.from(x.data.toString().replace('{\n', '{\n  "__proto__": {"isAdmin": true},\n')) } : x)));
    expectRefusedBy(await verify(poisoned), 'manifest-schema', /forbidden key "__proto__"/);
    const reformatted = await withParts((p) => p.map((x) => (x.name === 'manifest.json' ? { ...x, data: Buffer.from(JSON.stringify(JSON.parse(x.data.toString()))) } : x)));
    expectRefusedBy(await verify(reformatted), 'manifest-schema', /not in the form TF Assessor writes/);
  });
});

describe('unsafe names', () => {
  it.each([
    ['../x', /"\.\.\/x": a "\.\." segment/],
    ['evidence/../../../etc/cron.d/x', /a "\.\." segment/],
    ['/etc/passwd', /"\/etc\/passwd": an absolute path/],
    ['C:\\x', /drive letter/],
    ['C:/Windows/System32/x.dll', /drive letter/],
    ['\\\\server\\share\\x', /UNC path/],
    ['evidence\\a.png', /backslash/],
    ['evidence/a\u0000.png.exe', /"evidence\/a\\u\{0\}\.png\.exe": the name holds a control character/],
    ['evidence/\u001b]0;pwned\u0007.png', /control character/],
    ['evidence/invoice\u202Egnp.exe', /invisible formatting character/],
    ['evidence/CON.txt', /device name Windows reserves/],
    ['evidence/report.pdf.', /ends with a dot or a space/],
    ['evidence/a:stream', /character Windows cannot store/],
    [`evidence/${'a'.repeat(300)}`, /longer than 255 bytes/],
  ])('%j is refused by entry-names', async (name, reason) => {
    const report = await verify(craftZip([entry('assessment.json'), entry(name)]));
    expectRefusedBy(report, 'entry-names', reason);
  });

  it('a name that is not UTF-8', async () => {
    expectRefusedBy(await verify(craftZip([entry(Buffer.from([0x65, 0x76, 0xff, 0xfe]))])), 'entry-names', /entry 1: the name is not valid UTF-8/);
  });

  it('duplicate names', async () => {
    expectRefusedBy(await verify(craftZip([entry('evidence/a.png', '1'), entry('evidence/a.png', '2')])), 'entry-names', /"evidence\/a\.png": the package holds two entries with this name/);
  });

  it('names that differ only in case', async () => {
    expectRefusedBy(await verify(craftZip([entry('Evidence/a.png'), entry('evidence/A.png')])), 'entry-names', /"evidence\/A\.png": differs from "Evidence\/a\.png" only in letter case/);
  });

  it('names that differ only in Unicode normalisation (NFC / NFD)', async () => {
    expectRefusedBy(await verify(craftZip([entry('evidence/caf\u00e9.png'), entry('evidence/cafe\u0301.png')])), 'entry-names', /only in Unicode normalisation/);
  });

  it('a file whose path another entry uses as a folder', async () => {
    expectRefusedBy(await verify(craftZip([entry('evidence'), entry('evidence/a.png')])), 'entry-names', /uses "evidence" as a folder/);
  });

  it('a name the local header gives differently from the central directory', async () => {
    expectRefusedBy(await verify(craftZip([entry('evidence/a.png', 'x', { localName: 'evidence/b.png' })])), 'zip-structure', /local header of "evidence\/a\.png" names another file \("evidence\/b\.png"\)/);
  });
});

describe('entries that are not regular files', () => {
  it('a symlink', async () => {
    const report = await verify(craftZip([entry('evidence/link', '/etc/passwd', { externalAttributes: (0o120777 << 16) >>> 0 })]));
    expectRefusedBy(report, 'entry-types', /"evidence\/link" is a symbolic link/);
  });

  it('a folder entry carrying data', async () => {
    const report = await verify(craftZip([entry('evidence/', 'hidden payload', { externalAttributes: ((0o40755 << 16) | 0x10) >>> 0 })]));
    expectRefusedBy(report, 'entry-types', /"evidence\/" is a folder entry: packages hold files only, and it carries 14 bytes of data/);
  });

  it('a FIFO, and an entry without a file type', async () => {
    expectRefusedBy(await verify(craftZip([entry('evidence/pipe', '', { externalAttributes: (0o10644 << 16) >>> 0 })])), 'entry-types', /device, FIFO or socket/);
    expectRefusedBy(await verify(craftZip([entry('evidence/a', 'x', { externalAttributes: 0 })])), 'entry-types', /no file type/);
  });
});

describe('limits', () => {
  it('too many entries', async () => {
    const report = await verify(craftZip(Array.from({ length: 11 }, (_, i) => entry(`evidence/${i}.png`))), { maxEntries: 10 });
    expectRefusedBy(report, 'entry-limits', /the archive has 11 entries; at most 10 are allowed/);
  });

  it('an entry count over the default limit is refused before a single entry is read', async () => {
    const t0 = performance.now();
    const report = await verify(craftZip64EntryCount(100_001));
    expectRefusedBy(report, 'entry-limits', /100001 entries; at most 100000/);
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  it('one entry over the size limit', async () => {
    const report = await verify(craftZip([entry('assessment.json'), { name: 'evidence/big.bin', data: Buffer.alloc(2 * MiB) }]), { maxEntryBytes: MiB });
    expectRefusedBy(report, 'entry-limits', /"evidence\/big\.bin" declares 2 MiB; one entry may hold at most 1 MiB/);
  });

  it('the total over the limit', async () => {
    const report = await verify(craftZip([{ name: 'evidence/a.bin', data: Buffer.alloc(2 * MiB) }, { name: 'evidence/b.bin', data: Buffer.alloc(2 * MiB) }]), { maxTotalBytes: 3 * MiB });
    expectRefusedBy(report, 'entry-limits', /the entries declare more than 3 MiB in all/);
  });
});

describe('zip bombs (1 GiB of zeros deflated to about 1 MB)', () => {
  async function bombFile(declared: number): Promise<string> {
    const p = join(dir, `bomb-${++counter}.tfpkg`);
    await writeBombZip(p, bomb, declared);
    return p;
  }

  /** Verifies while sampling RSS; returns the report, the growth and the time taken. */
  async function measured(path: string, limits?: Partial<PackageLimits>) {
    const before = process.memoryUsage().rss;
    let peak = before;
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 2);
    const t0 = performance.now();
    const report = await verify(path, limits);
    const ms = performance.now() - t0;
    clearInterval(timer);
    peak = Math.max(peak, process.memoryUsage().rss);
    return { report, growth: peak - before, ms };
  }

  it('an honest header declaring the ratio is refused before inflating anything', async () => {
    const { report, ms } = await measured(await bombFile(GiB));
    expectRefusedBy(report, 'entry-limits', /"evidence\/zeros\.bin" declares a 10\d\d:1 compression ratio \(more than 200:1\)/);
    expect(ms).toBeLessThan(1000);
  });

  it('a header lying small (1 KiB declared) is stopped by the counted bytes at the declared size', async () => {
    const { report, growth } = await measured(await bombFile(1024));
    expectRefusedBy(report, 'entry-limits', /"evidence\/zeros\.bin" inflates to more than the 1024 bytes its header declares: the header lies/);
    const details = report.checks.find((c) => c.id === 'entry-limits')!.details!;
    expect(details).toMatchObject({ limit: 'declared' });
    expect(details.inflatedBytes as number).toBeLessThan(MiB);
    expect(growth).toBeLessThan(100 * MiB);
  });

  it('a header lying plausibly (100 MiB declared, 100:1) is stopped by the counted ratio, long before 100 MiB', async () => {
    const { report, growth, ms } = await measured(await bombFile(100 * MiB));
    expectRefusedBy(report, 'entry-limits', /"evidence\/zeros\.bin" inflates more than 200:1 .*: a "zip bomb"/);
    const details = report.checks.find((c) => c.id === 'entry-limits')!.details!;
    expect(details).toMatchObject({ limit: 'ratio' });
    expect(details.inflatedBytes as number).toBeLessThan(32 * MiB);
    expect(growth).toBeLessThan(100 * MiB);
    expect(ms).toBeLessThan(5000);
  });

  it('with the ratio limit switched off, the whole GiB is inflated and hashed in bounded memory', async () => {
    const { report, growth, ms } = await measured(await bombFile(GiB), { maxRatio: Number.POSITIVE_INFINITY });
    // Readable to the end, so the package is refused for what it is: not a package.
    expectRefusedBy(report, 'manifest-present', /manifest\.json is missing/);
    expect(report.entries[0]).toMatchObject({ path: 'evidence/zeros.bin', size: GiB, sha256: '49bc20df15e412a64472421e13fe86ff1c5165e18b2afccf160d4dc19fe68a14' });
    expect(growth).toBeLessThan(100 * MiB);
    expect(ms).toBeLessThan(30_000);
  }, 60_000);
});

describe('damaged archives', () => {
  it('a CRC error', async () => {
    expectRefusedBy(await verify(craftZip([entry('evidence/a.png', 'hello', { crc32: 0x12345678 })])), 'zip-structure', /"evidence\/a\.png" fails its CRC-32 check: the archive is corrupted/);
  });

  it('a truncated archive', async () => {
    expectRefusedBy(await verify(valid.subarray(0, valid.length - 30)), 'zip-structure', /does not end with its end-of-central-directory record/);
    expectRefusedBy(await verify(valid.subarray(0, 100)), 'zip-structure', /does not end with its end-of-central-directory record/);
  });

  it('a damaged central directory', async () => {
    const bytes = Buffer.from(valid);
    const cd = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    bytes[cd + 1] = 0;
    expectRefusedBy(await verify(bytes), 'zip-structure', /the central directory is damaged: invalid central directory file header signature/);
  });

  it('bytes appended after the end record, or a comment', async () => {
    expectRefusedBy(await verify(Buffer.concat([valid, Buffer.from('PK trailing')])), 'zip-structure', /does not end with its end-of-central-directory record/);
  });

  it('two central records pointing at one local entry (overlapping entries)', async () => {
    expectRefusedBy(await verify(craftZip([entry('evidence/a.png'), entry('evidence/b.png', 'x', { offset: 0 })])), 'zip-structure', /"evidence\/b\.png" starts inside the previous entry/);
  });

  it('deflated data followed by hidden bytes inside the entry', async () => {
    const raw = Buffer.concat([deflateRawSync(Buffer.from('hello hello hello')), Buffer.from('hidden')]);
    expectRefusedBy(await verify(craftZip([entry('evidence/a.txt', 'hello hello hello', { method: 8, raw })])), 'zip-structure', /ends after \d+ of its \d+ bytes \(data hidden after it\)/);
  });

  it('damaged deflate data', async () => {
    const raw = Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff]);
    expectRefusedBy(await verify(craftZip([entry('evidence/a.txt', 'hello', { method: 8, raw })])), 'zip-structure', /the compressed data of "evidence\/a\.txt" is damaged/);
  });

  it('an encrypted entry, an unknown compression method, a header field the writer never writes', async () => {
    // ZipCrypto data starts with a 12-byte header.
    expectRefusedBy(await verify(craftZip([entry('evidence/a.png', 'x', { flags: 0x0809, raw: Buffer.alloc(13, 7) })])), 'zip-structure', /"evidence\/a\.png" is encrypted/);
    expectRefusedBy(await verify(craftZip([entry('evidence/a.png', 'x', { method: 12 })])), 'zip-structure', /compression method 12/);
    expectRefusedBy(await verify(craftZip([entry('evidence/a.png', 'x', { externalAttributes: (0o100755 << 16) >>> 0 })])), 'zip-structure', /central directory record of "evidence\/a\.png" differs .*external attributes/);
  });

  it('not a ZIP at all, an empty file, a folder, a FIFO (without waiting for a writer)', async () => {
    expectRefusedBy(await verify(Buffer.from('%PDF-1.7 not a package')), 'zip-structure', /not a readable package/);
    expectRefusedBy(await verify(Buffer.alloc(0)), 'zip-structure', /too short to be a ZIP archive/);
    expectRefusedBy(await verify(dir), 'zip-structure', /not a regular file|is a folder/);
    const fifo = join(dir, 'fifo.tfpkg');
    if (spawnSync('mkfifo', [fifo]).status === 0) expectRefusedBy(await verify(fifo), 'zip-structure', /not a regular file/);
  });
});

describe('corruption anywhere (every byte of a valid package is checked content or checked structure)', () => {
  async function corrupted(bytes: Uint8Array): Promise<PackageReport> {
    // One file, rewritten each time (not one per case: the last test re-reads every case).
    const path = join(dir, 'corrupted.bin');
    writeFileSync(path, bytes);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('verification did not finish within 5 s')), 5000)));
    try {
      return await Promise.race([verify(path), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  it('every single byte inverted: refused, never an exception', async () => {
    const accepted: number[] = [];
    for (let i = 0; i < valid.length; i++) {
      const bytes = Buffer.from(valid);
      bytes[i]! ^= 0xff;
      const report = await corrupted(bytes);
      if (report.ok || !report.checks.some((c) => c.status === 'failed')) accepted.push(i);
    }
    expect(accepted).toEqual([]);
  }, 60_000);

  it('random byte changes and truncations: refused, never an exception, in bounded time (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ at: fc.nat(valid.length - 1), xor: fc.integer({ min: 1, max: 255 }) }), { minLength: 1, maxLength: 4 }),
        fc.option(fc.nat(valid.length - 1), { nil: undefined }),
        async (flips, cut) => {
          const bytes = Buffer.from(valid);
          for (const f of flips) bytes[f.at]! ^= f.xor;
          const report = await corrupted(cut === undefined ? bytes : bytes.subarray(0, cut));
          const changed = cut !== undefined || !bytes.equals(valid);
          if (changed) expect(report.ok).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  }, 60_000);
});

describe('nothing is written anywhere', () => {
  it('verifying every hostile package above leaves the working folder, the temp folder and the zip-slip targets untouched', async () => {
    const sandbox = mkdtempSync(join(dir, 'sandbox-'));
    const cwd = join(sandbox, 'cwd');
    const tmp = join(sandbox, 'tmp');
    mkdirSync(cwd);
    mkdirSync(tmp);
    const targets = [join(cwd, '..', 'x'), join(dir, 'x'), '/x', join(cwd, 'etc', 'passwd')];
    const passwd = statSync('/etc/passwd').mtimeMs;
    const packages = readdirSync(dir).filter((n) => n.endsWith('.tfpkg') && !n.startsWith('fifo'));
    const before = readdirSync(dir).sort();
    const oldCwd = process.cwd();
    const oldTmp = process.env.TMPDIR;
    try {
      process.chdir(cwd);
      process.env.TMPDIR = tmp;
      expect(tmpdir()).toBe(tmp);
      for (const name of packages) await verify(join(dir, name));
      await verify(craftZip([entry('../x'), entry('/x'), entry('C:\\x'), entry('../../../../../../etc/passwd')]));
    } finally {
      process.chdir(oldCwd);
      if (oldTmp === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = oldTmp;
    }
    expect(readdirSync(cwd)).toEqual([]);
    expect(readdirSync(tmp)).toEqual([]);
    for (const t of targets) expect(() => statSync(t), t).toThrow();
    expect(statSync('/etc/passwd').mtimeMs).toBe(passwd);
    // Only the package the test itself wrote was added to the test folder.
    expect(readdirSync(dir).sort()).toEqual([...before, `case-${counter}.tfpkg`].sort());
    expect(packages.length).toBeGreaterThan(40);
  }, 120_000);
});
