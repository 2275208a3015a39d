/** The BrowserWindow options of the main window. */
import type { BrowserWindowConstructorOptions } from 'electron';
import { secureWebPreferences } from '../security/web-preferences';
import { MIN_HEIGHT, MIN_WIDTH, type WindowState } from './window-state';

export function mainWindowOptions(state: WindowState, preloadPath: string): BrowserWindowConstructorOptions {
  const options: BrowserWindowConstructorOptions = {
    title: 'TF Assessor',
    width: state.width,
    height: state.height,
    minWidth: MIN_WIDTH,
    minHeight: MIN_HEIGHT,
    // Shown on 'ready-to-show' so the user never sees a blank white frame.
    show: false,
    backgroundColor: '#ffffff',
    webPreferences: secureWebPreferences(preloadPath),
  };
  if (state.x !== undefined && state.y !== undefined) {
    options.x = state.x;
    options.y = state.y;
  } else {
    options.center = true;
  }
  return options;
}
