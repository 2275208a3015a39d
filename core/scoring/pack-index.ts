/**
 * A per-pack index that turns the pack's id-based cross-references into integer arrays once,
 * so scoring an assessment is a few linear passes over typed arrays. Built lazily and cached
 * per pack object (packs are treated as immutable once loaded).
 */
import type { Condition, Pack } from '../criteria/schema';
import { packRef } from '../criteria/schema';

/** Capability expression compiled to a predicate over the declared capabilities. */
export type CompiledCondition = (capabilities: ReadonlySet<string>) => boolean;

export interface DimensionIndex {
  id: string;
  kind: 'assurance' | 'baseline';
  /** Global slot numbers of this dimension's levels, in declared order. */
  slots: number[];
}

/** One (dimension, level) pair: the unit the scorer counts blockers for. */
export interface SlotIndex {
  dimension: number;
  level: string;
  rank: number;
  /** Key in `ScoreResult.blocking`: the level id, or `<dimension>/<level>` if the id is shared. */
  key: string;
}

export interface PackIndex {
  readonly pack: Pack;
  readonly ref: string;
  readonly n: number;
  readonly ids: readonly string[];
  readonly indexOf: ReadonlyMap<string, number>;
  readonly dimensionOf: Int32Array;
  /** 1 for SHALL: only those decide a level. */
  readonly shall: Uint8Array;
  /** Level slots each criterion is tagged for (ALL expanded). */
  readonly slotsOf: readonly Int32Array[];
  readonly rolesOf: readonly (readonly string[] | null)[];
  readonly conditionOf: readonly (CompiledCondition | null)[];
  /** satisfiedBy as indices (deduplicated, authored order); null for ordinary criteria. */
  readonly constituentsOf: readonly (Int32Array | null)[];
  /** Criteria whose satisfiedBy names this one. */
  readonly parentsOf: readonly Int32Array[];
  /** Position in an order where every constituent comes before the criteria it satisfies. */
  readonly topoRank: Int32Array;
  /** Summative criteria only, constituents first. */
  readonly summativeOrder: Int32Array;
  readonly dimensions: readonly DimensionIndex[];
  readonly slots: readonly SlotIndex[];
  readonly dimensionByIdIndex: ReadonlyMap<string, number>;
  readonly allowMinorWithPlan: boolean;
}

/** Thrown when a pack's cross-references are inconsistent (a loaded pack never is). */
export class PackIndexError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PackIndexError';
  }
}

const MAX_CONDITION_DEPTH = 32;
/** Same rule as the schema's `Id`: ids become object keys, so `__proto__` & co. must never pass. */
const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

function checkId(ref: string, what: string, id: unknown): void {
  if (typeof id !== 'string' || !ID.test(id)) throw new PackIndexError(`pack ${ref}: ${what} "${String(id)}" is not a valid id`);
}

function compileCondition(cond: Condition, where: string, depth = 0): CompiledCondition {
  if (depth > MAX_CONDITION_DEPTH) {
    throw new PackIndexError(`${where}: condition is nested more than ${MAX_CONDITION_DEPTH} levels deep; simplify it`);
  }
  if (typeof cond === 'string') return (caps) => caps.has(cond);
  if (cond !== null && typeof cond === 'object') {
    if ('all' in cond && Array.isArray(cond.all)) {
      const parts = cond.all.map((c) => compileCondition(c, where, depth + 1));
      return (caps) => parts.every((p) => p(caps));
    }
    if ('any' in cond && Array.isArray(cond.any)) {
      const parts = cond.any.map((c) => compileCondition(c, where, depth + 1));
      return (caps) => parts.some((p) => p(caps));
    }
    if ('not' in cond) {
      const inner = compileCondition(cond.not, where, depth + 1);
      return (caps) => !inner(caps);
    }
  }
  throw new PackIndexError(`${where}: condition must be a capability id or one of {all}, {any}, {not}`);
}

const cache = new WeakMap<Pack, PackIndex>();

/**
 * The scoring index of a pack, built once per pack object.
 * @throws PackIndexError when the pack references unknown dimensions, levels or criteria,
 *   repeats a criterion id, or has a satisfiedBy cycle.
 */
export function indexPack(pack: Pack): PackIndex {
  const hit = cache.get(pack);
  if (hit) return hit;
  const built = buildIndex(pack);
  cache.set(pack, built);
  return built;
}

function buildIndex(pack: Pack): PackIndex {
  const ref = packRef(pack);
  const criteria = pack.criteria;
  const n = criteria.length;

  const levelUse = new Map<string, number>();
  for (const d of pack.dimensions) for (const l of d.levels) levelUse.set(l.id, (levelUse.get(l.id) ?? 0) + 1);

  const dimensions: DimensionIndex[] = [];
  const slots: SlotIndex[] = [];
  const dimensionByIdIndex = new Map<string, number>();
  const slotByDimLevel: Map<string, number>[] = [];
  pack.dimensions.forEach((d, di) => {
    checkId(ref, 'dimension', d.id);
    if (dimensionByIdIndex.has(d.id)) throw new PackIndexError(`pack ${ref}: dimension "${d.id}" is declared twice`);
    dimensionByIdIndex.set(d.id, di);
    const own = new Map<string, number>();
    const dimSlots: number[] = [];
    for (const l of d.levels) {
      checkId(ref, 'level', l.id);
      if (own.has(l.id)) throw new PackIndexError(`pack ${ref}: dimension "${d.id}" declares level "${l.id}" twice`);
      const s = slots.length;
      slots.push({ dimension: di, level: l.id, rank: l.rank, key: (levelUse.get(l.id) ?? 0) > 1 ? `${d.id}/${l.id}` : l.id });
      own.set(l.id, s);
      dimSlots.push(s);
    }
    slotByDimLevel.push(own);
    dimensions.push({ id: d.id, kind: d.kind, slots: dimSlots });
  });

  const ids: string[] = new Array<string>(n);
  const indexOf = new Map<string, number>();
  const dimensionOf = new Int32Array(n);
  const shall = new Uint8Array(n);
  const slotsOf: Int32Array[] = new Array<Int32Array>(n);
  const rolesOf: (readonly string[] | null)[] = new Array<readonly string[] | null>(n);
  const conditionOf: (CompiledCondition | null)[] = new Array<CompiledCondition | null>(n);

  for (let i = 0; i < n; i++) {
    const c = criteria[i]!;
    const where = `pack ${ref}: criterion "${c.id}"`;
    checkId(ref, 'criterion', c.id);
    if (indexOf.has(c.id)) throw new PackIndexError(`${where} is declared twice`);
    indexOf.set(c.id, i);
    ids[i] = c.id;
    const di = dimensionByIdIndex.get(c.dimension);
    if (di === undefined) throw new PackIndexError(`${where}: unknown dimension "${c.dimension}"`);
    dimensionOf[i] = di;
    shall[i] = c.obligation === 'SHALL' ? 1 : 0;
    const own = slotByDimLevel[di]!;
    if (c.levels === 'ALL') {
      slotsOf[i] = Int32Array.from(dimensions[di]!.slots);
    } else {
      const tagged = new Set<number>();
      for (const l of c.levels) {
        const s = own.get(l);
        if (s === undefined) throw new PackIndexError(`${where}: level "${l}" is not a level of dimension "${c.dimension}"`);
        tagged.add(s);
      }
      slotsOf[i] = Int32Array.from([...tagged].sort((a, b) => a - b));
    }
    rolesOf[i] = c.roles && c.roles.length > 0 ? [...c.roles] : null;
    conditionOf[i] = c.condition === undefined ? null : compileCondition(c.condition, where);
  }

  const constituentsOf: (Int32Array | null)[] = new Array<Int32Array | null>(n).fill(null);
  const parentLists: number[][] = Array.from({ length: n }, () => []);
  for (let i = 0; i < n; i++) {
    const sb = criteria[i]!.satisfiedBy;
    if (!sb || sb.length === 0) continue;
    const seen = new Set<number>();
    const list: number[] = [];
    for (const id of sb) {
      const j = indexOf.get(id);
      if (j === undefined) throw new PackIndexError(`pack ${ref}: criterion "${ids[i]}": satisfiedBy names unknown criterion "${id}"`);
      if (j === i) throw new PackIndexError(`pack ${ref}: criterion "${ids[i]}" lists itself in satisfiedBy`);
      if (seen.has(j)) continue;
      seen.add(j);
      list.push(j);
      parentLists[j]!.push(i);
    }
    constituentsOf[i] = Int32Array.from(list);
  }

  // Depth-first topological order with an explicit stack: a hostile pack may chain thousands
  // of summative criteria, which must not overflow the call stack.
  const topoRank = new Int32Array(n).fill(-1);
  const state = new Uint8Array(n); // 0 new, 1 on stack, 2 done
  let next = 0;
  const summative: number[] = [];
  for (let root = 0; root < n; root++) {
    if (state[root] !== 0) continue;
    const stack: [number, number][] = [[root, 0]];
    state[root] = 1;
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const [node, k] = top;
      const cons = constituentsOf[node];
      if (cons && k < cons.length) {
        top[1] = k + 1;
        const child = cons[k]!;
        if (state[child] === 1) {
          throw new PackIndexError(`pack ${ref}: satisfiedBy forms a cycle through "${ids[node]}" and "${ids[child]}"`);
        }
        if (state[child] === 0) {
          state[child] = 1;
          stack.push([child, 0]);
        }
      } else {
        stack.pop();
        state[node] = 2;
        topoRank[node] = next++;
        if (cons) summative.push(node);
      }
    }
  }

  return {
    pack,
    ref,
    n,
    ids,
    indexOf,
    dimensionOf,
    shall,
    slotsOf,
    rolesOf,
    conditionOf,
    constituentsOf,
    parentsOf: parentLists.map((p) => Int32Array.from(p)),
    topoRank,
    summativeOrder: Int32Array.from(summative),
    dimensions,
    slots,
    dimensionByIdIndex,
    allowMinorWithPlan: pack.scoring.minorNonconformity === 'allow-with-accepted-plan',
  };
}
