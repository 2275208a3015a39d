import { EventEmitter } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { trackWindowState } from './track-window-state';
import type { Rect } from './window-state';

class FakeWindow extends EventEmitter {
  bounds: Rect = { x: 10, y: 20, width: 1200, height: 800 };
  maximized = false;
  destroyed = false;
  getNormalBounds(): Rect {
    if (this.destroyed) throw new Error('Object has been destroyed');
    return { ...this.bounds };
  }
  isMaximized(): boolean {
    return this.maximized;
  }
}

let dir: string;
let file: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tfa-track-'));
  file = path.join(dir, 'window-state.json');
});
afterEach(async () => {
  vi.useRealTimers();
  await rm(dir, { recursive: true, force: true });
});

describe('trackWindowState', () => {
  it('saves once after the user stops resizing', async () => {
    vi.useFakeTimers();
    const win = new FakeWindow();
    const writes: Promise<void>[] = [];
    trackWindowState(win, file, (w) => writes.push(w), 400);
    for (let i = 0; i < 5; i++) {
      win.bounds.width = 1100 + i * 10;
      win.emit('resize');
      vi.advanceTimersByTime(100);
    }
    expect(writes).toHaveLength(0);
    vi.advanceTimersByTime(400);
    expect(writes).toHaveLength(1);
    vi.useRealTimers();
    await Promise.all(writes);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ x: 10, y: 20, width: 1140, height: 800, maximized: false });
  });

  it('saves immediately on close, with the maximised flag', async () => {
    const win = new FakeWindow();
    const writes: Promise<void>[] = [];
    trackWindowState(win, file, (w) => writes.push(w));
    win.maximized = true;
    win.emit('close');
    await Promise.all(writes);
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ width: 1200, maximized: true });
  });

  it('flush after the window is destroyed keeps the last saved state and does not throw', async () => {
    const win = new FakeWindow();
    const tracker = trackWindowState(win, file, () => undefined);
    await tracker.flush();
    win.destroyed = true;
    await expect(tracker.flush()).resolves.toBeUndefined();
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ width: 1200 });
  });

  it('writes land in order: the newest bounds win', async () => {
    const win = new FakeWindow();
    const tracker = trackWindowState(win, file, () => undefined);
    const first = tracker.flush();
    win.bounds.width = 1500;
    await Promise.all([first, tracker.flush()]);
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ width: 1500 });
  });
});
