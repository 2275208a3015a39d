import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadWindowState, normalizeWindowState, saveWindowState, WINDOW_STATE_FILE, type Rect } from './window-state';

const screen: Rect[] = [{ x: 0, y: 0, width: 1920, height: 1080 }];
const twoScreens: Rect[] = [...screen, { x: 1920, y: 0, width: 2560, height: 1440 }];

describe('normalizeWindowState', () => {
  it('gives 1280×800 centred when nothing was saved', () => {
    expect(normalizeWindowState(undefined, screen)).toEqual({ width: 1280, height: 800, maximized: false });
  });

  it('keeps a saved state that fits', () => {
    expect(normalizeWindowState({ x: 100, y: 50, width: 1300, height: 850, maximized: true }, screen)).toEqual({
      x: 100,
      y: 50,
      width: 1300,
      height: 850,
      maximized: true,
    });
  });

  it('raises a too-small size to the 1024×700 minimum', () => {
    expect(normalizeWindowState({ x: 0, y: 0, width: 300, height: 200 }, screen)).toMatchObject({ width: 1024, height: 700 });
  });

  it('shrinks a size larger than every display', () => {
    expect(normalizeWindowState({ x: 0, y: 0, width: 99999, height: 99999 }, screen)).toMatchObject({ width: 1920, height: 1080 });
  });

  it('drops a position that is on no display any more (monitor unplugged)', () => {
    const saved = { x: 2500, y: 100, width: 1280, height: 800 };
    expect(normalizeWindowState(saved, twoScreens)).toMatchObject({ x: 2500, y: 100 });
    const s = normalizeWindowState(saved, screen);
    expect(s.x).toBeUndefined();
    expect(s.y).toBeUndefined();
  });

  it('drops a position whose title bar would be above the screen', () => {
    expect(normalizeWindowState({ x: 10, y: -500, width: 1280, height: 800 }, screen).y).toBeUndefined();
  });

  it.each([null, 'x', 42, [], { width: 'big', height: 800 }, { width: 1.5e308 }, { width: NaN, height: 800 }])(
    'falls back to defaults for garbage: %j',
    (garbage) => {
      expect(normalizeWindowState(garbage, screen)).toEqual({ width: 1280, height: 800, maximized: false });
    },
  );
});

describe('loadWindowState / saveWindowState', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tfa-winstate-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('round-trips through a JSON file in userData, leaving no temp file', async () => {
    const file = path.join(dir, WINDOW_STATE_FILE);
    await saveWindowState(file, { x: 20, y: 30, width: 1500, height: 900, maximized: false });
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ x: 20, y: 30, width: 1500, height: 900, maximized: false });
    expect(await readdir(dir)).toEqual([WINDOW_STATE_FILE]);
    expect(await loadWindowState(file, screen)).toEqual({ x: 20, y: 30, width: 1500, height: 900, maximized: false });
  });

  it('uses defaults for a missing or corrupt file', async () => {
    const file = path.join(dir, WINDOW_STATE_FILE);
    expect(await loadWindowState(file, screen)).toEqual({ width: 1280, height: 800, maximized: false });
    await writeFile(file, '{"width": 1300, "hei');
    expect(await loadWindowState(file, screen)).toEqual({ width: 1280, height: 800, maximized: false });
  });
});
