/**
 * Starts the real preview stack in-process for end-to-end tests: the real handlers with a
 * temporary data folder, behind the real browser bridge, serving the built renderer.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PackSummary, RecentAssessment, Settings } from '../../core/api/contract';
import { startBridge, type Bridge } from '../../electron/bridge/server';
import { assessmentServiceFor, createHandlers, type HandlerDeps } from '../../electron/main/handlers';
import { RENDERER_OUT } from './paths';
import { ensureRendererBuilt } from './renderer-build';

export interface PreviewOptions {
  /** The OS locale the handlers report, e.g. `ja-JP`. */
  systemLocale?: string;
  listPacks?: HandlerDeps['listPacks'];
  packs?: PackSummary[];
  /** Fixed recent list for start-screen tests; without it, the real list of assessments in dataDir. */
  recent?: RecentAssessment[];
}

export interface Preview {
  bridge: Bridge;
  url: string;
  dataDir: string;
  /** The settings file as the app wrote it to disk, or null if it has not been written. */
  savedSettings(): Promise<Settings | null>;
  close(): Promise<void>;
}

export async function startPreview(options: PreviewOptions = {}): Promise<Preview> {
  await ensureRendererBuilt();
  const dataDir = await mkdtemp(join(tmpdir(), 'tfa-e2e-'));
  const deps: HandlerDeps = {
    dataDir,
    host: 'bridge',
    version: '0.1.0',
    platform: process.platform,
    systemLocale: options.systemLocale ?? 'ja-JP',
    listPacks: options.listPacks ?? (async () => options.packs ?? []),
    ...(options.recent !== undefined ? { listRecent: async () => options.recent ?? [] } : {}),
  };
  // The real assessment service (built-in packs, workspaces in dataDir) and its upload route.
  const assessments = assessmentServiceFor(deps);
  const handlers = createHandlers({ ...deps, assessments });
  const bridge = await startBridge({ handlers, rendererDir: RENDERER_OUT, uploads: (r) => assessments.receiveUpload(r) });
  return {
    bridge,
    url: bridge.url,
    dataDir,
    async savedSettings() {
      try {
        return JSON.parse(await readFile(join(dataDir, 'settings.json'), 'utf8')) as Settings;
      } catch {
        return null;
      }
    },
    async close() {
      await assessments.closeAll().catch(() => undefined);
      await bridge.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
