// Bundles every Node-side entry point with esbuild:
//   out/main/index.cjs, out/preload/index.cjs — the Electron main process and preload
//   dist/cli.cjs     — the `tf-assessor` CLI
//   dist/bridge.cjs  — the browser bridge behind `npm run preview`
//   dist/bench.cjs   — `npm run bench`
//   out/main/export-worker.cjs, dist/export-worker.cjs — the export worker thread
//   dist/intake-worker.cjs — worker threads of `tf-assessor verify` batches
// The renderer is built by Vite (renderer/vite.config.ts). This script runs on `npm ci`
// (the `prepare` script) so `npx tf-assessor` works in a fresh clone.
import { build } from 'esbuild';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const entries = [
  ['electron/main/index.ts', 'out/main/index.cjs'],
  ['electron/preload/index.ts', 'out/preload/index.cjs'],
  ['cli/main.ts', 'dist/cli.cjs'],
  ['electron/bridge/serve.ts', 'dist/bridge.cjs'],
  ['bench/main.ts', 'dist/bench.cjs'],
  // The export worker thread (docs/decisions/0012): beside the main bundle in the app, and
  // beside the bridge for the preview.
  ['electron/main/services/export-worker.ts', 'out/main/export-worker.cjs'],
  ['electron/main/services/export-worker.ts', 'dist/export-worker.cjs'],
  // The batch verifier's worker threads (core/node/intake-pool.ts), beside the CLI.
  ['core/node/intake-worker.ts', 'dist/intake-worker.cjs'],
].filter(([src]) => existsSync(src));

// Tests rebuild the bundles while other tests run them: every output file is written to a
// temp file and renamed into place, so a running process never loads a half-written bundle.
function writeAtomically(files) {
  for (const f of files) {
    mkdirSync(dirname(f.path), { recursive: true });
    const tmp = `${f.path}.${process.pid}.tmp`;
    writeFileSync(tmp, f.contents);
    renameSync(tmp, f.path);
  }
}

await Promise.all(
  entries.map(([src, out]) =>
    build({
      write: false,
      entryPoints: [src],
      outfile: out,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      // Source maps only for the dev-side bundles; the packaged app ships none.
      sourcemap: out.startsWith('dist/') ? 'linked' : false,
      legalComments: 'none',
      logLevel: 'warning',
      // Electron is provided by the runtime; the CLI and bridge must never load it.
      external: ['electron', 'playwright-core'],
    }).then((r) => writeAtomically(r.outputFiles)),
  ),
);
