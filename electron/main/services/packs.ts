/**
 * PACK LOADER INJECTION POINT.
 *
 * The desktop app lists installed criteria packs through this one function, passed to
 * createHandlers() as `listPacks` in ../index.ts. The pack loader (built-in packs under
 * <app>/criteria plus the user's packs under userData) replaces the body below; until it
 * lands the app reports no packs rather than inventing any.
 */
import type { PackSummary } from '../../../core/api/contract';

export interface PackSources {
  /** Packs shipped with the app (criteria/ inside the app bundle). */
  builtinDir: string;
  /** Packs the user installed (under userData). */
  userDir: string;
}

export type ListPacks = () => Promise<PackSummary[]>;

export function createPackLister(_sources: PackSources): ListPacks {
  return async () => [];
}
