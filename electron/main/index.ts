/**
 * Electron main process entry (bundled to out/main/index.cjs). Wiring only: every decision
 * lives in a small module next to this file with its own tests.
 */
import { app, BrowserWindow, dialog, Menu, screen, session } from 'electron';
import path from 'node:path';
import { assessmentServiceFor, createHandlers, languageForLocale, type HandlerDeps, type Handlers } from './handlers';
import { registerApi } from './ipc/register';
import { registerIntakeFileChannel } from './ipc/intake-file';
import { APP_COMMAND_CHANNEL } from '../common/private-channels';
import { isAppCommand, type AppCommand } from '../../core/api/commands';
import { registerAppScheme, serveAppProtocol } from './protocol';
import { APP_ENTRY_URL } from './security/origin';
import { hardenSession } from './security/session';
import { hardenWebContents } from './security/navigation';
import { openExternal } from './security/external';
import { buildMenuTemplate, menuTranslator } from './app/menu';
import { createQuitCoordinator } from './app/quit';
import { OpenQueue, tfpkgPathsFromArgv } from './app/open-requests';
import { loadWindowState, WINDOW_STATE_FILE } from './windows/window-state';
import { mainWindowOptions } from './windows/window-options';
import { trackWindowState } from './windows/track-window-state';
import { createPackStore, packRootsOf } from './services/packs';
import { buildSalt, packCacheDir } from '../../core/node/pack-cache';
import { createDialogPickers } from './app/dialogs';
import { reviewServiceFor } from './handlers-intake';
import { desktopExportDeps } from './app/export-deps';

// Bundled layout: out/main/index.cjs, out/preload/index.cjs, out/renderer/index.html.
const PRELOAD_PATH = path.join(__dirname, '..', 'preload', 'index.cjs');
const RENDERER_DIR = path.join(__dirname, '..', 'renderer');

/** Quitting waits for every save registered here (window state, open assessments). */
export const quitCoordinator = createQuitCoordinator({
  quit: () => app.quit(),
  onError: (err) => console.error(`TF Assessor: ${err instanceof Error ? err.message : String(err)}`),
});

/**
 * .tfpkg files the OS asked us to open (command line, second instance, macOS open-file).
 * Queued until the package-open feature consumes them.
 */
export const pendingOpens = new OpenQueue();
/** Imports what `pendingOpens` holds as reviews; set once the review service exists. */
let importPendingOpens: (() => void) | null = null;

let mainWindow: BrowserWindow | null = null;

function focusMainWindow(): void {
  if (!mainWindow || mainWindow.isDestroyed()) return;
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.show();
  mainWindow.focus();
}

/** Work waiting for the window's page to load (e.g. a command after packages opened at start). */
const onWindowReady: (() => void)[] = [];

/** Runs `fn` with the window loaded and in front: now, or once it has loaded. */
function whenWindowReady(fn: () => void): void {
  if (mainWindow && !mainWindow.isDestroyed() && !mainWindow.webContents.isLoading()) {
    focusMainWindow();
    fn();
  } else onWindowReady.push(fn);
}

async function createMainWindow(): Promise<void> {
  const stateFile = path.join(app.getPath('userData'), WINDOW_STATE_FILE);
  const state = await loadWindowState(stateFile, screen.getAllDisplays().map((d) => d.workArea));
  const win = new BrowserWindow(mainWindowOptions(state, PRELOAD_PATH));
  mainWindow = win;
  const tracker = trackWindowState(win, stateFile, (write) => quitCoordinator.track(write));
  // Quit (Cmd+Q, menu) starts before the window closes: save its final bounds first.
  const unhook = quitCoordinator.beforeQuit(() => tracker.flush());
  win.once('ready-to-show', () => {
    if (state.maximized) win.maximize();
    win.show();
  });
  win.on('closed', () => {
    unhook();
    if (mainWindow === win) mainWindow = null;
  });
  await win.loadURL(APP_ENTRY_URL);
  for (const fn of onWindowReady.splice(0)) fn();
}

/** Hands a menu command to the window (one way; the renderer runs it). Only listed names go out. */
function sendCommand(command: AppCommand): void {
  if (!isAppCommand(command) || !mainWindow || mainWindow.isDestroyed()) return;
  mainWindow.webContents.send(APP_COMMAND_CHANNEL, command);
}

async function installMenu(handlers: Handlers): Promise<void> {
  const { language } = await handlers['tfa:settings:get'](undefined);
  const lang = language === 'system' ? languageForLocale(app.getLocale()) : language;
  const template = buildMenuTemplate(menuTranslator(lang), { platform: process.platform, devTools: !app.isPackaged, send: sendCommand });
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

async function start(): Promise<void> {
  const userData = app.getPath('userData');
  hardenSession(session.defaultSession);
  serveAppProtocol(RENDERER_DIR);
  const packSources = {
    builtinDir: path.join(app.getAppPath(), 'criteria'),
    userDir: path.join(userData, 'packs'),
    // Parsed packs kept by their bytes: a start does not parse the same YAML again. The salt
    // names this build, so a new loader never serves what an older one produced.
    cache: packCacheDir(path.join(userData, 'cache', 'packs'), buildSalt(app.getVersion())),
  };
  // Dialogs speak the app's language; `handlers` exists by the time a dialog can be opened.
  const dialogs = createDialogPickers(
    () => mainWindow,
    async () => {
      const { language } = await handlers['tfa:settings:get'](undefined);
      return language === 'system' ? languageForLocale(app.getLocale()) : language;
    },
  );
  const packStore = createPackStore(packSources);
  const deps: HandlerDeps = {
    dataDir: userData,
    host: 'electron',
    version: app.getVersion(),
    platform: process.platform,
    systemLocale: app.getLocale(),
    // One cache: the packs the start screen lists are the packs an assessment opens with.
    listPacks: packStore.list,
    loadPack: packStore.load,
    pickFolder: (purpose) => dialogs.pickFolder(purpose),
    pickFiles: () => dialogs.pickFiles(),
    pickPackages: () => dialogs.pickPackages(),
    // Where trusted packs are found for intake and pinned packs for export.
    packRoots: packRootsOf(packSources),
    // Signing keys in the system keychain, the export folder dialog, "show in folder".
    ...desktopExportDeps(dialogs),
    // Quitting waits for a running export (bounded by the quit coordinator's timeout).
    beforeQuit: (hook) => void quitCoordinator.beforeQuit(hook),
  };
  const assessments = assessmentServiceFor(deps);
  // Quitting saves every open assessment and releases its lock first.
  quitCoordinator.beforeQuit(() => assessments.closeAll());
  const reviews = reviewServiceFor(deps);
  const handlers: Handlers = createHandlers({ ...deps, assessments, reviews });
  // Packages the OS asked us to open become reviews (verified like any import); the review list shows them.
  importPendingOpens = () => {
    const imports = pendingOpens.drain().map((p) =>
      reviews.importFile(p).then(
        () => true,
        (err: unknown) => {
          console.error(`TF Assessor: could not import ${path.basename(p)}: ${err instanceof Error ? err.message : String(err)}`);
          return false;
        },
      ),
    );
    if (imports.length === 0) return;
    // Show them: the intake list, unless the user is working in an assessment (never pulled
    // out of it; the list has them on the next visit).
    void Promise.all(imports).then((done) => {
      if (done.some(Boolean) && assessments.openHandles().length === 0) whenWindowReady(() => sendCommand('intake.show'));
    });
  };
  importPendingOpens();
  registerApi(handlers);
  // Desktop drag and drop: a dropped file's path, on a channel outside the contract (ADR 0010).
  registerIntakeFileChannel(assessments);
  await installMenu(handlers);
  await createMainWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) void createMainWindow().catch(fatal);
  });
}

function fatal(err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  console.error(`TF Assessor could not start: ${message}`);
  dialog.showErrorBox('TF Assessor could not start', message);
  app.exit(1);
}

function bootstrap(): void {
  // Both must happen before 'ready'.
  registerAppScheme();
  app.enableSandbox();

  if (!app.requestSingleInstanceLock()) {
    // The running instance receives our argv through 'second-instance'.
    app.quit();
    return;
  }
  pendingOpens.push(...tfpkgPathsFromArgv(process.argv.slice(1), process.cwd()));

  app.on('second-instance', (_event, argv, workingDirectory) => {
    pendingOpens.push(...tfpkgPathsFromArgv(argv, workingDirectory));
    importPendingOpens?.();
    focusMainWindow();
  });
  // macOS delivers double-clicked files this way, possibly before 'ready'.
  app.on('open-file', (event, filePath) => {
    event.preventDefault();
    pendingOpens.push(...tfpkgPathsFromArgv([filePath], process.cwd()));
    importPendingOpens?.();
    focusMainWindow();
  });
  // Every WebContents the app ever creates gets the navigation and window guards.
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, openExternal));
  app.on('before-quit', (event) => quitCoordinator.onBeforeQuit(event));
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.whenReady().then(start).catch(fatal);
}

bootstrap();
