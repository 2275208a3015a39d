/** Test support: bundles the child script with esbuild so tests can spawn it with plain node. */
import { build } from 'esbuild';
import { join } from 'node:path';

/** Writes `<outDir>/child.cjs` and returns its path. */
export async function bundleChild(outDir: string): Promise<string> {
  const outfile = join(outDir, 'child.cjs');
  await build({
    entryPoints: [join(import.meta.dirname, 'child.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'warning',
  });
  return outfile;
}
