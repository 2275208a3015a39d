import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FORMAT_MIGRATIONS, documentFormatVersion, migrateChange, migrateDocument, type FormatMigration } from './format';
import { FORMAT_VERSION } from './schema';
import { newAssessment } from './create';
import { sampleInit } from './test-fixtures';

const v0 = () => JSON.parse(readFileSync(join(import.meta.dirname, '__fixtures__', 'assessment.v0.json'), 'utf8')) as Record<string, unknown>;

describe('format migrations', () => {
  it('migrates the hand-written format-0 file to a valid current document', () => {
    const raw = v0();
    const before = JSON.stringify(raw);
    const { assessment: a, from, applied } = migrateDocument(raw);
    expect(JSON.stringify(raw)).toBe(before);
    expect(from).toBe(0);
    expect(applied).toHaveLength(FORMAT_VERSION);
    expect(a.formatVersion).toBe(FORMAT_VERSION);
    expect(a.id).toBe('legacy-2024-0001');
    expect(a.revision).toBe(14);
    expect(a.organization).toEqual({
      legalName: '旧形式株式会社',
      legalNameEn: 'Old Format K.K.',
      identifiers: [{ scheme: 'jp-corporate-number', value: '5010401067252' }],
      address: { country: 'JP', text: '東京都港区港南1-7-1' },
      contacts: [{ name: '鈴木 一郎', email: 'suzuki@example.jp' }],
    });
    expect(a.pack).toEqual({ id: 'jp-idtf', version: '1.0.0', hash: 'b'.repeat(64) });
    expect(a.type).toBe('self-assessment');
    expect(a.assessors).toEqual([
      { name: 'Tanaka', organization: 'Self', role: 'lead' },
      { name: 'Ito', organization: '', role: 'assessor' },
    ]);
    expect(a.dates).toEqual({ start: '2024-11-05', end: '2024-11-07' });
    expect(a.criteria).toEqual({
      'IAL2-1': { status: 'conformant', methods: ['examine'], notes: 'Procedure reviewed', evidence: ['c'.repeat(64)] },
      'IAL2-2': { status: 'minor-nc', notes: 'Retention period not documented' },
      'ORG-9': { status: 'not-applicable', justification: 'No external providers' },
      'AAL2-1': {},
    });
    expect(a.findings[0]).toEqual({
      id: 'F-001',
      class: 'minor-nc',
      criteria: ['IAL2-2'],
      description: 'Retention of ID images is not documented',
      correctiveAction: { plan: 'Write a retention rule', owner: 'CISO', dueDate: '2025-01-31' },
      status: 'plan-accepted',
    });
    // The hostile legacy file name is reduced to display text.
    expect(a.evidence['c'.repeat(64)]?.name).toBe('procgpj.exe');
  });

  it('leaves a current document as it is', () => {
    const doc = newAssessment(sampleInit(), { id: 'fmt-test-0001', now: '2025-06-01T00:00:00.000Z' });
    const m = migrateDocument(JSON.parse(JSON.stringify(doc)));
    expect(m.from).toBe(FORMAT_VERSION);
    expect(m.applied).toEqual([]);
    expect(m.assessment).toEqual(doc);
  });

  it('refuses a newer format with an instruction, and non-assessments', () => {
    expect(() => migrateDocument({ formatVersion: FORMAT_VERSION + 1 })).toThrow(`newer TF Assessor (format ${FORMAT_VERSION + 1}; this version reads up to ${FORMAT_VERSION}): update TF Assessor`);
    expect(() => migrateDocument([])).toThrow(/not an assessment document/);
    expect(() => migrateDocument({ hello: 'world' })).toThrow(/has no formatVersion/);
    expect(() => documentFormatVersion({ formatVersion: '1' })).toThrow(/Unknown formatVersion "1"/);
  });

  it('reports what is wrong with a broken old file, saying it was migrated', () => {
    const raw = { ...v0(), kind: 'audit' };
    expect(() => migrateDocument(raw)).toThrow(new RegExp(`^Invalid assessment \\(format 0 migrated to ${FORMAT_VERSION}\\): type: `));
  });

  it('runs a chain of migrations in order, for documents and journal changes', () => {
    // A made-up chain 0 → 1 where the change vocabulary changed too.
    const renameOp: FormatMigration = {
      ...FORMAT_MIGRATIONS[0]!,
      change: (c) => (c.op === 'answer.put' ? { ...c, op: 'answer.set' } : c),
    };
    expect(migrateChange({ op: 'answer.put', criterion: 'A', set: { notes: 'x' } }, 0, [renameOp])).toEqual({ op: 'answer.set', criterion: 'A', set: { notes: 'x' } });
    expect(migrateChange({ op: 'answer.put' }, 1, [renameOp])).toEqual({ op: 'answer.put' });
    expect(() => migrateDocument(v0(), [])).toThrow(/No migration from format 0 to 1/);
  });
});
