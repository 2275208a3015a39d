/** Saves the main window's bounds as the user moves and resizes it. */
import { saveWindowState, type Rect, type WindowState } from './window-state';

/** The few BrowserWindow members we use; structural so tests can pass a plain emitter. */
export interface TrackedWindow {
  on(event: 'resize' | 'move' | 'maximize' | 'unmaximize' | 'close', listener: () => void): unknown;
  getNormalBounds(): Rect;
  isMaximized(): boolean;
}

/**
 * Debounces saves while the user drags, and saves at once when the window closes. Every
 * write is handed to `track` so quitting can wait for it.
 */
export function trackWindowState(
  win: TrackedWindow,
  file: string,
  track: (write: Promise<void>) => void,
  delayMs = 400,
): { flush(): Promise<void> } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let last: Promise<void> = Promise.resolve();

  const snapshot = (): WindowState => {
    // Normal bounds, not the maximised ones: un-maximising next time restores this size.
    const b = win.getNormalBounds();
    return { x: b.x, y: b.y, width: b.width, height: b.height, maximized: win.isMaximized() };
  };
  const flush = (): Promise<void> => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    let state: WindowState;
    try {
      state = snapshot();
    } catch {
      // The window is already destroyed: the last saved state stands.
      return last;
    }
    // Writes are chained so an older snapshot can never land after a newer one.
    last = last.then(() => saveWindowState(file, state)).catch(() => undefined);
    track(last);
    return last;
  };
  const schedule = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void flush(), delayMs);
  };
  for (const ev of ['resize', 'move', 'maximize', 'unmaximize'] as const) win.on(ev, schedule);
  win.on('close', () => void flush());
  return { flush };
}
