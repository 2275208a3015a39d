// The dashboard's presentational components: props in, events out, in both languages.
import { describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import { createAppI18n } from '../../i18n';
import DimensionCard from './DimensionCard.vue';
import FindingsSummary from './FindingsSummary.vue';
import TargetBlockers, { type BlockerGroup } from './TargetBlockers.vue';

const i18n = (lang: 'ja' | 'en' = 'ja') => ({ global: { plugins: [createAppI18n(lang)] } });

describe('DimensionCard', () => {
  const base = {
    dimension: 'AAL',
    title: '当人認証保証レベル',
    kind: 'assurance' as const,
    achieved: { id: 'AAL1', title: 'レベル1' },
    target: { id: 'AAL2', title: 'レベル2' },
    targetMet: false,
    notApplicable: false,
    progress: { answered: 9, applicable: 15 },
  };

  it('shows achieved against target, the verdict in words, and the progress', () => {
    const w = mount(DimensionCard, { props: base, ...i18n() });
    expect(w.get('[data-testid="achieved"]').text()).toContain('AAL1');
    expect(w.get('[data-testid="target"]').text()).toContain('AAL2');
    expect(w.get('[data-testid="target-state"]').text()).toBe('目標未達');
    expect(w.get('[data-testid="progress"]').text()).toBe('9 / 15 件');
    const bar = w.get('progress');
    expect(bar.attributes('value')).toBe('9');
    expect(bar.attributes('max')).toBe('15');
    expect(bar.attributes('aria-valuetext')).toBe('対象 15 件中 9 件回答済み（60%）');
    expect(w.get('article').attributes('aria-labelledby')).toBe('dim-AAL-title');
  });

  it.each([
    [{ targetMet: true }, '目標達成', 'Target met'],
    [{ targetMet: null, target: null }, '目標未設定', 'No target set'],
    [{ notApplicable: true, targetMet: null, achieved: null }, '対象外', 'Not applicable'],
  ])('says %o as %s / %s', (over, ja, en) => {
    expect(mount(DimensionCard, { props: { ...base, ...over }, ...i18n('ja') }).get('[data-testid="target-state"]').text()).toBe(ja);
    expect(mount(DimensionCard, { props: { ...base, ...over }, ...i18n('en') }).get('[data-testid="target-state"]').text()).toBe(en);
  });

  it('names a missing level instead of leaving a blank', () => {
    const w = mount(DimensionCard, { props: { ...base, achieved: null, target: null, targetMet: null }, ...i18n('en') });
    expect(w.get('[data-testid="achieved"]').text()).toBe('None');
    expect(w.get('[data-testid="target"]').text()).toBe('No target');
  });
});

describe('TargetBlockers', () => {
  const blockers = Array.from({ length: 8 }, (_, i) => ({ criterion: `AAL-${String(i + 10)}`, title: `基準 ${i + 10}`, reason: 'not-assessed' as const }));
  const groups: BlockerGroup[] = [
    { dimension: 'IAL', dimensionTitle: '身元確認保証レベル', target: 'IAL2', achieved: 'IAL1', undecidable: false, blockers: [{ criterion: 'IAL-03', title: '知識ベース確認の禁止', reason: 'open-major-finding', findings: ['F-001', 'F-004'] }] },
    { dimension: 'AAL', dimensionTitle: '当人認証保証レベル', target: 'AAL2', achieved: 'AAL1', undecidable: false, blockers },
    { dimension: 'FAL', dimensionTitle: 'フェデレーション保証レベル', target: 'FAL3', achieved: null, undecidable: true, blockers: [] },
  ];

  it('lists each blocker with its reason in plain words, naming the findings involved', () => {
    const w = mount(TargetBlockers, { props: { groups, hasTargets: true }, ...i18n() });
    const ial = w.get('[data-testid="blockers-IAL"]');
    expect(ial.get('h3').text()).toContain('身元確認保証レベル — 目標 IAL2 に必要');
    expect(ial.text()).toContain('未完了の重大な不適合の指摘事項（F-001, F-004）が付いています。');
    // The reason describes the button (screen readers read it after the name).
    const button = ial.get('button[data-criterion="IAL-03"]');
    expect(w.get(`#${button.attributes('aria-describedby')}`).text()).toContain('F-001');
    expect(w.get('[data-testid="blockers-FAL"]').text()).toContain('FAL3 を判定する必須の基準がありません');
  });

  it('shows the first few, and all on request', async () => {
    const w = mount(TargetBlockers, { props: { groups, hasTargets: true, limit: 6 }, ...i18n('en') });
    const aal = () => w.get('[data-testid="blockers-AAL"]');
    expect(aal().findAll('[data-testid="blocker"]')).toHaveLength(6);
    const more = aal().get('button.more');
    expect(more.text()).toBe('Show all (8)');
    expect(more.attributes('aria-expanded')).toBe('false');
    await more.trigger('click');
    expect(aal().findAll('[data-testid="blocker"]')).toHaveLength(8);
    expect(aal().get('button.more').attributes('aria-expanded')).toBe('true');
    expect(aal().get('h3').text()).toContain('8 criteria');
  });

  it('asks to open a criterion when one is chosen', async () => {
    const w = mount(TargetBlockers, { props: { groups, hasTargets: true }, ...i18n() });
    await w.get('button[data-criterion="AAL-12"]').trigger('click');
    expect(w.emitted('open-criterion')).toEqual([['AAL-12']]);
  });

  it('says when every target is met, or when none is set', () => {
    expect(mount(TargetBlockers, { props: { groups: [], hasTargets: true }, ...i18n() }).text()).toBe('すべての目標を達成しています。');
    expect(mount(TargetBlockers, { props: { groups: [], hasTargets: false }, ...i18n('en') }).text()).toContain('No target levels are set.');
  });
});

describe('FindingsSummary', () => {
  const props = {
    open: 3,
    total: 5,
    openByClass: { 'major-nc': 1, 'minor-nc': 1, observation: 1, ofi: 0, 'good-practice': 0 },
    overdue: [{ id: 'F-002', class: 'minor-nc' as const, description: 'ロックアウト閾値が未設定。', dueDate: '2025-03-31', days: 1, owner: '運用部' }],
    classes: ['major-nc', 'minor-nc', 'observation', 'ofi', 'good-practice'] as const,
  };

  it('counts open findings by class and lists overdue plans; each opens its finding', async () => {
    const w = mount(FindingsSummary, { props, ...i18n('en') });
    expect(w.get('[data-testid="open-findings"]').text()).toBe('3');
    expect(w.get('[data-testid="open-major-nc"]').text()).toContain('1');
    expect(w.get('[data-testid="overdue"]').text()).toContain('1 day overdue');
    expect(w.get('[data-testid="overdue"]').text()).toContain('Owner: 運用部');
    await w.get('[data-testid="overdue"] button').trigger('click');
    expect(w.emitted('open-finding')).toEqual([['F-002']]);
    await w.get('button.btn').trigger('click');
    expect(w.emitted('open-list')).toHaveLength(1);
  });

  it('says when nothing is overdue', () => {
    const w = mount(FindingsSummary, { props: { ...props, overdue: [] }, ...i18n() });
    expect(w.text()).toContain('期限を過ぎた是正処置はありません。');
    expect(w.get('[data-testid="overdue-count"]').text()).toBe('0');
  });
});
