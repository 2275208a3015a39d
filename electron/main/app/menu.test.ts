import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { buildMenuTemplate, menuTranslator } from './menu';

const en = menuTranslator('en');

function roles(items: MenuItemConstructorOptions[]): string[] {
  return items.flatMap((i) => [...(i.role ? [i.role] : []), ...(Array.isArray(i.submenu) ? roles(i.submenu) : [])]);
}
const top = (t: MenuItemConstructorOptions[]) => t.map((i) => i.label);
const sub = (t: MenuItemConstructorOptions[], label: string) => (t.find((i) => i.label === label)!.submenu as MenuItemConstructorOptions[]).map((i) => i.role ?? i.type);

describe('buildMenuTemplate', () => {
  it('Windows/Linux: File, Edit, View, Window, Help with the standard roles', () => {
    const t = buildMenuTemplate(en, { platform: 'win32', devTools: false });
    expect(top(t)).toEqual(['File', 'Edit', 'View', 'Window', 'Help']);
    expect(sub(t, 'File')).toEqual(['quit']);
    expect(sub(t, 'Edit')).toEqual(['undo', 'redo', 'separator', 'cut', 'copy', 'paste', 'delete', 'separator', 'selectAll']);
    expect(sub(t, 'View')).toEqual(['resetZoom', 'zoomIn', 'zoomOut', 'separator', 'togglefullscreen']);
    expect(sub(t, 'Window')).toEqual(['minimize', 'close']);
    expect(sub(t, 'Help')).toEqual(['about']);
  });

  it('macOS: the app menu first (About, Services, Hide, Quit), Close in File, no Help about', () => {
    const t = buildMenuTemplate(en, { platform: 'darwin', devTools: false });
    expect(top(t)).toEqual(['TF Assessor', 'File', 'Edit', 'View', 'Window']);
    expect(sub(t, 'TF Assessor')).toEqual(['about', 'separator', 'services', 'separator', 'hide', 'hideOthers', 'unhide', 'separator', 'quit']);
    expect(sub(t, 'File')).toEqual(['close']);
    expect(sub(t, 'Edit')).toContain('pasteAndMatchStyle');
    expect(sub(t, 'Window')).toEqual(['minimize', 'zoom', 'separator', 'front']);
  });

  it('offers reload and developer tools only in unpackaged builds', () => {
    for (const platform of ['darwin', 'win32', 'linux'] as const) {
      expect(roles(buildMenuTemplate(en, { platform, devTools: false }))).not.toEqual(expect.arrayContaining(['toggleDevTools']));
      expect(roles(buildMenuTemplate(en, { platform, devTools: false }))).not.toContain('reload');
      expect(roles(buildMenuTemplate(en, { platform, devTools: true }))).toEqual(expect.arrayContaining(['reload', 'forceReload', 'toggleDevTools']));
    }
  });

  it('relies on roles for actions: no click handlers, no hand-made accelerators', () => {
    const walk = (items: MenuItemConstructorOptions[]): void => {
      for (const i of items) {
        expect(i.click).toBeUndefined();
        expect(i.accelerator).toBeUndefined();
        if (Array.isArray(i.submenu)) walk(i.submenu);
      }
    };
    walk(buildMenuTemplate(en, { platform: 'linux', devTools: true }));
    walk(buildMenuTemplate(en, { platform: 'darwin', devTools: true }));
  });

  it('labels every item in Japanese for Japanese users', () => {
    const t = buildMenuTemplate(menuTranslator('ja'), { platform: 'linux', devTools: false });
    expect(top(t)).toEqual(['ファイル', '編集', '表示', 'ウインドウ', 'ヘルプ']);
    const labels = (items: MenuItemConstructorOptions[]): string[] =>
      items.flatMap((i) => [...(i.type === 'separator' ? [] : [i.label!]), ...(Array.isArray(i.submenu) ? labels(i.submenu) : [])]);
    const all = labels(t);
    expect(all).toContain('コピー');
    expect(all.every((l) => typeof l === 'string' && l.length > 0)).toBe(true);
    expect(all.filter((l) => /^[A-Za-z ]+$/.test(l))).toEqual([]);
  });
});
