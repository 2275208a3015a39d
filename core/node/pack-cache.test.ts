import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LoadPackResult } from '../criteria/load';
import { packCacheDir, type PackCache } from './pack-cache';
import { discoverPacks, readPackDir, type PackRoot } from './packs';

const CRITERIA = resolve(__dirname, '../../criteria');
let tmp: string;
let root: string;
let roots: PackRoot[];
let cacheDir: string;

/** The real cache, counting what it served and what it stored. */
function counting(cache: PackCache) {
  const stats = { hits: 0, stores: 0 };
  const wrapped: PackCache = {
    key: (d, r) => cache.key(d, r),
    get: async (k) => {
      const r = await cache.get(k);
      if (r) stats.hits++;
      return r;
    },
    set: async (k, r) => {
      stats.stores++;
      await cache.set(k, r);
    },
  };
  return { cache: wrapped, stats };
}

const v2 = () => join(root, 'jp-idtf', '2.0.0');
const load = (cache: PackCache) => readPackDir(v2(), { expectFromFolder: true, roots, cache });
const packOf = (r: LoadPackResult) => {
  if (!r.ok) throw new Error(r.problems[0]!.message);
  return r.pack;
};

beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'tfa-pack-cache-'));
  root = join(tmp, 'packs');
  cpSync(join(CRITERIA, 'jp-idtf'), join(root, 'jp-idtf'), { recursive: true });
  roots = [{ dir: root, origin: 'builtin' }];
  cacheDir = join(tmp, 'cache');
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

describe('pack cache', () => {
  it('serves the second load from the cache, identical to a load from YAML', async () => {
    const { cache, stats } = counting(packCacheDir(cacheDir, 'v1'));
    const first = await load(cache);
    expect(stats).toEqual({ hits: 0, stores: 1 });
    const second = await load(cache);
    expect(stats).toEqual({ hits: 1, stores: 1 });
    const uncached = await readPackDir(v2(), { expectFromFolder: true, roots });
    expect(second).toEqual(uncached);
    expect(first).toEqual(uncached);
    expect(packOf(second).hash).toBe(packOf(uncached).hash);
    expect(packOf(second).mapping).toBeDefined(); // checked against 1.0.0, as uncached
  });

  it('never serves a stale entry: a changed byte in the pack or in the version it maps from is a new key', async () => {
    const { cache, stats } = counting(packCacheDir(cacheDir, 'v1'));
    const before = packOf(await load(cache));
    const file = join(v2(), 'criteria', readdirSync(join(v2(), 'criteria')).find((n) => n.endsWith('.yaml'))!);
    const text = readFileSync(file, 'utf8');
    const title = /title:\s*\n\s*ja:\s*(.+)\n/.exec(text)!;
    writeFileSync(file, text.replace(title[0], title[0].replace(title[1]!, `${title[1]}（改）`)));
    const after = packOf(await load(cache));
    expect(stats.hits).toBe(0);
    expect(after.hash).not.toBe(before.hash);
    expect(after).toEqual(packOf(await readPackDir(v2(), { expectFromFolder: true, roots })));

    // The previous version is part of the key too (the mapping is validated against it).
    const k1 = await cache.key(v2(), roots);
    const prev = join(root, 'jp-idtf', '1.0.0', 'pack.yaml');
    writeFileSync(prev, `${readFileSync(prev, 'utf8')}\n# edited\n`);
    expect(await cache.key(v2(), roots)).not.toBe(k1);
  });

  it('keys depend on the build salt: another build never reads these entries', async () => {
    await load(packCacheDir(cacheDir, 'v1'));
    const { cache, stats } = counting(packCacheDir(cacheDir, 'v2'));
    await load(cache);
    expect(stats.hits).toBe(0);
  });

  it('ignores a damaged or foreign entry and loads from YAML', async () => {
    const real = packCacheDir(cacheDir, 'v1');
    const key = (await real.key(v2(), roots))!;
    await load(real);
    writeFileSync(join(cacheDir, `${key}.json`), '{"format":"tf-assessor/pack-cache@1","key":"');
    const { cache, stats } = counting(real);
    expect(packOf(await load(cache)).id).toBe('jp-idtf');
    expect(stats.hits).toBe(0);
    // An entry filed under another key is not served.
    writeFileSync(join(cacheDir, `${key}.json`), JSON.stringify({ format: 'tf-assessor/pack-cache@1', key: 'f'.repeat(64), result: { ok: true, pack: {}, warnings: [] } }));
    expect(await real.get(key)).toBeUndefined();
  });

  it('keeps no invalid pack and caches nothing in a folder holding a symlink', async () => {
    const { cache, stats } = counting(packCacheDir(cacheDir, 'v1'));
    writeFileSync(join(v2(), 'pack.yaml'), 'id: [');
    expect((await load(cache)).ok).toBe(false);
    expect(stats.stores).toBe(0);
    symlinkSync('/etc/hostname', join(root, 'jp-idtf', '1.0.0', 'link'));
    expect(await cache.key(join(root, 'jp-idtf', '1.0.0'), roots)).toBeUndefined();
  });

  it('discoverPacks lists the same packs with the cache, and fills it', async () => {
    const { cache, stats } = counting(packCacheDir(cacheDir, 'v1'));
    const plain = await discoverPacks(roots);
    const first = await discoverPacks(roots, { cache });
    const second = await discoverPacks(roots, { cache });
    expect(first).toEqual(plain);
    expect(second).toEqual(plain);
    expect(stats).toEqual({ hits: 2, stores: 2 });
  });
});
