import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { canonicalJson, canonicalPackJson, packHash, packIdentity, parsePackRef } from './canonical';
import { loadPack, type PackFile } from './load';
import type { Pack } from './schema';
import { sha256Hex } from './sha256';
import { utf8DecodeStrict, utf8Encode } from './utf8';
import { compareSemVer } from './semver';

const DIR = join(__dirname, '../../test/fixtures/packs/demo/1.0.0');
const original = (): PackFile[] =>
  ['pack.yaml', 'criteria/org.yaml', 'criteria/ial.yaml'].map((p) => ({ path: p, text: readFileSync(join(DIR, p), 'utf8') }));

async function load(files: PackFile[]): Promise<Pack> {
  const r = await loadPack(files);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.pack;
}

/** Deep copy with object keys reversed and strings decomposed (NFD): same content, other bytes. */
function scramble(v: unknown): unknown {
  if (typeof v === 'string') return v.normalize('NFD');
  if (Array.isArray(v)) return v.map(scramble);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, scramble(x)]));
  return v;
}

describe('sha256Hex', () => {
  it('matches node:crypto on random inputs and on block-boundary lengths', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(sha256Hex(bytes)).toBe(createHash('sha256').update(bytes).digest('hex'));
      }),
      { numRuns: 300 },
    );
    for (const n of [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 128, 1_000_003]) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 31 + 7) & 255);
      expect(sha256Hex(bytes)).toBe(createHash('sha256').update(bytes).digest('hex'));
    }
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('utf8', () => {
  it('encodes like Buffer (lone surrogates → U+FFFD) and decodes strictly like a fatal TextDecoder', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 50 }), fc.string({ unit: 'grapheme', maxLength: 50 }), (a, b) => {
        for (const s of [a, b, a + '\ud800' + b]) expect(Buffer.from(utf8Encode(s)).equals(Buffer.from(s, 'utf8'))).toBe(true);
      }),
    );
    const dec = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        let expected: string | null;
        try {
          expected = dec.decode(bytes);
        } catch {
          expected = null;
        }
        expect(utf8DecodeStrict(bytes)).toBe(expected);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('canonical form and pack hash', () => {
  it('serializes with sorted keys, no whitespace, NFC strings, and no undefined members', () => {
    expect(canonicalJson({ b: 1, a: ['x', { d: null, c: true, e: undefined }], 'é': 'e\u0301' })).toBe('{"a":["x",{"c":true,"d":null}],"b":1,"é":"é"}');
    expect(() => canonicalJson({ n: Infinity })).toThrow();
  });

  it('is the SHA-256 of the canonical JSON bytes, and the identity is id@version#hash', async () => {
    const pack = await load(original());
    expect(pack.hash).toBe(createHash('sha256').update(canonicalPackJson(pack), 'utf8').digest('hex'));
    expect(packHash(pack)).toBe(pack.hash);
    expect(packIdentity(pack)).toBe(`demo@1.0.0#${pack.hash}`);
    expect(parsePackRef(packIdentity(pack))).toEqual({ id: 'demo', version: '1.0.0', hash: pack.hash });
    expect(parsePackRef('demo@1.0.0')).toEqual({ id: 'demo', version: '1.0.0' });
    expect(parsePackRef('demo')).toBeNull();
  });

  it('does not depend on YAML formatting, key order, comments, Unicode normalization or the file split', async () => {
    const base = await load(original());
    const raw = original().map((f) => ({ path: f.path, value: scramble(parse(String(f.text))) }));
    const manifest = raw[0]!.value as Record<string, unknown>;
    const allCriteria = [...((raw[1]!.value as { criteria: unknown[] }).criteria), ...((raw[2]!.value as { criteria: unknown[] }).criteria)];
    // One criteria file, in JSON (flow) style with comments, keys reversed, NFD text.
    const files: PackFile[] = [
      { path: 'pack.yaml', text: '# reformatted\n' + stringify({ ...manifest, criteriaFiles: ['all.yaml'] }, { defaultStringType: 'QUOTE_DOUBLE' }) },
      { path: 'all.yaml', text: '# comment\n' + JSON.stringify({ criteria: allCriteria }, null, 1).replace(/\n/g, ' # c\n') + '\n' },
    ];
    const reformatted = await load(files);
    expect(reformatted.hash).toBe(base.hash);

    // …but any change of content changes it, including the order of criteria.
    const changed = await load(original().map((f) => (f.path === 'criteria/org.yaml' ? { ...f, text: String(f.text).replace('Periodic review }', 'Periodic reviews }') } : f)));
    expect(changed.hash).not.toBe(base.hash);
    const reordered = await load([{ ...files[0]!, text: String(files[0]!.text) }, { path: 'all.yaml', text: JSON.stringify({ criteria: [...allCriteria].reverse() }) }]);
    expect(reordered.hash).not.toBe(base.hash);
  });
});

describe('compareSemVer', () => {
  it('orders versions as semver.org does', () => {
    const sorted = ['1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-alpha.beta', '1.0.0-beta', '1.0.0-beta.2', '1.0.0-beta.11', '1.0.0-rc.1', '1.0.0', '1.2.0', '1.10.0', '2.0.0'];
    expect([...sorted].reverse().sort(compareSemVer)).toEqual(sorted);
  });
});
