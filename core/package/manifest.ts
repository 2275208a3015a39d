/**
 * `manifest.json`, the table of contents of a submission package: who made it, for which
 * organization and criteria pack, and the path, size, SHA-256 and role of every other file in
 * the archive. `manifest.json.p7s` signs its exact bytes, so the manifest is serialized one way
 * only (fixed key order, two-space indentation, UTF-8, LF, a final newline) and a reader
 * accepts only that form: the bytes that were signed are the bytes that are read, and no JSON
 * quirk (duplicate keys, a BOM, escapes) can make two readers see different manifests.
 */
import { z } from 'zod';
import { IsoDateTime, PinnedPack, Sha256Hex } from '../assessment/schema';
import { utf8DecodeStrict, utf8Encode } from '../criteria/utf8';
import { checkEntryName, collisionKey, NameRegistry, printableName } from './names';

export const PACKAGE_FORMAT = 'tf-assessor/package@1';
export const MANIFEST_NAME = 'manifest.json';
export const SIGNATURE_NAME = 'manifest.json.p7s';
/** Most files a manifest may list (the archive's entry limit, less the manifest and its signature). */
export const MAX_MANIFEST_FILES = 100_000;

export const FILE_ROLES = ['assessment', 'pack', 'report-pdf', 'report-xlsx', 'signature', 'evidence', 'oscal', 'other'] as const;
export type FileRole = (typeof FILE_ROLES)[number];
/** Roles a submission holds exactly once: the assessment and the criteria pack it was made against. */
const REQUIRED_ONCE: readonly FileRole[] = ['assessment', 'pack'];

const NO_CONTROLS = /^[^\p{Cc}\p{Cf}\u2028\u2029]*$/u;
const label = (max: number) =>
  z
    .string()
    .max(max, `must be at most ${max} characters`)
    .refine((s) => s.trim() !== '', 'must not be empty')
    .refine((s) => NO_CONTROLS.test(s), 'must not hold control or invisible formatting characters');

export const ManifestFile = z.strictObject({
  path: z.string().superRefine((path, ctx) => {
    const bad = checkEntryName(path);
    if (bad) ctx.addIssue({ code: 'custom', message: bad.message });
    else if (collisionKey(path) === collisionKey(MANIFEST_NAME) || collisionKey(path) === collisionKey(SIGNATURE_NAME)) {
      ctx.addIssue({ code: 'custom', message: `"${path}" is the package's own manifest or signature and cannot be listed as a file` });
    }
  }),
  size: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  sha256: Sha256Hex,
  role: z.enum(FILE_ROLES),
});
export type ManifestFile = z.infer<typeof ManifestFile>;

export const Manifest = z
  .strictObject({
    format: z.literal(PACKAGE_FORMAT, { error: `must be "${PACKAGE_FORMAT}" (a newer TF Assessor may have made this package)` }),
    createdAt: IsoDateTime,
    /** The person or system that made the package, as display text. */
    createdBy: label(500),
    pack: PinnedPack,
    /** The assessed organization, as display text. */
    organization: label(500),
    files: z.array(ManifestFile).max(MAX_MANIFEST_FILES),
  })
  .superRefine((m, ctx) => {
    const names = new NameRegistry();
    m.files.forEach((f, i) => {
      const clash = names.add(f.path);
      if (clash) ctx.addIssue({ code: 'custom', path: ['files', i, 'path'], message: clash.message });
      if (i > 0 && !(m.files[i - 1]!.path < f.path) && !clash) {
        ctx.addIssue({ code: 'custom', path: ['files', i, 'path'], message: 'files must be listed in path order' });
      }
    });
    for (const role of REQUIRED_ONCE) {
      const n = m.files.filter((f) => f.role === role).length;
      if (n !== 1) ctx.addIssue({ code: 'custom', path: ['files'], message: `must list exactly one file with role "${role}", not ${n}` });
    }
  });
export type Manifest = z.infer<typeof Manifest>;

/** What the maker of a package states about it; the file list is computed while writing. */
export interface ManifestInfo {
  createdAt: string;
  createdBy: string;
  pack: { id: string; version: string; hash: string };
  organization: string;
}

export class ManifestError extends Error {
  constructor(
    message: string,
    readonly problems: readonly string[] = [message],
  ) {
    super(message);
    this.name = 'ManifestError';
  }
}

function zodProblems(error: z.ZodError): string[] {
  return error.issues.map((i) => `${i.path.length > 0 ? `${i.path.join('.')}: ` : ''}${i.message}`);
}

/**
 * Builds the manifest of a package from what its maker states and the files written (listed
 * in path order, so the same inputs always give the same bytes).
 * @throws ManifestError listing every problem (bad names, collisions, missing roles…).
 */
export function buildManifest(info: ManifestInfo, files: readonly ManifestFile[]): Manifest {
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const candidate = {
    format: PACKAGE_FORMAT,
    createdAt: info.createdAt,
    createdBy: info.createdBy,
    pack: { id: info.pack.id, version: info.pack.version, hash: info.pack.hash },
    organization: info.organization,
    files: sorted.map((f) => ({ path: f.path, size: f.size, sha256: f.sha256, role: f.role })),
  };
  const parsed = Manifest.safeParse(candidate);
  if (!parsed.success) {
    const problems = zodProblems(parsed.error);
    throw new ManifestError(`the package manifest is not valid: ${problems[0]}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`, problems);
  }
  return parsed.data;
}

/** The one serialized form of a manifest: fixed key order, two-space indentation, UTF-8, LF, final newline. */
export function serializeManifest(m: Manifest): Uint8Array {
  const ordered = {
    format: m.format,
    createdAt: m.createdAt,
    createdBy: m.createdBy,
    pack: { id: m.pack.id, version: m.pack.version, hash: m.pack.hash },
    organization: m.organization,
    files: m.files.map((f) => ({ path: f.path, size: f.size, sha256: f.sha256, role: f.role })),
  };
  return utf8Encode(`${JSON.stringify(ordered, null, 2)}\n`);
}

export type ManifestParse = { ok: true; manifest: Manifest } | { ok: false; reason: string; problems: string[] };

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const MAX_DEPTH = 8;

/** Deepest bracket nesting outside strings, stopping early past `limit` (JSON.parse revivers recurse). */
function nestingDepth(text: string, limit: number): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > max) max = depth;
      if (max > limit) return max;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return max;
}

/**
 * Reads manifest.json from untrusted bytes: bounded size and nesting, strict UTF-8, JSON
 * without `__proto__`/`constructor`/`prototype` keys, the schema, and finally the canonical
 * form — the bytes must be exactly what `serializeManifest` writes for what they contain.
 */
export function parseManifest(bytes: Uint8Array, maxBytes: number): ManifestParse {
  const fail = (reason: string, problems: string[] = [reason]): ManifestParse => ({ ok: false, reason, problems });
  if (bytes.length > maxBytes) return fail(`manifest.json is ${bytes.length} bytes; at most ${maxBytes} are read`);
  const text = utf8DecodeStrict(bytes);
  if (text === null) return fail('manifest.json is not UTF-8 text');
  if (nestingDepth(text, MAX_DEPTH) > MAX_DEPTH) return fail(`manifest.json nests deeper than ${MAX_DEPTH} levels`);
  const forbidden: string[] = [];
  let data: unknown;
  try {
    data = JSON.parse(text, (key, value: unknown) => {
      if (FORBIDDEN_KEYS.has(key)) forbidden.push(key);
      return value;
    });
  } catch (err) {
    return fail(`manifest.json is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (forbidden.length > 0) return fail(`manifest.json holds a forbidden key "${forbidden[0]}" (an object-prototype attack)`);
  const parsed = Manifest.safeParse(data);
  if (!parsed.success) {
    const problems = zodProblems(parsed.error).map((p) => printableName(p));
    return fail(`manifest.json does not follow the package format: ${problems[0]}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`, problems);
  }
  const canonical = serializeManifest(parsed.data);
  let same = canonical.length === bytes.length;
  for (let i = 0; same && i < bytes.length; i++) same = canonical[i] === bytes[i];
  if (!same) return fail('manifest.json is not in the form TF Assessor writes (edited, or made by another tool): its signed bytes could be read two ways');
  return { ok: true, manifest: parsed.data };
}

/** A file as found in the archive. */
export interface FoundFile {
  path: string;
  size: number;
  sha256: string;
}

export interface ManifestComparison {
  /** Listed, present, but with other bytes. */
  modified: { path: string; expected: { size: number; sha256: string }; actual: { size: number; sha256: string } }[];
  /** Listed but not in the archive. */
  missing: string[];
  /** In the archive but not listed (the manifest and its signature excepted). */
  extra: string[];
}

/** Compares the files found in an archive with the manifest, by exact path. */
export function compareWithManifest(manifest: Manifest, found: Iterable<FoundFile>): ManifestComparison {
  const listed = new Map(manifest.files.map((f) => [f.path, f]));
  const seen = new Set<string>();
  const result: ManifestComparison = { modified: [], missing: [], extra: [] };
  for (const f of found) {
    if (f.path === MANIFEST_NAME || f.path === SIGNATURE_NAME) continue;
    seen.add(f.path);
    const expected = listed.get(f.path);
    if (!expected) result.extra.push(f.path);
    else if (expected.size !== f.size || expected.sha256 !== f.sha256) {
      result.modified.push({ path: f.path, expected: { size: expected.size, sha256: expected.sha256 }, actual: { size: f.size, sha256: f.sha256 } });
    }
  }
  for (const f of manifest.files) if (!seen.has(f.path)) result.missing.push(f.path);
  return result;
}
