/**
 * The webPreferences of every window the app opens.
 *
 * #region SECURITY-SENSITIVE — do not loosen any of these without a security review;
 * web-preferences.test.ts pins each value.
 */
import type { WebPreferences } from 'electron';

export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    // The renderer runs untrusted-by-default web content: no Node, its own JS world,
    // Chromium's OS sandbox.
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    // enableBlinkFeatures is deliberately absent: it would switch on non-standard features.
    webviewTag: false,
    plugins: false,
    enableWebSQL: false,
    // Dropping a file on the window must never navigate away from the app.
    navigateOnDragDrop: false,
    // A page that loops alert() cannot lock the user out.
    safeDialogs: true,
    // The OS spellchecker would download dictionaries; the app works fully offline.
    spellcheck: false,
  };
}
// #endregion
