import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbAnswer } from '../../test/fixtures/scoring/arbitraries';
import { makePack, type PackSpec } from '../scoring/test-helpers';
import type { MappingEntryInput, Pack } from '../criteria/schema';
import { MigrationError, migrateAnswers, type MigrationAnswer } from './migrate';

const crit = (id: string) => ({ id, dimension: 'IAL', levels: ['IAL1'] });
const v1 = (ids: string[]): Pack => makePack({ id: 'jp-idtf', version: '1.0.0', criteria: ids.map(crit) });
const v2 = (ids: string[], entries: MappingEntryInput[], from = 'jp-idtf@1.0.0'): Pack =>
  makePack({ id: 'jp-idtf', version: '2.0.0', criteria: ids.map(crit), mapping: { from, entries } } as PackSpec);

const ok = (notes?: string): MigrationAnswer => (notes ? { status: 'conformant', notes } : { status: 'conformant' });

describe('migrateAnswers, per mapping kind', () => {
  it('same: carries the answer and evidence, no flag', () => {
    const r = migrateAnswers(v1(['A']), v2(['A'], [{ kind: 'same', from: 'A', to: 'A' }]), { A: ok('seen') }, { A: ['sha-1'] });
    expect(r.answers).toEqual({ A: ok('seen') });
    expect(r.evidenceLinks).toEqual({ A: ['sha-1'] });
    expect(r.report).toEqual({ from: 'jp-idtf@1.0.0', to: 'jp-idtf@2.0.0', carried: [{ criterion: 'A', from: ['A'], kind: 'same' }], needsReassessment: [], retired: [], newCriteria: [] });
  });

  it('revised and renamed: carry (renamed under the new id) and flag for review', () => {
    const r = migrateAnswers(
      v1(['A', 'B']),
      v2(['A', 'B2'], [
        { kind: 'revised', from: 'A', to: 'A' },
        { kind: 'renamed', from: 'B', to: 'B2' },
      ]),
      { A: { status: 'minor-nc' }, B: { status: 'not-applicable', justification: 'No kiosks.' } },
      { B: ['sha-b'] },
    );
    expect(r.answers).toEqual({ A: { status: 'minor-nc' }, B2: { status: 'not-applicable', justification: 'No kiosks.' } });
    expect(r.evidenceLinks).toEqual({ B2: ['sha-b'] });
    expect(r.report.carried.map((c) => `${c.criterion}<-${c.from.join('+')}:${c.kind}`)).toEqual(['A<-A:revised', 'B2<-B:renamed']);
    expect(r.report.needsReassessment).toEqual([
      { criterion: 'A', reason: 'revised', from: ['A'] },
      { criterion: 'B2', reason: 'renamed', from: ['B'] },
    ]);
  });

  it('split: every part carries the answer as a claim flagged for re-assessment', () => {
    const r = migrateAnswers(v1(['A']), v2(['A1', 'A2'], [{ kind: 'split', from: 'A', to: ['A1', 'A2'] }]), { A: ok('checked both') }, { A: ['e1', 'e2'] });
    expect(r.answers).toEqual({ A1: ok('checked both'), A2: ok('checked both') });
    expect(r.answers['A1']).not.toBe(r.answers['A2']);
    expect(r.evidenceLinks).toEqual({ A1: ['e1', 'e2'], A2: ['e1', 'e2'] });
    expect(r.report.needsReassessment).toEqual([
      { criterion: 'A1', reason: 'split', from: ['A'] },
      { criterion: 'A2', reason: 'split', from: ['A'] },
    ]);
  });

  it('merged: carries when all sources agree, keeping every note', () => {
    const r = migrateAnswers(v1(['X', 'Y']), v2(['XY'], [{ kind: 'merged', from: ['X', 'Y'], to: 'XY' }]), { X: ok('policy read'), Y: ok('interviewed CISO') }, { X: ['e1'], Y: ['e2', 'e1'] });
    expect(r.answers).toEqual({ XY: { status: 'conformant', notes: '[X] policy read\n[Y] interviewed CISO' } });
    expect(r.evidenceLinks).toEqual({ XY: ['e1', 'e2'] });
    expect(r.report.carried).toEqual([{ criterion: 'XY', from: ['X', 'Y'], kind: 'merged' }]);
    expect(r.report.needsReassessment).toEqual([]);
  });

  it('merged: resets to not-assessed and flags when sources disagree (a missing answer disagrees too)', () => {
    const pack2 = v2(['XY'], [{ kind: 'merged', from: ['X', 'Y'], to: 'XY' }]);
    const r = migrateAnswers(v1(['X', 'Y']), pack2, { X: ok('policy read'), Y: { status: 'major-nc', notes: 'no logs kept' } });
    expect(r.answers).toEqual({ XY: { status: 'not-assessed', notes: '[X] conformant — policy read\n[Y] major-nc — no logs kept' } });
    expect(r.report.carried).toEqual([]);
    expect(r.report.needsReassessment).toEqual([{ criterion: 'XY', reason: 'merged-disagreement', from: ['X', 'Y'] }]);
    const half = migrateAnswers(v1(['X', 'Y']), pack2, { X: ok() });
    expect(half.answers['XY']!.status).toBe('not-assessed');
    expect(half.report.needsReassessment[0]!.reason).toBe('merged-disagreement');
  });

  it('removed: keeps the answer and evidence in retired, never silently dropped', () => {
    const r = migrateAnswers(v1(['A', 'GONE']), v2(['A'], [{ kind: 'same', from: 'A', to: 'A' }, { kind: 'removed', from: 'GONE' }]), { GONE: { status: 'major-nc', notes: 'n' } }, { GONE: ['e9'] });
    expect(r.answers).toEqual({});
    expect(r.report.retired).toEqual([{ criterion: 'GONE', reason: 'removed', answer: { status: 'major-nc', notes: 'n' }, evidence: ['e9'] }]);
  });

  it('new: not assessed (no answer) and flagged', () => {
    const r = migrateAnswers(v1(['A']), v2(['A', 'N'], [{ kind: 'same', from: 'A', to: 'A' }, { kind: 'new', to: 'N' }]), { A: ok(), N: ok() });
    expect(r.answers).toEqual({ A: ok() });
    expect(r.report.newCriteria).toEqual(['N']);
    expect(r.report.needsReassessment).toEqual([{ criterion: 'N', reason: 'new', from: [] }]);
    // An answer keyed N was recorded against the old version, where N does not exist.
    expect(r.report.retired).toEqual([{ criterion: 'N', reason: 'unknown-criterion', answer: ok() }]);
  });

  it('criteria the mapping forgets: carried and flagged if kept, retired if gone, new if added', () => {
    const r = migrateAnswers(v1(['A', 'KEPT', 'LOST']), v2(['A', 'KEPT', 'ADDED'], [{ kind: 'same', from: 'A', to: 'A' }]), { KEPT: ok(), LOST: ok() });
    expect(r.answers).toEqual({ KEPT: ok() });
    expect(r.report.needsReassessment).toEqual([
      { criterion: 'KEPT', reason: 'unmapped', from: ['KEPT'] },
      { criterion: 'ADDED', reason: 'new', from: [] },
    ]);
    expect(r.report.retired).toEqual([{ criterion: 'LOST', reason: 'unmapped', answer: ok() }]);
  });

  it('does not modify its inputs', () => {
    const answers = { A: ok('x') };
    const links = { A: ['e'] };
    const frozen = JSON.stringify({ answers, links });
    const r = migrateAnswers(v1(['A']), v2(['A1', 'A2'], [{ kind: 'split', from: 'A', to: ['A1', 'A2'] }]), answers, links);
    r.answers['A1']!.notes = 'changed';
    r.evidenceLinks['A1']!.push('f');
    expect(JSON.stringify({ answers, links })).toBe(frozen);
  });
});

describe('migrateAnswers, refusing what it cannot do', () => {
  it('needs a mapping from exactly the given pack version', () => {
    expect(() => migrateAnswers(v1(['A']), makePack({ id: 'jp-idtf', version: '2.0.0', criteria: [crit('A')] }), {})).toThrow(/declares no mapping/);
    expect(() => migrateAnswers(v1(['A']), v2(['A'], [{ kind: 'same', from: 'A', to: 'A' }], 'jp-idtf@1.1.0'), {})).toThrow(
      'pack jp-idtf@2.0.0 maps from jp-idtf@1.1.0, not from jp-idtf@1.0.0: migrate the assessment to jp-idtf@1.1.0 first',
    );
  });
  it('rejects entries that do not fit the packs, naming the entry', () => {
    const bad: [MappingEntryInput[], RegExp][] = [
      [[{ kind: 'same', from: 'Z', to: 'A' }], /entry 1 \(same\): "Z" is not a criterion of the previous version/],
      [[{ kind: 'same', from: 'A', to: 'Z' }], /entry 1 \(same\): "Z" is not a criterion of this version/],
      [[{ kind: 'renamed', from: 'A', to: ['A', 'B'] }], /entry 1 \(renamed\): needs exactly 1 "to" criteria, has 2/],
      [[{ kind: 'new' }], /entry 1 \(new\): needs at least 1 "to" criteria, has 0/],
      [
        [
          { kind: 'same', from: 'A', to: 'A' },
          { kind: 'revised', from: 'B', to: 'A' },
        ],
        /entry 2 \(revised\): "A" is already the target of entry 1/,
      ],
      [
        [
          { kind: 'removed', from: 'A' },
          { kind: 'same', from: 'A', to: 'A' },
        ],
        /"A" was removed but also maps it/,
      ],
    ];
    for (const [entries, message] of bad) {
      expect(() => migrateAnswers(v1(['A', 'B']), v2(['A', 'B'], entries), {})).toThrow(MigrationError);
      expect(() => migrateAnswers(v1(['A', 'B']), v2(['A', 'B'], entries), {})).toThrow(message);
    }
  });
});

/** Random version pairs: each old criterion meets a random fate, and some criteria are new. */
const arbMigration = fc
  .record({
    fates: fc.array(fc.constantFrom('same', 'revised', 'renamed', 'split', 'merged', 'removed', 'forgotten-kept', 'forgotten-lost'), { minLength: 1, maxLength: 12 }),
    newCount: fc.integer({ min: 0, max: 3 }),
    answers: fc.array(fc.option(arbAnswer, { nil: undefined }), { minLength: 15, maxLength: 15 }),
    evidence: fc.array(fc.array(fc.constantFrom('e1', 'e2', 'e3'), { maxLength: 2 }), { minLength: 15, maxLength: 15 }),
    strays: fc.subarray(['stray', 'constructor', '__proto__']),
  })
  .map(({ fates, newCount, answers, evidence, strays }) => {
    const oldIds = fates.map((_, i) => `O${i}`);
    const newIds: string[] = [];
    const entries: MappingEntryInput[] = [];
    let mergeGroup: string[] = [];
    fates.forEach((fate, i) => {
      const id = oldIds[i]!;
      if (fate === 'same' || fate === 'revised') {
        newIds.push(id);
        entries.push({ kind: fate, from: id, to: id });
      } else if (fate === 'renamed') {
        newIds.push(`${id}-r`);
        entries.push({ kind: 'renamed', from: id, to: `${id}-r` });
      } else if (fate === 'split') {
        newIds.push(`${id}-a`, `${id}-b`);
        entries.push({ kind: 'split', from: id, to: [`${id}-a`, `${id}-b`] });
      } else if (fate === 'merged') {
        mergeGroup.push(id);
      } else if (fate === 'removed') {
        entries.push({ kind: 'removed', from: id });
      } else if (fate === 'forgotten-kept') {
        newIds.push(id);
      }
    });
    if (mergeGroup.length > 0) {
      newIds.push('M');
      entries.push({ kind: 'merged', from: mergeGroup, to: 'M' });
      mergeGroup = [];
    }
    for (let k = 0; k < newCount; k++) {
      newIds.push(`N${k}`);
      entries.push({ kind: 'new', to: `N${k}` });
    }
    if (newIds.length === 0) {
      newIds.push('N-last');
      entries.push({ kind: 'new', to: 'N-last' });
    }
    const answerIds = [...oldIds, ...strays];
    const ans: Record<string, MigrationAnswer | undefined> = JSON.parse('{}');
    const links: Record<string, string[]> = JSON.parse('{}');
    answerIds.forEach((id, k) => {
      // defineProperty: an own "__proto__" key, as JSON.parse of a hostile file would give.
      if (answers[k]) Object.defineProperty(ans, id, { value: answers[k], enumerable: true, configurable: true, writable: true });
      if (evidence[k]!.length > 0) Object.defineProperty(links, id, { value: evidence[k], enumerable: true, configurable: true, writable: true });
    });
    return { from: v1(oldIds), to: v2(newIds, entries), answers: ans, links };
  });

describe('migrateAnswers on random version pairs', () => {
  it('never loses an answer or an evidence link', () => {
    fc.assert(
      fc.property(arbMigration, ({ from, to, answers, links }) => {
        const r = migrateAnswers(from, to, answers, links);
        const accounted = new Set([
          ...r.report.carried.flatMap((c) => c.from),
          ...r.report.needsReassessment.flatMap((n) => n.from),
          ...r.report.retired.map((x) => x.criterion),
        ]);
        for (const id of Object.keys(answers)) if (answers[id]) expect(accounted, `answer ${id}`).toContain(id);
        for (const x of r.report.retired) if (Object.hasOwn(answers, x.criterion) && answers[x.criterion]) expect(x.answer).toEqual(answers[x.criterion]);
        // Each evidence link reaches a new criterion mapped from its old one, or is retired with it.
        const toIds = new Set(to.criteria.map((c) => c.id));
        const fromIds = new Set(from.criteria.map((c) => c.id));
        const sourcesOf = (target: string): string[] =>
          to.mapping!.entries.find((m) => m.to.includes(target))?.from ?? (fromIds.has(target) && !to.mapping!.entries.some((m) => m.from.includes(target)) ? [target] : []);
        for (const id of Object.keys(links)) {
          for (const e of links[id]!) {
            const moved = Object.entries(r.evidenceLinks).some(([target, es]) => es.includes(e) && sourcesOf(target).includes(id));
            const retired = r.report.retired.some((x) => x.criterion === id && x.evidence?.includes(e));
            expect(moved || retired, `evidence ${e} of ${id}`).toBe(true);
          }
        }
        expect(Object.keys(r.answers).every((id) => toIds.has(id))).toBe(true);
        for (const n of r.report.newCriteria) expect(r.answers[n]).toBeUndefined();
        expect(Object.getPrototypeOf(r.answers)).toBe(Object.prototype);
        expect(JSON.stringify(migrateAnswers(from, to, answers, links))).toBe(JSON.stringify(r));
      }),
      { numRuns: 300 },
    );
  });
});
