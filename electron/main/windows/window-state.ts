/**
 * Remembers the main window's size, position and maximised state between runs, in a small
 * JSON file under userData written atomically (a crash mid-write keeps the old file).
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { writeFileAtomic } from '../../../core/node/atomic-file';

export const MIN_WIDTH = 1024;
export const MIN_HEIGHT = 700;
export const DEFAULT_WIDTH = 1280;
export const DEFAULT_HEIGHT = 800;
/** Keeps a corrupted or hostile file from asking for a 10-million-pixel window. */
const MAX_EDGE = 16_384;

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowState {
  width: number;
  height: number;
  /** Absent when the saved position is not on any current display: the OS centres it. */
  x?: number;
  y?: number;
  maximized: boolean;
}

export const WINDOW_STATE_FILE = 'window-state.json';

const Saved = z.object({
  width: z.number().int(),
  height: z.number().int(),
  x: z.number().int().optional(),
  y: z.number().int().optional(),
  maximized: z.boolean().optional(),
});

/**
 * Turns whatever was saved (possibly nothing, possibly garbage) into a usable state:
 * at least MIN_WIDTH × MIN_HEIGHT, at most the largest display, and a position only
 * when the window's top-left area is visible on one of `workAreas` (a monitor may have
 * been unplugged since).
 */
export function normalizeWindowState(saved: unknown, workAreas: readonly Rect[]): WindowState {
  const parsed = Saved.safeParse(saved);
  const maxW = Math.max(MIN_WIDTH, ...workAreas.map((a) => a.width), 0);
  const maxH = Math.max(MIN_HEIGHT, ...workAreas.map((a) => a.height), 0);
  if (!parsed.success) {
    return { width: clamp(DEFAULT_WIDTH, MIN_WIDTH, maxW), height: clamp(DEFAULT_HEIGHT, MIN_HEIGHT, maxH), maximized: false };
  }
  const s = parsed.data;
  const state: WindowState = {
    width: clamp(s.width, MIN_WIDTH, Math.min(maxW, MAX_EDGE)),
    height: clamp(s.height, MIN_HEIGHT, Math.min(maxH, MAX_EDGE)),
    maximized: s.maximized ?? false,
  };
  if (s.x !== undefined && s.y !== undefined && workAreas.some((a) => titleBarVisible(s.x!, s.y!, state.width, a))) {
    state.x = s.x;
    state.y = s.y;
  }
  return state;
}

/** Reads and normalises the saved state; a missing or damaged file gives the defaults. */
export async function loadWindowState(file: string, workAreas: readonly Rect[]): Promise<WindowState> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch {
    raw = undefined;
  }
  return normalizeWindowState(raw, workAreas);
}

export async function saveWindowState(file: string, state: WindowState): Promise<void> {
  await writeFileAtomic(file, JSON.stringify(state) + '\n');
}

/** Enough of the window's top edge must be on screen for the user to grab it. */
function titleBarVisible(x: number, y: number, width: number, area: Rect): boolean {
  const grab = 100;
  const overlap = Math.min(x + width, area.x + area.width) - Math.max(x, area.x);
  return overlap >= Math.min(grab, width) && y >= area.y && y < area.y + area.height - grab / 2;
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(Math.max(v, lo), Math.max(lo, hi));
}
