/**
 * The pack loader: YAML files → a validated, cross-checked `Pack` with its content hash,
 * or the complete list of problems, each located as `file:line:col: message`.
 *
 * Pure (no Node): the caller provides the files, or a reader that fetches them by their
 * pack-relative path. core/node/packs.ts is the disk adapter.
 */
import {
  Criterion as CriterionSchema,
  CriteriaFile,
  PackManifest,
  PackMapping,
  packRef,
  type Condition,
  type Criterion,
  type MappingEntry,
  type Pack,
} from './schema';
import { packHash } from './canonical';
import { sortProblems, type Problem } from './problems';
import { compareSemVer, isSemVer } from './semver';
import { byteLength, parseYamlSafe, type ParsedYaml, type Path, type YamlLimits } from './yaml-safe';
import { zodProblems } from './zod-problems';

export type { Problem } from './problems';

/** The manifest's file name inside a pack folder. */
export const MANIFEST_FILE = 'pack.yaml';

export interface PackLimits extends YamlLimits {
  /** Bytes of all files of one pack together. */
  maxPackBytes: number;
}

export const DEFAULT_PACK_LIMITS: PackLimits = {
  maxFileBytes: 5 * 1024 * 1024,
  maxPackBytes: 20 * 1024 * 1024,
  maxDepth: 32,
  maxAliasCount: 100,
};

/** One file of a pack: path relative to the pack folder (`pack.yaml`, `criteria/ial.yaml`). */
export interface PackFile {
  path: string;
  text: string | Uint8Array;
}

/**
 * Fetches a pack file by its pack-relative path. Throw an Error with a short reason
 * (`file not found`, `outside the pack folder`) when it cannot be read.
 */
export type PackReader = (path: string) => Promise<string | Uint8Array>;

export interface LoadPackOptions {
  /** Folder names when the pack sits at `<id>/<version>/`: the manifest must match them. */
  expect?: { id?: string; version?: string };
  /**
   * The version the mapping declares it comes from, to check the mapping's `from` side and
   * completeness. A function receives the mapping's `from` (`id@version`).
   */
  previous?: Pack | ((ref: string) => Pack | undefined | Promise<Pack | undefined>);
  limits?: Partial<PackLimits>;
}

export type LoadPackResult =
  | { ok: true; pack: Pack; warnings: Problem[] }
  | { ok: false; problems: Problem[]; warnings: Problem[] };

/** Keys of the manifest that hold declarations criteria refer to. */
type Section = 'dimensions' | 'roles' | 'capabilities' | 'categories' | 'evidenceTypes' | 'findingClasses' | 'sources';

interface Located {
  c: Criterion;
  file: ParsedYaml;
  index: number;
}

/** A `{path, text}[]` list as a reader. Paths are compared after dropping a leading `./`. */
export function filesReader(files: readonly PackFile[]): PackReader {
  const map = new Map(files.map((f) => [f.path.replace(/^\.\//, ''), f.text]));
  return async (path) => {
    const t = map.get(path);
    if (t === undefined) throw new Error('file not found');
    return t;
  };
}

/**
 * Loads and validates a pack. Never throws: every problem found is reported (schema
 * violations, dangling references, duplicates, mapping gaps, hostile YAML), not just the
 * first. Warnings (e.g. untranslated text) do not make the pack invalid.
 */
export async function loadPack(source: readonly PackFile[] | PackReader, opts: LoadPackOptions = {}): Promise<LoadPackResult> {
  const limits: PackLimits = { ...DEFAULT_PACK_LIMITS, ...opts.limits };
  const read = typeof source === 'function' ? source : filesReader(source);
  const problems: Problem[] = [];
  const warnings: Problem[] = [];
  const fileOrder: string[] = [MANIFEST_FILE];
  let totalBytes = 0;
  let budgetExceeded = false;

  const at = (f: ParsedYaml, path: Path, message: string, key = false): Problem => {
    const { line, col } = f.locate(path, { key });
    return { file: f.file, line, col, message };
  };
  const err = (f: ParsedYaml, path: Path, message: string, key = false): void => {
    problems.push(at(f, path, message, key));
  };
  const warn = (f: ParsedYaml, path: Path, message: string, key = false): void => {
    warnings.push(at(f, path, message, key));
  };
  const where = (f: ParsedYaml, path: Path): string => {
    const { line, col } = f.locate(path);
    return `${f.file}:${line}:${col}`;
  };

  /** Reads and parses one file; problems about reading it are placed at `ref` when given. */
  const readYaml = async (path: string, ref?: { f: ParsedYaml; path: Path }): Promise<ParsedYaml | undefined> => {
    if (budgetExceeded) return undefined;
    let input: string | Uint8Array;
    try {
      input = await read(path);
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      if (ref) err(ref.f, ref.path, `cannot read ${path}: ${reason}`);
      else problems.push({ file: path, line: 1, col: 1, message: `cannot read ${path}: ${reason}` });
      return undefined;
    }
    totalBytes += byteLength(input);
    if (totalBytes > limits.maxPackBytes) {
      budgetExceeded = true;
      problems.push({ file: path, line: 1, col: 1, message: `the pack's files exceed ${limits.maxPackBytes / 1048576} MiB together; the limit protects against oversized input` });
      return undefined;
    }
    const r = parseYamlSafe(path, input, limits);
    problems.push(...r.problems);
    return r.parsed;
  };

  const finish = (): LoadPackResult => ({ ok: false, problems: sortProblems(problems, fileOrder), warnings: sortProblems(warnings, fileOrder) });

  // ---- manifest -------------------------------------------------------------------------
  const mf = await readYaml(MANIFEST_FILE);
  if (!mf) return finish();
  const mParse = PackManifest.safeParse(mf.value, { reportInput: true });
  if (!mParse.success) problems.push(...zodProblems(mf, mParse.error.issues));
  const rawManifest = (mf.value ?? {}) as Record<string, unknown>;
  const manifest = mParse.success ? mParse.data : undefined;

  // Each declaration section parsed on its own, so one broken section does not hide the
  // reference checks that depend only on the others.
  const section = <K extends Section>(k: K): PackManifest[K] | undefined => {
    if (manifest) return manifest[k];
    const r = PackManifest.shape[k].safeParse(rawManifest[k]);
    return r.success ? (r.data as PackManifest[K]) : undefined;
  };
  const dimensions = section('dimensions');
  const roles = section('roles');
  const capabilities = section('capabilities');
  const categories = section('categories');
  const evidenceTypes = section('evidenceTypes');
  const findingClasses = section('findingClasses');
  const sources = section('sources');
  const packId = typeof rawManifest.id === 'string' ? rawManifest.id : undefined;
  const packVersion = typeof rawManifest.version === 'string' ? rawManifest.version : undefined;

  if (opts.expect?.id !== undefined && packId !== undefined && packId !== opts.expect.id) {
    err(mf, ['id'], `pack id "${packId}" does not match its folder name "${opts.expect.id}": packs live in criteria/<id>/<version>/`);
  }
  if (opts.expect?.version !== undefined && packVersion !== undefined && packVersion !== opts.expect.version) {
    err(mf, ['version'], `version "${packVersion}" does not match its folder name "${opts.expect.version}": packs live in criteria/<id>/<version>/`);
  }

  const checkUnique = (items: readonly { id: string }[] | undefined, key: string, what: string): void => {
    if (!items) return;
    const seen = new Map<string, number>();
    items.forEach((it, i) => {
      const first = seen.get(it.id);
      if (first !== undefined) err(mf, [key, i, 'id'], `duplicate ${what} id "${it.id}" (first at ${where(mf, [key, first, 'id'])})`);
      else seen.set(it.id, i);
    });
  };
  checkUnique(dimensions, 'dimensions', 'dimension');
  checkUnique(roles, 'roles', 'role');
  checkUnique(capabilities, 'capabilities', 'capability');
  checkUnique(categories, 'categories', 'category');
  checkUnique(evidenceTypes, 'evidenceTypes', 'evidence type');
  checkUnique(findingClasses, 'findingClasses', 'finding class');
  checkUnique(sources, 'sources', 'source');

  // Levels: ids unique across the pack (scores are keyed by level id), ranks unique per dimension.
  const levelOwner = new Map<string, string>();
  const dimById = new Map<string, NonNullable<typeof dimensions>[number]>();
  dimensions?.forEach((d, di) => {
    if (!dimById.has(d.id)) dimById.set(d.id, d);
    if (d.kind === 'baseline' && d.levels.length !== 1) {
      err(mf, ['dimensions', di, 'levels'], `baseline dimension ${d.id} must have exactly one level (it is met or not); it has ${d.levels.length}`);
    }
    const ranks = new Map<number, string>();
    d.levels.forEach((l, li) => {
      if (l.id === 'ALL') err(mf, ['dimensions', di, 'levels', li, 'id'], 'level id "ALL" is reserved: criteria use it to mean every level of their dimension');
      const owner = levelOwner.get(l.id);
      if (owner !== undefined) err(mf, ['dimensions', di, 'levels', li, 'id'], `duplicate level id "${l.id}" (already a level of ${owner}): level ids are unique across the pack`);
      else levelOwner.set(l.id, d.id);
      const other = ranks.get(l.rank);
      if (other !== undefined) err(mf, ['dimensions', di, 'levels', li, 'rank'], `duplicate rank ${l.rank} in dimension ${d.id} (also level ${other}): ranks order the levels and must differ`);
      else ranks.set(l.rank, l.id);
    });
  });
  const categoryById = new Map<string, NonNullable<typeof categories>[number]>();
  categories?.forEach((c, i) => {
    if (!categoryById.has(c.id)) categoryById.set(c.id, c);
    if (dimensions && !dimById.has(c.dimension)) err(mf, ['categories', i, 'dimension'], `unknown dimension "${c.dimension}" (declared: ${[...dimById.keys()].join(', ')})`);
  });

  // ---- criteria files ---------------------------------------------------------------------
  const rawFiles = Array.isArray(rawManifest.criteriaFiles) ? (rawManifest.criteriaFiles as unknown[]) : [];
  const criteriaPaths: { path: string; index: number }[] = [];
  const seenPaths = new Map<string, number>();
  rawFiles.forEach((p, i) => {
    // Only paths the schema accepts are read: a rejected path is already a problem.
    const ok = PackManifest.shape.criteriaFiles.element.safeParse(p);
    if (!ok.success || typeof p !== 'string') return;
    const first = seenPaths.get(p);
    if (first !== undefined) {
      err(mf, ['criteriaFiles', i], `${p} is listed twice (first at ${where(mf, ['criteriaFiles', first])})`);
      return;
    }
    if (p === MANIFEST_FILE) {
      err(mf, ['criteriaFiles', i], `${MANIFEST_FILE} is the manifest, not a criteria file`);
      return;
    }
    seenPaths.set(p, i);
    criteriaPaths.push({ path: p, index: i });
    fileOrder.push(p);
  });
  const mappingPath = typeof rawManifest.mappingFile === 'string' && PackManifest.shape.mappingFile.safeParse(rawManifest.mappingFile).success ? rawManifest.mappingFile : undefined;
  if (mappingPath !== undefined) {
    if (seenPaths.has(mappingPath)) err(mf, ['mappingFile'], `${mappingPath} is also listed in criteriaFiles: the mapping is a separate file`);
    fileOrder.push(mappingPath);
  }

  const located: Located[] = [];
  const knownIds = new Set<string>(); // includes criteria whose shape is broken, to avoid follow-on noise
  const rawCriteria: { f: ParsedYaml; raw: unknown[] }[] = [];
  const criteriaOk = { all: true };
  for (const { path, index } of criteriaPaths) {
    const f = await readYaml(path, { f: mf, path: ['criteriaFiles', index] });
    if (!f) {
      criteriaOk.all = false;
      continue;
    }
    const raw = f.value as { criteria?: unknown } | null;
    if (raw && Array.isArray(raw.criteria)) {
      rawCriteria.push({ f, raw: raw.criteria });
      for (const c of raw.criteria) {
        const id = (c as { id?: unknown } | null)?.id;
        if (typeof id === 'string') knownIds.add(id);
      }
    }
    const r = CriteriaFile.safeParse(f.value, { reportInput: true });
    if (r.success) {
      r.data.criteria.forEach((c, i) => located.push({ c, file: f, index: i }));
    } else {
      criteriaOk.all = false;
      problems.push(...zodProblems(f, r.error.issues));
      if (raw && Array.isArray(raw.criteria)) {
        raw.criteria.forEach((c, i) => {
          const one = CriterionSchema.safeParse(c);
          if (one.success) located.push({ c: one.data, file: f, index: i });
        });
      }
    }
  }

  // ---- criteria cross-checks ----------------------------------------------------------------
  // Duplicates are found on the raw ids, so a duplicate is reported even when one of the
  // two copies has other problems; only the first copy takes part in later checks.
  const firstAt = new Map<string, { file: ParsedYaml; index: number }>();
  for (const { f, raw } of rawCriteria) {
    raw.forEach((c, index) => {
      const id = (c as { id?: unknown } | null)?.id;
      if (typeof id !== 'string') return;
      const first = firstAt.get(id);
      if (first) err(f, ['criteria', index, 'id'], `duplicate criterion id "${id}" (first defined at ${where(first.file, ['criteria', first.index, 'id'])})`);
      else firstAt.set(id, { file: f, index });
    });
  }
  const byId = new Map<string, Located>();
  for (const l of located) {
    const first = firstAt.get(l.c.id);
    if (first && first.file === l.file && first.index === l.index) byId.set(l.c.id, l);
  }
  const levelList = (d: { levels: { id: string }[] }): string => d.levels.map((x) => x.id).join(', ');
  const roleIds = roles && new Set(roles.map((r) => r.id));
  const capIds = capabilities && new Set(capabilities.map((c) => c.id));
  const evidenceIds = evidenceTypes && new Set(evidenceTypes.map((e) => e.id));
  const sourceIds = sources && new Set(sources.map((s) => s.id));

  for (const l of located) {
    const { c, file: f } = l;
    const cp = (...rest: (string | number)[]): (string | number)[] => ['criteria', l.index, ...rest];
    const dim = dimById.get(c.dimension);
    if (dimensions && !dim) err(f, cp('dimension'), `unknown dimension "${c.dimension}" (declared: ${[...dimById.keys()].join(', ')})`);
    if (categories) {
      const cat = categoryById.get(c.category);
      if (!cat) err(f, cp('category'), `unknown category "${c.category}": declare it under categories in ${MANIFEST_FILE}`);
      else if (dim && dimById.has(cat.dimension) && cat.dimension !== c.dimension) err(f, cp('category'), `category "${c.category}" belongs to dimension ${cat.dimension}, but the criterion is in ${c.dimension}`);
    }
    if (dim && c.levels !== 'ALL') {
      const seen = new Set<string>();
      c.levels.forEach((lv, i) => {
        if (seen.has(lv)) err(f, cp('levels', i), `level "${lv}" is listed twice`);
        seen.add(lv);
        if (!dim.levels.some((x) => x.id === lv)) {
          const owner = levelOwner.get(lv);
          err(f, cp('levels', i), `level "${lv}" is not a level of dimension ${c.dimension} (${levelList(dim)})${owner ? `; it belongs to ${owner}` : ''}`);
        }
      });
    }
    if (roleIds) c.roles?.forEach((r, i) => {
      if (!roleIds.has(r)) err(f, cp('roles', i), `unknown role "${r}" (declared: ${[...roleIds].join(', ')})`);
    });
    if (capIds && c.condition !== undefined) {
      for (const { id, path } of conditionIds(c.condition)) {
        if (!capIds.has(id)) err(f, cp('condition', ...path), `unknown capability "${id}": declare it under capabilities in ${MANIFEST_FILE}`);
      }
    }
    if (evidenceIds) c.evidence.forEach((e, i) => {
      if (!evidenceIds.has(e.type)) err(f, cp('evidence', i, 'type'), `unknown evidence type "${e.type}" (declared: ${[...evidenceIds].join(', ')})`);
    });
    if (sourceIds) c.references.forEach((r, i) => {
      if (!sourceIds.has(r.source)) err(f, cp('references', i, 'source'), `unknown source "${r.source}" (declared: ${[...sourceIds].join(', ')})`);
    });
    const seenSb = new Set<string>();
    c.satisfiedBy?.forEach((s, i) => {
      if (s === c.id) err(f, cp('satisfiedBy', i), `criterion ${c.id} cannot be satisfied by itself`);
      else if (!knownIds.has(s)) err(f, cp('satisfiedBy', i), `satisfiedBy refers to unknown criterion "${s}"`);
      if (seenSb.has(s)) err(f, cp('satisfiedBy', i), `"${s}" is listed twice`);
      seenSb.add(s);
    });
    c.crosswalk?.forEach((x, i) => {
      if (packId !== undefined && x.pack === packId && !knownIds.has(x.criterion)) {
        err(f, cp('crosswalk', i, 'criterion'), `crosswalk refers to unknown criterion "${x.criterion}" of this pack`);
      }
    });
    const same = (['title', 'statement', 'guidance'] as const).filter((k) => c[k].ja === c[k].en);
    if (same.length) warn(f, cp('id'), `criterion ${c.id}: ${same.join(', ')} ${same.length > 1 ? 'have' : 'has'} identical ja and en text (untranslated?)`);
  }
  for (const cycle of satisfiedByCycles(located, byId)) {
    const l = byId.get(cycle[0]!)!;
    const i = l.c.satisfiedBy!.indexOf(cycle[1]!);
    err(l.file, ['criteria', l.index, 'satisfiedBy', i], `satisfiedBy forms a cycle: ${[...cycle, cycle[0]].join(' → ')}`);
  }

  // ---- mapping ------------------------------------------------------------------------------
  let mapping: Pack['mapping'];
  if (mappingPath !== undefined) {
    const f = await readYaml(mappingPath, { f: mf, path: ['mappingFile'] });
    if (f) {
      const r = PackMapping.safeParse(f.value, { reportInput: true });
      if (!r.success) problems.push(...zodProblems(f, r.error.issues));
      else {
        const entries: MappingEntry[] = r.data.entries.map((e) => ({
          kind: e.kind,
          from: e.from === undefined ? [] : typeof e.from === 'string' ? [e.from] : e.from,
          to: e.to === undefined ? [] : typeof e.to === 'string' ? [e.to] : e.to,
          ...(e.note ? { note: e.note } : {}),
        }));
        mapping = { from: r.data.from, entries };
        await checkMapping(f, mapping);
      }
    }
  }

  async function checkMapping(f: ParsedYaml, m: NonNullable<Pack['mapping']>): Promise<void> {
    const at = m.from.lastIndexOf('@');
    const fromId = m.from.slice(0, at);
    const fromVersion = m.from.slice(at + 1);
    if (!isSemVer(fromVersion)) err(f, ['from'], `"${fromVersion}" is not a semantic version such as 1.0.0`);
    else if (fromId === packId && packVersion !== undefined && isSemVer(packVersion) && compareSemVer(fromVersion, packVersion) >= 0) {
      err(f, ['from'], `the mapping comes from ${m.from}, which is not older than this version ${packVersion}`);
    }
    let previous: Pack | undefined;
    if (typeof opts.previous === 'function') {
      try {
        previous = await opts.previous(m.from);
      } catch {
        previous = undefined;
      }
    } else previous = opts.previous;
    if (previous && packRef(previous) !== m.from) {
      err(f, ['from'], `the mapping says it comes from ${m.from}, but the previous pack given is ${packRef(previous)}`);
      previous = undefined;
    }
    if (!previous) warn(f, ['from'], `${m.from} is not available here: the mapping's "from" side was not checked`);
    const prevIds = previous && new Set(previous.criteria.map((c) => c.id));

    const fromSeen = new Map<string, number>();
    const toSeen = new Map<string, number>();
    m.entries.forEach((e, i) => {
      const ep = (...rest: (string | number)[]): (string | number)[] => ['entries', i, ...rest];
      const fromPath = (j: number): (string | number)[] => (typeof getRaw(f, ep('from')) === 'string' ? ep('from') : ep('from', j));
      const toPath = (j: number): (string | number)[] => (typeof getRaw(f, ep('to')) === 'string' ? ep('to') : ep('to', j));
      const shape = MAPPING_SHAPES[e.kind];
      const nf = e.from.length;
      const nt = e.to.length;
      if (!shape.from(nf) || !shape.to(nt)) err(f, ep('kind'), `a "${e.kind}" entry ${shape.text}; this one has ${nf} "from" and ${nt} "to"`);
      if (e.kind === 'same' && nf === 1 && nt === 1 && e.from[0] !== e.to[0]) err(f, ep('kind'), `"same" keeps the id, but ${e.from[0]} → ${e.to[0]} changes it: use "renamed" (or "revised")`);
      if (e.kind === 'renamed' && nf === 1 && nt === 1 && e.from[0] === e.to[0]) err(f, ep('kind'), `"renamed" changes the id, but ${e.from[0]} keeps it: use "same" or "revised"`);
      e.from.forEach((id, j) => {
        const first = fromSeen.get(id);
        if (first !== undefined) err(f, fromPath(j), `previous criterion ${id} appears in the "from" of two entries (entries[${first}] and entries[${i}]): each must appear exactly once`);
        else fromSeen.set(id, i);
        if (prevIds && !prevIds.has(id)) err(f, fromPath(j), `"${id}" is not a criterion of ${m.from}`);
      });
      e.to.forEach((id, j) => {
        const first = toSeen.get(id);
        if (first !== undefined) err(f, toPath(j), `criterion ${id} appears in the "to" of two entries (entries[${first}] and entries[${i}]): each must appear exactly once`);
        else toSeen.set(id, i);
        if (!knownIds.has(id)) err(f, toPath(j), `"${id}" is not a criterion of this pack`);
      });
      if (e.kind === 'same' && previous && nf === 1 && nt === 1) {
        const before = previous.criteria.find((c) => c.id === e.from[0]);
        const after = byId.get(e.to[0]!)?.c;
        if (before && after) {
          const changed = changedFields(before, after);
          if (changed.length) warn(f, ep('kind'), `"same" but ${e.to[0]} changed (${changed.join(', ')}): use "revised" so answers are re-checked`);
        }
      }
    });
    // Completeness: every criterion of this pack is reached by exactly one entry's "to".
    if (criteriaOk.all) for (const l of located) {
      if (!toSeen.has(l.c.id) && byId.get(l.c.id) === l) {
        err(l.file, ['criteria', l.index, 'id'], `criterion ${l.c.id} is missing from ${f.file}: add it to the "to" of an entry (kind "new" if it has no predecessor)`);
      }
    }
    if (previous) for (const c of previous.criteria) {
      if (!fromSeen.has(c.id)) err(f, ['entries'], `criterion ${c.id} of ${m.from} is missing from the mapping: put it in the "from" of an entry (kind "removed" if it was dropped)`, true);
    }
  }

  if (problems.length || !manifest) return finish();

  const { criteriaFiles: _cf, mappingFile: _mf, ...decl } = manifest;
  const content: Omit<Pack, 'hash'> = { ...decl, criteria: located.map((l) => l.c), ...(mapping ? { mapping } : {}) };
  let hash: string;
  try {
    hash = packHash(content);
  } catch (e) {
    problems.push({ file: MANIFEST_FILE, line: 1, col: 1, message: `cannot compute the pack hash: ${e instanceof Error ? e.message : String(e)}` });
    return finish();
  }
  return { ok: true, pack: { ...content, hash }, warnings: sortProblems(warnings, fileOrder) };
}

function getRaw(f: ParsedYaml, path: Path): unknown {
  let v: unknown = f.value;
  for (const s of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[s];
  }
  return v;
}

const one = (n: number): boolean => n === 1;
const none = (n: number): boolean => n === 0;
const some = (n: number): boolean => n >= 1;
const many = (n: number): boolean => n >= 2;
const MAPPING_SHAPES: Record<MappingEntry['kind'], { from: (n: number) => boolean; to: (n: number) => boolean; text: string }> = {
  same: { from: one, to: one, text: 'has exactly one "from" and one "to"' },
  revised: { from: one, to: one, text: 'has exactly one "from" and one "to"' },
  renamed: { from: one, to: one, text: 'has exactly one "from" and one "to"' },
  split: { from: one, to: many, text: 'has one "from" and two or more "to"' },
  merged: { from: many, to: one, text: 'has two or more "from" and one "to"' },
  removed: { from: some, to: none, text: 'has one or more "from" and no "to"' },
  new: { from: none, to: some, text: 'has no "from" and one or more "to"' },
};

/** Capability ids used in a condition, with their paths inside it. */
function conditionIds(cond: Condition, path: (string | number)[] = [], depth = 0): { id: string; path: (string | number)[] }[] {
  if (depth > 64) return [];
  if (typeof cond === 'string') return [{ id: cond, path }];
  if ('all' in cond) return cond.all.flatMap((c, i) => conditionIds(c, [...path, 'all', i], depth + 1));
  if ('any' in cond) return cond.any.flatMap((c, i) => conditionIds(c, [...path, 'any', i], depth + 1));
  return conditionIds(cond.not, [...path, 'not'], depth + 1);
}

/** Each satisfiedBy cycle once, as the list of ids starting at its earliest criterion. */
function satisfiedByCycles(located: readonly Located[], byId: Map<string, Located>): string[][] {
  const order = new Map(located.map((l, i) => [l.c.id, i]));
  const color = new Map<string, 1 | 2>();
  const cycles: string[][] = [];
  const seen = new Set<string>();
  for (const start of located) {
    if (color.has(start.c.id)) continue;
    // Iterative DFS: satisfiedBy chains in hostile packs may be thousands long.
    const stack: { id: string; next: number }[] = [{ id: start.c.id, next: 0 }];
    color.set(start.c.id, 1);
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const deps = byId.get(top.id)?.c.satisfiedBy ?? [];
      if (top.next >= deps.length) {
        color.set(top.id, 2);
        stack.pop();
        continue;
      }
      const dep = deps[top.next++]!;
      if (!byId.has(dep) || dep === top.id) continue;
      const c = color.get(dep);
      if (c === 1) {
        const from = stack.findIndex((s) => s.id === dep);
        const cyc = stack.slice(from).map((s) => s.id);
        let min = 0;
        cyc.forEach((id, i) => {
          if ((order.get(id) ?? 0) < (order.get(cyc[min]!) ?? 0)) min = i;
        });
        const rotated = [...cyc.slice(min), ...cyc.slice(0, min)];
        const key = rotated.join('\u0000');
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push(rotated);
        }
      } else if (c === undefined) {
        color.set(dep, 1);
        stack.push({ id: dep, next: 0 });
      }
    }
  }
  return cycles;
}

/** Top-level fields whose content differs between two versions of a criterion. */
export function changedFields(a: Criterion, b: Criterion): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  const out: string[] = [];
  for (const k of keys) {
    if (k === 'id') continue;
    const x = (a as Record<string, unknown>)[k];
    const y = (b as Record<string, unknown>)[k];
    if (stableStringify(x) !== stableStringify(y)) out.push(k);
  }
  return out.sort();
}

function stableStringify(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(stableStringify).join(',')}]`;
  return `{${Object.keys(v)
    .sort()
    .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
    .map((k) => `${JSON.stringify(k)}:${stableStringify((v as Record<string, unknown>)[k])}`)
    .join(',')}}`;
}

/** What kind of pack file a YAML value looks like, by its top-level keys. */
export type PackFileKind = 'manifest' | 'criteria' | 'mapping';

/**
 * Validates one pack file on its own (shape only, no cross-references): for editors and
 * `pack validate <file>` when the file is not inside a pack folder.
 */
export function validatePackFileText(path: string, text: string | Uint8Array, kind?: PackFileKind, limits: Partial<PackLimits> = {}): { kind?: PackFileKind; problems: Problem[] } {
  const r = parseYamlSafe(path, text, { ...DEFAULT_PACK_LIMITS, ...limits });
  if (!r.parsed) return { problems: r.problems };
  const v = r.parsed.value as Record<string, unknown> | null;
  const k: PackFileKind | undefined =
    kind ?? (v && typeof v === 'object' ? ('criteria' in v ? 'criteria' : 'entries' in v ? 'mapping' : 'schema' in v ? 'manifest' : undefined) : undefined);
  if (!k) return { problems: [{ file: path, line: 1, col: 1, message: 'not a pack file: expected a manifest (schema:), a criteria file (criteria:) or a mapping (entries:)' }] };
  const schema = k === 'manifest' ? PackManifest : k === 'criteria' ? CriteriaFile : PackMapping;
  const p = schema.safeParse(r.parsed.value, { reportInput: true });
  return { kind: k, problems: p.success ? [] : zodProblems(r.parsed, p.error.issues) };
}
