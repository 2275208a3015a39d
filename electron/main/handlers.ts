/**
 * The implementations behind every channel of the API contract. Pure Node (no Electron
 * import) so that the very same functions serve the desktop app over IPC and the browser
 * bridge over HTTP; the transport adapters only validate the caller and call `dispatch`.
 */
import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
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
import { builtinCriteriaDir } from '../../core/node/packs';
import { createAssessmentService, type AssessmentService, type AssessmentServiceOptions } from './services/assessments';
import { createPackLoader, type LoadPack } from './services/packs';
import { createEvidenceHandlers, type EvidenceHandlerDeps } from './handlers-evidence';
import { createExportHandlers, type ExportHandlerDeps } from './handlers-export';
import { createIntakeHandlers, type IntakeHandlerDeps } from './handlers-intake';

export type Handlers = { [C in Channel]: (args: ArgsOf<C>) => Promise<ResultOf<C>> };

export interface HandlerDeps extends EvidenceHandlerDeps, ExportHandlerDeps, IntakeHandlerDeps {
  /** Folder for settings and the user's data (Electron's userData, or a temp dir in preview). */
  dataDir: string;
  host: 'electron' | 'bridge';
  version: string;
  platform: string;
  /** OS locale such as `ja-JP` or `en-US`. */
  systemLocale: string;
  listPacks: () => Promise<PackSummary[]>;
  /** Replaces the real recent list (start-screen tests with fixed data). */
  listRecent?: () => Promise<RecentAssessment[]>;
  /** Loads one installed pack; default: built-in criteria and `<dataDir>/packs`. */
  loadPack?: LoadPack;
  /** Who makes changes (journal `actor`); default: the OS user name. */
  actor?: string;
  /** Desktop only: native dialogs (electron/main/app/dialogs.ts). Absent in the preview. */
  pickFolder?: AssessmentServiceOptions['pickFolder'];
  pickFiles?: AssessmentServiceOptions['pickFiles'];
  /** A service built by the caller (to close every assessment on quit); default: built from the deps above. */
  assessments?: AssessmentService;
}

/** The OS user, as the journal's default actor. */
export function defaultActor(): string {
  try {
    return userInfo().username || 'TF Assessor user';
  } catch {
    return 'TF Assessor user';
  }
}

/** The assessment service for a set of handler deps (defaults as documented on HandlerDeps). */
export function assessmentServiceFor(deps: HandlerDeps): AssessmentService {
  return createAssessmentService({
    dataDir: deps.dataDir,
    actor: deps.actor ?? defaultActor(),
    loadPack: deps.loadPack ?? createPackLoader({ builtinDir: builtinCriteriaDir() ?? join(deps.dataDir, 'no-builtin-criteria'), userDir: join(deps.dataDir, 'packs') }),
    ...(deps.pickFolder && { pickFolder: deps.pickFolder }),
    ...(deps.pickFiles && { pickFiles: deps.pickFiles }),
  });
}

const DEFAULT_SETTINGS: Settings = { language: 'system' };

/** Maps an OS locale to a product language: Japanese for `ja*`, English otherwise. */
export function languageForLocale(locale: string): Language {
  return locale.toLowerCase().startsWith('ja') ? 'ja' : 'en';
}

export function createHandlers(deps: HandlerDeps): Handlers {
  const a = deps.assessments ?? assessmentServiceFor(deps);
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
    'tfa:assessments:listRecent': () => (deps.listRecent ? deps.listRecent() : a.listRecent()),
    'tfa:assessments:create': (args) => a.create(args),
    'tfa:assessments:open': ({ handle }) => a.open(handle),
    'tfa:assessments:close': ({ handle, discardUnsaved }) => a.close(handle, discardUnsaved),
    'tfa:assessments:forget': ({ handle }) => a.forget(handle),
    'tfa:assessment:get': ({ handle }) => a.get(handle),
    'tfa:assessment:status': ({ handle }) => a.status(handle),
    'tfa:profile:set': (args) => a.setProfile(args),
    'tfa:answers:set': (args) => a.setAnswer(args),
    'tfa:evidence:add': (args) => a.addEvidence(args),
    'tfa:evidence:update': (args) => a.updateEvidence(args),
    'tfa:evidence:link': (args) => a.linkEvidence(args),
    'tfa:evidence:unlink': (args) => a.unlinkEvidence(args),
    'tfa:evidence:verify': (args) => a.verifyEvidence(args),
    'tfa:findings:create': (args) => a.createFinding(args),
    'tfa:findings:update': (args) => a.updateFinding(args),
    'tfa:findings:delete': (args) => a.deleteFinding(args),
    'tfa:claims:import': (args) => a.importClaims(args),
    'tfa:claims:set': (args) => a.setClaim(args),
    'tfa:claims:clear': ({ handle }) => a.clearClaims(handle),
    'tfa:journal:list': (args) => a.journal(args),
    'tfa:migration:apply': (args) => a.migrate(args),
    'tfa:packs:list': () => deps.listPacks(),
    'tfa:packs:get': (choice) => a.getPack(choice),
    'tfa:dialogs:pickFolder': () => a.pickFolder(),
    'tfa:dialogs:pickAssessment': () => a.pickAssessment(),
    'tfa:dialogs:pickEvidence': ({ handle }) => a.pickEvidence(handle),
    ...createEvidenceHandlers(deps, a),
    ...createExportHandlers(deps, a),
    ...createIntakeHandlers(deps, a),
  };
}
