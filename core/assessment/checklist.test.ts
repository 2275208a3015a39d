import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Pack } from '../criteria/schema';
import { planPackMigration } from '../migration/apply';
import { createWorkspace, openWorkspace, readJournal } from '../node/workspace';
import { makePack } from '../scoring/test-helpers';
import { expectedEvidenceKeys, orderChecklist } from './checklist';
import { newAssessment } from './create';
import { migrateDocument } from './format';
import { describeJournalEntry } from './journal-view';
import { applyChange, type Change } from './ops';
import { Assessment, FORMAT_VERSION, type Assessment as AssessmentT } from './schema';
import { sampleInit } from './test-fixtures';

const META = { at: '2025-06-02T10:00:00.000Z', actor: 'Sato Hanako' };
const crit = (id: string) => ({ id, dimension: 'IAL', levels: ['IAL1'] });

/** A pack whose criteria expect evidence, including two items of one type on A. */
function packWithEvidence(version: string, ids: string[], mapping?: Parameters<typeof makePack>[0]['mapping']): Pack {
  const pack = makePack({ id: 'p', version, criteria: ids.map(crit), ...(mapping && { mapping }) });
  pack.evidenceTypes = ['policy', 'record-sample', 'log'].map((id) => ({ id, title: { ja: id, en: id } }));
  for (const c of pack.criteria) {
    c.evidence = [
      { type: 'policy', text: { ja: '規程', en: 'Policy' } },
      { type: 'record-sample', text: { ja: '記録1', en: 'Record 1' } },
      { type: 'record-sample', text: { ja: '記録2', en: 'Record 2' } },
    ];
  }
  return pack;
}

const base = (pack: Pack): AssessmentT =>
  newAssessment({ ...sampleInit(), pack: { id: pack.id, version: pack.version, hash: pack.hash }, roles: [], targets: {} }, { id: 'checklist-0001', now: '2025-06-01T00:00:00.000Z' });

describe('expected-evidence checklist keys', () => {
  it('names items by type and numbers repeated types, so two record samples are two ticks', () => {
    expect(expectedEvidenceKeys([{ type: 'policy' }, { type: 'record-sample' }, { type: 'record-sample' }, { type: 'log' }, { type: 'record-sample' }])).toEqual([
      'policy',
      'record-sample',
      'record-sample#2',
      'log',
      'record-sample#3',
    ]);
    // Pack order, and keys the criterion no longer expects are dropped.
    expect(orderChecklist(['record-sample#2', 'gone', 'policy'], [{ type: 'policy' }, { type: 'record-sample' }, { type: 'record-sample' }])).toEqual(['policy', 'record-sample#2']);
  });
});

describe('answer.set evidenceChecked', () => {
  const pack = packWithEvidence('1.0.0', ['A', 'B']);

  it('records and clears ticks with old and new values in the journal entry, checked against the pack', () => {
    const a = base(pack);
    const first = applyChange(a, { op: 'answer.set', criterion: 'A', set: { evidenceChecked: ['policy', 'record-sample#2'] } }, META, { pack });
    expect(first.assessment.criteria.A).toEqual({ evidenceChecked: ['policy', 'record-sample#2'] });
    expect(first.entry.old).toBeNull();
    expect(first.entry.new).toEqual({ evidenceChecked: ['policy', 'record-sample#2'] });
    expect(Assessment.safeParse(first.assessment).success).toBe(true);
    const line = describeJournalEntry({ ...first.entry, op: 'answer.set', change: first.entry.change as unknown as Record<string, unknown> });
    expect(line.changes).toEqual([{ field: 'evidenceChecked', old: undefined, new: ['policy', 'record-sample#2'] }]);

    const cleared = applyChange(first.assessment, { op: 'answer.set', criterion: 'A', set: { evidenceChecked: null } }, META, { pack });
    expect(cleared.assessment.criteria).toEqual({});
    expect(cleared.entry.old).toEqual({ evidenceChecked: ['policy', 'record-sample#2'] });

    expect(() => applyChange(a, { op: 'answer.set', criterion: 'A', set: { evidenceChecked: ['record-sample#3'] } }, META, { pack })).toThrow(
      'Change answer.set: criterion "A" expects no evidence item "record-sample#3" (expected: policy, record-sample, record-sample#2)',
    );
    expect(() => applyChange(a, { op: 'answer.set', criterion: 'A', set: { evidenceChecked: [] } }, META)).toThrow(/evidenceChecked/);
    expect(() => applyChange(a, { op: 'answer.set', criterion: 'A', set: { evidenceChecked: ['policy', 'policy'] } }, META)).toThrow(/must not repeat an item/);
    expect(() => applyChange(a, { op: 'answer.set', criterion: 'A', set: { evidenceChecked: ['../etc'] } }, META)).toThrow(/evidence type id/);
  });

  it('survives a journal replay with no snapshot', async () => {
    const root = mkdtempSync(join(tmpdir(), 'tfa-checklist-'));
    try {
      const dir = join(root, 'ws');
      await createWorkspace(dir, { ...sampleInit(), pack: { id: pack.id, version: pack.version, hash: pack.hash }, roles: [], targets: {} }, { actor: META.actor });
      const ws = await openWorkspace(dir, { actor: META.actor, pack, snapshotDelayMs: 5 });
      expect((await ws.apply({ op: 'answer.set', criterion: 'B', set: { status: 'conformant', evidenceChecked: ['record-sample'] } })).ok).toBe(true);
      const after = ws.assessment;
      await ws.close();
      const journal = await readJournal(dir);
      expect(journal.at(-1)!.change).toEqual({ op: 'answer.set', criterion: 'B', set: { status: 'conformant', evidenceChecked: ['record-sample'] } });
      rmSync(join(dir, 'assessment.json'));
      rmSync(join(dir, 'assessment.json.bak'), { force: true });
      const replayed = await openWorkspace(dir, { actor: META.actor, readOnly: true });
      expect(replayed.assessment.criteria.B).toEqual({ status: 'conformant', evidenceChecked: ['record-sample'] });
      expect(replayed.assessment).toEqual(after);
      await replayed.close();
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('format 1 documents', () => {
  it('open as the current format unchanged but for the version, and a format-1 workspace is migrated on open', async () => {
    const v1 = JSON.parse(readFileSync(join(import.meta.dirname, '__fixtures__', 'assessment.v1.json'), 'utf8')) as Record<string, unknown>;
    const m = migrateDocument(v1);
    expect(m.from).toBe(1);
    expect(m.applied).toEqual(['format 1 → 2: criteria may record the ticked expected-evidence checklist (evidenceChecked)']);
    expect(m.assessment).toEqual({ ...v1, formatVersion: FORMAT_VERSION });

    const root = mkdtempSync(join(tmpdir(), 'tfa-format1-'));
    try {
      const dir = join(root, 'ws');
      await createWorkspace(dir, sampleInit(), { actor: META.actor });
      // A folder as format 1 left it: its snapshot only (a journal that ends before it is re-anchored).
      writeFileSync(join(dir, 'assessment.json'), JSON.stringify({ ...v1, revision: 0 }));
      rmSync(join(dir, 'journal.jsonl'));
      const ws = await openWorkspace(dir, { actor: META.actor, snapshotDelayMs: 5 });
      expect(ws.assessment.formatVersion).toBe(FORMAT_VERSION);
      expect(ws.assessment.criteria).toEqual(m.assessment.criteria);
      expect((await ws.apply({ op: 'answer.set', criterion: 'IAL2-1', set: { evidenceChecked: ['policy'] } })).ok).toBe(true);
      await ws.close();
      expect(JSON.parse(readFileSync(join(dir, 'assessment.v1.bak.json'), 'utf8')).formatVersion).toBe(1);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('pack migration carries the checklist', () => {
  const v1 = packWithEvidence('1.0.0', ['A', 'B', 'M1', 'M2', 'D1', 'D2']);
  const v2 = packWithEvidence('2.0.0', ['A', 'B2', 'M', 'D', 'N'], {
    from: 'p@1.0.0',
    entries: [
      { kind: 'same', from: 'A', to: 'A' },
      { kind: 'renamed', from: 'B', to: 'B2' },
      { kind: 'merged', from: ['M1', 'M2'], to: 'M' },
      { kind: 'merged', from: ['D1', 'D2'], to: 'D' },
      { kind: 'new', to: 'N' },
    ],
  });
  // B2 expects one record sample only in the new version: its second tick has nothing to stand for.
  v2.criteria.find((c) => c.id === 'B2')!.evidence = [
    { type: 'record-sample', text: { ja: '記録', en: 'Record' } },
    { type: 'log', text: { ja: 'ログ', en: 'Log' } },
  ];

  it('keeps ticks with the answer they belong to, merges agreeing sources and drops disagreeing ones', () => {
    const changes: Change[] = [
      { op: 'answer.set', criterion: 'A', set: { status: 'conformant', evidenceChecked: ['policy'] } },
      { op: 'answer.set', criterion: 'B', set: { evidenceChecked: ['record-sample', 'record-sample#2'] } },
      { op: 'answer.set', criterion: 'M1', set: { status: 'conformant', evidenceChecked: ['record-sample#2'] } },
      { op: 'answer.set', criterion: 'M2', set: { status: 'conformant', evidenceChecked: ['policy'] } },
      { op: 'answer.set', criterion: 'D1', set: { status: 'conformant', evidenceChecked: ['policy'] } },
      { op: 'answer.set', criterion: 'D2', set: { status: 'major-nc' } },
    ];
    const doc = changes.reduce((a, c) => applyChange(a, c, META, { pack: v1 }).assessment, base(v1));
    const change = planPackMigration(doc, v1, v2);
    const next = applyChange(doc, change, META).assessment;
    expect(next.criteria.A).toEqual({ status: 'conformant', evidenceChecked: ['policy'] });
    expect(next.criteria.B2).toEqual({ evidenceChecked: ['record-sample'], reassess: { reason: 'renamed', from: ['B'] } });
    expect(next.criteria.M).toEqual({ status: 'conformant', evidenceChecked: ['policy', 'record-sample#2'] });
    expect(next.criteria.D?.evidenceChecked).toBeUndefined();
    expect(next.criteria.N).toEqual({ reassess: { reason: 'new', from: [] } });
    expect(Assessment.safeParse(next).success).toBe(true);
    // Edits after the move are checked against the new version's list.
    expect(() => applyChange(next, { op: 'answer.set', criterion: 'B2', set: { evidenceChecked: ['record-sample#2'] } }, META, { pack: v2 })).toThrow(/expects no evidence item "record-sample#2"/);
  });
});

describe('re-assessment flag', () => {
  const v1 = packWithEvidence('1.0.0', ['A']);
  const v2 = packWithEvidence('2.0.0', ['A2'], { from: 'p@1.0.0', entries: [{ kind: 'revised', from: 'A', to: 'A2' }] });

  it('is cleared, in the journal, by recording the same status again', () => {
    const doc = applyChange(base(v1), { op: 'answer.set', criterion: 'A', set: { status: 'minor-nc' } }, META).assessment;
    const migrated = applyChange(doc, planPackMigration(doc, v1, v2), META).assessment;
    expect(migrated.criteria.A2).toEqual({ status: 'minor-nc', reassess: { reason: 'revised', from: ['A'] } });
    const { assessment, entry } = applyChange(migrated, { op: 'answer.set', criterion: 'A2', set: { status: 'minor-nc' } }, META, { pack: v2 });
    expect(assessment.criteria.A2).toEqual({ status: 'minor-nc' });
    expect(entry.old).toEqual({ status: 'minor-nc', reassess: { reason: 'revised', from: ['A'] } });
    expect(entry.new).toEqual({ status: 'minor-nc' });
    const line = describeJournalEntry({ ...entry, op: 'answer.set', change: entry.change as unknown as Record<string, unknown> });
    expect(line.changes.map((c) => c.field)).toEqual(['reassess.reason', 'reassess.from']);
  });
});

