/**
 * The application menu: the platform's standard menus built from Electron roles, so the
 * usual shortcuts (Ctrl/Cmd+C, Cmd+Q, Cmd+H...) and OS behaviours come for free.
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { Language } from '../../../core/api/contract';

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
}

/** The menu template; Menu.buildFromTemplate turns it into the real menu. */
export function buildMenuTemplate(t: Translate, { platform, devTools }: MenuOptions): MenuItemConstructorOptions[] {
  const mac = platform === 'darwin';
  const item = (role: NonNullable<MenuItemConstructorOptions['role']> & MenuKey): MenuItemConstructorOptions => ({ role, label: t(role) });
  const sep: MenuItemConstructorOptions = { type: 'separator' };

  const template: MenuItemConstructorOptions[] = [];
  if (mac) {
    template.push({
      label: t('app'),
      submenu: [item('about'), sep, item('services'), sep, item('hide'), item('hideOthers'), item('unhide'), sep, item('quit')],
    });
  }
  template.push({ label: t('file'), role: 'fileMenu', submenu: mac ? [item('close')] : [item('quit')] });
  template.push({
    label: t('edit'),
    role: 'editMenu',
    submenu: [
      item('undo'),
      item('redo'),
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
    label: t('window'),
    role: 'windowMenu',
    submenu: mac ? [item('minimize'), item('zoom'), sep, item('front')] : [item('minimize'), item('close')],
  });
  if (!mac) template.push({ label: t('help'), role: 'help', submenu: [item('about')] });
  return template;
}
