// The findings components: the criterion picker's keyboard behaviour, the editor dialog's
// validation and focus handling, and the table's sorting and row actions.
import { afterEach, describe, expect, it } from 'vitest';
import { mount, type VueWrapper } from '@vue/test-utils';
import { checkFindingDraft, findingToDraft, type FindingDraft } from '../../../../core/assessment/findings';
import { buildSearchIndex } from '../../../../core/assessment/navigator';
import { createAppI18n } from '../../i18n';
import CriterionPicker, { type PickerOption } from './CriterionPicker.vue';
import FindingEditor from './FindingEditor.vue';
import FindingsTable, { type FindingRow } from './FindingsTable.vue';

const i18n = (lang: 'ja' | 'en' = 'ja') => ({ global: { plugins: [createAppI18n(lang)] } });
const mounted: VueWrapper[] = [];
afterEach(() => {
  for (const w of mounted.splice(0)) w.unmount();
  document.body.innerHTML = '';
});

const criterion = (id: string, ja: string, en: string) => ({ id, dimension: id.slice(0, 3), category: 'c', levels: [], evidence: [], title: { ja, en }, statement: { ja: '', en: '' } });
const CRITERIA = [criterion('IAL-02', '本人確認書類の検証', 'Evidence validation'), criterion('AAL-02', 'パスワードの規則', 'Password rules'), criterion('AAL-16', 'セッション管理と再認証', 'Session management')];
const index = buildSearchIndex(CRITERIA);
const OPTIONS: PickerOption[] = CRITERIA.map((c, i) => ({ id: c.id, title: c.title.ja, search: index[i]! }));

describe('CriterionPicker', () => {
  function picker(modelValue: string[] = []) {
    const w = mount(CriterionPicker, { props: { options: OPTIONS, modelValue, inputId: 'pick' }, attachTo: document.body, ...i18n() });
    mounted.push(w);
    return w;
  }

  it('finds criteria by id or title, full-width or not, and adds one with Enter', async () => {
    const w = picker();
    const input = w.get('input[role="combobox"]');
    await input.trigger('focus');
    expect(input.attributes('aria-expanded')).toBe('true');
    await input.setValue('ＡＡＬ－１６');
    expect(w.findAll('[role="option"]').map((o) => o.attributes('data-criterion'))).toEqual(['AAL-16']);
    await input.setValue('パスワード');
    expect(w.findAll('[role="option"]').map((o) => o.attributes('data-criterion'))).toEqual(['AAL-02']);
    expect(input.attributes('aria-activedescendant')).toBe('pick-opt-0');
    await input.trigger('keydown', { key: 'Enter' });
    expect(w.emitted('update:modelValue')).toEqual([[['AAL-02']]]);
    // Ready for the next search.
    expect((input.element as HTMLInputElement).value).toBe('');
    expect(w.get('[role="status"]').text()).toBe('AAL-02 を追加しました。');
  });

  it('moves through the results with the arrow keys, wrapping around', async () => {
    const w = picker(['IAL-02']);
    const input = w.get('input');
    await input.trigger('keydown', { key: 'ArrowDown' });
    expect(input.attributes('aria-expanded')).toBe('true');
    await input.trigger('keydown', { key: 'ArrowUp' });
    expect(input.attributes('aria-activedescendant')).toBe('pick-opt-2');
    await input.trigger('keydown', { key: 'ArrowDown' });
    expect(input.attributes('aria-activedescendant')).toBe('pick-opt-0');
    // A chosen criterion is marked, and Enter on it takes it out again.
    expect(w.get('#pick-opt-0').attributes('aria-selected')).toBe('true');
    await input.trigger('keydown', { key: 'Enter' });
    expect(w.emitted('update:modelValue')).toEqual([[[]]]);
  });

  it('closes only its list on Escape, so the dialog around it stays open', async () => {
    const w = picker();
    const input = w.get('input');
    await input.trigger('focus');
    const escape = new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, cancelable: true });
    let reachedDialog = false;
    document.body.addEventListener('keydown', () => (reachedDialog = true), { once: true });
    input.element.dispatchEvent(escape);
    await w.vm.$nextTick();
    expect(escape.defaultPrevented).toBe(true);
    expect(reachedDialog).toBe(false);
    expect(input.attributes('aria-expanded')).toBe('false');
  });

  it('removes a chosen criterion from its chip and keeps focus in the search', async () => {
    const w = picker(['AAL-16', 'IAL-02']);
    expect(w.findAll('[data-testid="picked-criterion"]').map((c) => c.text())).toEqual(['AAL-16セッション管理と再認証', 'IAL-02本人確認書類の検証']);
    await w.get('button[aria-label="AAL-16 を外す"]').trigger('click');
    expect(w.emitted('update:modelValue')).toEqual([[['IAL-02']]]);
    expect(document.activeElement).toBe(w.get('input').element);
  });
});

describe('FindingEditor', () => {
  function editor(draft: FindingDraft, lang: 'ja' | 'en' = 'ja', extra: Record<string, unknown> = {}) {
    const w = mount(FindingEditor, {
      props: { open: true, findingId: null, draft, issues: checkFindingDraft(draft, { today: '2026-04-01' }), criteria: OPTIONS, saving: false, saveError: null, ...extra },
      attachTo: document.body,
      ...i18n(lang),
    });
    mounted.push(w);
    return w;
  }

  it('shows errors only once the user tries to save, and does not save then', async () => {
    const w = editor(findingToDraft());
    await w.vm.$nextTick();
    expect(w.find('[data-testid="finding-errors"]').exists()).toBe(false);
    expect(w.get('dialog').attributes('open')).toBeDefined();
    await w.get('form').trigger('submit');
    expect(w.emitted('save')).toBeUndefined();
    const summary = w.get('[data-testid="finding-errors"]');
    expect(summary.attributes('role')).toBe('alert');
    expect(summary.text()).toContain('内容を入力してください。');
    const description = w.get('#finding-description');
    expect(description.attributes('aria-invalid')).toBe('true');
    expect(w.get(`#${description.attributes('aria-describedby')}`).text()).toBe('内容を入力してください。');
  });

  it('saves a valid draft, and says what the scoring will make of it', async () => {
    const draft: FindingDraft = { ...findingToDraft(), class: 'minor-nc', description: 'ロックアウト未設定', plan: '10回でロック', dueDate: '2026-03-01', status: 'plan-accepted' };
    const w = editor(draft, 'en');
    expect(w.get('[data-testid="finding-warnings"]').text()).toContain('The due date has already passed.');
    await w.get('form').trigger('submit');
    expect(w.emitted('save')).toHaveLength(1);
  });

  it('reports every edit as a new draft', async () => {
    const w = editor(findingToDraft());
    await w.get('#finding-description').setValue('説明');
    await w.get('input[value="ofi"]').setValue(true);
    await w.get('#finding-status').setValue('verified-closed');
    const drafts = w.emitted('update:draft')!.map(([d]) => d as FindingDraft);
    expect(drafts.map((d) => [d.description, d.class, d.status])).toEqual([
      ['説明', 'minor-nc', 'open'],
      ['', 'ofi', 'open'],
      ['', 'minor-nc', 'verified-closed'],
    ]);
  });

  it('turns Escape (the dialog\'s cancel) into a cancel, and shows why a save failed', async () => {
    const w = editor(findingToDraft(), 'ja', { saveError: 'Cannot write assessment.json: read-only.', findingId: 'F-002' });
    expect(w.get('h2').text()).toBe('指摘事項 F-002 を編集');
    expect(w.get('.save-error').text()).toBe('指摘事項を保存できませんでした。 Cannot write assessment.json: read-only.');
    const cancel = new Event('cancel', { cancelable: true });
    w.get('dialog').element.dispatchEvent(cancel);
    expect(cancel.defaultPrevented).toBe(true);
    expect(w.emitted('cancel')).toHaveLength(1);
  });
});

describe('FindingsTable', () => {
  const rows: FindingRow[] = [
    { id: 'F-001', class: 'major-nc', status: 'open', description: '秘密の質問', criteria: [{ id: 'IAL-03', title: '知識ベース確認の禁止' }], overdue: false, daysOverdue: 0 },
    { id: 'F-002', class: 'minor-nc', status: 'plan-accepted', description: 'ロックアウト', criteria: [], plan: '10回でロック', owner: '運用部', dueDate: '2025-03-31', overdue: true, daysOverdue: 366 },
  ];

  it('marks the sorted column, and asks to sort, edit, delete or open a criterion', async () => {
    const w = mount(FindingsTable, { props: { rows, sortKey: 'dueDate', descending: true, caption: '指摘事項の一覧' }, ...i18n() });
    mounted.push(w);
    expect(w.findAll('th[aria-sort]').map((th) => [th.text().replace(/[▲▼↕]/g, '').trim(), th.attributes('aria-sort')])).toEqual([['是正処置', 'descending']]);
    expect(w.get('table').attributes('aria-rowcount')).toBe('3');
    const second = w.findAll('[data-testid="finding-row"]')[1]!;
    expect(second.attributes('aria-rowindex')).toBe('3');
    expect(second.get('[data-testid="finding-overdue"]').text()).toBe('366 日超過');
    expect(second.text()).toContain('担当: 運用部');
    await w.get('[data-testid="sort-class"]').trigger('click');
    await second.get('[data-testid="finding-edit"]').trigger('click');
    await w.findAll('[data-testid="finding-delete"]')[0]!.trigger('click');
    await w.get('button[aria-label="基準 IAL-03「知識ベース確認の禁止」を開く"]').trigger('click');
    expect(w.emitted('sort')).toEqual([['class']]);
    expect(w.emitted('edit')).toEqual([['F-002']]);
    expect(w.emitted('delete')).toEqual([['F-001']]);
    expect(w.emitted('open-criterion')).toEqual([['IAL-03']]);
  });

  it('renders only a window of a long list', () => {
    const many = Array.from({ length: 2000 }, (_, i) => ({ ...rows[0]!, id: `F-${String(i + 1).padStart(4, '0')}` }));
    const w = mount(FindingsTable, { props: { rows: many, sortKey: 'id', descending: false, caption: 'x' }, ...i18n() });
    mounted.push(w);
    const rendered = w.findAll('[data-testid="finding-row"]').length;
    expect(rendered).toBeGreaterThan(0);
    expect(rendered).toBeLessThan(60);
    expect(w.get('table').attributes('aria-rowcount')).toBe('2001');
  });
});
