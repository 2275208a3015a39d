// Application menu commands in the window: the real router, stores and workspace layout
// against a fake main built on the real core; only window.api and window.commands are fakes.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { defineComponent, h } from 'vue';
import { RouterView, type Router } from 'vue-router';
import type { AppCommand } from '../../../core/api/commands';
import { createAppI18n } from '../i18n';
import { createAppRouter } from '../router';
import { forgetCachedPacks, useAssessmentStore } from '../stores/assessment';
import { useNotificationsStore } from '../stores/notifications';
import { HANDLE, installFakeMain, type FakeMain } from '../testing/fakeMain';
import { editTarget, installAppCommands, runAppCommand } from './useAppCommands';

let main: FakeMain;
let pinia: Pinia;
let router: Router;
let wrapper: VueWrapper | undefined;
let deliver: ((name: AppCommand) => void) | undefined;
const stop = vi.fn();
const execCommand = vi.fn(() => true);

beforeEach(() => {
  document.body.innerHTML = '';
  pinia = createPinia();
  setActivePinia(pinia);
  forgetCachedPacks();
  main = installFakeMain();
  window.commands = {
    onCommand: (cb) => {
      deliver = cb;
      return stop;
    },
  };
  Object.defineProperty(document, 'execCommand', { value: execCommand, configurable: true, writable: true });
  execCommand.mockClear();
  router = createAppRouter();
});

/** An export screen, for as long as the app has none of its own. */
const Stub = defineComponent({ name: 'ExportStub', render: () => h('main') });

afterEach(() => {
  wrapper?.unmount();
  wrapper = undefined;
  delete window.api;
  delete window.commands;
  deliver = undefined;
});

async function workspace(): Promise<void> {
  await router.push({ name: 'criteria', params: { handle: HANDLE } });
  wrapper = mount(RouterView, { global: { plugins: [pinia, router, createAppI18n('en')] }, attachTo: document.body });
  await flushPromises();
  expect(useAssessmentStore().loadState).toBe('ready');
}

async function menu(name: AppCommand): Promise<void> {
  deliver!(name);
  await flushPromises();
  await useAssessmentStore().settled();
  await flushPromises();
}

describe('application menu commands', () => {
  it('listens through window.commands, and stops when asked', () => {
    const off = installAppCommands(router);
    expect(deliver).toBeTypeOf('function');
    off();
    expect(stop).toHaveBeenCalledOnce();
    delete window.commands;
    expect(() => installAppCommands(router)()).not.toThrow();
  });

  it('ignores names that are not on the list', async () => {
    expect(await runAppCommand('shell.open', router)).toBe(false);
    expect(await runAppCommand(undefined, router)).toBe(false);
  });

  it('Go ▸ Next unanswered and Next blocking move through the open assessment like Alt+N and Alt+B', async () => {
    installAppCommands(router);
    await workspace();
    const navigator = (await import('../stores/navigator')).useNavigatorStore();
    const expectedUnanswered = navigator.next('unanswered', null);
    await menu('go.nextUnanswered');
    expect(router.currentRoute.value).toMatchObject({ name: 'criteria', params: { criterion: expectedUnanswered } });
    const expectedBlocking = navigator.next('blocking', expectedUnanswered);
    await menu('go.nextBlocking');
    expect(router.currentRoute.value.params.criterion).toBe(expectedBlocking ?? expectedUnanswered);
  });

  it('Edit ▸ Undo: the text field’s own undo while typing, the assessment’s Undo elsewhere, nothing behind a dialog', async () => {
    installAppCommands(router);
    await workspace();
    const store = useAssessmentStore();
    await store.setAnswer('IAL-1', { status: 'conformant' });
    expect(main.doc().criteria['IAL-1']?.status).toBe('conformant');

    const field = document.createElement('textarea');
    document.body.append(field);
    field.focus();
    await menu('edit.undo');
    expect(execCommand).toHaveBeenLastCalledWith('undo');
    await menu('edit.redo');
    expect(execCommand).toHaveBeenLastCalledWith('redo');
    expect(main.doc().criteria['IAL-1']?.status).toBe('conformant');

    field.blur();
    const dialog = document.createElement('dialog');
    dialog.setAttribute('open', '');
    document.body.append(dialog);
    await menu('edit.undo');
    expect(main.doc().criteria['IAL-1']?.status).toBe('conformant');
    dialog.remove();

    execCommand.mockClear();
    await menu('edit.undo');
    expect(main.doc().criteria['IAL-1']).toBeUndefined();
    expect(execCommand).not.toHaveBeenCalled();
  });

  it('File ▸ Close assessment saves and closes it and returns to the start screen; Export needs an open assessment', async () => {
    installAppCommands(router);
    await workspace();
    if (!router.hasRoute('export')) {
      // Without an export screen, the user hears why nothing opened.
      await menu('assessment.export');
      expect(useNotificationsStore().notice?.key).toBe('desktop.commands.exportUnavailable');
      router.addRoute({ path: '/a/:handle/export', name: 'export', component: Stub });
    }
    await menu('assessment.export');
    // The screen loads on first visit.
    await vi.waitFor(() => expect(router.currentRoute.value).toMatchObject({ name: 'export', params: { handle: HANDLE } }), { timeout: 5000 });
    await router.push({ name: 'criteria', params: { handle: HANDLE } });
    await flushPromises();
    await menu('assessment.close');
    expect(main.api.assessmentsClose).toHaveBeenCalledWith({ handle: HANDLE });
    expect(router.currentRoute.value.name).toBe('start');
    expect(useAssessmentStore().handle).toBeNull();
    await menu('assessment.export');
    expect(useNotificationsStore().notice?.key).toBe('desktop.commands.noAssessment');
    await menu('assessment.new');
    await vi.waitFor(() => expect(router.currentRoute.value.name).toBe('wizard'), { timeout: 5000 });
    // File ▸ Import Submitted Packages… (also sent after the OS opened .tfpkg files).
    await menu('intake.show');
    await vi.waitFor(() => expect(router.currentRoute.value.name).toBe('intake'), { timeout: 5000 });
  });
});

describe('editTarget', () => {
  it('matches the keyboard: text fields keep Ctrl+Z, dialogs block the assessment’s Undo', () => {
    const input = document.createElement('input');
    const box = document.createElement('input');
    box.type = 'checkbox';
    expect(editTarget(input, false)).toBe('field');
    expect(editTarget(input, true)).toBe('field');
    expect(editTarget(box, false)).toBe('app');
    expect(editTarget(document.body, true)).toBe('none');
    expect(editTarget(null, false)).toBe('app');
  });
});
