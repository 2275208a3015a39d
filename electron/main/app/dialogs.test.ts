import { beforeEach, describe, expect, it, vi } from 'vitest';

const electron = vi.hoisted(() => ({
  dialog: { showOpenDialog: vi.fn() },
}));
vi.mock('electron', () => electron);

const { createDialogPickers } = await import('./dialogs');

const win = { isDestroyed: () => false };

beforeEach(() => electron.dialog.showOpenDialog.mockReset());

describe('native dialogs', () => {
  it('asks for an empty folder for a new assessment, attached to the window, in the app language', async () => {
    electron.dialog.showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: ['/home/u/評価/2026'] });
    const pickers = createDialogPickers(() => win as never, async () => 'ja' as const);
    await expect(pickers.pickFolder('create')).resolves.toBe('/home/u/評価/2026');
    expect(electron.dialog.showOpenDialog).toHaveBeenCalledExactlyOnceWith(win, {
      title: '新しい評価を保存する空のフォルダを選択',
      buttonLabel: 'このフォルダを使用',
      properties: ['openDirectory', 'createDirectory', 'promptToCreate'],
    });
  });

  it('opens an existing assessment folder; cancel is null', async () => {
    electron.dialog.showOpenDialog.mockResolvedValueOnce({ canceled: true, filePaths: [] });
    const pickers = createDialogPickers(() => null, () => 'en');
    await expect(pickers.pickFolder('open')).resolves.toBeNull();
    // No window (e.g. all closed on macOS): a free-standing dialog.
    expect(electron.dialog.showOpenDialog).toHaveBeenCalledExactlyOnceWith({ title: 'Open an assessment folder', buttonLabel: 'Open', properties: ['openDirectory'] });
  });

  it('picks several evidence files of any type; cancel is an empty list', async () => {
    const pickers = createDialogPickers(() => win as never, () => 'en');
    electron.dialog.showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: ['/a/policy.pdf', '/a/screen.png'] });
    await expect(pickers.pickFiles()).resolves.toEqual(['/a/policy.pdf', '/a/screen.png']);
    expect(electron.dialog.showOpenDialog.mock.calls[0]![1]).toEqual({ title: 'Add evidence files', buttonLabel: 'Add', properties: ['openFile', 'multiSelections'] });
    electron.dialog.showOpenDialog.mockResolvedValueOnce({ canceled: true, filePaths: ['/ignored'] });
    await expect(pickers.pickFiles()).resolves.toEqual([]);
  });
});
