import { describe, expect, it } from 'vitest';
import type { Pack } from '../criteria/schema';
import { Assessment, type Assessment as AssessmentT } from './schema';
import { newAssessment } from './create';
import { applyChange, nextFindingId, parseChange, type Change } from './ops';
import { InvalidInputError } from './errors';
import { sampleInit } from './test-fixtures';

const AT = '2025-06-02T10:00:00.000Z';
const meta = { at: AT, actor: 'Sato Hanako' };
const HASH = 'f'.repeat(64);
const base = () => newAssessment(sampleInit(), { id: 'ops-test-0001', now: '2025-06-01T00:00:00.000Z' });

function apply(a: AssessmentT, ...changes: Change[]): AssessmentT {
  return changes.reduce((s, c) => applyChange(s, c, meta).assessment, a);
}

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidInputError);
    return (err as Error).message;
  }
  throw new Error('expected an InvalidInputError');
}

const evidenceAdd = (criteria?: string[]): Change => ({
  op: 'evidence.add',
  hash: HASH,
  item: { name: 'policy.pdf', mediaType: 'application/pdf', size: 10, capturedAt: AT, capturedBy: 'Sato Hanako' },
  ...(criteria && { criteria }),
});

describe('applyChange', () => {
  it('records who changed what, with old and new values, and never modifies its input', () => {
    const a = base();
    const frozen = JSON.stringify(a);
    const { assessment, entry } = applyChange(a, { op: 'answer.set', criterion: 'IAL2-1', set: { status: 'conformant', methods: ['examine', 'interview'] } }, meta);
    expect(JSON.stringify(a)).toBe(frozen);
    expect(entry).toEqual({
      seq: 1,
      at: AT,
      actor: 'Sato Hanako',
      change: { op: 'answer.set', criterion: 'IAL2-1', set: { status: 'conformant', methods: ['examine', 'interview'] } },
      old: null,
      new: { status: 'conformant', methods: ['examine', 'interview'] },
    });
    expect(assessment.revision).toBe(1);
    expect(assessment.updatedAt).toBe(AT);
    const second = applyChange(assessment, { op: 'answer.set', criterion: 'IAL2-1', set: { status: 'minor-nc', methods: null } }, meta);
    expect(second.entry.old).toEqual({ status: 'conformant', methods: ['examine', 'interview'] });
    expect(second.entry.new).toEqual({ status: 'minor-nc' });
    expect(Assessment.safeParse(second.assessment).success).toBe(true);
  });

  it('removes a criterion record when every field is cleared', () => {
    const a = apply(base(), { op: 'answer.set', criterion: 'X-1', set: { notes: 'n' } }, { op: 'answer.set', criterion: 'X-1', set: { notes: null } });
    expect(a.criteria).toEqual({});
  });

  it('sets and clears profile fields, validating each with the document schema', () => {
    let a = apply(base(), { op: 'profile.set', field: 'service.description', value: 'Login for 2 million members' });
    expect(a.service.description).toBe('Login for 2 million members');
    a = apply(a, { op: 'profile.set', field: 'organization.address', value: null });
    expect(a.organization.address).toBeUndefined();
    expect(errorOf(() => applyChange(a, { op: 'profile.set', field: 'service.name', value: null }, meta))).toBe('Change profile.set: service.name is required and cannot be cleared');
    expect(errorOf(() => applyChange(a, { op: 'profile.set', field: 'organization.identifiers', value: [{ scheme: 'jp-corporate-number', value: '1234567890123' }] }, meta))).toMatch(
      /organization\.identifiers\.0\.value: is not a valid corporate number/,
    );
    expect(errorOf(() => applyChange(a, { op: 'profile.set', field: 'dates', value: { start: '2025-06-04', end: '2025-06-01' } }, meta))).toMatch(/dates\.end: end must not be before start/);
    expect(errorOf(() => applyChange(a, { op: 'profile.set', field: 'type', value: 'audit' }, meta))).toMatch(/^Change profile\.set: type: /);
  });

  it('refuses unknown operations and fields, and the workspace-only base entries', () => {
    expect(errorOf(() => parseChange({ op: 'answer.delete' }))).toMatch(/^Unknown change "answer.delete": expected one of profile.set, answer.set/);
    expect(errorOf(() => parseChange({ op: 'profile.set', field: 'levels', value: {} }))).toMatch(/^Change profile\.set: field: /);
    expect(errorOf(() => parseChange({ op: 'answer.set', criterion: 'A', set: {} }))).toMatch(/set: must change at least one field/);
    expect(errorOf(() => parseChange({ op: 'answer.set', criterion: '../x', set: { notes: 'x' } }))).toMatch(/criterion: must start with a letter or digit/);
    expect(errorOf(() => parseChange({ op: 'assessment.create', assessment: base() }))).toMatch(/written by the workspace itself/);
    expect(errorOf(() => parseChange(null))).toMatch(/^Unknown change/);
  });

  it('checks continuity: a change must follow the current revision', () => {
    expect(errorOf(() => applyChange(base(), { op: 'answer.set', criterion: 'A', set: { notes: 'x' } }, { ...meta, seq: 3 }))).toMatch(/does not follow revision 0/);
    expect(errorOf(() => applyChange(base(), { op: 'answer.set', criterion: 'A', set: { notes: 'x' } }, { at: 'yesterday', actor: '' }))).toMatch(/^Change metadata: at: .*; actor: must not be empty/);
  });

  it('adds evidence, links and unlinks it, keeping the item when the last link goes', () => {
    let a = apply(base(), evidenceAdd(['IAL2-1']));
    expect(a.evidence[HASH]?.name).toBe('policy.pdf');
    expect(a.criteria['IAL2-1']?.evidence).toEqual([HASH]);
    const link = applyChange(a, { op: 'evidence.link', hash: HASH, criterion: 'IAL2-2' }, meta);
    expect(link.entry.old).toEqual([]);
    expect(link.entry.new).toEqual([HASH]);
    a = link.assessment;
    expect(errorOf(() => applyChange(a, { op: 'evidence.link', hash: HASH, criterion: 'IAL2-2' }, meta))).toMatch(/already linked/);
    const unlink = applyChange(a, { op: 'evidence.unlink', hash: HASH, criterion: 'IAL2-1' }, meta);
    expect(unlink.entry.old).toEqual([HASH]);
    expect(unlink.entry.new).toEqual([]);
    a = unlink.assessment;
    expect(a.criteria['IAL2-1']).toBeUndefined();
    expect(a.evidence[HASH]).toBeDefined();
    expect(errorOf(() => applyChange(a, { op: 'evidence.unlink', hash: HASH, criterion: 'IAL2-1' }, meta))).toMatch(/is not linked/);
    expect(errorOf(() => applyChange(a, { op: 'evidence.link', hash: 'e'.repeat(64), criterion: 'IAL2-1' }, meta))).toMatch(/is not in this workspace/);
    expect(Assessment.safeParse(a).success).toBe(true);
  });

  it('records the same bytes captured again as a recapture, not a second item', () => {
    let a = apply(base(), evidenceAdd());
    const again = applyChange(a, { ...evidenceAdd(['IAL2-3']), item: { name: 'copy of policy.pdf', mediaType: 'application/pdf', size: 10, capturedAt: AT, capturedBy: 'Ito' } } as Change, meta);
    a = again.assessment;
    expect(Object.keys(a.evidence)).toHaveLength(1);
    expect(a.evidence[HASH]?.name).toBe('policy.pdf');
    expect(a.evidence[HASH]?.recaptures).toEqual([{ name: 'copy of policy.pdf', capturedAt: AT, capturedBy: 'Ito' }]);
    expect(a.criteria['IAL2-3']?.evidence).toEqual([HASH]);
    expect(errorOf(() => applyChange(a, { ...evidenceAdd(), item: { ...(evidenceAdd() as { item: object }).item, size: 11 } } as Change, meta))).toMatch(/recorded with 10 bytes but was added with 11/);
  });

  it('updates evidence descriptions', () => {
    let a = apply(base(), evidenceAdd(), { op: 'evidence.update', hash: HASH, set: { description: 'signed v3' } });
    expect(a.evidence[HASH]?.description).toBe('signed v3');
    a = apply(a, { op: 'evidence.update', hash: HASH, set: { description: null } });
    expect(a.evidence[HASH]?.description).toBeUndefined();
  });

  it('creates, updates and deletes findings', () => {
    const finding = { id: 'F-001', class: 'minor-nc' as const, criteria: ['IAL2-2'], description: 'Retention not documented', status: 'open' as const };
    let a = apply(base(), { op: 'finding.create', finding });
    expect(nextFindingId(a)).toBe('F-002');
    expect(errorOf(() => applyChange(a, { op: 'finding.create', finding }, meta))).toMatch(/already exists/);
    const upd = applyChange(a, { op: 'finding.update', id: 'F-001', set: { status: 'plan-accepted', correctiveAction: { plan: 'Write the rule', owner: 'CISO', dueDate: '2025-09-30' } } }, meta);
    expect(upd.entry.old).toEqual(finding);
    a = upd.assessment;
    expect(a.findings[0]).toMatchObject({ status: 'plan-accepted', correctiveAction: { owner: 'CISO', dueDate: '2025-09-30' } });
    expect(errorOf(() => applyChange(a, { op: 'finding.update', id: 'F-001', set: { correctiveAction: { plan: 'x', dueDate: '31/09/2025' } } }, meta))).toMatch(
      /set\.correctiveAction\.dueDate: must be a date such as 2025-04-01/,
    );
    a = apply(a, { op: 'finding.update', id: 'F-001', set: { correctiveAction: null } });
    expect(a.findings[0]?.correctiveAction).toBeUndefined();
    const del = applyChange(a, { op: 'finding.delete', id: 'F-001' }, meta);
    expect(del.assessment.findings).toEqual([]);
    expect(del.entry.new).toBeNull();
    expect(errorOf(() => applyChange(del.assessment, { op: 'finding.delete', id: 'F-001' }, meta))).toMatch(/does not exist/);
  });

  it('keeps claims apart from results', () => {
    let a = apply(base(), {
      op: 'claims.import',
      source: { organization: 'Sample Authentication K.K.', receivedOn: '2025-05-20', document: 'self-assessment.xlsx' },
      claims: { 'IAL2-1': { status: 'conformant', notes: 'see policy' } },
    });
    a = apply(a, { op: 'answer.set', criterion: 'IAL2-1', set: { status: 'minor-nc' } });
    expect(a.claims?.['IAL2-1']?.status).toBe('conformant');
    expect(a.criteria['IAL2-1']?.status).toBe('minor-nc');
    a = apply(a, { op: 'claim.set', criterion: 'IAL2-2', claim: { status: 'not-applicable', justification: 'no kiosks' } });
    expect(Object.keys(a.claims ?? {})).toEqual(['IAL2-1', 'IAL2-2']);
    a = apply(a, { op: 'claims.clear' });
    expect(a.claims).toBeUndefined();
    expect(a.claimsSource).toBeUndefined();
    expect(errorOf(() => applyChange(a, { op: 'claim.set', criterion: 'IAL2-2', claim: null }, meta))).toMatch(/import the applicant's self-assessment first/);
  });

  it('never reaches Object.prototype through criterion ids like "constructor"', () => {
    const a = apply(base(), { op: 'answer.set', criterion: 'constructor', set: { notes: 'x' } }, { op: 'answer.set', criterion: 'toString', set: { status: 'conformant' } });
    expect(a.criteria.constructor).toEqual({ notes: 'x' });
    expect(Assessment.safeParse(JSON.parse(JSON.stringify(a))).success).toBe(true);
    expect(errorOf(() => applyChange(a, { op: 'evidence.unlink', hash: HASH, criterion: 'hasOwnProperty' }, meta))).toMatch(/is not linked/);
  });

  describe('with the pinned pack', () => {
    const level = (id: string, rank: number) => ({ id, rank, title: { ja: id, en: id } });
    const pack = {
      id: 'jp-idtf',
      version: '2.0.0',
      hash: 'a'.repeat(64),
      roles: [{ id: 'idp', title: { ja: 'IdP', en: 'IdP' } }],
      capabilities: [{ id: 'remote-proofing', title: { ja: 'r', en: 'r' } }],
      dimensions: [{ id: 'IAL', kind: 'assurance', title: { ja: 'IAL', en: 'IAL' }, levels: [level('IAL1', 1), level('IAL2', 2)] }],
      criteria: [{ id: 'IAL2-1' }, { id: 'IAL2-S', satisfiedBy: ['IAL2-1'] }],
    } as unknown as Pack;
    const withPack = (change: Change) => () => applyChange(base(), change, meta, { pack });

    it('rejects ids the pack does not define', () => {
      expect(errorOf(withPack({ op: 'answer.set', criterion: 'IAL9-9', set: { notes: 'x' } }))).toBe('Change answer.set: criterion "IAL9-9" is not in pack jp-idtf@2.0.0');
      expect(errorOf(withPack({ op: 'profile.set', field: 'roles', value: ['rp'] }))).toMatch(/role "rp" is not in pack/);
      expect(errorOf(withPack({ op: 'profile.set', field: 'capabilities', value: ['kiosk'] }))).toMatch(/capability "kiosk"/);
      expect(errorOf(withPack({ op: 'profile.set', field: 'targets', value: { FAL: 'FAL1' } }))).toMatch(/dimension "FAL"/);
      expect(errorOf(withPack({ op: 'profile.set', field: 'targets', value: { IAL: 'IAL3' } }))).toMatch(/level "IAL3" is not a level of dimension "IAL"/);
      expect(errorOf(withPack({ op: 'finding.create', finding: { id: 'F-1', class: 'observation', criteria: ['NOPE'], description: 'd', status: 'open' } }))).toMatch(/"NOPE" is not in pack/);
    });

    it('refuses a direct result on a summative criterion', () => {
      expect(errorOf(withPack({ op: 'answer.set', criterion: 'IAL2-S', set: { status: 'conformant' } }))).toMatch(/satisfied by IAL2-1: record results on those criteria instead/);
      expect(withPack({ op: 'answer.set', criterion: 'IAL2-S', set: { notes: 'context' } })().assessment.criteria['IAL2-S']).toEqual({ notes: 'context' });
    });
  });
});
