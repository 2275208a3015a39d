/**
 * How the app lists installed criteria packs: the built-in packs shipped in the app bundle
 * plus the packs the user installed, side by side (several versions of one pack coexist).
 * Shared by Electron main and the browser bridge.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ApiFailure, type PackDetail, type PackSummary } from '../../../core/api/contract';
import { MANIFEST_FILE } from '../../../core/criteria/load';
import type { Pack } from '../../../core/criteria/schema';
import { builtinCriteriaDir, discoverPacks, listPackSummaries, readPackDir, type PackOrigin, type PackRoot } from '../../../core/node/packs';
import type { PackCache } from '../../../core/node/pack-cache';
import { summarizeMapping } from '../../../core/api/pack-detail';

export interface PackSources {
  /** Packs shipped with the app (criteria/ inside the app bundle). */
  builtinDir: string;
  /** Packs the user installed (under the data folder). */
  userDir: string;
  /** Loaded packs kept by their bytes across runs (core/node/pack-cache.ts); none without. */
  cache?: PackCache;
}

/** The roots of the installed packs, built-in first (the order packs are looked up in). */
export function packRootsOf(sources: Pick<PackSources, 'builtinDir' | 'userDir'>): PackRoot[] {
  return [
    { dir: sources.builtinDir, origin: 'builtin' },
    { dir: sources.userDir, origin: 'user' },
  ];
}

/** The app's pack roots for a data folder: the built-in criteria, then `<dataDir>/packs`. */
export function defaultAppPackRoots(dataDir: string): PackRoot[] {
  return packRootsOf({ builtinDir: builtinCriteriaDir() ?? join(dataDir, 'no-builtin-criteria'), userDir: join(dataDir, 'packs') });
}

export type ListPacks = () => Promise<PackSummary[]>;

export function createPackLister(sources: PackSources): ListPacks {
  // Loading validates and hashes every pack (tens of ms): do it once per run and share the
  // promise between concurrent callers. A failed load is not cached so a retry can succeed.
  let cached: Promise<PackSummary[]> | undefined;
  return () => {
    cached ??= listPackSummaries(packRootsOf(sources)).catch((err: unknown) => {
      cached = undefined;
      throw err;
    });
    return cached;
  };
}

export interface LoadedPack {
  pack: Pack;
  origin: PackOrigin;
}

/** Loads one installed pack, optionally pinned to its content hash. */
export type LoadPack = (choice: { id: string; version: string; hash?: string | undefined }) => Promise<LoadedPack>;

/**
 * Loads installed packs by `id@version` (built-in first, then the user's), checking the
 * content hash when one is pinned. Loaded packs are cached for the run (packs are immutable
 * once loaded, and scoring indexes them by identity). Failures throw `ApiFailure` with a
 * line the user can act on: `not-found` (not installed), `conflict` (installed with other
 * content than the pinned hash), `invalid-input` (the installed pack has errors).
 */
export function createPackLoader(sources: PackSources): LoadPack {
  const roots: PackRoot[] = packRootsOf(sources);
  const cache = new Map<string, Promise<LoadedPack>>();
  return (choice) => {
    const key = `${choice.id}@${choice.version}#${choice.hash ?? ''}`;
    let loading = cache.get(key);
    if (!loading) {
      // Opening an assessment asks for its pinned pack while the window asks for the same
      // id@version unpinned (the recent list has no hash): one parse of a 2,000-criteria pack
      // costs most of a second, so a load of the same id@version already under way is used
      // when it turns out to be the pinned build.
      const unpinned = choice.hash ? cache.get(`${choice.id}@${choice.version}#`) : undefined;
      loading = (
        unpinned
          ? unpinned.then(
              (loaded) => (loaded.pack.hash === choice.hash ? loaded : loadFromRoots(roots, choice, sources.cache)),
              () => loadFromRoots(roots, choice, sources.cache),
            )
          : loadFromRoots(roots, choice, sources.cache)
      ).catch((err: unknown) => {
        cache.delete(key);
        throw err;
      });
      cache.set(key, loading);
    }
    return loading;
  };
}

/** The app's installed packs: the list and the loader, sharing what they parsed. */
export interface PackStore {
  list: ListPacks;
  load: LoadPack;
}

/**
 * One cache for listing and loading. Listing parses every installed pack in full (to validate
 * and hash it); the loader then serves those same packs instead of parsing them again, and a
 * load asked for while the listing runs waits for it. At start-up the window lists the packs
 * and opens an assessment at once: with separate caches, main parsed its pack twice, side by
 * side on one thread (a 2,000-criteria pack: over a second before the navigator appeared).
 */
export function createPackStore(sources: PackSources): PackStore {
  const roots: PackRoot[] = packRootsOf(sources);
  const seeded = new Map<string, LoadedPack>();
  let listing: Promise<PackSummary[]> | undefined;
  const list: ListPacks = () => {
    listing ??= discoverPacks(roots, { ...(sources.cache && { cache: sources.cache }) })
      .then((found) =>
        found.flatMap((d) => {
          if (!d.result.ok) return [];
          const loaded: LoadedPack = { pack: d.result.pack, origin: d.origin };
          // Built-in packs come first, as in loadFromRoots: the first of an id@version is the unpinned one.
          const ref = `${loaded.pack.id}@${loaded.pack.version}`;
          for (const key of [`${ref}#`, `${ref}#${loaded.pack.hash}`]) if (!seeded.has(key)) seeded.set(key, loaded);
          return [packSummary(loaded.pack, loaded.origin)];
        }),
      )
      .catch((err: unknown) => {
        listing = undefined;
        throw err;
      });
    return listing;
  };
  const loader = createPackLoader(sources);
  const load: LoadPack = async (choice) => {
    const key = `${choice.id}@${choice.version}#${choice.hash ?? ''}`;
    if (listing && !seeded.has(key)) await listing.catch(() => undefined);
    return seeded.get(key) ?? loader(choice);
  };
  return { list, load };
}

async function loadFromRoots(roots: PackRoot[], choice: { id: string; version: string; hash?: string | undefined }, cache?: PackCache): Promise<LoadedPack> {
  const ref = `${choice.id}@${choice.version}`;
  const mismatched: string[] = [];
  let invalid: string | undefined;
  for (const root of roots) {
    const dir = join(root.dir, choice.id, choice.version);
    if (!existsSync(join(dir, MANIFEST_FILE))) continue;
    const result = await readPackDir(dir, { expectFromFolder: true, roots, ...(cache && { cache }) });
    if (!result.ok) {
      const p = result.problems[0]!;
      invalid ??= `${p.file}:${p.line}:${p.col}: ${p.message}`;
      continue;
    }
    if (choice.hash && result.pack.hash !== choice.hash) {
      mismatched.push(result.pack.hash);
      continue;
    }
    return { pack: result.pack, origin: root.origin };
  }
  if (mismatched.length > 0) {
    throw new ApiFailure(
      'conflict',
      `This assessment was made with ${ref} whose content hash is ${choice.hash!.slice(0, 12)}…, but the installed ${ref} has ${mismatched.map((h) => `${h.slice(0, 12)}…`).join(' and ')}. Install the exact pack it was made with.`,
    );
  }
  if (invalid) throw new ApiFailure('invalid-input', `The installed pack ${ref} has errors (${invalid}). Run tf-assessor pack validate on it.`);
  throw new ApiFailure('not-found', `Pack ${ref} is not installed. Install it in the packs folder, then retry.`);
}

/** The `tfa:packs:list` entry of a loaded pack. */
export function packSummary(pack: Pack, origin: PackOrigin): PackSummary {
  return {
    id: pack.id,
    version: pack.version,
    hash: pack.hash,
    title: pack.title,
    origin,
    criteriaCount: pack.criteria.length,
    dimensions: pack.dimensions.map((d) => d.id),
  };
}

/**
 * A pack in full for the criteria navigator: everything an assessor reads (titles,
 * statements, guidance, expected evidence, references) in both languages, `ALL` levels
 * expanded. Crosswalks and the version mapping are left out: the navigator does not show
 * them, and they would only add weight to every load.
 */
export function packDetail(pack: Pack, origin: PackOrigin): PackDetail {
  const levelsOf = new Map(pack.dimensions.map((d) => [d.id, d.levels.map((l) => l.id)]));
  const titled = <T extends { id: string; title: PackDetail['title']; description?: PackDetail['title'] | undefined }>(x: T) => ({
    id: x.id,
    title: x.title,
    ...(x.description && { description: x.description }),
  });
  return {
    ...packSummary(pack, origin),
    description: pack.description,
    publisher: pack.publisher,
    released: pack.released,
    sources: pack.sources.map((s) => ({ id: s.id, title: s.title, ...(s.url && { url: s.url }) })),
    dimensions: pack.dimensions.map((d) => ({
      id: d.id,
      kind: d.kind,
      title: d.title,
      ...(d.description && { description: d.description }),
      levels: d.levels.map((l) => ({ id: l.id, rank: l.rank, title: l.title, ...(l.description && { description: l.description }) })),
    })),
    roles: pack.roles.map(titled),
    capabilities: pack.capabilities.map(titled),
    categories: pack.categories.map((c) => ({ ...titled(c), dimension: c.dimension })),
    evidenceTypes: pack.evidenceTypes.map((e) => ({ id: e.id, title: e.title })),
    findingClasses: pack.findingClasses.map((f) => ({ id: f.id, title: f.title })),
    scoring: { ...pack.scoring },
    criteria: pack.criteria.map((c) => ({
      id: c.id,
      dimension: c.dimension,
      category: c.category,
      levels: c.levels === 'ALL' ? [...(levelsOf.get(c.dimension) ?? [])] : [...c.levels],
      ...(c.roles && { roles: [...c.roles] }),
      ...(c.condition !== undefined && { condition: c.condition }),
      ...(c.satisfiedBy && { satisfiedBy: [...c.satisfiedBy] }),
      obligation: c.obligation,
      methods: [...c.methods],
      evidence: c.evidence.map((e) => ({ type: e.type, text: e.text })),
      title: c.title,
      statement: c.statement,
      guidance: c.guidance,
      references: c.references.map((r) => ({ source: r.source, clause: r.clause, ...(r.control && { control: r.control }) })),
      ...(c.tags && { tags: [...c.tags] }),
    })),
    ...(pack.mapping && { changes: summarizeMapping(pack.mapping) }),
  };
}
