import { describe, expect, it, vi } from 'vitest';
import { ERROR_CODES, PackSummary } from '../../../core/api/contract';
import { ERROR_CONTEXTS } from '../stores/notifications';
import { WIZARD_ERROR_KEYS, WIZARD_STEPS } from '../stores/wizard';
import { WORKSPACE_SECTIONS } from '../router';
import { FINDING_CLASSES, FINDING_STATUSES, RESULT_STATUSES } from '../../../core/scoring/types';
import { MappingKind } from '../../../core/criteria/schema';
import { AssessmentMethod, AssessorRole, AssessmentType } from '../../../core/assessment/schema';
import type { UndoEntry } from '../stores/assessment';
import { SHORTCUTS } from '../composables/keyboard';
import type { StartAction } from '../stores/app';
import { createAppI18n, messages } from '.';
import ja from './ja';
import en from './en';

function flatten(tree: object, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (value !== null && typeof value === 'object') for (const [k, v] of flatten(value, path)) out.set(k, v);
    else out.set(path, value);
  }
  return out;
}

const UNDO_KINDS: UndoEntry['kind'][] = ['answer', 'profile', 'link', 'unlink', 'evidence-description', 'finding-create', 'finding-update', 'finding-delete'];

const jaKeys = flatten(ja);
const enKeys = flatten(en);
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('message files', () => {
  it('English has every Japanese key', () => {
    expect([...jaKeys.keys()].filter((k) => !enKeys.has(k))).toEqual([]);
  });

  it('Japanese has every English key', () => {
    expect([...enKeys.keys()].filter((k) => !jaKeys.has(k))).toEqual([]);
  });

  it.each([
    ['ja', jaKeys],
    ['en', enKeys],
  ])('%s has no empty or non-text messages', (_lang, keys) => {
    const bad = [...keys].filter(([, v]) => typeof v !== 'string' || v.trim() === '').map(([k]) => k);
    expect(bad).toEqual([]);
  });

  it('both languages use the same placeholders in each message', () => {
    const mismatched = [...jaKeys.keys()].filter((k) => {
      const a = [...new Set(placeholders(String(jaKeys.get(k))))].join();
      const b = [...new Set(placeholders(String(enKeys.get(k))))].join();
      return a !== b;
    });
    expect(mismatched).toEqual([]);
  });

  it('has a message for every key the code builds at run time', () => {
    const actions: StartAction[] = ['new', 'open', 'import'];
    const needed = [
      ...ERROR_CODES.map((c) => `errors.code.${c}`),
      ...ERROR_CONTEXTS.map((c) => `errors.context.${c}`),
      ...actions.flatMap((a) => [`actions.${a}.title`, `actions.${a}.description`]),
      ...PackSummary.shape.origin.options.map((o) => `packs.origin.${o}`),
      ...[...RESULT_STATUSES, 'out-of-scope'].map((s) => `status.${s}`),
      ...FINDING_CLASSES.map((c) => `findingClass.${c}`),
      ...FINDING_STATUSES.map((c) => `findingStatus.${c}`),
      ...MappingKind.options.map((k) => `mapping.kind.${k}`),
      ...WORKSPACE_SECTIONS.map((s) => `workspace.nav.${s}`),
      ...UNDO_KINDS.map((k) => `workspace.undo.kind.${k}`),
      ...[...Object.keys(SHORTCUTS), 'arrows', 'leftRight', 'enter'].map((k) => `workspace.shortcuts.names.${k}`),
      ...WIZARD_STEPS.flatMap((s) => [`wizard.steps.${s}`, `wizard.leads.${s}`]),
      ...WIZARD_ERROR_KEYS.map((k) => `wizard.errors.${k}`),
      ...AssessmentMethod.options.map((m) => `panel.methods.${m}`),
      ...AssessorRole.options.map((r) => `wizard.team.roles.${r}`),
      ...AssessmentType.options.flatMap((t) => [`wizard.team.types.${t}.title`, `wizard.team.types.${t}.description`]),
    ];
    for (const lang of ['ja', 'en'] as const) {
      const keys = flatten(messages[lang]);
      expect(needed.filter((k) => !keys.has(k)), lang).toEqual([]);
    }
  });

  it.each(['ja', 'en'] as const)('every %s message renders with its parameters and without warnings', (lang) => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const { t } = createAppI18n(lang).global;
      for (const [key, raw] of flatten(messages[lang])) {
        const names = placeholders(String(raw));
        const params = Object.fromEntries(names.map((n) => [n, `«${n}»`]));
        const text = t(key, params);
        expect(text, key).not.toBe(key);
        for (const n of names) if (n !== 'n') expect(text, key).toContain(`«${n}»`);
        // Anything left in braces means vue-i18n did not parse the message as intended.
        expect(text, key).not.toMatch(/[{}]/);
      }
      expect(warn).not.toHaveBeenCalled();
      expect(error).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
      error.mockRestore();
    }
  });

  it('pluralizes the criteria count in English', () => {
    const { t } = createAppI18n('en').global;
    expect(t('packs.criteria', 1)).toBe('1 criterion');
    expect(t('packs.criteria', 186)).toBe('186 criteria');
    expect(createAppI18n('ja').global.t('packs.criteria', 186)).toBe('基準 186 件');
  });
});
