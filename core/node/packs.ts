/**
 * Disk adapter for criteria packs: reads pack folders with path containment, discovers the
 * installed packs (built-in and the user's), and resolves `id@version` references.
 *
 * Layout: <root>/<pack-id>/<version>/pack.yaml (+ the criteria files it lists, + mapping).
 * Several versions of a pack sit side by side; each is loaded after the versions before it
 * so its mapping can be checked against the previous version.
 */
import { existsSync, statSync } from 'node:fs';
import { open, readdir, realpath, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { PackSummary } from '../api/contract';
import { parsePackRef } from '../criteria/canonical';
import { DEFAULT_PACK_LIMITS, MANIFEST_FILE, loadPack, type LoadPackOptions, type LoadPackResult, type PackReader } from '../criteria/load';
import type { Problem } from '../criteria/problems';
import { packRef, type Pack } from '../criteria/schema';
import { compareSemVer } from '../criteria/semver';
import type { PackCache } from './pack-cache';

export type PackOrigin = 'builtin' | 'user';
export interface PackRoot {
  dir: string;
  origin: PackOrigin;
}

export interface DiscoveredPack {
  /** The pack folder (`<root>/<id>/<version>`). */
  dir: string;
  origin: PackOrigin;
  /** Folder names; the manifest must match them. */
  id: string;
  version: string;
  /** Problems and warnings carry absolute file paths. */
  result: LoadPackResult;
}

const MiB = 1024 * 1024;

/**
 * A reader confined to `dir`: a path that leaves the folder, lexically or through a
 * symlink, is refused; so are non-regular files and files over the size limit (checked
 * before reading, and the read itself is bounded in case the file grows meanwhile).
 */
export function packDirReader(dir: string, maxFileBytes = DEFAULT_PACK_LIMITS.maxFileBytes): PackReader {
  let rootReal: Promise<string> | undefined;
  return async (rel) => {
    rootReal ??= realpath(dir);
    const root = await rootReal;
    const target = resolve(root, rel);
    if (!inside(root, target)) throw new Error('outside the pack folder');
    let real: string;
    try {
      real = await realpath(target);
    } catch (e) {
      throw new Error((e as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : `cannot open it (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    if (!inside(root, real)) throw new Error('it resolves outside the pack folder (symbolic link?)');
    const st = await stat(real);
    if (!st.isFile()) throw new Error('not a regular file');
    if (st.size > maxFileBytes) throw new Error(`file is ${(st.size / MiB).toFixed(1)} MiB; the limit is ${maxFileBytes / MiB} MiB per file`);
    const fh = await open(real, 'r');
    try {
      const buf = Buffer.alloc(Math.min(st.size, maxFileBytes) + 1);
      let n = 0;
      while (n < buf.length) {
        const { bytesRead } = await fh.read(buf, n, buf.length - n, n);
        if (bytesRead === 0) break;
        n += bytesRead;
      }
      if (n > maxFileBytes) throw new Error(`file is larger than ${maxFileBytes / MiB} MiB`);
      return new Uint8Array(buf.buffer, buf.byteOffset, n);
    } finally {
      await fh.close();
    }
  };
}

function inside(root: string, p: string): boolean {
  const r = relative(root, p);
  return r !== '' && r !== '..' && !r.startsWith('..' + sep) && !isAbsolute(r);
}

export interface ReadPackDirOptions {
  /**
   * Check the manifest's id/version against the folder names `<id>/<version>`. `auto`
   * (default) checks when the folder's name starts with a digit, i.e. looks like a version.
   */
  expectFromFolder?: boolean | 'auto';
  previous?: LoadPackOptions['previous'];
  /** Where to look for the mapping's previous version besides the sibling folder. */
  roots?: PackRoot[];
  limits?: LoadPackOptions['limits'];
  /**
   * Serve and keep valid packs by their bytes (core/node/pack-cache.ts); the key covers the
   * sibling versions under `roots` too, since the mapping is checked against them.
   */
  cache?: PackCache;
}

/** Loads the pack in `dir`. Problems and warnings name files by absolute path. */
export async function readPackDir(dir: string, opts: ReadPackDirOptions = {}): Promise<LoadPackResult> {
  const abs = resolve(dir);
  // Limits change what is valid: a pack read with other limits is never cached.
  const key = opts.cache && !opts.limits ? await opts.cache.key(abs, opts.roots ?? []) : undefined;
  if (key) {
    const hit = await opts.cache!.get(key);
    if (hit) return hit;
  }
  const result = await readPackDirUncached(abs, opts);
  if (key && result.ok) await opts.cache!.set(key, result);
  return result;
}

async function readPackDirUncached(abs: string, opts: ReadPackDirOptions): Promise<LoadPackResult> {
  const mode = opts.expectFromFolder ?? 'auto';
  const check = mode === true || (mode === 'auto' && /^\d/.test(basename(abs)));
  const result = await loadPack(packDirReader(abs, opts.limits?.maxFileBytes ?? DEFAULT_PACK_LIMITS.maxFileBytes), {
    ...(check ? { expect: { id: basename(dirname(abs)), version: basename(abs) } } : {}),
    previous: opts.previous ?? previousLookup(abs, opts.roots ?? []),
    ...(opts.limits ? { limits: opts.limits } : {}),
  });
  return absolutize(result, abs);
}

function absolutize(r: LoadPackResult, dir: string): LoadPackResult {
  const fix = (ps: Problem[]): Problem[] => ps.map((p) => ({ ...p, file: join(dir, p.file) }));
  return r.ok ? { ...r, warnings: fix(r.warnings) } : { ok: false, problems: fix(r.problems), warnings: fix(r.warnings) };
}

/** Finds `id@version` next to `dir` (…/<id>/<version>) or under the roots; loads it unchecked. */
function previousLookup(dir: string, roots: PackRoot[]): (ref: string) => Promise<Pack | undefined> {
  return async (ref) => {
    const parts = parsePackRef(ref);
    if (!parts) return undefined;
    const candidates: string[] = [];
    if (basename(dirname(dir)) === parts.id) candidates.push(join(dirname(dir), parts.version));
    for (const r of roots) candidates.push(join(r.dir, parts.id, parts.version));
    for (const c of candidates) {
      if (resolve(c) === dir || !existsSync(join(c, MANIFEST_FILE))) continue;
      const r = await loadPack(packDirReader(c), { previous: () => undefined });
      if (r.ok) return r.pack;
    }
    return undefined;
  };
}

async function listDirs(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name).sort();
  } catch {
    return [];
  }
}

/**
 * Lists every pack folder `<root>/<id>/<version>/` with its load result. Invalid packs are
 * listed with their problems; they never stop the listing. A user pack with the same
 * `id@version` as a built-in one but different content is reported as a conflict.
 */
export async function discoverPacks(roots: readonly PackRoot[], options: { cache?: PackCache } = {}): Promise<DiscoveredPack[]> {
  const found: { dir: string; origin: PackOrigin; id: string; version: string }[] = [];
  for (const root of roots) {
    for (const id of await listDirs(root.dir)) {
      if (id === 'schema') continue;
      for (const version of await listDirs(join(root.dir, id))) {
        found.push({ dir: join(root.dir, id, version), origin: root.origin, id, version });
      }
    }
  }
  const originRank = (o: PackOrigin): number => (o === 'builtin' ? 0 : 1);
  found.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) || compareSemVer(a.version, b.version) || originRank(a.origin) - originRank(b.origin));
  const loaded = new Map<string, Pack>();
  const out: DiscoveredPack[] = [];
  for (const f of found) {
    let result = await readPackDir(f.dir, { expectFromFolder: true, previous: (ref) => loaded.get(ref), ...(options.cache && { cache: options.cache, roots: [...roots] }) });
    if (result.ok) {
      const ref = packRef(result.pack);
      const existing = loaded.get(ref);
      if (existing && existing.hash !== result.pack.hash) {
        result = {
          ok: false,
          problems: [{ file: join(f.dir, MANIFEST_FILE), line: 1, col: 1, message: `${ref} conflicts with the ${f.origin === 'user' ? 'built-in' : 'other'} pack of the same version (different content): give it a new version` }],
          warnings: result.warnings,
        };
      } else if (!existing) loaded.set(ref, result.pack);
    }
    out.push({ ...f, result });
  }
  return out;
}

export interface ResolvedPack {
  /** The pack folder that was read. */
  dir: string;
  origin?: PackOrigin;
  result: LoadPackResult;
}

/**
 * Resolves a pack reference: a folder (or its pack.yaml), `id@version` or
 * `id@version#hash` among the roots (built-in first). Throws an Error with a one-line
 * message when nothing matches.
 */
export async function resolvePack(ref: string, opts: { roots: PackRoot[]; cwd?: string }): Promise<ResolvedPack> {
  const asPath = resolve(opts.cwd ?? process.cwd(), ref);
  let st: ReturnType<typeof statSync> | undefined;
  try {
    st = statSync(asPath);
  } catch {
    st = undefined;
  }
  if (st) {
    const dir = st.isDirectory() ? asPath : basename(asPath) === MANIFEST_FILE ? dirname(asPath) : undefined;
    if (!dir) throw new Error(`${ref} is a file, not a pack folder or its ${MANIFEST_FILE}`);
    if (!existsSync(join(dir, MANIFEST_FILE))) throw new Error(`${ref} has no ${MANIFEST_FILE}: not a pack folder`);
    return { dir, result: await readPackDir(dir, { roots: opts.roots }) };
  }
  const parts = parsePackRef(ref);
  if (!parts) throw new Error(`"${ref}" is neither a pack folder nor a pack reference such as jp-idtf@2.0.0`);
  const ordered = [...opts.roots].sort((a, b) => (a.origin === b.origin ? 0 : a.origin === 'builtin' ? -1 : 1));
  for (const root of ordered) {
    const dir = join(root.dir, parts.id, parts.version);
    if (!existsSync(join(dir, MANIFEST_FILE))) continue;
    const result = await readPackDir(dir, { expectFromFolder: true, roots: ordered });
    if (parts.hash && result.ok && result.pack.hash !== parts.hash) {
      throw new Error(`${parts.id}@${parts.version} in ${dir} has hash ${result.pack.hash}, not the pinned ${parts.hash}: the installed pack differs from the one referenced`);
    }
    return { dir, origin: root.origin, result };
  }
  const where = ordered.map((r) => r.dir).join(', ') || 'no pack folders';
  throw new Error(`pack ${parts.id}@${parts.version} is not installed (looked in ${where})`);
}

/**
 * The built-in criteria folder: `TFA_BUILTIN_CRITERIA_DIR` if set; the packaged app's
 * resources/criteria; otherwise `criteria/` (recognized by its schema/pack.schema.json)
 * found from this module's location — one level
 * up from the bundled CLI (dist/cli.cjs), two from the main bundle (out/main/, also inside
 * app.asar) and from the sources (core/node/). Undefined when none exists.
 */
export function builtinCriteriaDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates: string[] = [];
  if (env.TFA_BUILTIN_CRITERIA_DIR) candidates.push(resolve(env.TFA_BUILTIN_CRITERIA_DIR));
  const resourcesPath = (process as { resourcesPath?: string }).resourcesPath;
  if (resourcesPath) candidates.push(join(resourcesPath, 'criteria'));
  const here = typeof __dirname === 'string' ? __dirname : undefined;
  if (here) candidates.push(join(here, '..', 'criteria'), join(here, '..', '..', 'criteria'));
  // The generated schema marks a criteria root (core/criteria/ is a sibling of core/node/).
  for (const c of candidates) {
    try {
      if (statSync(c).isDirectory() && (c === candidates[0] && env.TFA_BUILTIN_CRITERIA_DIR ? true : existsSync(join(c, 'schema', 'pack.schema.json')))) return c;
    } catch {
      // try the next candidate
    }
  }
  return undefined;
}

/**
 * The user's pack folder: `$TFA_DATA_DIR/packs`, else the platform's app-data folder as
 * Electron's userData names it (`~/.config/TF Assessor/packs`, `~/Library/Application
 * Support/TF Assessor/packs`, `%APPDATA%\TF Assessor\packs`).
 */
export function userPacksDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home: string = homedir()): string {
  if (env.TFA_DATA_DIR) return join(resolve(env.TFA_DATA_DIR), 'packs');
  if (platform === 'win32') return join(env.APPDATA || join(home, 'AppData', 'Roaming'), 'TF Assessor', 'packs');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'TF Assessor', 'packs');
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), 'TF Assessor', 'packs');
}

/** Built-in (when found) and user pack roots, in resolution order. */
export function defaultPackRoots(env: NodeJS.ProcessEnv = process.env): PackRoot[] {
  const roots: PackRoot[] = [];
  const builtin = builtinCriteriaDir(env);
  if (builtin) roots.push({ dir: builtin, origin: 'builtin' });
  roots.push({ dir: userPacksDir(env), origin: 'user' });
  return roots;
}

/** The `tfa:packs:list` view of the valid installed packs. */
export async function listPackSummaries(roots: readonly PackRoot[]): Promise<PackSummary[]> {
  return (await discoverPacks(roots)).flatMap((d) =>
    d.result.ok
      ? [
          {
            id: d.result.pack.id,
            version: d.result.pack.version,
            hash: d.result.pack.hash,
            title: d.result.pack.title,
            origin: d.origin,
            criteriaCount: d.result.pack.criteria.length,
            dimensions: d.result.pack.dimensions.map((x) => x.id),
          },
        ]
      : [],
  );
}
