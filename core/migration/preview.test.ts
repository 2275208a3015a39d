import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Pack } from '../criteria/schema';
import type { Assessment } from '../assessment/schema';
import { readPackDir } from '../node/packs';
import { makePack, type PackSpec } from '../scoring/test-helpers';
import { migrateAnswers } from './migrate';
import { previewMigration } from './preview';

const HASH = (c: string) => c.repeat(64);
const crit = (id: string) => ({ id, dimension: 'IAL', levels: ['IAL1'] });

describe('previewMigration on small packs', () => {
  const v1 = makePack({ id: 'p', version: '1.0.0', criteria: ['A', 'B', 'C'].map(crit) });
  const v2 = makePack({
    id: 'p',
    version: '2.0.0',
    criteria: ['A', 'B2', 'D'].map(crit),
    mapping: {
      from: 'p@1.0.0',
      entries: [
        { kind: 'same', from: 'A', to: 'A' },
        { kind: 'renamed', from: 'B', to: 'B2', note: { ja: '名称変更', en: 'Renamed' } },
        { kind: 'removed', from: 'C', note: { ja: '廃止', en: 'Withdrawn' } },
        { kind: 'new', to: 'D' },
      ],
    },
  } as PackSpec);

  const doc: Pick<Assessment, 'criteria' | 'findings'> = {
    criteria: {
      A: { status: 'conformant', evidence: [HASH('a')] },
      B: { status: 'minor-nc', notes: 'weak policy', evidence: [HASH('b')] },
      C: { status: 'not-applicable', justification: 'no kiosks', evidence: [HASH('c')] },
      // Evidence only, no result yet: counted as a link, not as an answer.
      D: { evidence: [HASH('d')] },
    },
    findings: [
      { id: 'F-001', class: 'minor-nc', criteria: ['B', 'A'], description: 'x', status: 'open' },
      { id: 'F-002', class: 'observation', criteria: ['A'], description: 'y', status: 'open' },
    ],
  };

  it('reports what migrateAnswers does, with the mapping notes and the findings to re-link', () => {
    const p = previewMigration(doc, v1, v2);
    expect(p.from).toBe('p@1.0.0');
    expect(p.to).toBe('p@2.0.0');
    expect(p.carried).toEqual([
      { criterion: 'A', from: ['A'], kind: 'same' },
      { criterion: 'B2', from: ['B'], kind: 'renamed' },
    ]);
    expect(p.needsReassessment).toEqual([
      { criterion: 'B2', reason: 'renamed', from: ['B'] },
      { criterion: 'D', reason: 'new', from: [] },
    ]);
    expect(p.retired).toEqual([
      { criterion: 'C', reason: 'removed', answer: { status: 'not-applicable', justification: 'no kiosks' }, evidence: [HASH('c')] },
      // D is new in 2.0.0: links recorded against an id 1.0.0 never had cannot be carried.
      { criterion: 'D', reason: 'unknown-criterion', evidence: [HASH('d')] },
    ]);
    expect(p.newCriteria).toEqual(['D']);
    expect(p.notes).toEqual({ B2: { ja: '名称変更', en: 'Renamed' }, C: { ja: '廃止', en: 'Withdrawn' } });
    expect(p.findingsToReview).toEqual([{ finding: 'F-001', missing: ['B'] }]);
    expect(p.counts).toEqual({ answered: 3, carried: 2, needsReassessment: 2, retired: 2, newCriteria: 1, evidenceLinksCarried: 2, evidenceLinksRetired: 2 });
  });

  it('refuses a target that does not map from the assessment\'s version', () => {
    const other = makePack({ id: 'p', version: '3.0.0', criteria: ['A'].map(crit), mapping: { from: 'p@2.0.0', entries: [{ kind: 'same', from: 'A', to: 'A' }] } } as PackSpec);
    expect(() => previewMigration(doc, v1, other)).toThrow(/maps from p@2.0.0, not from p@1.0.0/);
  });
});

describe('previewMigration jp-idtf 1.0.0 → 2.0.0 (the real packs)', () => {
  let v1: Pack;
  let v2: Pack;
  beforeAll(async () => {
    const root = join(import.meta.dirname, '..', '..', 'criteria', 'jp-idtf');
    const a = await readPackDir(join(root, '1.0.0'));
    const b = await readPackDir(join(root, '2.0.0'));
    if (!a.ok || !b.ok) throw new Error('the built-in jp-idtf packs do not load');
    v1 = a.pack;
    v2 = b.pack;
  });

  it('agrees with migrateAnswers on every criterion, and covers every answer', () => {
    const criteria: Assessment['criteria'] = {};
    v1.criteria.forEach((c, i) => {
      if (c.satisfiedBy) return;
      criteria[c.id] = i % 3 === 0 ? { status: 'conformant' } : i % 3 === 1 ? { status: 'minor-nc', notes: `n${i}` } : { status: 'not-applicable', justification: 'j' };
    });
    const preview = previewMigration({ criteria, findings: [] }, v1, v2);
    const direct = migrateAnswers(v1, v2, Object.fromEntries(Object.entries(criteria).map(([k, r]) => [k, { status: r.status!, ...(r.justification && { justification: r.justification }), ...(r.notes && { notes: r.notes }) }])));
    expect(preview.carried).toEqual(direct.report.carried);
    expect(preview.needsReassessment).toEqual(direct.report.needsReassessment);
    expect(preview.retired).toEqual(direct.report.retired);
    // ORG-02 is split into ORG-17..20 in 2.0.0: each part carries the old answer and is flagged.
    for (const id of ['ORG-17', 'ORG-18', 'ORG-19', 'ORG-20']) {
      expect(preview.needsReassessment).toContainEqual({ criterion: id, reason: 'split', from: ['ORG-02'] });
      expect(preview.notes[id]?.en).toMatch(/risk identification/);
    }
    // Every 1.0.0 answer is accounted for: carried on, or retired.
    const sources = new Set([...preview.carried.flatMap((c) => c.from), ...preview.needsReassessment.flatMap((r) => r.from), ...preview.retired.map((r) => r.criterion)]);
    for (const id of Object.keys(criteria)) expect(sources.has(id), id).toBe(true);
    expect(preview.counts.answered).toBe(Object.keys(criteria).length);
    expect(preview.newCriteria.length).toBeGreaterThan(0);
  });
});
