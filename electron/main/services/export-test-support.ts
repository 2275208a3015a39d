/**
 * For the export tests: the export worker bundled from the current sources (as
 * scripts/build.mjs does) into a temp folder, so tests exercise the real worker thread
 * without depending on (or racing) the shared dist/ build.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';

let built: Promise<string> | null = null;

/** Path of a freshly bundled export-worker.cjs (built once per test file). */
export function buildTestWorker(): Promise<string> {
  built ??= (async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tfa-export-worker-'));
    const outfile = join(dir, 'export-worker.cjs');
    await build({
      entryPoints: [join(__dirname, 'export-worker.ts')],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      logLevel: 'warning',
      external: ['electron'],
    });
    return outfile;
  })();
  return built;
}
