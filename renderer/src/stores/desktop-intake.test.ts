// Desktop drag and drop through the real store: files go to the preload's
// window.intake.registerFile (never to the preview's upload route), then to tfa:evidence:add.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { HANDLE, installFakeMain, type FakeMain } from '../testing/fakeMain';
import { forgetCachedPacks, useAssessmentStore } from './assessment';
import { useNotificationsStore } from './notifications';

let main: FakeMain;
const registerFile = vi.fn();
const fetchSpy = vi.fn();

beforeEach(() => {
  setActivePinia(createPinia());
  forgetCachedPacks();
  main = installFakeMain();
  registerFile.mockReset();
  window.intake = { registerFile };
  vi.stubGlobal('fetch', fetchSpy);
});

afterEach(() => {
  delete window.api;
  delete window.intake;
  vi.unstubAllGlobals();
});

describe('adding dropped files on the desktop', () => {
  it('registers each file through window.intake and adds its source as evidence linked to the criterion', async () => {
    const store = useAssessmentStore();
    expect(await store.open(HANDLE)).toBe(true);
    expect(store.canUploadFiles()).toBe(true);
    expect(store.canPasteFiles()).toBe(false);
    expect(store.hasFileDialog()).toBe(true);
    registerFile.mockImplementation(async (_handle: string, file: File) => ({ ok: true, value: { source: `src${file.name.length}`, name: file.name, size: file.size } }));
    const files = [new File(['a'], 'a.png', { type: 'image/png' }), new File(['bb'], 'bbbb.pdf')];
    const hashes = await store.addFiles(files, ['IAL-1']);
    expect(registerFile.mock.calls).toEqual([
      [HANDLE, files[0]],
      [HANDLE, files[1]],
    ]);
    expect(main.api.evidenceAdd.mock.calls.map(([args]) => args)).toEqual([
      { handle: HANDLE, source: 'src5', criteria: ['IAL-1'] },
      { handle: HANDLE, source: 'src8', criteria: ['IAL-1'] },
    ]);
    expect(hashes).toHaveLength(2);
    expect(main.doc().criteria['IAL-1']?.evidence).toEqual(hashes);
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('reports a refused file (not from the computer, inside the data folder) and goes on with the next', async () => {
    const store = useAssessmentStore();
    await store.open(HANDLE);
    registerFile
      .mockResolvedValueOnce({ ok: false, error: { code: 'invalid-input', message: 'settings.json is inside TF Assessor’s own data folder' } })
      .mockResolvedValueOnce({ ok: true, value: { source: 'ok1', name: 'b.txt', size: 1 } });
    const hashes = await store.addFiles([new File(['x'], 'settings.json'), new File(['y'], 'b.txt')]);
    expect(hashes).toHaveLength(1);
    expect(main.api.evidenceAdd).toHaveBeenCalledOnce();
    expect(JSON.stringify(useNotificationsStore().$state)).toContain('own data folder');
  });
});
