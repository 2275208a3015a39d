// The audit trail table and its filters.
import { describe, expect, it } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { createAppI18n } from '../../i18n';
import JournalFilters from './JournalFilters.vue';
import JournalTable, { type JournalRow } from './JournalTable.vue';

const i18n = (lang: 'ja' | 'en' = 'ja') => ({ global: { plugins: [createAppI18n(lang)] } });
const row = (seq: number): JournalRow => ({
  seq,
  at: '2026/02/02 19:01',
  atIso: '2026-02-02T10:01:00Z',
  actor: '佐藤 花子',
  what: '結果を記録',
  subject: '基準 AAL-02',
  mode: 'changed',
  changes: [
    { field: '結果・状態', old: '軽微な不適合', new: '適合', oldEmpty: false, newEmpty: false },
    { field: 'メモ', old: '8文字以上', new: '（なし）', oldEmpty: false, newEmpty: true },
  ],
});

describe('JournalTable', () => {
  it('shows who, when, what and each field old → new, labelled for screen readers', () => {
    const w = mount(JournalTable, { props: { rows: [row(5)], hasMore: false, loading: false, caption: '監査証跡の記録' }, ...i18n() });
    const r = w.get('[data-testid="journal-row"]');
    expect(r.get('time').attributes('datetime')).toBe('2026-02-02T10:01:00Z');
    expect(r.text()).toContain('佐藤 花子');
    expect(r.text()).toContain('基準 AAL-02');
    const first = r.findAll('.change')[0]!;
    expect(first.get('.old').text()).toMatch(/^変更前:\s*軽微な不適合$/);
    expect(first.get('.new').text()).toMatch(/^変更後:\s*適合$/);
    expect(r.findAll('.change')[1]!.get('.new').classes()).toContain('empty');
    // The scrolling region is named and reachable from the keyboard.
    const region = w.get('[data-testid="journal-scroll"]');
    expect(region.attributes('tabindex')).toBe('0');
    expect(region.attributes('aria-label')).toBe('監査証跡の記録');
  });

  it('lists the values of something added or removed without an empty side', () => {
    const added: JournalRow = { ...row(7), what: '指摘事項を追加', mode: 'added', changes: [{ field: 'ID', old: '（なし）', new: 'F-004', oldEmpty: true, newEmpty: false }, { field: '分類', old: '（なし）', new: '観察事項', oldEmpty: true, newEmpty: false }] };
    const w = mount(JournalTable, { props: { rows: [added], hasMore: false, loading: false, caption: 'x' }, ...i18n() });
    expect(w.findAll('.change').map((c) => c.text())).toEqual(['IDF-004', '分類観察事項']);
    expect(w.find('.old').exists()).toBe(false);
  });

  it('asks for the next page while the end of the list is in view, one request at a time', async () => {
    const rows = Array.from({ length: 8 }, (_, i) => row(100 - i));
    const w = mount(JournalTable, { props: { rows, hasMore: true, loading: false, caption: 'x' }, ...i18n() });
    await flushPromises();
    // A short page: its end is in view at once.
    expect(w.emitted('load-more')).toHaveLength(1);
    await w.setProps({ loading: true });
    await w.setProps({ loading: false, rows: [...rows, row(50)] });
    await flushPromises();
    expect(w.emitted('load-more')).toHaveLength(2);
    await w.setProps({ hasMore: false, rows: [...rows, row(50), row(49)] });
    await flushPromises();
    expect(w.emitted('load-more')).toHaveLength(2);
  });

  it('does not ask for more while the end is out of view', async () => {
    const rows = Array.from({ length: 500 }, (_, i) => row(1000 - i));
    const w = mount(JournalTable, { props: { rows, hasMore: true, loading: false, caption: 'x' }, ...i18n() });
    await flushPromises();
    expect(w.emitted('load-more')).toBeUndefined();
  });

  it('renders a window of a very long trail', () => {
    const rows = Array.from({ length: 20000 }, (_, i) => row(20000 - i));
    const w = mount(JournalTable, { props: { rows, hasMore: false, loading: false, caption: 'x' }, ...i18n() });
    expect(w.findAll('[data-testid="journal-row"]').length).toBeLessThan(60);
    expect(w.get('table').attributes('aria-rowcount')).toBe('20001');
  });
});

describe('JournalFilters', () => {
  it('reports criterion, actor and kind; clearing resets all three', async () => {
    const w = mount(JournalFilters, {
      props: { modelValue: { criterion: '', actor: '', op: '' }, criteria: [{ id: 'AAL-02', title: 'パスワード' }], actors: ['Emily Clark', '佐藤 花子'], ops: [{ op: 'answer.set', label: '結果を記録' }] },
      ...i18n(),
    });
    expect(w.get('datalist').findAll('option').map((o) => o.attributes('value'))).toEqual(['AAL-02']);
    await w.get('#journal-criterion').setValue(' AAL-02 ');
    await w.get('#journal-actor').setValue('佐藤 花子');
    await w.get('#journal-op').setValue('answer.set');
    expect(w.emitted('update:modelValue')).toEqual([[{ criterion: 'AAL-02', actor: '', op: '' }], [{ criterion: '', actor: '佐藤 花子', op: '' }], [{ criterion: '', actor: '', op: 'answer.set' }]]);
    await w.setProps({ modelValue: { criterion: 'AAL-02', actor: '', op: '' } });
    await w.get('button.clear').trigger('click');
    expect(w.emitted('update:modelValue')!.at(-1)).toEqual([{ criterion: '', actor: '', op: '' }]);
  });
});
