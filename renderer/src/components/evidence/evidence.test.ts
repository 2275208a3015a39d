// The evidence table: metadata, usage, copy and integrity actions, windowing.
import { describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import { createAppI18n } from '../../i18n';
import EvidenceTable, { type EvidenceRow } from './EvidenceTable.vue';

const i18n = (lang: 'ja' | 'en' = 'ja') => ({ global: { plugins: [createAppI18n(lang)] } });
const row = (over: Partial<EvidenceRow> = {}): EvidenceRow => ({
  hash: '1'.repeat(64),
  shortHash: '111111111111',
  name: '認証ポリシー.pdf',
  mediaType: 'application/pdf',
  size: '2 KB',
  capturedAt: '2026/02/02 19:00',
  capturedBy: '佐藤 花子',
  recaptures: 0,
  usedBy: [{ id: 'AAL-01', title: 'パスワードの規則' }],
  verify: 'idle',
  ...over,
});

describe('EvidenceTable', () => {
  it('shows name, type, size, short SHA-256, capture and the criteria that use the file', () => {
    const w = mount(EvidenceTable, { props: { rows: [row({ recaptures: 2, description: '第3版' })], caption: '証跡の一覧' }, ...i18n('en') });
    const r = w.get('[data-testid="evidence-row"]');
    expect(r.text()).toContain('認証ポリシー.pdf');
    expect(r.text()).toContain('第3版');
    expect(r.text()).toContain('PDF');
    expect(r.text()).toContain('2 KB');
    expect(r.get('[data-testid="evidence-hash"]').text()).toBe('111111111111…');
    expect(r.get('[data-testid="evidence-hash"]').attributes('title')).toBe('1'.repeat(64));
    expect(r.text()).toContain('captured 2 more times');
    expect(r.get('button[aria-label^="Open criterion AAL-01"]').text()).toBe('AAL-01');
  });

  it('marks files no criterion uses', () => {
    const w = mount(EvidenceTable, { props: { rows: [row({ usedBy: [] })], caption: 'x' }, ...i18n() });
    expect(w.get('[data-testid="evidence-unlinked"]').text()).toBe('未使用');
  });

  it('asks to copy, verify or open a criterion, and shows each verification state in words', async () => {
    const states = ['running', 'ok', 'altered', 'missing', 'error'] as const;
    const rows = states.map((verify, i) => row({ hash: String(i + 1).repeat(64), name: `file-${verify}`, verify, ...(verify !== 'running' && { verifiedAt: '2026/02/05 10:00 に検証' }) }));
    const w = mount(EvidenceTable, { props: { rows, caption: 'x' }, ...i18n() });
    const results = w.findAll('[data-testid="evidence-verify-result"]').map((r) => [r.attributes('data-state'), r.text()]);
    expect(results).toEqual([
      ['running', '検証中…'],
      ['ok', '収集時のまま'],
      ['altered', '内容が変わっています'],
      ['missing', 'ファイルがありません'],
      ['error', '検証できませんでした'],
    ]);
    // A check in progress cannot be started twice.
    expect(w.findAll('[data-testid="evidence-verify"]')[0]!.attributes('disabled')).toBeDefined();
    await w.findAll('[data-testid="evidence-verify"]')[1]!.trigger('click');
    await w.findAll('[data-testid="evidence-copy"]')[2]!.trigger('click');
    await w.findAll('button[aria-label^="基準 AAL-01"]')[0]!.trigger('click');
    expect(w.emitted('verify')).toEqual([['2'.repeat(64)]]);
    expect(w.emitted('copy')).toEqual([['3'.repeat(64)]]);
    expect(w.emitted('open-criterion')).toEqual([['AAL-01']]);
  });

  it('names common file types briefly', () => {
    const types = ['text/plain', 'image/png', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'application/x-custom-thing'];
    const w = mount(EvidenceTable, { props: { rows: types.map((mediaType, i) => row({ hash: String(i).repeat(64), mediaType })), caption: 'x' }, ...i18n() });
    expect(w.findAll('.type').map((t) => t.text())).toEqual(['TXT', 'PNG', 'XLSX', 'CUSTOM-THING']);
  });
});
