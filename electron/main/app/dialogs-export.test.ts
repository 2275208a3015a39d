import { beforeEach, describe, expect, it, vi } from 'vitest';

const electron = vi.hoisted(() => ({
  dialog: { showOpenDialog: vi.fn() },
}));
vi.mock('electron', () => electron);

const { createDialogPickers } = await import('./dialogs');

const win = { isDestroyed: () => false };

beforeEach(() => electron.dialog.showOpenDialog.mockReset());

describe('the export folder dialog', () => {
  it('asks for a folder (which may be created) attached to the window, in the app language; cancel is null', async () => {
    const pickers = createDialogPickers(() => win as never, async () => 'ja' as const);
    electron.dialog.showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: ['/home/u/提出/2026'] });
    await expect(pickers.pickExportFolder()).resolves.toBe('/home/u/提出/2026');
    expect(electron.dialog.showOpenDialog).toHaveBeenCalledExactlyOnceWith(win, {
      title: '報告書とパッケージの出力先フォルダを選択',
      buttonLabel: 'ここに出力',
      properties: ['openDirectory', 'createDirectory', 'promptToCreate'],
    });
    electron.dialog.showOpenDialog.mockResolvedValueOnce({ canceled: true, filePaths: [] });
    await expect(createDialogPickers(() => null, () => 'en').pickExportFolder()).resolves.toBeNull();
    expect(electron.dialog.showOpenDialog.mock.calls[1]![0]).toMatchObject({ title: 'Choose the folder for the exported reports and package', buttonLabel: 'Export Here' });
  });
});
