import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { APP_COMMANDS, type AppCommand } from '../../../core/api/commands';
import { buildMenuTemplate, menuTranslator } from './menu';

const en = menuTranslator('en');

function roles(items: MenuItemConstructorOptions[]): string[] {
  return items.flatMap((i) => [...(i.role ? [i.role] : []), ...(Array.isArray(i.submenu) ? roles(i.submenu) : [])]);
}
const top = (t: MenuItemConstructorOptions[]) => t.map((i) => i.label);
const items = (t: MenuItemConstructorOptions[], label: string) => t.find((i) => i.label === label)!.submenu as MenuItemConstructorOptions[];
/** Each item by its role, separator, or the label of an app command. */
const sub = (t: MenuItemConstructorOptions[], label: string) => items(t, label).map((i) => i.role ?? (i.type === 'separator' ? 'separator' : i.label));
const FILE_COMMANDS = ['New Assessment…', 'Open Assessment…', 'separator', 'Export…', 'Import Submitted Packages…', 'separator', 'Close Assessment', 'separator'];

/** Clicks every app-command item and returns what reached the window, by item label. */
function clicks(t: MenuItemConstructorOptions[], sent: AppCommand[]): Record<string, AppCommand> {
  const out: Record<string, AppCommand> = {};
  const walk = (list: MenuItemConstructorOptions[]) => {
    for (const i of list) {
      if (i.click) {
        (i.click as () => void)();
        out[i.label!] = sent.at(-1)!;
      }
      if (Array.isArray(i.submenu)) walk(i.submenu);
    }
  };
  walk(t);
  return out;
}

describe('buildMenuTemplate', () => {
  it('Windows/Linux: File, Edit, View, Go, Window, Help with the standard roles and the app commands', () => {
    const t = buildMenuTemplate(en, { platform: 'win32', devTools: false });
    expect(top(t)).toEqual(['File', 'Edit', 'View', 'Go', 'Window', 'Help']);
    expect(sub(t, 'File')).toEqual([...FILE_COMMANDS, 'quit']);
    expect(sub(t, 'Edit')).toEqual(['Undo', 'Redo', 'separator', 'cut', 'copy', 'paste', 'delete', 'separator', 'selectAll']);
    expect(sub(t, 'Go')).toEqual(['Next Unanswered Criterion', 'Next Criterion Blocking the Target']);
    expect(sub(t, 'View')).toEqual(['resetZoom', 'zoomIn', 'zoomOut', 'separator', 'togglefullscreen']);
    expect(sub(t, 'Window')).toEqual(['minimize', 'close']);
    expect(sub(t, 'Help')).toEqual(['about']);
  });

  it('macOS: the app menu first (About, Services, Hide, Quit), Close in File, no Help about', () => {
    const t = buildMenuTemplate(en, { platform: 'darwin', devTools: false });
    expect(top(t)).toEqual(['TF Assessor', 'File', 'Edit', 'View', 'Go', 'Window']);
    expect(sub(t, 'TF Assessor')).toEqual(['about', 'separator', 'services', 'separator', 'hide', 'hideOthers', 'unhide', 'separator', 'quit']);
    expect(sub(t, 'File')).toEqual([...FILE_COMMANDS, 'close']);
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

  it('roles for the standard actions; the app commands are sent to the window, each exactly as listed', () => {
    for (const platform of ['darwin', 'win32', 'linux'] as const) {
      const sent: AppCommand[] = [];
      const t = buildMenuTemplate(en, { platform, devTools: true, send: (c) => sent.push(c) });
      expect(clicks(t, sent)).toEqual({
        'New Assessment…': 'assessment.new',
        'Open Assessment…': 'assessment.open',
        'Export…': 'assessment.export',
        'Close Assessment': 'assessment.close',
        'Import Submitted Packages…': 'intake.show',
        Undo: 'edit.undo',
        Redo: 'edit.redo',
        'Next Unanswered Criterion': 'go.nextUnanswered',
        'Next Criterion Blocking the Target': 'go.nextBlocking',
      });
      expect([...new Set(sent)].sort()).toEqual([...APP_COMMANDS].sort());
      // Role items keep their own behaviour: no click handler or accelerator of ours.
      const walk = (list: MenuItemConstructorOptions[]): void => {
        for (const i of list) {
          if (i.role) expect([i.click, i.accelerator]).toEqual([undefined, undefined]);
          if (Array.isArray(i.submenu)) walk(i.submenu);
        }
      };
      walk(t);
    }
  });

  it('never registers a shortcut the window handles itself, so one key press runs a command once', () => {
    const find = (t: MenuItemConstructorOptions[], label: string): MenuItemConstructorOptions => {
      const all = (list: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] => list.flatMap((i) => [i, ...(Array.isArray(i.submenu) ? all(i.submenu) : [])]);
      return all(t).find((i) => i.label === label)!;
    };
    for (const platform of ['win32', 'linux'] as const) {
      const t = buildMenuTemplate(en, { platform, devTools: false });
      // Shown, but the window's own key handling (and text fields' native undo) runs them.
      expect(find(t, 'Next Unanswered Criterion')).toMatchObject({ accelerator: 'Alt+N', registerAccelerator: false });
      expect(find(t, 'Next Criterion Blocking the Target')).toMatchObject({ accelerator: 'Alt+B', registerAccelerator: false });
      expect(find(t, 'Undo')).toMatchObject({ accelerator: 'Ctrl+Z', registerAccelerator: false });
      expect(find(t, 'Redo')).toMatchObject({ accelerator: platform === 'win32' ? 'Ctrl+Y' : 'Ctrl+Shift+Z', registerAccelerator: false });
      // The window has no keys of its own for these.
      expect(find(t, 'New Assessment…')).toMatchObject({ accelerator: 'CmdOrCtrl+N' });
      expect(find(t, 'New Assessment…').registerAccelerator).toBeUndefined();
    }
    const mac = buildMenuTemplate(en, { platform: 'darwin', devTools: false });
    // macOS offers the menu only keys the page did not handle; text fields need Cmd+Z from it.
    expect(find(mac, 'Undo').accelerator).toBe('Cmd+Z');
    expect(find(mac, 'Redo').accelerator).toBe('Shift+Cmd+Z');
    // Option+N is a dead key on macOS: no key equivalent that would swallow it.
    expect(find(mac, 'Next Unanswered Criterion').accelerator).toBeUndefined();
    expect(find(mac, 'Next Criterion Blocking the Target').accelerator).toBeUndefined();
  });

  it('labels every item in Japanese for Japanese users', () => {
    const t = buildMenuTemplate(menuTranslator('ja'), { platform: 'linux', devTools: false });
    expect(top(t)).toEqual(['ファイル', '編集', '表示', '移動', 'ウインドウ', 'ヘルプ']);
    const labels = (items: MenuItemConstructorOptions[]): string[] =>
      items.flatMap((i) => [...(i.type === 'separator' ? [] : [i.label!]), ...(Array.isArray(i.submenu) ? labels(i.submenu) : [])]);
    const all = labels(t);
    expect(all).toContain('コピー');
    expect(all.every((l) => typeof l === 'string' && l.length > 0)).toBe(true);
    expect(all.filter((l) => /^[A-Za-z ]+$/.test(l))).toEqual([]);
  });
});
