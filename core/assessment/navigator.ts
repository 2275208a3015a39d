/**
 * What the criteria navigator shows and finds: per-criterion state (status, evidence, findings,
 * whether it blocks the target), the dimension → category tree, filters, full-text search in
 * both languages, and "go to the next criterion that …". Pure functions over the pack, the
 * document and the score, so the numbers in the navigator are the scoring engine's.
 */
import type { ResultStatus, ScoreResult } from '../scoring/types';
import type { Assessment, Finding } from './schema';

/** Localized text as packs carry it. */
interface Text {
  ja: string;
  en: string;
}

/** The parts of a pack criterion the navigator reads (a `PackDetail` criterion fits). */
export interface NavigatorCriterion {
  id: string;
  dimension: string;
  category: string;
  levels: readonly string[];
  satisfiedBy?: readonly string[] | undefined;
  evidence: readonly unknown[];
  title: Text;
  statement: Text;
}

/** The parts of a pack the tree is built from. */
export interface NavigatorPack {
  dimensions: readonly { id: string }[];
  categories: readonly { id: string; dimension: string }[];
  criteria: readonly NavigatorCriterion[];
}

// ---------------------------------------------------------------------------------------
// Search

/**
 * Search form of a text: NFKC (full-width Latin and digits become ASCII, half-width katakana
 * full-width), lower case, runs of white space as one space. Applied to both the indexed
 * text and the query, so "ＩＡＬ２", "ial2" and "IAL2" find the same criteria.
 */
export function normalizeForSearch(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ');
}

/**
 * One search string per criterion (same order): id, titles and statements in both
 * languages, normalized. Built once per pack; matching is then a few `includes` per criterion.
 */
export function buildSearchIndex(criteria: readonly NavigatorCriterion[]): string[] {
  return criteria.map((c) => normalizeForSearch([c.id, c.title.ja, c.title.en, c.statement.ja, c.statement.en].join('\n')));
}

/** The terms of a query (white-space separated, normalized); every term must match. */
export function searchTerms(query: string): string[] {
  return normalizeForSearch(query)
    .split(' ')
    .filter((t) => t !== '');
}

export function matchesTerms(haystack: string, terms: readonly string[]): boolean {
  for (const t of terms) if (!haystack.includes(t)) return false;
  return true;
}

// ---------------------------------------------------------------------------------------
// State per criterion

export interface CriterionState {
  /** Effective status: the recorded result, or for a summative criterion the derived one. */
  status: ResultStatus;
  /** The assessor recorded a result (summative criteria with in-scope constituents never are). */
  recorded: boolean;
  /** Applies to this service's roles and capabilities. */
  inScope: boolean;
  met: boolean;
  /** Summative: derived from its constituents, not answered directly. */
  derived: boolean;
  /** Linked evidence items. */
  evidence: number;
  /** Findings that name this criterion. */
  findings: number;
  /** Blocks the target level of its dimension (directly or as an unmet constituent). */
  blocking: boolean;
  /** The pack lists expected evidence for it. */
  expectsEvidence: boolean;
}

/**
 * Criteria that keep a dimension from its target: the blockers of each target level not
 * achieved, and for a summative blocker its unmet constituents (those are what the assessor
 * answers).
 */
export function targetBlockers(score: ScoreResult | null): Set<string> {
  const out = new Set<string>();
  if (!score) return out;
  for (const d of score.dimensions) {
    if (d.target === null || d.notApplicable || d.targetMet === true) continue;
    const level = d.levels.find((l) => l.level === d.target);
    for (const b of level?.blocking ?? []) {
      out.add(b.criterion);
      for (const c of b.constituents ?? []) out.add(c);
    }
  }
  return out;
}

/** Finding ids per criterion id. */
export function findingsByCriterion(findings: readonly Finding[]): Map<string, Finding[]> {
  const out = new Map<string, Finding[]>();
  for (const f of findings) {
    for (const c of f.criteria) {
      const list = out.get(c);
      if (list) list.push(f);
      else out.set(c, [f]);
    }
  }
  return out;
}

/**
 * The state of every criterion, in pack order. Scope, met and effective status come from
 * the score (the scoring engine's result), never recomputed here; without a score every
 * criterion counts as in scope with its recorded status.
 */
export function criterionStates(criteria: readonly NavigatorCriterion[], doc: Assessment, score: ScoreResult | null, blockers: ReadonlySet<string>): CriterionState[] {
  const byCriterion = findingsByCriterion(doc.findings);
  const records = doc.criteria;
  return criteria.map((c) => {
    const record = Object.hasOwn(records, c.id) ? records[c.id] : undefined;
    const scored = score && Object.hasOwn(score.criteria, c.id) ? score.criteria[c.id] : undefined;
    const derived = c.satisfiedBy !== undefined && score !== null && c.satisfiedBy.some((k) => Object.hasOwn(score.criteria, k) && score.criteria[k]!.inScope);
    return {
      status: scored?.effective ?? record?.status ?? 'not-assessed',
      recorded: !derived && record?.status !== undefined,
      inScope: scored?.inScope ?? true,
      met: scored?.met ?? false,
      derived,
      evidence: record?.evidence?.length ?? 0,
      findings: byCriterion.get(c.id)?.length ?? 0,
      blocking: blockers.has(c.id),
      expectsEvidence: c.evidence.length > 0,
    };
  });
}

/** Waiting for an answer: in scope, answered directly, and no result recorded. */
export function isUnanswered(s: CriterionState): boolean {
  return s.inScope && !s.derived && !s.recorded;
}

/** Expects evidence, has none linked, and is in scope with a result that needs support. */
export function needsEvidence(s: CriterionState): boolean {
  return s.inScope && !s.derived && s.expectsEvidence && s.evidence === 0 && s.status !== 'not-applicable';
}

// ---------------------------------------------------------------------------------------
// Filters

/** `out-of-scope`: criteria that do not apply to the service. */
export type StatusFilter = ResultStatus | 'out-of-scope';

export interface NavigatorFilter {
  dimension: string | null;
  level: string | null;
  status: StatusFilter | null;
  hasFindings: boolean;
  needsEvidence: boolean;
  /** Only criteria new or changed in this pack version (needs `changed`). */
  changed: boolean;
  query: string;
}

export const EMPTY_FILTER: NavigatorFilter = { dimension: null, level: null, status: null, hasFindings: false, needsEvidence: false, changed: false, query: '' };

export function isFilterActive(f: NavigatorFilter): boolean {
  return f.dimension !== null || f.level !== null || f.status !== null || f.hasFindings || f.needsEvidence || f.changed || f.query.trim() !== '';
}

/**
 * Which criteria pass the filter: one flag per criterion (pack order).
 * @param index the search index of the same criteria (`buildSearchIndex`)
 * @param changed ids of criteria new or changed in this pack version
 */
export function filterCriteria(
  criteria: readonly NavigatorCriterion[],
  states: readonly CriterionState[],
  index: readonly string[],
  filter: NavigatorFilter,
  changed: ReadonlySet<string> = new Set(),
): Uint8Array {
  const terms = searchTerms(filter.query);
  const out = new Uint8Array(criteria.length);
  for (let i = 0; i < criteria.length; i++) {
    const c = criteria[i]!;
    const s = states[i]!;
    if (filter.dimension !== null && c.dimension !== filter.dimension) continue;
    if (filter.level !== null && !c.levels.includes(filter.level)) continue;
    if (filter.status !== null) {
      if (filter.status === 'out-of-scope' ? s.inScope : !s.inScope || s.status !== filter.status) continue;
    }
    if (filter.hasFindings && s.findings === 0) continue;
    if (filter.needsEvidence && !needsEvidence(s)) continue;
    if (filter.changed && !changed.has(c.id)) continue;
    if (terms.length > 0 && !matchesTerms(index[i]!, terms)) continue;
    out[i] = 1;
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Tree

export interface TreeCategory {
  id: string;
  /** Criterion positions in pack order. */
  criteria: number[];
}

export interface TreeDimension {
  id: string;
  categories: TreeCategory[];
}

/**
 * Dimension → category → criteria, dimensions and categories in the pack's declared order,
 * criteria in presentation order. A category a criterion names but the pack does not list
 * under its dimension still gets a group (at the end), so no criterion is ever hidden.
 */
export function buildTree(pack: NavigatorPack): TreeDimension[] {
  const dims = new Map<string, Map<string, number[]>>();
  for (const d of pack.dimensions) dims.set(d.id, new Map());
  for (const c of pack.categories) dims.get(c.dimension)?.set(c.id, []);
  pack.criteria.forEach((c, i) => {
    let cats = dims.get(c.dimension);
    if (!cats) dims.set(c.dimension, (cats = new Map()));
    let list = cats.get(c.category);
    if (!list) cats.set(c.category, (list = []));
    list.push(i);
  });
  return [...dims].map(([id, cats]) => ({ id, categories: [...cats].filter(([, list]) => list.length > 0).map(([cid, list]) => ({ id: cid, criteria: list })) }));
}

/** `pos`/`size`: the row's place among its siblings (aria-posinset / aria-setsize). */
export type TreeRow =
  | { kind: 'dimension'; key: string; dimension: string; count: number; expanded: boolean; pos: number; size: number }
  | { kind: 'category'; key: string; dimension: string; category: string; count: number; expanded: boolean; pos: number; size: number }
  | { kind: 'criterion'; key: string; index: number; pos: number; size: number };

/**
 * The rows a list shows: headers for dimensions and categories that have visible criteria,
 * criteria under expanded headers only. `collapsed` holds row keys (`d:<dim>`, `c:<dim>/<cat>`).
 */
export function flattenTree(tree: readonly TreeDimension[], visible: Uint8Array, collapsed: ReadonlySet<string>): TreeRow[] {
  const rows: TreeRow[] = [];
  const dims = tree
    .map((d) => ({ d, cats: d.categories.map((c) => ({ c, shown: c.criteria.filter((i) => visible[i] === 1) })).filter((x) => x.shown.length > 0) }))
    .filter((x) => x.cats.length > 0);
  dims.forEach(({ d, cats }, dPos) => {
    const dKey = `d:${d.id}`;
    const dOpen = !collapsed.has(dKey);
    rows.push({ kind: 'dimension', key: dKey, dimension: d.id, count: cats.reduce((n, x) => n + x.shown.length, 0), expanded: dOpen, pos: dPos + 1, size: dims.length });
    if (!dOpen) return;
    cats.forEach(({ c, shown }, cPos) => {
      const cKey = `c:${d.id}/${c.id}`;
      const cOpen = !collapsed.has(cKey);
      rows.push({ kind: 'category', key: cKey, dimension: d.id, category: c.id, count: shown.length, expanded: cOpen, pos: cPos + 1, size: cats.length });
      if (!cOpen) return;
      shown.forEach((i, k) => rows.push({ kind: 'criterion', key: `k:${i}`, index: i, pos: k + 1, size: shown.length }));
    });
  });
  return rows;
}

/**
 * The next criterion after `from` (a pack position, or null for the start) in `order` that
 * satisfies `test`, wrapping around once; null when none does.
 */
export function nextMatching(order: readonly number[], from: number | null, test: (index: number) => boolean): number | null {
  if (order.length === 0) return null;
  const at = from === null ? -1 : order.indexOf(from);
  for (let k = 1; k <= order.length; k++) {
    const i = order[(at + k + order.length) % order.length]!;
    if (i !== from && test(i)) return i;
  }
  return null;
}

/** Pack positions in tree order (dimension, category, presentation), the order "next" walks. */
export function treeOrder(tree: readonly TreeDimension[]): number[] {
  return tree.flatMap((d) => d.categories.flatMap((c) => c.criteria));
}
