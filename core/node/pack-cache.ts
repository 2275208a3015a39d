/**
 * A cache of loaded criteria packs, keyed by their exact bytes, so the app does not parse
 * and validate the same YAML on every start.
 *
 * Loading a pack is the slowest part of opening an assessment (a 2,000-criteria pack: half a
 * second or more of YAML parsing and schema checks on main's thread), and the built-in packs
 * are the same bytes on every run. The key is the SHA-256 of every file under the pack's
 * `<root>/<id>/` folders in all roots — the pack, and the sibling versions its mapping is
 * checked against — plus the folder, the loader's format and the app version. Any change to
 * any of those bytes is a different key, so a stale entry can never be served: it is simply
 * never asked for again (old entries are pruned). Only valid packs are stored.
 *
 * The cache lives in the app's own data folder, written atomically. Its entries are trusted
 * as far as that folder is (whoever can write it can already replace the user's packs);
 * an entry that does not parse or does not name its key is ignored and the pack is loaded
 * from YAML as usual.
 */
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { lstat, readdir, readFile, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { LoadPackResult } from '../criteria/load';
import { writeFileAtomic } from './atomic-file';

/** Bump when the shape of a loaded Pack or the loader's checks change. */
export const PACK_CACHE_FORMAT = 'tf-assessor/pack-cache@1';

/** Folders bigger than this are not cached (hashing them would cost what parsing saves). */
const MAX_FILES = 2000;
const MAX_BYTES = 64 * 1024 * 1024;
/** Entries kept; the oldest beyond this are removed when a new one is written. */
const MAX_ENTRIES = 64;

export interface PackCache {
  /** The cache key of the pack folder `dir` (undefined: do not cache this one). */
  key(dir: string, roots: readonly { dir: string }[]): Promise<string | undefined>;
  get(key: string): Promise<LoadPackResult | undefined>;
  set(key: string, result: LoadPackResult): Promise<void>;
}

/**
 * A salt naming the running build: its version and the modification time of the bundle that
 * runs (`process.argv[1]` / the main bundle), so even a rebuilt development copy with the same
 * version never reads entries an older loader wrote.
 */
export function buildSalt(version: string, bundle: string | undefined = typeof __filename === 'string' ? __filename : process.argv[1]): string {
  let stamp = 'unknown';
  try {
    if (bundle) stamp = String(statSync(bundle).mtimeMs);
  } catch {
    // no stamp: the version alone
  }
  return `${version}:${stamp}`;
}

/** Every regular file under `dir`, recursively; undefined when a symlink or too much is found. */
async function listFiles(dir: string, out: string[], budget: { files: number }): Promise<boolean> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return true; // a root without this pack id
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isSymbolicLink()) return false;
    if (e.isDirectory()) {
      if (!(await listFiles(p, out, budget))) return false;
    } else if (e.isFile()) {
      if (--budget.files < 0) return false;
      out.push(p);
    } else return false;
  }
  return true;
}

/**
 * A pack cache in `cacheDir`. `salt` names the build that loads (e.g. the app version), so a
 * new release never serves what an older loader produced.
 */
export function packCacheDir(cacheDir: string, salt: string): PackCache {
  return {
    async key(dir, roots) {
      const abs = resolve(dir);
      const id = basename(dirname(abs));
      const folders = [...new Set([dirname(abs), ...roots.map((r) => join(resolve(r.dir), id))])].sort();
      const files: string[] = [];
      const budget = { files: MAX_FILES };
      for (const f of folders) if (!(await listFiles(f, files, budget))) return undefined;
      files.sort();
      const h = createHash('sha256');
      h.update(`${PACK_CACHE_FORMAT}\0${salt}\0${abs}\0`);
      let total = 0;
      for (const f of files) {
        const st = await lstat(f);
        total += st.size;
        if (total > MAX_BYTES) return undefined;
        h.update(`${f}\0${st.size}\0`);
        h.update(await readFile(f));
      }
      return h.digest('hex');
    },
    async get(key) {
      try {
        const entry = JSON.parse(await readFile(join(cacheDir, `${key}.json`), 'utf8')) as { format?: unknown; key?: unknown; result?: LoadPackResult };
        if (entry.format !== PACK_CACHE_FORMAT || entry.key !== key || entry.result?.ok !== true) return undefined;
        return entry.result;
      } catch {
        return undefined;
      }
    },
    async set(key, result) {
      if (!result.ok) return;
      try {
        await writeFileAtomic(join(cacheDir, `${key}.json`), JSON.stringify({ format: PACK_CACHE_FORMAT, key, result }));
        await prune(cacheDir);
      } catch {
        // A cache that cannot be written only means the next start parses again.
      }
    },
  };
}

async function prune(cacheDir: string): Promise<void> {
  const names = (await readdir(cacheDir)).filter((n) => /^[0-9a-f]{64}\.json$/.test(n));
  if (names.length <= MAX_ENTRIES) return;
  const dated = await Promise.all(names.map(async (n) => ({ n, t: (await lstat(join(cacheDir, n))).mtimeMs })));
  dated.sort((a, b) => b.t - a.t);
  await Promise.all(dated.slice(MAX_ENTRIES).map((d) => unlink(join(cacheDir, d.n)).catch(() => undefined)));
}
