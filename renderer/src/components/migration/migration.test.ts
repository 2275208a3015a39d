// The migration screen's components, with a preview computed by core from real packs.
import { describe, expect, it } from 'vitest';
import { RouterLinkStub, mount } from '@vue/test-utils';
import type { Assessment } from '../../../../core/assessment/schema';
import { previewMigration } from '../../../../core/migration/preview';
import { makePack, type PackSpec } from '../../../../core/scoring/test-helpers';
import { createAppI18n } from '../../i18n';
import { planPackMigration } from '../../../../core/migration/apply';
import MigrationPreviewPanel from './MigrationPreviewPanel.vue';
import MigrationReport from './MigrationReport.vue';
import MigrationTargets from './MigrationTargets.vue';

const i18n = (lang: 'ja' | 'en' = 'ja') => ({ global: { plugins: [createAppI18n(lang)] } });
const crit = (id: string) => ({ id, dimension: 'IAL', levels: ['IAL1'] });
const v1 = makePack({ id: 'jp-idtf', version: '1.0.0', criteria: ['ORG-01', 'ORG-02', 'ORG-03'].map(crit) });
const v2 = makePack({
  id: 'jp-idtf',
  version: '2.0.0',
  criteria: ['ORG-01', 'ORG-17', 'ORG-18', 'ORG-21'].map(crit),
  mapping: {
    from: 'jp-idtf@1.0.0',
    entries: [
      { kind: 'same', from: 'ORG-01', to: 'ORG-01' },
      { kind: 'split', from: 'ORG-02', to: ['ORG-17', 'ORG-18'], note: { ja: 'リスクの特定とレベル判定に分割', en: 'Split into risk identification and level decisions' } },
      { kind: 'removed', from: 'ORG-03' },
      { kind: 'new', to: 'ORG-21' },
    ],
  },
} as PackSpec);
const doc: Pick<Assessment, 'criteria' | 'findings'> = {
  criteria: { 'ORG-01': { status: 'conformant' }, 'ORG-02': { status: 'minor-nc' }, 'ORG-03': { status: 'conformant', evidence: ['e'.repeat(64)] } },
  findings: [{ id: 'F-001', class: 'minor-nc', criteria: ['ORG-03'], description: 'x', status: 'open' }],
};
const preview = previewMigration(doc, v1, v2);

describe('MigrationPreviewPanel', () => {
  function panel(lang: 'ja' | 'en' = 'ja') {
    return mount(MigrationPreviewPanel, {
      props: { preview, titleTo: (id: string) => `new ${id}`, titleFrom: (id: string) => `old ${id}`, note: (id: string) => preview.notes[id]?.[lang] ?? '' },
      ...i18n(lang),
    });
  }

  it('counts what carries over, what needs re-assessment, what retires and which findings need a look', () => {
    const w = panel();
    const count = (k: string) => w.get(`[data-testid="migration-count-${k}"] .stat-n`).text();
    expect([count('carried'), count('needsReassessment'), count('retired'), count('newCriteria'), count('findingsToReview')]).toEqual(['3', '3', '1', '1', '1']);
    expect(w.text()).toContain('jp-idtf@1.0.0');
    expect(w.text()).toContain('jp-idtf@2.0.0');
  });

  it('lists the criteria to re-assess with their reason, origin and the mapping note', () => {
    const rows = panel('en').get('[data-testid="migration-reassess"]').findAll('tbody tr').map((r) => r.findAll('td').map((td) => td.text()));
    expect(rows).toEqual([
      ['ORG-17new ORG-17', 'Split', 'ORG-02', 'Split into risk identification and level decisions'],
      ['ORG-18new ORG-18', 'Split', 'ORG-02', 'Split into risk identification and level decisions'],
      ['ORG-21new ORG-21', 'New criterion', '—', ''],
    ]);
  });

  it('lists retired answers with what was recorded, and the findings whose links need a decision', () => {
    const w = panel();
    const retired = w.get('[data-testid="migration-retired"]');
    expect(retired.attributes('open')).toBeDefined();
    expect(retired.get('tbody tr').text()).toContain('old ORG-03');
    expect(retired.get('tbody tr').text()).toContain('適合');
    expect(retired.get('tbody tr').text()).toContain('証跡 1 件');
    expect(w.get('[data-testid="migration-findings"]').text()).toContain('F-001: 新しいバージョンにない基準 ORG-03 に関連付けられています。');
  });
});

describe('MigrationTargets', () => {
  const candidates = [{ key: 'k2', id: 'jp-idtf', version: '2.0.0', title: 'DS-511対応版', criteriaCount: 110, origin: 'builtin' as const }];
  it('offers the newer versions and asks for a preview of the chosen one', async () => {
    const w = mount(MigrationTargets, { props: { current: { id: 'jp-idtf', version: '1.0.0', title: 'DS-500対応版' }, candidates, modelValue: null, busy: false }, ...i18n() });
    expect(w.get('[data-testid="migration-preview"]').attributes('disabled')).toBeDefined();
    await w.get('input[type="radio"]').setValue(true);
    expect(w.emitted('update:modelValue')).toEqual([['k2']]);
    await w.setProps({ modelValue: 'k2' });
    await w.get('form').trigger('submit');
    expect(w.emitted('preview')).toHaveLength(1);
    expect(w.text()).toContain('基準 110 件');
  });

  it('says when no newer version is installed', () => {
    const w = mount(MigrationTargets, { props: { current: { id: 'jp-idtf', version: '2.0.0', title: '' }, candidates: [], modelValue: null, busy: false }, ...i18n('en') });
    expect(w.get('[data-testid="migration-none"]').text()).toBe('No newer version of this criteria pack is installed.');
  });
});

describe('MigrationReport', () => {
  const { report } = planPackMigration({ ...doc, pack: { id: 'jp-idtf', version: '1.0.0', hash: v1.hash } }, v1, v2);
  const mountReport = (lang: 'ja' | 'en' = 'en') =>
    mount(MigrationReport, { props: { report, handle: 'h1' }, global: { plugins: [createAppI18n(lang)], stubs: { RouterLink: RouterLinkStub } } });

  it('counts and names the criteria carried, to re-assess and retired; new-version ids link to the criterion', () => {
    const w = mountReport();
    expect(w.get('[data-testid="migration-report-needsReassessment"] h3').text()).toContain('Criteria to re-assess (3)');
    expect(w.get('[data-testid="migration-report-carried"] h3').text()).toContain('Answers carried over (3)');
    expect(w.get('[data-testid="migration-report-retired"] h3').text()).toContain('Answers retired (1)');
    const links = w.get('[data-testid="migration-report-needsReassessment"]').findAllComponents(RouterLinkStub);
    expect(links.map((l: { props: (k: string) => unknown }) => l.props('to'))).toEqual(['ORG-17', 'ORG-18', 'ORG-21'].map((criterion) => ({ name: 'criteria', params: { handle: 'h1', criterion } })));
    // Retired ids belong to the previous version: shown, not linked.
    expect(w.get('[data-testid="migration-report-retired"]').text()).toContain('ORG-03');
    expect(w.get('[data-testid="migration-report-retired"]').findAllComponents(RouterLinkStub)).toHaveLength(0);
    expect(w.get('[data-testid="migration-report-findings"]').text()).toContain('F-001: linked to ORG-03');
  });

  it('speaks Japanese too', () => {
    expect(mountReport('ja').get('[data-testid="migration-report-needsReassessment"] h3').text()).toContain('再評価が必要な基準（3 件）');
  });
});
