import { beforeAll, describe, expect, it } from 'vitest';
import { applyChange } from '../assessment/ops';
import { toScoringInput } from '../assessment/scoring-input';
import type { Pack } from '../criteria/schema';
import { loadDefaultTemplate, loadJpIdtf } from '../node/report-test-support';
import { score } from '../scoring/score';
import { buildReportModel, describeCondition, ReportInputError, type ReportInput } from './model';
import type { ReportTemplate } from './template';
import { realisticAssessment, scalePack, type ReportFixture } from './test-fixtures';
import { formatDateTime, texts } from './text';

let pack: Pack;
let template: ReportTemplate;
let fx: ReportFixture;
let input: ReportInput;
const options = (lang: 'ja' | 'en') => ({ lang, template, generatedAt: '2025-06-10T09:00:00Z', timeZone: 'Asia/Tokyo' });

beforeAll(async () => {
  pack = await loadJpIdtf();
  template = await loadDefaultTemplate();
  fx = realisticAssessment(pack);
  input = { assessment: fx.assessment, pack, score: fx.score, journal: fx.journal };
});

describe('buildReportModel', () => {
  it('states the levels of the score, per dimension, with target and what blocks it', () => {
    const m = buildReportModel(input, options('en'));
    expect(m.summary.dimensions.map((d) => [d.id, d.achieved, d.target])).toEqual(fx.score.dimensions.map((d) => [d.dimension, d.achieved, d.target]));
    for (const d of m.summary.dimensions) {
      const outcome = fx.score.dimensions.find((x) => x.dimension === d.id)!;
      expect(d.state).toBe(outcome.notApplicable ? 'not-applicable' : outcome.target === null ? 'no-target' : outcome.targetMet ? 'met' : 'not-met');
      if (d.state === 'not-met') {
        expect(d.blocking.map((b) => b.criterion)).toEqual(outcome.levels.find((l) => l.level === outcome.target)!.blocking.map((b) => b.criterion));
        expect(d.blocking.length).toBeGreaterThan(0);
      }
    }
    // The fixture has one met and one missed assurance target, so both paths are exercised.
    expect(m.summary.dimensions.some((d) => d.state === 'met')).toBe(true);
    expect(m.summary.dimensions.some((d) => d.state === 'not-met')).toBe(true);
  });

  it('lists every criterion in pack order with its effective result, applicability and evidence', () => {
    const m = buildReportModel(input, options('ja'));
    expect(m.criteria.map((r) => r.id)).toEqual(pack.criteria.map((c) => c.id));
    const t = texts('ja');
    for (const r of m.criteria) {
      const sc = fx.score.criteria[r.id]!;
      expect(r.result).toBe(sc.inScope ? sc.effective : 'out-of-scope');
      expect(r.met).toBe(sc.met);
      if (r.applicability === 'not-applicable') expect(r.justification).toBe(fx.assessment.criteria[r.id]!.justification);
      if (r.applicability === 'out-of-scope') expect(r.justification).not.toBe('');
      expect(r.evidence.map((e) => e.sha256)).toEqual(fx.assessment.criteria[r.id]?.evidence ?? []);
      for (const e of r.evidence) {
        expect(e.short).toBe(e.sha256.slice(0, 12));
        expect(e.name).toBe(fx.assessment.evidence[e.sha256]!.name);
      }
      expect(r.resultLabel).toBe(r.result === 'out-of-scope' ? t.applicability['out-of-scope'] : t.result[r.result]);
    }
    const counts = Object.fromEntries(m.summary.counts.map((c) => [c.key, c.count]));
    expect(Object.values(counts).reduce((x, y) => x + y, 0)).toBe(pack.criteria.length);
    expect(m.summary.inScope).toBe(Object.values(fx.score.criteria).filter((c) => c.inScope).length);
    expect(counts['major-nc']).toBeGreaterThan(0);
    expect(counts['out-of-scope']).toBeGreaterThan(0);
  });

  it('explains why a criterion is out of scope: roles, or the condition in words', () => {
    const m = buildReportModel(input, options('en'));
    const rp = pack.criteria.find((c) => c.roles && !c.roles.includes('IdP'))!;
    expect(m.criteria.find((r) => r.id === rp.id)!.justification).toMatch(/^the service does not play the roles it applies to \(/);
    const conditional = pack.criteria.find((c) => c.condition !== undefined && !fx.score.criteria[c.id]!.inScope && (!c.roles || c.roles.includes('IdP')));
    if (conditional) expect(m.criteria.find((r) => r.id === conditional.id)!.justification).toMatch(/^its condition does not hold for the service \(/);
    const titles = new Map([['a', 'Remote'], ['b', 'Kiosk'], ['c', 'Chip']]);
    expect(describeCondition({ all: ['a', { any: ['b', { not: 'c' }] }] }, texts('en'), titles, true)).toBe('Remote and (Kiosk or not Chip)');
  });

  it('indexes evidence with its links, findings with corrective actions, claims that differ, and the audit trail', () => {
    const m = buildReportModel(input, options('en'));
    expect(m.evidence).toHaveLength(Object.keys(fx.assessment.evidence).length);
    for (const e of m.evidence) {
      const linked = pack.criteria.filter((c) => fx.assessment.criteria[c.id]?.evidence?.includes(e.sha256)).map((c) => c.id);
      expect(e.criteria).toEqual(linked);
      expect(e.size).toBe(fx.assessment.evidence[e.sha256]!.size);
      expect(e.capturedAt).toBe(formatDateTime(fx.assessment.evidence[e.sha256]!.capturedAt, 'Asia/Tokyo'));
    }
    expect(m.findings.map((f) => f.id)).toEqual(fx.assessment.findings.map((f) => f.id));
    const minor = m.findings.find((f) => f.class === 'minor-nc')!;
    expect([minor.plan !== '', minor.dueDate, minor.statusLabel]).toEqual([true, '2025-09-30', 'Plan accepted']);
    expect(m.summary.openFindingIds).toEqual(fx.assessment.findings.filter((f) => f.status !== 'verified-closed').map((f) => f.id));

    expect(m.claims).not.toBeNull();
    const kinds = new Set(m.claims!.rows.map((r) => r.difference));
    expect(kinds).toEqual(new Set(['Overclaimed', 'Applicability differs']));
    expect(m.claims!.agree + m.claims!.rows.length).toBe(Object.keys(fx.assessment.claims!).length);

    expect(m.audit!.rows).toHaveLength(fx.journal.length);
    expect(m.audit!.rows[0]!.op).toBe('assessment.create');
    const answer = m.audit!.rows.find((r) => r.op === 'answer.set')!;
    expect(answer.target).toBe(pack.criteria.find((c) => !c.satisfiedBy)!.id);
    expect(JSON.parse(answer.new)).toMatchObject({ status: expect.any(String) });
    expect(m.sections.map((s) => s.id)).toEqual(template.spec.sections);
  });

  it('drops the claims section when there are no claims and says the audit trail is missing without a journal', () => {
    const plain = realisticAssessment(pack, { claims: false });
    const m = buildReportModel({ assessment: plain.assessment, pack, score: plain.score }, options('en'));
    expect(m.claims).toBeNull();
    expect(m.sections.map((s) => s.id)).not.toContain('claims');
    expect(m.audit).toBeNull();
    expect(m.sections.filter((s) => s.number !== null).map((s) => s.number)).toEqual(m.sections.filter((s) => s.number !== null).map((_, i) => i + 1));
  });

  it('carries the facts the certification body needs on the cover, in the language asked for', () => {
    const ja = buildReportModel(input, options('ja'));
    const en = buildReportModel(input, options('en'));
    const value = (m: typeof ja, label: string) => m.cover.facts.find((f) => f.label === label)?.value;
    expect(value(ja, '基準ID・版')).toBe('jp-idtf@2.0.0');
    expect(value(ja, '基準ハッシュ (SHA-256)')).toBe(pack.hash);
    expect(value(en, 'Criteria hash (SHA-256)')).toBe(pack.hash);
    expect(value(ja, '評価種別')).toBe('第三者評価');
    expect(value(en, 'Report date')).toBe('2025-06-10');
    expect(ja.title).toBe(template.spec.title.ja);
    expect(en.meta).toMatchObject({ language: 'en-US', creator: 'TF Assessor' });
    expect(en.meta.keywords).toContain(pack.hash);
    expect(ja.signature.independence).toBe(fx.assessment.independenceStatement);
    // Observers do not sign.
    expect(ja.signature.signers.map((s) => s.name)).toEqual(['佐藤 花子', 'John Smith']);
  });

  it('warns about a missing independence statement only for a third-party assessment', () => {
    const meta = { at: '2025-06-05T00:00:00Z', actor: 'test' };
    const cleared = applyChange(fx.assessment, { op: 'profile.set', field: 'independenceStatement', value: null }, meta).assessment;
    const third = buildReportModel({ ...input, assessment: cleared }, options('en')).signature;
    expect([third.independence, third.independenceMissing]).toEqual(['', { text: 'No statement of independence was recorded.', warn: true }]);
    const self = applyChange(cleared, { op: 'profile.set', field: 'type', value: 'self-assessment' }, meta).assessment;
    expect(buildReportModel({ ...input, assessment: self }, options('ja')).signature.independenceMissing).toEqual({ text: '自己評価のため、独立性に関する表明は対象外である。', warn: false });
    expect(buildReportModel(input, options('en')).signature.independenceMissing).toBeNull();
  });

  it('is deterministic', () => {
    expect(buildReportModel(input, options('ja'))).toEqual(buildReportModel(input, options('ja')));
  });

  it('refuses a pack, hash or score that is not the one the assessment pins', () => {
    const other: Pack = { ...pack, hash: 'f'.repeat(64) };
    expect(() => buildReportModel({ ...input, pack: other }, options('en'))).toThrow(ReportInputError);
    expect(() => buildReportModel({ ...input, pack: other }, options('en'))).toThrow(/differs from the one assessed/);
    const otherVersion: Pack = { ...pack, version: '9.9.9' };
    expect(() => buildReportModel({ ...input, pack: otherVersion }, options('en'))).toThrow(/pins jp-idtf@2.0.0 but the report was given jp-idtf@9.9.9/);
    const scaled = scalePack(pack, 120);
    const wrongScore = score(scaled, toScoringInput(fx.assessment));
    expect(() => buildReportModel({ ...input, score: wrongScore }, options('en'))).toThrow(/score was computed against/);
  });
});
