/**
 * The implementations behind every channel of the API contract. Pure Node (no Electron
 * import) so that the very same functions serve the desktop app over IPC and the browser
 * bridge over HTTP; the transport adapters only validate the caller and call `dispatch`.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  Settings,
  type Channel,
  type ArgsOf,
  type ResultOf,
  type Language,
  type PackSummary,
  type RecentAssessment,
} from '../../core/api/contract';
import { writeFileAtomic } from '../../core/node/atomic-file';

export type Handlers = { [C in Channel]: (args: ArgsOf<C>) => Promise<ResultOf<C>> };

export interface HandlerDeps {
  /** Folder for settings and the user's data (Electron's userData, or a temp dir in preview). */
  dataDir: string;
  host: 'electron' | 'bridge';
  version: string;
  platform: string;
  /** OS locale such as `ja-JP` or `en-US`. */
  systemLocale: string;
  listPacks: () => Promise<PackSummary[]>;
  listRecent?: () => Promise<RecentAssessment[]>;
}

const DEFAULT_SETTINGS: Settings = { language: 'system' };

/** Maps an OS locale to a product language: Japanese for `ja*`, English otherwise. */
export function languageForLocale(locale: string): Language {
  return locale.toLowerCase().startsWith('ja') ? 'ja' : 'en';
}

export function createHandlers(deps: HandlerDeps): Handlers {
  const settingsPath = join(deps.dataDir, 'settings.json');
  let settingsCache: Settings | undefined;
  // Saves run one after another so the file on disk always holds the last requested value,
  // whatever order concurrent writes would otherwise finish in.
  let settingsQueue: Promise<unknown> = Promise.resolve();

  async function loadSettings(): Promise<Settings> {
    if (settingsCache) return settingsCache;
    try {
      const parsed = Settings.safeParse(JSON.parse(await readFile(settingsPath, 'utf8')));
      // A damaged settings file must not stop the app: fall back to defaults.
      settingsCache = parsed.success ? parsed.data : { ...DEFAULT_SETTINGS };
    } catch {
      settingsCache = { ...DEFAULT_SETTINGS };
    }
    return settingsCache;
  }

  return {
    'tfa:app:info': async () => ({
      name: 'TF Assessor',
      version: deps.version,
      platform: deps.platform,
      systemLanguage: languageForLocale(deps.systemLocale),
      host: deps.host,
    }),
    'tfa:settings:get': () => loadSettings(),
    'tfa:settings:set': (patch) => {
      const run = settingsQueue.then(async () => {
        const next = Settings.parse({ ...(await loadSettings()), ...patch });
        await writeFileAtomic(settingsPath, JSON.stringify(next, null, 2) + '\n');
        settingsCache = next;
        return next;
      });
      settingsQueue = run.catch(() => undefined);
      return run;
    },
    'tfa:assessments:listRecent': async () => (deps.listRecent ? deps.listRecent() : []),
    'tfa:packs:list': () => deps.listPacks(),
  };
}
