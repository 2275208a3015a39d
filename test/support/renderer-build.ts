/**
 * Makes sure out/renderer holds a build of the current renderer sources before a test reads
 * or serves it. Builds with Vite's API when the output is missing or older than the sources.
 * Test projects run in parallel, so a lock folder keeps two builds from emptying the same
 * output folder under each other.
 */
import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PROJECT_ROOT, RENDERER_CONFIG, RENDERER_OUT } from './paths';

const LOCK_DIR = join(PROJECT_ROOT, 'out', '.renderer-build.lock');
const LOCK_STALE_MS = 3 * 60_000;
const WAIT_LIMIT_MS = 5 * 60_000;

/** Newest modification time of the files that go into the renderer bundle. */
async function newestSourceTime(): Promise<number> {
  let newest = 0;
  async function walk(dir: string): Promise<void> {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node' && entry.name !== 'node_modules') await walk(full);
      } else if (!entry.name.endsWith('.test.ts')) {
        newest = Math.max(newest, (await stat(full)).mtimeMs);
      }
    }
  }
  await walk(join(PROJECT_ROOT, 'renderer'));
  await walk(join(PROJECT_ROOT, 'core'));
  return newest;
}

async function isUpToDate(): Promise<boolean> {
  const built = await stat(join(RENDERER_OUT, 'index.html')).catch(() => null);
  if (!built) return false;
  return built.mtimeMs >= (await newestSourceTime());
}

async function takeLock(): Promise<boolean> {
  try {
    await mkdir(LOCK_DIR, { recursive: false });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      await mkdir(join(PROJECT_ROOT, 'out'), { recursive: true });
      return takeLock();
    }
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    // A build that crashed leaves its lock behind; do not wait for it forever.
    const info = await stat(LOCK_DIR).catch(() => null);
    if (info && Date.now() - info.mtimeMs > LOCK_STALE_MS) await rm(LOCK_DIR, { recursive: true, force: true });
    return false;
  }
}

/** Returns the path of the built index.html, building the renderer first if needed. */
export async function ensureRendererBuilt(): Promise<string> {
  const index = join(RENDERER_OUT, 'index.html');
  const deadline = Date.now() + WAIT_LIMIT_MS;
  while (Date.now() < deadline) {
    if (await isUpToDate()) {
      const lockHeld = await stat(LOCK_DIR).then(
        () => true,
        () => false,
      );
      if (!lockHeld) return index;
    }
    if (await takeLock()) {
      try {
        if (!(await isUpToDate())) {
          const { build } = await import('vite');
          await build({ configFile: RENDERER_CONFIG, logLevel: 'warn', mode: 'production' });
        }
      } finally {
        await rm(LOCK_DIR, { recursive: true, force: true });
      }
      return index;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`Timed out waiting for another renderer build (lock ${LOCK_DIR}). Remove the lock folder if no build is running.`);
}

/** The built index.html, as text. */
export async function readBuiltIndexHtml(): Promise<string> {
  return readFile(await ensureRendererBuilt(), 'utf8');
}

/** Every file of the built renderer, relative to out/renderer. */
export async function listBuiltFiles(): Promise<string[]> {
  await ensureRendererBuilt();
  const files: string[] = [];
  async function walk(dir: string, prefix: string): Promise<void> {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) await walk(join(dir, entry.name), `${prefix}${entry.name}/`);
      else files.push(`${prefix}${entry.name}`);
    }
  }
  await walk(RENDERER_OUT, '');
  return files;
}

/** One file of the built renderer, as text. */
export async function readBuiltFile(relativePath: string): Promise<string> {
  await ensureRendererBuilt();
  return readFile(join(RENDERER_OUT, relativePath), 'utf8');
}

/** A source file of the renderer (path relative to renderer/), for tests that pin a setting. */
export function readRendererSource(relativePath: string): Promise<string> {
  return readFile(join(PROJECT_ROOT, 'renderer', relativePath), 'utf8');
}
