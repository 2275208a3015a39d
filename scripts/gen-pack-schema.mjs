// Writes criteria/schema/pack.schema.json from the zod pack schema (core/criteria/schema.ts).
//   node scripts/gen-pack-schema.mjs          write the file
//   node scripts/gen-pack-schema.mjs --check  exit 1 if the committed file is stale
// The TypeScript source is bundled in memory with esbuild and imported from a temp file.
import { build } from 'esbuild';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'criteria/schema/pack.schema.json');
const tmp = mkdtempSync(join(tmpdir(), 'tfa-schema-'));
try {
  const bundle = join(tmp, 'json-schema.cjs');
  await build({
    entryPoints: [join(root, 'core/criteria/json-schema.ts')],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'warning',
  });
  const { packJsonSchemaText } = (await import(pathToFileURL(bundle).href)).default;
  const text = packJsonSchemaText();
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(out, 'utf8');
    } catch {
      // missing counts as stale
    }
    if (current !== text) {
      process.stderr.write('criteria/schema/pack.schema.json is stale: run `node scripts/gen-pack-schema.mjs`\n');
      process.exitCode = 1;
    }
  } else {
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, text);
    process.stdout.write(`wrote ${out.slice(root.length + 1)}\n`);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
