// Wiring test of the main entry: a fake `electron` module stands in for the runtime (which
// cannot run here); everything else (handlers, protocol resolver, window state on disk) is real.
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { contract } from '../../core/api/contract';
import { secureWebPreferences } from './security/web-preferences';
import { APP_COMMAND_CHANNEL, INTAKE_FILE_CHANNEL } from '../common/private-channels';

type Listener = (...args: never[]) => unknown;

class FakeWebContents extends EventEmitter {
  windowOpenHandler?: (d: { url: string }) => { action: string };
  setWindowOpenHandler(h: (d: { url: string }) => { action: string }) {
    this.windowOpenHandler = h;
  }
}

function fakeElectron(userData: string, { lock = true, appPath = '/fake/app' } = {}) {
  const calls: string[] = [];
  let ready!: () => void;
  const readyPromise = new Promise<void>((r) => (ready = r));
  const windows: FakeWindow[] = [];

  class FakeWindow extends EventEmitter {
    webContents = { send: vi.fn() };
    shown = false;
    focused = false;
    minimized = false;
    loadedUrl?: string;
    constructor(public options: Record<string, unknown>) {
      super();
      windows.push(this);
    }
    loadURL(url: string) {
      this.loadedUrl = url;
      return Promise.resolve();
    }
    show() {
      this.shown = true;
    }
    focus() {
      this.focused = true;
    }
    isMinimized() {
      return this.minimized;
    }
    restore() {
      this.minimized = false;
    }
    isDestroyed() {
      return false;
    }
    maximize() {}
    isMaximized() {
      return false;
    }
    getNormalBounds() {
      return { x: 33, y: 44, width: 1234, height: 777 };
    }
    static getAllWindows() {
      return windows;
    }
  }

  const app = Object.assign(new EventEmitter(), {
    isPackaged: false,
    requestSingleInstanceLock: vi.fn(() => {
      calls.push('requestSingleInstanceLock');
      return lock;
    }),
    enableSandbox: vi.fn(() => calls.push('enableSandbox')),
    whenReady: vi.fn(() => readyPromise),
    quit: vi.fn(() => calls.push('quit')),
    exit: vi.fn(),
    getPath: vi.fn((name: string) => (name === 'userData' ? userData : `/fake/${name}`)),
    getLocale: () => 'ja-JP',
    getVersion: () => '9.9.9',
    getAppPath: () => appPath,
  });
  const session = {
    request: undefined as undefined | Listener,
    check: undefined as undefined | Listener,
    setPermissionRequestHandler: vi.fn((h: Listener) => (session.request = h)),
    setPermissionCheckHandler: vi.fn((h: Listener) => (session.check = h)),
    setDevicePermissionHandler: vi.fn(),
    webRequest: { onBeforeRequest: vi.fn() },
  };
  const ipcHandlers = new Map<string, (event: unknown, args: unknown) => Promise<unknown>>();
  return {
    calls,
    ready,
    windows,
    ipcHandlers,
    session,
    module: {
      app,
      BrowserWindow: FakeWindow,
      dialog: { showErrorBox: vi.fn(), showOpenDialog: vi.fn() },
      Menu: { buildFromTemplate: vi.fn((t: unknown) => ({ template: t })), setApplicationMenu: vi.fn() },
      screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
      session: { defaultSession: session },
      protocol: {
        registerSchemesAsPrivileged: vi.fn(() => calls.push('registerSchemesAsPrivileged')),
        handle: vi.fn(),
      },
      ipcMain: {
        handle: vi.fn((channel: string, h: (event: unknown, args: unknown) => Promise<unknown>) => ipcHandlers.set(channel, h)),
        removeHandler: vi.fn(),
      },
      shell: { openExternal: vi.fn() },
    },
  };
}

let userData: string;
let fake: ReturnType<typeof fakeElectron>;
const argv = process.argv;

async function boot(options?: { lock?: boolean; appPath?: string }) {
  fake = fakeElectron(userData, options);
  vi.resetModules();
  vi.doMock('electron', () => fake.module);
  return (await import('./index')) as typeof import('./index');
}

const trusted = { senderFrame: { url: 'app://tf-assessor/index.html', parent: null } };

beforeEach(async () => {
  userData = await mkdtemp(path.join(tmpdir(), 'tfa-main-'));
  process.argv = ['/opt/tf-assessor', '/downloads/first.tfpkg'];
});
afterEach(async () => {
  process.argv = argv;
  vi.doUnmock('electron');
  await rm(userData, { recursive: true, force: true });
});

describe('main process wiring', () => {
  it('before ready: privileged scheme, sandbox for all, single-instance lock — in that order', async () => {
    await boot();
    expect(fake.calls).toEqual(['registerSchemesAsPrivileged', 'enableSandbox', 'requestSingleInstanceLock']);
    expect(fake.module.protocol.registerSchemesAsPrivileged.mock.calls[0]).toEqual([
      [{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }],
    ]);
  });

  it('hardens every WebContents the app creates', async () => {
    await boot();
    const contents = new FakeWebContents();
    fake.module.app.emit('web-contents-created', {}, contents);
    expect(contents.windowOpenHandler!({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    const nav = { url: 'https://example.com/', preventDefault: vi.fn() };
    contents.emit('will-navigate', nav, nav.url);
    expect(nav.preventDefault).toHaveBeenCalledOnce();
    const webview = { preventDefault: vi.fn() };
    contents.emit('will-attach-webview', webview);
    expect(webview.preventDefault).toHaveBeenCalledOnce();
  });

  it('when ready: hardened session, app protocol, every channel on IPC, a hidden secure window on app://', async () => {
    await boot();
    fake.ready();
    await vi.waitFor(() => expect(fake.windows[0]?.loadedUrl).toBe('app://tf-assessor/index.html'));

    const cb = vi.fn();
    fake.session.request!({} as never, 'media' as never, cb as never);
    expect(cb).toHaveBeenCalledWith(false);
    expect(fake.session.check!()).toBe(false);
    expect(fake.module.protocol.handle).toHaveBeenCalledWith('app', expect.any(Function));
    // The contract's channels, plus the private drag-and-drop channel (ADR 0010).
    expect([...fake.ipcHandlers.keys()].sort()).toEqual([...Object.keys(contract), INTAKE_FILE_CHANNEL].sort());

    const win = fake.windows[0]!;
    const preload = (win.options.webPreferences as { preload: string }).preload;
    expect(preload.endsWith(path.join('preload', 'index.cjs'))).toBe(true);
    expect(win.options.webPreferences).toStrictEqual(secureWebPreferences(preload));
    expect(win.options).toMatchObject({ show: false, minWidth: 1024, minHeight: 700 });
    expect(win.shown).toBe(false);
    win.emit('ready-to-show');
    expect(win.shown).toBe(true);
    expect(fake.module.Menu.setApplicationMenu).toHaveBeenCalledOnce();
  });

  it('handlers use userData and the OS locale; packs come from the loader injection point', async () => {
    await boot();
    fake.ready();
    await vi.waitFor(() => expect(fake.windows).toHaveLength(1));
    const call = (c: string, args?: unknown) => fake.ipcHandlers.get(c)!(trusted, args);
    await expect(call('tfa:app:info')).resolves.toMatchObject({ ok: true, value: { systemLanguage: 'ja', version: '9.9.9', host: 'electron' } });
    await expect(call('tfa:packs:list')).resolves.toEqual({ ok: true, value: [] });
    await expect(call('tfa:settings:set', { language: 'en' })).resolves.toEqual({ ok: true, value: { language: 'en' } });
    expect(JSON.parse(await readFile(path.join(userData, 'settings.json'), 'utf8'))).toEqual({ language: 'en' });
    await expect(fake.ipcHandlers.get('tfa:app:info')!({ senderFrame: { url: 'about:blank', parent: null } }, undefined)).resolves.toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
  });

  it('menu commands reach the window on the private command channel', async () => {
    await boot();
    fake.ready();
    await vi.waitFor(() => expect(fake.windows).toHaveLength(1));
    const template = fake.module.Menu.buildFromTemplate.mock.calls[0]![0] as { label?: string; click?: () => void; submenu?: unknown }[];
    const all = (list: { label?: string; click?: () => void; submenu?: unknown }[]): { label?: string; click?: () => void }[] =>
      list.flatMap((i) => [i, ...(Array.isArray(i.submenu) ? all(i.submenu as typeof list) : [])]);
    const next = all(template).find((i) => i.label === '次の未回答の基準')!;
    next.click!();
    expect(fake.windows[0]!.webContents.send).toHaveBeenCalledExactlyOnceWith(APP_COMMAND_CHANNEL, 'go.nextUnanswered');
  });

  it('the menu follows the saved language', async () => {
    await mkdir(userData, { recursive: true });
    await writeFile(path.join(userData, 'settings.json'), JSON.stringify({ language: 'en' }));
    await boot();
    fake.ready();
    await vi.waitFor(() => expect(fake.module.Menu.buildFromTemplate).toHaveBeenCalled());
    const template = fake.module.Menu.buildFromTemplate.mock.calls[0]![0] as { label: string }[];
    expect(template.map((i) => i.label)).toContain('Edit');
  });

  it('restores the remembered window bounds from userData', async () => {
    await writeFile(path.join(userData, 'window-state.json'), JSON.stringify({ x: 50, y: 60, width: 1300, height: 820, maximized: false }));
    await boot();
    fake.ready();
    await vi.waitFor(() => expect(fake.windows).toHaveLength(1));
    expect(fake.windows[0]!.options).toMatchObject({ x: 50, y: 60, width: 1300, height: 820 });
  });

  it('imports .tfpkg paths from the command line and from a second instance as reviews, and focuses the window', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const main = await boot();
    fake.ready();
    await vi.waitFor(() => expect(fake.windows).toHaveLength(1));
    const win = fake.windows[0]!;
    win.minimized = true;
    fake.module.app.emit('second-instance', {}, ['/opt/tf-assessor', '--some-switch', 'reports/sub.tfpkg'], '/home/u');
    expect(win.minimized).toBe(false);
    expect(win.focused).toBe(true);
    // Both were taken from the queue and imported (these files do not exist: each import says so).
    expect(main.pendingOpens.drain()).toEqual([]);
    await vi.waitFor(() => expect(errors.mock.calls.map((c) => String(c[0]))).toEqual(expect.arrayContaining([expect.stringMatching(/could not import first\.tfpkg/), expect.stringMatching(/could not import sub\.tfpkg/)])));
    errors.mockRestore();
  });

  it('a second instance hands over and quits without opening anything', async () => {
    await boot({ lock: false });
    expect(fake.module.app.quit).toHaveBeenCalledOnce();
    expect(fake.module.app.whenReady).not.toHaveBeenCalled();
    expect(fake.module.app.listenerCount('second-instance')).toBe(0);
  });

  it('quitting waits for the window state to be saved, then quits', async () => {
    await boot();
    fake.ready();
    await vi.waitFor(() => expect(fake.windows).toHaveLength(1));
    const ev = { preventDefault: vi.fn() };
    fake.module.app.emit('before-quit', ev);
    expect(ev.preventDefault).toHaveBeenCalledOnce();
    await vi.waitFor(() => expect(fake.module.app.quit).toHaveBeenCalledOnce());
    expect(JSON.parse(await readFile(path.join(userData, 'window-state.json'), 'utf8'))).toEqual({
      x: 33,
      y: 44,
      width: 1234,
      height: 777,
      maximized: false,
    });
    const again = { preventDefault: vi.fn() };
    fake.module.app.emit('before-quit', again);
    expect(again.preventDefault).not.toHaveBeenCalled();
  });

  it('dialogs and assessments are wired: a picked folder becomes a handle, and quitting saves and unlocks open assessments', async () => {
    // The real built-in packs: the app folder is the project.
    await boot({ appPath: process.cwd() });
    fake.ready();
    await vi.waitFor(() => expect(fake.windows).toHaveLength(1));
    const call = (c: string, args?: unknown) => fake.ipcHandlers.get(c)!(trusted, args) as Promise<{ ok: boolean; value?: unknown; error?: unknown }>;
    const folder = path.join(userData, 'chosen');
    await mkdir(folder);
    fake.module.dialog.showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: [folder] });
    const picked = await call('tfa:dialogs:pickFolder');
    expect(picked).toEqual({ ok: true, value: { folder: expect.any(String), name: 'chosen' } });
    expect(fake.module.dialog.showOpenDialog).toHaveBeenCalledWith(fake.windows[0], expect.objectContaining({ properties: ['openDirectory', 'createDirectory', 'promptToCreate'] }));
    const created = await call('tfa:assessments:create', {
      organization: { legalName: '株式会社サンプルID' },
      service: { name: 'Sample ID' },
      pack: { id: 'jp-idtf', version: '2.0.0' },
      type: 'self-assessment',
      folder: (picked.value as { folder: string }).folder,
    });
    expect(created).toMatchObject({ ok: true, value: { document: { revision: 0 } } });
    const handle = (created.value as { handle: string }).handle;
    await expect(call('tfa:answers:set', { handle, criterion: 'ORG-07', set: { status: 'conformant' } })).resolves.toMatchObject({ ok: true });
    expect(existsSync(path.join(folder, 'workspace.lock'))).toBe(true);

    fake.module.app.emit('before-quit', { preventDefault: vi.fn() });
    await vi.waitFor(() => expect(fake.module.app.quit).toHaveBeenCalledOnce());
    expect(existsSync(path.join(folder, 'workspace.lock'))).toBe(false);
    expect(JSON.parse(await readFile(path.join(folder, 'assessment.json'), 'utf8'))).toMatchObject({ revision: 1, criteria: { 'ORG-07': { status: 'conformant' } } });
  });
});
