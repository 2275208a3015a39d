// previewEvidence against a fake main built on the real core (only window.api is replaced),
// and the criterion panel's evidence card: nothing is read until the user opens the preview.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { flushPromises, mount } from '@vue/test-utils';
import type { EvidencePreview } from '../../../core/api/contract-evidence';
import { createAppI18n } from '../i18n';
import { HANDLE, installFakeMain, type FakeMain } from '../testing/fakeMain';
import EvidenceItemCard from '../views/workspace/EvidenceItemCard.vue';
import { forgetCachedPacks, useAssessmentStore } from './assessment';
import { useNotificationsStore } from './notifications';

let main: FakeMain;
const HASH = 'ab'.repeat(32);
const TEXT: EvidencePreview = { hash: HASH, kind: 'text', mediaType: 'text/plain', size: 3, data: btoa('ok\n'), truncated: false, limit: 1000, reason: null };

beforeEach(() => {
  setActivePinia(createPinia());
  forgetCachedPacks();
  main = installFakeMain();
  main.api.evidencePreview.mockImplementation(async ({ hash }) => ({ ok: true, value: { ...TEXT, hash } }));
});

afterEach(() => {
  delete window.api;
});

describe('previewEvidence', () => {
  it('asks main for the open assessment, and nothing when none is open', async () => {
    const store = useAssessmentStore();
    expect(await store.previewEvidence(HASH)).toBeNull();
    expect(main.api.evidencePreview).not.toHaveBeenCalled();
    await store.open(HANDLE);
    expect(await store.previewEvidence(HASH)).toEqual(TEXT);
    expect(main.api.evidencePreview).toHaveBeenCalledWith({ handle: HANDLE, hash: HASH });
  });

  it('reports a failed call as an evidence alert and answers null', async () => {
    const store = useAssessmentStore();
    await store.open(HANDLE);
    main.api.evidencePreview.mockResolvedValueOnce({ ok: false, error: { code: 'not-found', message: 'Evidence abab… is not in this assessment.' } });
    expect(await store.previewEvidence(HASH)).toBeNull();
    expect(useNotificationsStore().errors.map((e) => [e.context, e.error.code])).toEqual([['evidence', 'not-found']]);
  });
});

describe('EvidenceItemCard preview', () => {
  it('loads the preview only when opened, as a disclosure, and drops it when hidden', async () => {
    const store = useAssessmentStore();
    await store.open(HANDLE);
    const w = mount(EvidenceItemCard, {
      props: { hash: HASH, criterion: 'IAL-1', previewUrl: undefined, item: { name: 'notes.txt', mediaType: 'text/plain', size: 3, capturedAt: '2026-02-02T10:00:00.000Z', capturedBy: 'tester' } },
      global: { plugins: [createAppI18n('en')] },
    });
    const toggle = w.get('[data-testid="evidence-preview-toggle"]');
    expect(toggle.attributes('aria-expanded')).toBe('false');
    expect(w.find('[data-testid="evidence-preview-panel"]').exists()).toBe(false);
    expect(main.api.evidencePreview).not.toHaveBeenCalled();
    // The button names the region it controls.
    expect(w.find(`#${toggle.attributes('aria-controls')}`).exists()).toBe(true);

    await toggle.trigger('click');
    await flushPromises();
    expect(toggle.attributes('aria-expanded')).toBe('true');
    expect(toggle.text()).toBe('Hide preview');
    expect(main.api.evidencePreview).toHaveBeenCalledTimes(1);
    expect(w.get('[data-testid="evidence-preview-text"]').text()).toBe('ok');

    await toggle.trigger('click');
    expect(w.find('[data-testid="evidence-preview-panel"]').exists()).toBe(false);
  });
});
