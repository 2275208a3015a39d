// The expected-evidence checklist and the re-assessment confirmation, through the real store
// against a fake main built on the real core (only window.api is replaced).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { ref } from 'vue';
import { RouterView } from 'vue-router';
import { createAppI18n } from '../i18n';
import { createAppRouter } from '../router';
import { HANDLE, installFakeMain, type FakeMain } from '../testing/fakeMain';
import { forgetCachedPacks, useAssessmentStore } from '../stores/assessment';
import { forgetChecklistImports, importLegacyChecklists, useChecklist } from './useChecklist';

let main: FakeMain;
const ASSESSMENT_ID = 'a1b2c3d4-0000';
const TWO_DOCUMENTS = [
  { type: 'document', text: { ja: '手順書', en: 'Procedure' } },
  { type: 'document', text: { ja: '記録', en: 'Record' } },
];

beforeEach(() => {
  setActivePinia(createPinia());
  forgetCachedPacks();
  forgetChecklistImports();
  localStorage.clear();
  main = installFakeMain();
  // IAL-2 expects two documents, in the pack main checks edits against and in what the renderer shows.
  main.pack.criteria.find((c) => c.id === 'IAL-2')!.evidence = TWO_DOCUMENTS;
  main.detail.criteria.find((c) => c.id === 'IAL-2')!.evidence = TWO_DOCUMENTS;
});

afterEach(() => {
  delete window.api;
  localStorage.clear();
  document.body.innerHTML = '';
});

async function opened() {
  const store = useAssessmentStore();
  expect(await store.open(HANDLE)).toBe(true);
  return store;
}

describe('expected-evidence checklist', () => {
  it('saves ticks in the assessment (journaled through tfa:answers:set) and undoes them', async () => {
    const store = await opened();
    const list = useChecklist(ref(ASSESSMENT_ID), ref('IAL-2'));
    list.toggle(1, true);
    // Shown at once, before main answers.
    expect([...list.checked.value]).toEqual([1]);
    await store.settled();
    expect(main.api.answersSet).toHaveBeenLastCalledWith({ handle: HANDLE, criterion: 'IAL-2', set: { evidenceChecked: ['document#2'] } });
    list.toggle(0, true);
    await store.settled();
    expect(main.doc().criteria['IAL-2']).toEqual({ evidenceChecked: ['document', 'document#2'] });
    expect([...list.checked.value]).toEqual([0, 1]);
    list.toggle(0, false);
    list.toggle(1, false);
    await store.settled();
    expect(main.doc().criteria['IAL-2']).toBeUndefined();
    expect(await store.undo()).toBe(true);
    expect(main.doc().criteria['IAL-2']).toEqual({ evidenceChecked: ['document#2'] });
    expect(localStorage.length).toBe(0);
  });

  it('imports ticks an earlier version kept in localStorage once, then clears them', async () => {
    localStorage.setItem(`tfa.checklist.${ASSESSMENT_ID}.IAL-2`, JSON.stringify([1, 0, 7]));
    localStorage.setItem(`tfa.checklist.${ASSESSMENT_ID}.ORG-1`, JSON.stringify([0]));
    localStorage.setItem(`tfa.checklist.${ASSESSMENT_ID}.GONE-1`, JSON.stringify([0]));
    localStorage.setItem('tfa.checklist.other-assessment.IAL-2', JSON.stringify([0]));
    main.apply({ op: 'answer.set', criterion: 'ORG-1', set: { notes: 'kept' } });
    const store = await opened();
    useChecklist(ref(ASSESSMENT_ID), ref('IAL-1'));
    await store.settled();
    await Promise.resolve();
    await store.settled();
    expect(main.doc().criteria['IAL-2']).toEqual({ evidenceChecked: ['document', 'document#2'] });
    expect(localStorage.getItem(`tfa.checklist.${ASSESSMENT_ID}.IAL-2`)).toBeNull();
    // ORG-1 expects no evidence: nothing to save, and nothing left behind.
    expect(main.doc().criteria['ORG-1']).toEqual({ notes: 'kept' });
    expect(localStorage.getItem(`tfa.checklist.${ASSESSMENT_ID}.ORG-1`)).toBeNull();
    // Not this pack's criterion, not this assessment: left alone.
    expect(localStorage.getItem(`tfa.checklist.${ASSESSMENT_ID}.GONE-1`)).not.toBeNull();
    expect(localStorage.getItem('tfa.checklist.other-assessment.IAL-2')).not.toBeNull();
    // The import is not an edit the user made: Undo does not take it back.
    expect(store.canUndo).toBe(false);

    // A record that already has a checklist wins over an old local copy.
    const sent = main.api.answersSet.mock.calls.length;
    localStorage.setItem(`tfa.checklist.${ASSESSMENT_ID}.IAL-2`, JSON.stringify([1]));
    await importLegacyChecklists(ASSESSMENT_ID);
    expect(main.api.answersSet.mock.calls.length).toBe(sent);
    expect(main.doc().criteria['IAL-2']).toEqual({ evidenceChecked: ['document', 'document#2'] });
    expect(localStorage.getItem(`tfa.checklist.${ASSESSMENT_ID}.IAL-2`)).toBeNull();
  });
});

describe('re-assessment after a pack migration', () => {
  it('is resolved by recording the same result again, which is sent and journaled', async () => {
    main.apply({ op: 'answer.set', criterion: 'IAL-1', set: { status: 'conformant', notes: 'ok' } });
    // What a pack migration leaves: the carried result with its flag.
    const migrated = main.doc();
    Object.assign(migrated.criteria, { 'IAL-1': { ...migrated.criteria['IAL-1'], reassess: { reason: 'revised', from: ['IAL-1'] } } });
    const store = await opened();
    expect(store.record('IAL-1')?.reassess).toEqual({ reason: 'revised', from: ['IAL-1'] });
    const confirming = store.setAnswer('IAL-1', { status: 'conformant' });
    // The flag goes at once on screen, like in core.
    expect(store.record('IAL-1')?.reassess).toBeUndefined();
    expect(await confirming).toBe(true);
    expect(main.api.answersSet).toHaveBeenLastCalledWith({ handle: HANDLE, criterion: 'IAL-1', set: { status: 'conformant' } });
    expect(main.doc().criteria['IAL-1']).toEqual({ status: 'conformant', notes: 'ok' });
    // Confirming is not undoable (the flag cannot be raised again), and without a flag the same result sends nothing.
    expect(store.canUndo).toBe(false);
    const calls = main.api.answersSet.mock.calls.length;
    expect(await store.setAnswer('IAL-1', { status: 'conformant' })).toBe(true);
    expect(main.api.answersSet.mock.calls.length).toBe(calls);
  });
});

describe('in the criterion panel', () => {
  async function panel(criterion: string) {
    const pinia = createPinia();
    setActivePinia(pinia);
    const router = createAppRouter();
    await router.push({ name: 'criteria', params: { handle: HANDLE, criterion } });
    const w = mount(RouterView, { global: { plugins: [pinia, router, createAppI18n('en')] }, attachTo: document.body });
    await vi.waitFor(() => expect(w.find('[data-testid="criterion-panel"]').exists()).toBe(true));
    return w;
  }

  it('ticks are saved with the assessment and shown from it', async () => {
    const w = await panel('IAL-2');
    await w.get('[data-testid="expected-1"]').setValue(true);
    await useAssessmentStore().settled();
    await flushPromises();
    expect(main.doc().criteria['IAL-2']).toEqual({ evidenceChecked: ['document#2'] });
    expect((w.get('[data-testid="expected-1"]').element as HTMLInputElement).checked).toBe(true);
    expect((w.get('[data-testid="expected-0"]').element as HTMLInputElement).checked).toBe(false);
    w.unmount();
  });

  it('a result flagged by a pack migration can be confirmed as it is', async () => {
    main.apply({ op: 'answer.set', criterion: 'IAL-1', set: { status: 'minor-nc' } });
    const doc = main.doc();
    Object.assign(doc.criteria, { 'IAL-1': { status: 'minor-nc', reassess: { reason: 'revised', from: ['IAL-1'] } } });
    const w = await panel('IAL-1');
    expect(w.get('[data-testid="reassess-notice"]').text()).toContain('Flagged for re-assessment by the pack migration (Revised).');
    await w.get('[data-testid="reassess-confirm"]').trigger('click');
    await useAssessmentStore().settled();
    await flushPromises();
    expect(main.doc().criteria['IAL-1']).toEqual({ status: 'minor-nc' });
    expect(w.find('[data-testid="reassess-notice"]').exists()).toBe(false);
    w.unmount();
  });
});
