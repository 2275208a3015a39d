/**
 * How the app lists installed criteria packs: the built-in packs shipped in the app bundle
 * plus the packs the user installed, side by side (several versions of one pack coexist).
 * Shared by Electron main and the browser bridge.
 */
import type { PackSummary } from '../../../core/api/contract';
import { listPackSummaries } from '../../../core/node/packs';

export interface PackSources {
  /** Packs shipped with the app (criteria/ inside the app bundle). */
  builtinDir: string;
  /** Packs the user installed (under the data folder). */
  userDir: string;
}

export type ListPacks = () => Promise<PackSummary[]>;

export function createPackLister(sources: PackSources): ListPacks {
  // Loading validates and hashes every pack (tens of ms): do it once per run and share the
  // promise between concurrent callers. A failed load is not cached so a retry can succeed.
  let cached: Promise<PackSummary[]> | undefined;
  return () => {
    cached ??= listPackSummaries([
      { dir: sources.builtinDir, origin: 'builtin' },
      { dir: sources.userDir, origin: 'user' },
    ]).catch((err: unknown) => {
      cached = undefined;
      throw err;
    });
    return cached;
  };
}
