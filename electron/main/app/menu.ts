/**
 * The application menu: the platform's standard menus built from Electron roles, so the
 * usual shortcuts (Ctrl/Cmd+C, Cmd+Q, Cmd+H...) and OS behaviours come for free, plus the
 * app's own commands (File, Go, Edit ▸ Undo/Redo), which main cannot carry out itself: they
 * are sent to the window (core/api/commands.ts) and the renderer runs them.
 *
 * Shortcuts the window already handles (Alt+N, Alt+B, Ctrl+Z) are shown but not registered
 * with the system on Windows and Linux, so one key press never runs a command twice. On macOS
 * the page sees a key first and the menu gets only keys the page left alone, so Cmd+Z/Cmd+Shift+Z
 * are registered there: text fields need them for their own undo (see `edit.undo`). Alt+N and
 * Alt+B carry no key equivalent on macOS, where Option+N types a dead key.
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { Language } from '../../../core/api/contract';
import type { AppCommand } from '../../../core/api/commands';

const EN = {
  app: 'TF Assessor',
  file: 'File',
  edit: 'Edit',
  view: 'View',
  window: 'Window',
  help: 'Help',
  about: 'About TF Assessor',
  services: 'Services',
  hide: 'Hide TF Assessor',
  hideOthers: 'Hide Others',
  unhide: 'Show All',
  quit: 'Quit TF Assessor',
  close: 'Close Window',
  undo: 'Undo',
  redo: 'Redo',
  cut: 'Cut',
  copy: 'Copy',
  paste: 'Paste',
  pasteAndMatchStyle: 'Paste and Match Style',
  delete: 'Delete',
  selectAll: 'Select All',
  reload: 'Reload',
  forceReload: 'Force Reload',
  toggleDevTools: 'Toggle Developer Tools',
  resetZoom: 'Actual Size',
  zoomIn: 'Zoom In',
  zoomOut: 'Zoom Out',
  togglefullscreen: 'Toggle Full Screen',
  minimize: 'Minimize',
  zoom: 'Zoom',
  front: 'Bring All to Front',
  newAssessment: 'New Assessment…',
  openAssessment: 'Open Assessment…',
  exportAssessment: 'Export…',
  closeAssessment: 'Close Assessment',
  importPackages: 'Import Submitted Packages…',
  go: 'Go',
  nextUnanswered: 'Next Unanswered Criterion',
  nextBlocking: 'Next Criterion Blocking the Target',
} as const;

export type MenuKey = keyof typeof EN;
export type Translate = (key: MenuKey) => string;

const JA: Record<MenuKey, string> = {
  app: 'TF Assessor',
  file: 'ファイル',
  edit: '編集',
  view: '表示',
  window: 'ウインドウ',
  help: 'ヘルプ',
  about: 'TF Assessor について',
  services: 'サービス',
  hide: 'TF Assessor を隠す',
  hideOthers: 'ほかを隠す',
  unhide: 'すべてを表示',
  quit: 'TF Assessor を終了',
  close: 'ウインドウを閉じる',
  undo: '取り消す',
  redo: 'やり直す',
  cut: '切り取り',
  copy: 'コピー',
  paste: '貼り付け',
  pasteAndMatchStyle: 'ペーストしてスタイルを合わせる',
  delete: '削除',
  selectAll: 'すべてを選択',
  reload: '再読み込み',
  forceReload: '強制再読み込み',
  toggleDevTools: '開発者ツールの表示/非表示',
  resetZoom: '実際のサイズ',
  zoomIn: '拡大',
  zoomOut: '縮小',
  togglefullscreen: 'フルスクリーンにする/解除する',
  minimize: 'しまう',
  zoom: '拡大/縮小',
  front: 'すべてを手前に移動',
  newAssessment: '新規評価…',
  openAssessment: '評価を開く…',
  exportAssessment: 'エクスポート…',
  closeAssessment: '評価を閉じる',
  importPackages: '提出パッケージの受け入れ…',
  go: '移動',
  nextUnanswered: '次の未回答の基準',
  nextBlocking: '目標達成を妨げている次の基準',
};

/** Menu labels in the product language. */
export function menuTranslator(language: Language): Translate {
  const table: Record<MenuKey, string> = language === 'ja' ? JA : EN;
  return (key) => table[key];
}

export interface MenuOptions {
  platform: NodeJS.Platform;
  /** Reload and developer tools only in unpackaged builds. */
  devTools: boolean;
  /** Sends an app command to the window (main: `webContents.send` on the private command channel). */
  send?: (command: AppCommand) => void;
}

/** The menu template; Menu.buildFromTemplate turns it into the real menu. */
export function buildMenuTemplate(t: Translate, { platform, devTools, send = () => undefined }: MenuOptions): MenuItemConstructorOptions[] {
  const mac = platform === 'darwin';
  const item = (role: NonNullable<MenuItemConstructorOptions['role']> & MenuKey): MenuItemConstructorOptions => ({ role, label: t(role) });
  const sep: MenuItemConstructorOptions = { type: 'separator' };
  /**
   * An item that runs an app command. `shown`: a shortcut the window handles itself, displayed
   * but left unregistered (Windows/Linux) so it does not fire twice.
   */
  const command = (key: MenuKey, name: AppCommand, keys: { accelerator?: string; shown?: string } = {}): MenuItemConstructorOptions => ({
    label: t(key),
    click: () => send(name),
    ...(keys.accelerator && { accelerator: keys.accelerator }),
    ...(keys.shown && !mac && { accelerator: keys.shown, registerAccelerator: false }),
  });
  const fileCommands: MenuItemConstructorOptions[] = [
    command('newAssessment', 'assessment.new', { accelerator: 'CmdOrCtrl+N' }),
    command('openAssessment', 'assessment.open', { accelerator: 'CmdOrCtrl+O' }),
    sep,
    command('exportAssessment', 'assessment.export'),
    command('importPackages', 'intake.show'),
    sep,
    command('closeAssessment', 'assessment.close'),
    sep,
  ];
  // Undo/Redo go to the window, which picks the text field's undo or the assessment's.
  const undo: MenuItemConstructorOptions = mac ? { ...command('undo', 'edit.undo'), accelerator: 'Cmd+Z' } : command('undo', 'edit.undo', { shown: 'Ctrl+Z' });
  const redo: MenuItemConstructorOptions = mac
    ? { ...command('redo', 'edit.redo'), accelerator: 'Shift+Cmd+Z' }
    : command('redo', 'edit.redo', { shown: platform === 'win32' ? 'Ctrl+Y' : 'Ctrl+Shift+Z' });

  const template: MenuItemConstructorOptions[] = [];
  if (mac) {
    template.push({
      label: t('app'),
      submenu: [item('about'), sep, item('services'), sep, item('hide'), item('hideOthers'), item('unhide'), sep, item('quit')],
    });
  }
  template.push({ label: t('file'), role: 'fileMenu', submenu: [...fileCommands, mac ? item('close') : item('quit')] });
  template.push({
    label: t('edit'),
    role: 'editMenu',
    submenu: [
      undo,
      redo,
      sep,
      item('cut'),
      item('copy'),
      item('paste'),
      ...(mac ? [item('pasteAndMatchStyle')] : []),
      item('delete'),
      sep,
      item('selectAll'),
    ],
  });
  template.push({
    label: t('view'),
    role: 'viewMenu',
    submenu: [
      ...(devTools ? [item('reload'), item('forceReload'), item('toggleDevTools'), sep] : []),
      item('resetZoom'),
      item('zoomIn'),
      item('zoomOut'),
      sep,
      item('togglefullscreen'),
    ],
  });
  template.push({
    label: t('go'),
    submenu: [command('nextUnanswered', 'go.nextUnanswered', { shown: 'Alt+N' }), command('nextBlocking', 'go.nextBlocking', { shown: 'Alt+B' })],
  });
  template.push({
    label: t('window'),
    role: 'windowMenu',
    submenu: mac ? [item('minimize'), item('zoom'), sep, item('front')] : [item('minimize'), item('close')],
  });
  if (!mac) template.push({ label: t('help'), role: 'help', submenu: [item('about')] });
  return template;
}
