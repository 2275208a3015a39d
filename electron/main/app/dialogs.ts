/**
 * Native open dialogs, run in main. The chosen paths stay in main: the assessment service
 * turns them into opaque handles before anything reaches the renderer, so the page can
 * never name a file or folder itself (docs/decisions/0010-evidence-intake.md).
 */
import { dialog, type BrowserWindow, type OpenDialogOptions } from 'electron';
import type { Language } from '../../../core/api/contract';

const TEXT = {
  en: {
    createTitle: 'Choose an empty folder for the new assessment',
    createButton: 'Use This Folder',
    openTitle: 'Open an assessment folder',
    openButton: 'Open',
    evidenceTitle: 'Add evidence files',
    evidenceButton: 'Add',
    packagesTitle: 'Import submission packages',
    packagesButton: 'Import',
    packagesFilter: 'TF Assessor packages',
    exportTitle: 'Choose the folder for the exported reports and package',
    exportButton: 'Export Here',
  },
  ja: {
    createTitle: '新しい評価を保存する空のフォルダを選択',
    createButton: 'このフォルダを使用',
    openTitle: '評価フォルダを開く',
    openButton: '開く',
    evidenceTitle: '証跡ファイルを追加',
    evidenceButton: '追加',
    packagesTitle: '提出パッケージを取り込む',
    packagesButton: '取り込む',
    packagesFilter: 'TF Assessor パッケージ',
    exportTitle: '報告書とパッケージの出力先フォルダを選択',
    exportButton: 'ここに出力',
  },
} as const;

export interface DialogPickers {
  pickFolder(purpose: 'create' | 'open'): Promise<string | null>;
  pickFiles(): Promise<string[]>;
  /** Submission packages (.tfpkg) for review; [] when cancelled. */
  pickPackages(): Promise<string[]>;
  /** A folder for an export's files (created if the user asks); null when cancelled. */
  pickExportFolder(): Promise<string | null>;
}

/**
 * Dialogs attached to the main window (sheet on macOS), in the app's language.
 * @param getWindow the window to attach to, or null for a free-standing dialog.
 */
export function createDialogPickers(getWindow: () => BrowserWindow | null, language: () => Promise<Language> | Language): DialogPickers {
  async function show(options: OpenDialogOptions): Promise<string[]> {
    const win = getWindow();
    const result = win && !win.isDestroyed() ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
    return result.canceled ? [] : result.filePaths;
  }
  return {
    async pickFolder(purpose) {
      const t = TEXT[await language()];
      const [dir] = await show(
        purpose === 'create'
          ? { title: t.createTitle, buttonLabel: t.createButton, properties: ['openDirectory', 'createDirectory', 'promptToCreate'] }
          : { title: t.openTitle, buttonLabel: t.openButton, properties: ['openDirectory'] },
      );
      return dir ?? null;
    },
    async pickFiles() {
      const t = TEXT[await language()];
      // No file type filter: evidence is whatever the organization hands over.
      return show({ title: t.evidenceTitle, buttonLabel: t.evidenceButton, properties: ['openFile', 'multiSelections'] });
    },
    async pickPackages() {
      const t = TEXT[await language()];
      // The filter only guides the dialog: whatever is chosen is verified as hostile input.
      return show({ title: t.packagesTitle, buttonLabel: t.packagesButton, filters: [{ name: t.packagesFilter, extensions: ['tfpkg'] }], properties: ['openFile', 'multiSelections'] });
    },
    async pickExportFolder() {
      const t = TEXT[await language()];
      const [dir] = await show({ title: t.exportTitle, buttonLabel: t.exportButton, properties: ['openDirectory', 'createDirectory', 'promptToCreate'] });
      return dir ?? null;
    },
  };
}
