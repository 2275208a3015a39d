import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const RENDERER_OUT = join(PROJECT_ROOT, 'out', 'renderer');
export const RENDERER_CONFIG = join(PROJECT_ROOT, 'renderer', 'vite.config.ts');
export const SCREENSHOT_DIR = join(PROJECT_ROOT, 'test-output', 'screenshots');
