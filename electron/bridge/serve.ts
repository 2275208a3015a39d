/**
 * `npm run preview`: the real handlers and the built renderer in any browser, for machines
 * where the Electron binary cannot run. Bundled to dist/bridge.cjs by scripts/build.mjs.
 *
 *   node dist/bridge.cjs [--port N]
 *
 * Settings go to $TFA_DATA_DIR, or to a fresh folder under the OS temp dir.
 */
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import pkg from '../../package.json';
import { assessmentServiceFor, createHandlers, type HandlerDeps } from '../main/handlers';
import { previewKeyFileProtection } from '../main/services/identities';
import { createPackStore, packRootsOf } from '../main/services/packs';
import { buildSalt, packCacheDir } from '../../core/node/pack-cache';
import { reviewServiceFor } from '../main/handlers-intake';
import { startBridge } from './server';


function parsePort(argv: readonly string[]): number {
  const i = argv.indexOf('--port');
  if (i === -1) return 0;
  const value = Number(argv[i + 1]);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    throw new Error(`--port needs a number from 0 to 65535, got ${argv[i + 1] ?? 'nothing'}.`);
  }
  return value;
}

async function main(): Promise<void> {
  // dist/bridge.cjs sits one level below the project root.
  const projectRoot = resolve(dirname(process.argv[1] ?? '.'), '..');
  const rendererDir = join(projectRoot, 'out', 'renderer');
  if (!existsSync(join(rendererDir, 'index.html'))) {
    throw new Error(`The renderer is not built (${rendererDir}/index.html is missing): run npm run build first.`);
  }
  const port = parsePort(process.argv.slice(2));
  const dataDir = process.env.TFA_DATA_DIR || (await mkdtemp(join(tmpdir(), 'tf-assessor-preview-')));

  const packSources = {
    builtinDir: join(projectRoot, 'criteria'),
    userDir: join(dataDir, 'packs'),
    // As in the app (it pays off when TFA_DATA_DIR keeps one data folder across runs).
    cache: packCacheDir(join(dataDir, 'cache', 'packs'), buildSalt('preview')),
  };
  // One cache: the packs the start screen lists are the packs an assessment opens with.
  const packStore = createPackStore(packSources);
  const deps: HandlerDeps = {
    dataDir,
    host: 'bridge',
    version: pkg.version,
    platform: process.platform,
    systemLocale: Intl.DateTimeFormat().resolvedOptions().locale,
    listPacks: packStore.list,
    loadPack: packStore.load,
    // No keychain in a browser: keys sealed under a key file in the data folder, preview only.
    keyProtection: previewKeyFileProtection(dataDir),
  };
  // No native dialogs here: new assessments go to the data folder, evidence is uploaded.
  const assessments = assessmentServiceFor(deps);
  const reviews = reviewServiceFor({ ...deps, packRoots: packRootsOf(packSources) });
  const handlers = createHandlers({ ...deps, assessments, reviews });
  const bridge = await startBridge({ handlers, rendererDir, port, uploads: (r) => assessments.receiveUpload(r), packageUploads: (r) => reviews.receiveUpload(r) });

  process.stdout.write(`TF Assessor preview: ${bridge.url}\n`);
  process.stdout.write(`Data folder: ${dataDir}\nPress Ctrl+C to stop.\n`);

  const stop = (): void => {
    // Open assessments are saved and unlocked before the process goes.
    void assessments
      .closeAll()
      .catch((err: unknown) => process.stderr.write(`tf-assessor preview: ${err instanceof Error ? err.message : String(err)}\n`))
      .then(() => bridge.close())
      .then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`tf-assessor preview: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
