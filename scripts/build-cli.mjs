// Bundles the Node-side entry points that run without Electron: the `tf-assessor` CLI,
// the browser bridge behind `npm run preview`, and the benchmark. Runs on `npm ci`
// (the `prepare` script) so `npx tf-assessor` works in a fresh clone.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';

const entries = [
  ['cli/main.ts', 'dist/cli.cjs'],
  ['electron/bridge/serve.ts', 'dist/bridge.cjs'],
  ['bench/main.ts', 'dist/bench.cjs'],
].filter(([src]) => existsSync(src));

await Promise.all(
  entries.map(([src, out]) =>
    build({
      entryPoints: [src],
      outfile: out,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      sourcemap: 'linked',
      legalComments: 'none',
      logLevel: 'warning',
      // Electron is never bundled; the bridge and CLI must not import it at all.
      external: ['electron', 'playwright-core'],
    }),
  ),
);
