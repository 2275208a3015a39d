import { describe, expect, it } from 'vitest';
import { score } from '../scoring/score';
import { makePack } from '../scoring/test-helpers';
import { newAssessment } from './create';
import { applyChange } from './ops';
import {
  EMPTY_FILTER,
  buildSearchIndex,
  buildTree,
  criterionStates,
  filterCriteria,
  flattenTree,
  isUnanswered,
  needsEvidence,
  nextMatching,
  normalizeForSearch,
  searchTerms,
  targetBlockers,
  treeOrder,
  type NavigatorCriterion,
} from './navigator';
import { toScoringInput } from './scoring-input';

const META = { at: '2025-06-02T09:00:00.000Z', actor: 'tester' };

const pack = makePack({
  dimensions: [
    { id: 'IAL', levels: ['IAL1', 'IAL2'] },
    { id: 'ORG', kind: 'baseline', levels: ['ORG-BASE'] },
  ],
  capabilities: ['remote'],
  criteria: [
    { id: 'IAL-1', dimension: 'IAL', levels: 'ALL' },
    { id: 'ORG-1', dimension: 'ORG', levels: 'ALL' },
    { id: 'IAL-2', dimension: 'IAL', levels: ['IAL2'], condition: 'remote' },
    { id: 'IAL-3', dimension: 'IAL', levels: ['IAL2'] },
    { id: 'IAL-S', dimension: 'IAL', levels: ['IAL2'], satisfiedBy: ['IAL-1', 'IAL-3'] },
  ],
});
// Navigator criteria as the detail carries them (levels expanded), with expected evidence on IAL-3.
const criteria: NavigatorCriterion[] = pack.criteria.map((c) => ({
  ...c,
  levels: c.levels === 'ALL' ? pack.dimensions.find((d) => d.id === c.dimension)!.levels.map((l) => l.id) : c.levels,
  evidence: c.id === 'IAL-3' ? [{ type: 'document' }] : [],
}));
criteria[0]!.title = { ja: '身元確認の手順（ＩＣチップ）', en: 'Identity proofing procedure' };

function doc() {
  let d = newAssessment(
    { organization: { legalName: 'X' }, service: { name: 'S' }, pack: { id: pack.id, version: pack.version, hash: pack.hash }, type: 'third-party', targets: { IAL: 'IAL2' } },
    { id: 'abcdefgh-1', now: META.at },
  );
  d = applyChange(d, { op: 'answer.set', criterion: 'IAL-1', set: { status: 'conformant' } }, META).assessment;
  d = applyChange(d, { op: 'finding.create', finding: { id: 'F-1', class: 'minor-nc', criteria: ['ORG-1'], description: 'd', status: 'open' } }, META).assessment;
  return d;
}

describe('search', () => {
  it('normalizes full-width text, case and spacing on both sides', () => {
    expect(normalizeForSearch('ＩＡＬ２　ｱｲﾃﾞﾝﾃｨﾃｨ  Proof')).toBe('ial2 アイデンティティ proof');
    expect(searchTerms('  ＩＣ　チップ ')).toEqual(['ic', 'チップ']);
    const index = buildSearchIndex(criteria);
    const d = doc();
    const states = criterionStates(criteria, d, score(pack, toScoringInput(d)), new Set());
    const match = (query: string) => criteria.filter((_, i) => filterCriteria(criteria, states, index, { ...EMPTY_FILTER, query })[i]).map((c) => c.id);
    expect(match('icチップ')).toEqual(['IAL-1']);
    expect(match('ＰＲＯＯＦＩＮＧ procedure')).toEqual(['IAL-1']);
    expect(match('ial-')).toEqual(['IAL-1', 'IAL-2', 'IAL-3', 'IAL-S']);
    expect(match('statement of org-1')).toEqual(['ORG-1']);
    expect(match('手順 missing')).toEqual([]);
  });
});

describe('criterion states and filters', () => {
  it('takes scope, effective status and blockers from the score', () => {
    const d = doc();
    const s = score(pack, toScoringInput(d));
    const blockers = targetBlockers(s);
    // IAL2 needs IAL-3 (unanswered) and the summative IAL-S (whose unmet constituent is IAL-3).
    expect([...blockers].sort()).toEqual(['IAL-3', 'IAL-S']);
    const states = criterionStates(criteria, d, s, blockers);
    const byId = Object.fromEntries(criteria.map((c, i) => [c.id, states[i]!]));
    expect(byId['IAL-1']).toMatchObject({ status: 'conformant', recorded: true, met: true, blocking: false });
    expect(byId['IAL-2']).toMatchObject({ inScope: false });
    expect(byId['IAL-S']).toMatchObject({ derived: true, recorded: false, status: 'not-assessed' });
    expect(byId['ORG-1']).toMatchObject({ findings: 1 });
    expect(isUnanswered(byId['IAL-3']!)).toBe(true);
    expect(isUnanswered(byId['IAL-S']!)).toBe(false);
    expect(isUnanswered(byId['IAL-2']!)).toBe(false);
    expect(needsEvidence(byId['IAL-3']!)).toBe(true);

    const index = buildSearchIndex(criteria);
    const ids = (f: Partial<typeof EMPTY_FILTER>, changed?: Set<string>) => criteria.filter((_, i) => filterCriteria(criteria, states, index, { ...EMPTY_FILTER, ...f }, changed)[i]).map((c) => c.id);
    expect(ids({ dimension: 'ORG' })).toEqual(['ORG-1']);
    expect(ids({ level: 'IAL1' })).toEqual(['IAL-1']);
    expect(ids({ status: 'conformant' })).toEqual(['IAL-1']);
    expect(ids({ status: 'out-of-scope' })).toEqual(['IAL-2']);
    expect(ids({ status: 'not-assessed' })).toEqual(['ORG-1', 'IAL-3', 'IAL-S']);
    expect(ids({ hasFindings: true })).toEqual(['ORG-1']);
    expect(ids({ needsEvidence: true })).toEqual(['IAL-3']);
    expect(ids({ changed: true }, new Set(['IAL-2', 'ORG-1']))).toEqual(['ORG-1', 'IAL-2']);
  });

  it('reports no blockers once the target is met, or without targets', () => {
    let d = doc();
    d = applyChange(d, { op: 'answer.set', criterion: 'IAL-3', set: { status: 'conformant' } }, META).assessment;
    expect(targetBlockers(score(pack, toScoringInput(d))).size).toBe(0);
    expect(targetBlockers(null).size).toBe(0);
  });
});

describe('tree', () => {
  it('groups by dimension and category in declared order, with set positions, and collapses', () => {
    const tree = buildTree({ dimensions: pack.dimensions, categories: pack.categories, criteria });
    expect(tree.map((d) => [d.id, d.categories.map((c) => c.criteria)])).toEqual([
      ['IAL', [[0, 2, 3, 4]]],
      ['ORG', [[1]]],
    ]);
    expect(treeOrder(tree)).toEqual([0, 2, 3, 4, 1]);
    const all = new Uint8Array(5).fill(1);
    const rows = flattenTree(tree, all, new Set());
    expect(rows.map((r) => r.key)).toEqual(['d:IAL', 'c:IAL/IAL-cat', 'k:0', 'k:2', 'k:3', 'k:4', 'd:ORG', 'c:ORG/ORG-cat', 'k:1']);
    expect(rows[3]).toMatchObject({ pos: 2, size: 4 });
    expect(rows[6]).toMatchObject({ kind: 'dimension', pos: 2, size: 2, count: 1 });
    expect(flattenTree(tree, all, new Set(['d:IAL'])).map((r) => r.key)).toEqual(['d:IAL', 'd:ORG', 'c:ORG/ORG-cat', 'k:1']);
    // Groups with nothing visible disappear.
    const onlyOrg = new Uint8Array(5);
    onlyOrg[1] = 1;
    expect(flattenTree(tree, onlyOrg, new Set()).map((r) => r.key)).toEqual(['d:ORG', 'c:ORG/ORG-cat', 'k:1']);
  });

  it('finds the next match after a position, wrapping around once', () => {
    const order = [0, 2, 3, 4, 1];
    expect(nextMatching(order, null, (i) => i === 3)).toBe(3);
    expect(nextMatching(order, 4, (i) => i === 0 || i === 3)).toBe(0);
    expect(nextMatching(order, 3, (i) => i === 3)).toBeNull();
    expect(nextMatching([], null, () => true)).toBeNull();
  });
});
