import { beforeEach, describe, expect, it, vi } from 'vitest';

const electron = vi.hoisted(() => ({
  dialog: { showOpenDialog: vi.fn() },
}));
vi.mock('electron', () => electron);

const { createDialogPickers } = await import('./dialogs');

const win = { isDestroyed: () => false };

beforeEach(() => electron.dialog.showOpenDialog.mockReset());

describe('package dialog', () => {
  it('picks several .tfpkg packages, attached to the window, in the app language', async () => {
    electron.dialog.showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: ['/受付/2026/a.tfpkg', '/受付/2026/b.tfpkg'] });
    const pickers = createDialogPickers(() => win as never, async () => 'ja' as const);
    await expect(pickers.pickPackages()).resolves.toEqual(['/受付/2026/a.tfpkg', '/受付/2026/b.tfpkg']);
    expect(electron.dialog.showOpenDialog).toHaveBeenCalledExactlyOnceWith(win, {
      title: '提出パッケージを取り込む',
      buttonLabel: '取り込む',
      filters: [{ name: 'TF Assessor パッケージ', extensions: ['tfpkg'] }],
      properties: ['openFile', 'multiSelections'],
    });
  });

  it('cancel is an empty list, whatever paths the dialog reports', async () => {
    electron.dialog.showOpenDialog.mockResolvedValueOnce({ canceled: true, filePaths: ['/ignored.tfpkg'] });
    const pickers = createDialogPickers(() => null, () => 'en');
    await expect(pickers.pickPackages()).resolves.toEqual([]);
    expect(electron.dialog.showOpenDialog.mock.calls[0]![0]).toMatchObject({ title: 'Import submission packages', buttonLabel: 'Import' });
  });
});
