// The pack loader's cache on the real built-in packs: a pinned load reuses an unpinned load of
// the same build instead of parsing the pack again, and still refuses another build.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPackLoader, createPackStore, packRootsOf } from './packs';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'tfa-pack-cache-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const BUILTIN = join(process.cwd(), 'criteria');

describe('createPackLoader', () => {
  it('serves a pinned load from an unpinned load of the same build, even one still under way', async () => {
    const load = createPackLoader({ builtinDir: BUILTIN, userDir: join(root, 'packs') });
    const unpinned = load({ id: 'jp-idtf', version: '2.0.0' });
    const { pack } = await unpinned;
    const pinned = await load({ id: 'jp-idtf', version: '2.0.0', hash: pack.hash });
    // The same object: parsed once (scoring indexes packs by identity, too).
    expect(pinned.pack).toBe(pack);

    const fresh = createPackLoader({ builtinDir: BUILTIN, userDir: join(root, 'packs') });
    const first = fresh({ id: 'jp-idtf', version: '2.0.0' });
    const second = fresh({ id: 'jp-idtf', version: '2.0.0', hash: pack.hash });
    expect((await second).pack).toBe((await first).pack);
  });

  it('still refuses a pin to another build, and loads the pinned build when the unpinned one differs', async () => {
    const load = createPackLoader({ builtinDir: BUILTIN, userDir: join(root, 'packs') });
    const { pack } = await load({ id: 'jp-idtf', version: '2.0.0' });
    await expect(load({ id: 'jp-idtf', version: '2.0.0', hash: 'f'.repeat(64) })).rejects.toMatchObject({ code: 'conflict' });

    // The user's packs hold another build of the same id@version: unpinned finds the built-in
    // one first; a pin to the user's build must get that one, not the cached built-in.
    const userDir = join(root, 'packs');
    await cp(join(BUILTIN, 'jp-idtf', '2.0.0'), join(userDir, 'jp-idtf', '2.0.0'), { recursive: true });
    const manifest = join(userDir, 'jp-idtf', '2.0.0', 'pack.yaml');
    await writeFile(manifest, (await readFile(manifest, 'utf8')).replace(/^publisher: .*$/m, 'publisher: Local copy'));
    const both = createPackLoader({ builtinDir: BUILTIN, userDir });
    const builtin = await both({ id: 'jp-idtf', version: '2.0.0' });
    expect(builtin.pack.hash).toBe(pack.hash);
    const user = await both({ id: 'jp-idtf', version: '2.0.0', hash: (await createPackLoader({ builtinDir: join(root, 'none'), userDir })({ id: 'jp-idtf', version: '2.0.0' })).pack.hash });
    expect(user.origin).toBe('user');
    expect(user.pack.publisher).toBe('Local copy');
  });
});

describe('createPackStore', () => {
  it('opens with the packs the list parsed, also while the listing is still running', async () => {
    const store = createPackStore({ builtinDir: BUILTIN, userDir: join(root, 'packs') });
    const listing = store.list();
    // Asked for before the listing is done (the window lists packs and opens an assessment at once).
    const during = store.load({ id: 'jp-idtf', version: '2.0.0' });
    const summaries = await listing;
    const summary = summaries.find((p) => p.id === 'jp-idtf' && p.version === '2.0.0')!;
    const pinned = await store.load({ id: 'jp-idtf', version: '2.0.0', hash: summary.hash });
    expect((await during).pack).toBe(pinned.pack);
    expect(pinned).toMatchObject({ origin: 'builtin', pack: { hash: summary.hash } });
    // What the list does not hold still loads, and wrong pins are still refused.
    await expect(store.load({ id: 'jp-idtf', version: '9.9.9' })).rejects.toMatchObject({ code: 'not-found' });
    await expect(store.load({ id: 'jp-idtf', version: '2.0.0', hash: 'f'.repeat(64) })).rejects.toMatchObject({ code: 'conflict' });
    // The list is the same as the stand-alone lister's.
    const { createPackLister } = await import('./packs');
    expect(summaries).toEqual(await createPackLister({ builtinDir: BUILTIN, userDir: join(root, 'packs') })());
  });
});

describe('packRootsOf', () => {
  it('lists the built-in packs first, then the user’s (the lookup order for intake and export)', () => {
    expect(packRootsOf({ builtinDir: '/app/criteria', userDir: '/data/packs' })).toEqual([
      { dir: '/app/criteria', origin: 'builtin' },
      { dir: '/data/packs', origin: 'user' },
    ]);
  });
});
