import { describe, expect, it } from 'vitest';
import { utf8Encode } from '../criteria/utf8';
import { buildManifest, compareWithManifest, ManifestError, parseManifest, serializeManifest, type ManifestFile, type ManifestInfo } from './manifest';

const info: ManifestInfo = {
  createdAt: '2025-04-01T09:30:00Z',
  createdBy: 'Hanako Yamada (TF Assessor 0.1.0)',
  pack: { id: 'nist-800-63-4', version: '1.0.0', hash: 'a'.repeat(64) },
  organization: '株式会社サンプル認証',
};
const files: ManifestFile[] = [
  { path: 'pack/nist.json', size: 10, sha256: 'b'.repeat(64), role: 'pack' },
  { path: 'assessment.json', size: 5, sha256: 'c'.repeat(64), role: 'assessment' },
  { path: 'evidence/写真.png', size: 0, sha256: 'd'.repeat(64), role: 'evidence' },
];
const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');

describe('manifest', () => {
  it('serializes one way: fixed key order, files in path order, two-space JSON, LF and a final newline', () => {
    const bytes = serializeManifest(buildManifest(info, files));
    const s = text(bytes);
    expect(s.endsWith('}\n')).toBe(true);
    expect(s).not.toContain('\r');
    expect(Object.keys(JSON.parse(s))).toEqual(['format', 'createdAt', 'createdBy', 'pack', 'organization', 'files']);
    expect((JSON.parse(s) as { files: { path: string }[] }).files.map((f) => f.path)).toEqual(['assessment.json', 'evidence/写真.png', 'pack/nist.json']);
    expect(s).toContain('\n  "format": "tf-assessor/package@1",\n');
    // Same manifest from the files in another order: same bytes.
    expect(serializeManifest(buildManifest(info, [...files].reverse()))).toEqual(bytes);
  });

  it('round-trips through parseManifest', () => {
    const m = buildManifest(info, files);
    const parsed = parseManifest(serializeManifest(m), 1 << 20);
    expect(parsed).toEqual({ ok: true, manifest: m });
  });

  it('refuses bad names, collisions, its own names and a missing assessment or pack, listing every problem', () => {
    try {
      buildManifest(info, [
        { path: '../x', size: 1, sha256: 'e'.repeat(64), role: 'evidence' },
        { path: 'Evidence/a.png', size: 1, sha256: 'e'.repeat(64), role: 'evidence' },
        { path: 'evidence/A.png', size: 1, sha256: 'e'.repeat(64), role: 'evidence' },
        { path: 'manifest.json', size: 1, sha256: 'e'.repeat(64), role: 'other' },
      ]);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ManifestError);
      const problems = (err as ManifestError).problems.join('\n');
      expect(problems).toMatch(/"\.\.\/x": a "\.\." segment/);
      expect(problems).toMatch(/only in letter case/);
      expect(problems).toMatch(/own manifest or signature/);
      expect(problems).toMatch(/exactly one file with role "assessment", not 0/);
      expect(problems).toMatch(/exactly one file with role "pack", not 0/);
    }
  });

  describe('parseManifest refuses hostile or non-canonical bytes', () => {
    const good = text(serializeManifest(buildManifest(info, files)));
    const parse = (s: string | Uint8Array, max = 1 << 20) => parseManifest(typeof s === 'string' ? utf8Encode(s) : s, max);
    const reasonOf = (r: ReturnType<typeof parseManifest>) => (r.ok ? 'ok' : r.reason);

    it.each([
      ['a __proto__ key', good.replace('"format"', '"__proto__": {"polluted": true},\n  "format"'), /forbidden key "__proto__"/],
      ['a constructor key', good.replace('"pack": {', '"pack": {"constructor": 1, '), /forbidden key "constructor"/],
      ['a duplicate key (JSON.parse keeps the last one)', good.replace('"createdBy"', '"createdBy": "Mallory",\n  "createdBy"'), /not in the form TF Assessor writes/],
      ['a byte-order mark', `\uFEFF${good}`, /not in the form TF Assessor writes/],
      ['CRLF line ends', good.replace(/\n/g, '\r\n'), /not in the form TF Assessor writes/],
      ['an escaped character', good.replace('"format": "tf', '"format": "\\u0074f'), /not in the form TF Assessor writes/],
      ['files out of order', good.replace('"assessment.json"', '"zz.json"'), /files must be listed in path order/],
      ['an unknown field', good.replace('"format"', '"extra": 1,\n  "format"'), /does not follow the package format/],
      ['another format', good.replace('package@1', 'package@2'), /must be "tf-assessor\/package@1"/],
      ['a bad sha256', good.replace('b'.repeat(64), 'B'.repeat(64)), /SHA-256/],
      ['an unsafe path', good.replace('"pack/nist.json"', '"pack/../../nist.json"'), /"\.\." segment/],
      ['invalid JSON', good.slice(0, -3), /not valid JSON/],
      ['deep nesting', `${'['.repeat(100000)}${']'.repeat(100000)}`, /nests deeper than 8/],
      ['a control character in a label', good.replace('株式会社', '株式会社\\u001b[2J'), /control or invisible/],
    ])('%s', (_what, input, reason) => {
      expect(reasonOf(parse(input))).toMatch(reason);
    });

    it('bytes that are not UTF-8, and more bytes than allowed', () => {
      expect(reasonOf(parse(new Uint8Array([0x7b, 0xff, 0x7d])))).toMatch(/not UTF-8/);
      expect(reasonOf(parse(good, 100))).toMatch(/at most 100 are read/);
    });

    it('does not pollute Object.prototype', () => {
      parse(good.replace('"format"', '"__proto__": {"polluted": true},\n  "format"'));
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });
  });

  it('compares found files with the manifest: modified, missing and extra, by exact path', () => {
    const m = buildManifest(info, files);
    const diff = compareWithManifest(m, [
      { path: 'assessment.json', size: 5, sha256: 'c'.repeat(64) },
      { path: 'pack/nist.json', size: 10, sha256: 'f'.repeat(64) },
      { path: 'evidence/extra.png', size: 1, sha256: 'a'.repeat(64) },
      { path: 'manifest.json', size: 1, sha256: 'a'.repeat(64) },
      { path: 'manifest.json.p7s', size: 1, sha256: 'a'.repeat(64) },
    ]);
    expect(diff.modified.map((d) => d.path)).toEqual(['pack/nist.json']);
    expect(diff.missing).toEqual(['evidence/写真.png']);
    expect(diff.extra).toEqual(['evidence/extra.png']);
  });
});
