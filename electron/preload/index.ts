/**
 * The preload (sandboxed, bundled to out/preload/index.cjs): exposes the typed `window.api`,
 * plus two narrow objects outside the contract — `window.intake` (desktop drag and drop:
 * a dropped File's path goes to main, never to the page; ADR 0010) and `window.commands`
 * (application menu commands from a fixed list). No generic invoke, no ipcRenderer, no Node.
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { buildApi } from './api';
import { buildCommands } from './commands';
import { buildIntake } from './intake';

contextBridge.exposeInMainWorld('api', buildApi((channel, args) => ipcRenderer.invoke(channel, args)));
contextBridge.exposeInMainWorld(
  'intake',
  buildIntake(
    (file) => webUtils.getPathForFile(file),
    (channel, args) => ipcRenderer.invoke(channel, args),
  ),
);
contextBridge.exposeInMainWorld(
  'commands',
  buildCommands((channel, listener) => {
    ipcRenderer.on(channel, listener);
    return () => {
      ipcRenderer.removeListener(channel, listener);
    };
  }),
);
