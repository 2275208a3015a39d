/**
 * Limits that bound what verifying or reading a package may cost, whoever made it. The zip-bomb
 * rules themselves (per-entry, total, ratio, lying headers) are `ZipBudget`'s, shared with the
 * spreadsheet reader; a package only sets larger numbers, because evidence can be gigabytes.
 */
import type { ZipLimits } from '../interchange/zip-preflight';

export interface PackageLimits extends ZipLimits {
  /** Entries in the archive (files, the manifest and its signature). */
  maxEntries: number;
  /** Inflated bytes of all entries together. */
  maxTotalBytes: number;
  /** Inflated bytes of one entry. */
  maxEntryBytes: number;
  /** Largest inflated:compressed ratio of an entry past `ratioGraceBytes`. */
  maxRatio: number;
  ratioGraceBytes: number;
  /** Size of manifest.json (it is held in memory and parsed). */
  maxManifestBytes: number;
  /** Size of manifest.json.p7s (held in memory for the signature check). */
  maxSignatureBytes: number;
}

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/**
 * Room for a large real submission (thousands of evidence files, multi-gigabyte screen
 * recordings) while keeping a hostile package to bounded time and memory. 200:1 is far above
 * what real files reach (text ~10:1, a sparse log ~50:1) and far below a bomb (~1000:1).
 */
export const DEFAULT_PACKAGE_LIMITS: PackageLimits = {
  maxEntries: 100_000,
  maxTotalBytes: 64 * GiB,
  maxEntryBytes: 16 * GiB,
  maxRatio: 200,
  ratioGraceBytes: MiB,
  maxManifestBytes: 32 * MiB,
  maxSignatureBytes: MiB,
};

/** The defaults with some limits replaced; refuses values that would switch a limit off by accident. */
export function packageLimits(overrides: Partial<PackageLimits> = {}): PackageLimits {
  const limits = { ...DEFAULT_PACKAGE_LIMITS, ...overrides };
  for (const [key, value] of Object.entries(limits)) {
    if (typeof value !== 'number' || Number.isNaN(value) || value < 0) throw new RangeError(`package limit ${key} must be a number ≥ 0, not ${String(value)}`);
  }
  return limits;
}
