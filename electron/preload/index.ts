/**
 * The preload (sandboxed, bundled to out/preload/index.cjs): exposes the typed
 * `window.api` and nothing else. No generic invoke, no ipcRenderer, no Node.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { buildApi } from './api';

contextBridge.exposeInMainWorld('api', buildApi((channel, args) => ipcRenderer.invoke(channel, args)));
