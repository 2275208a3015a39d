/**
 * Handlers of the channels in core/api/contract-export.ts. Pure Node (no Electron import):
 * the same functions serve IPC and the browser bridge. Electron-only capabilities come in
 * through `ExportHandlerDeps` (injected by electron/main/index.ts; absent in the preview).
 *
 * An export reads the open assessment's folder while the app keeps its lock (the service
 * flushes first and the exporter runs with `lock: false`, ADR 0011), unlocks the chosen key
 * here in main and runs the rendering and signing in a worker thread (ADR 0012).
 */
import { readdir, readFile, rm, stat, unlink } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { ApiFailure, Settings, type ArgsOf, type Language, type ResultOf } from '../../core/api/contract';
import { exportChannels, type ExportJobView, type ExportResultView, type ExportStepName } from '../../core/api/contract-export';
import { sha256Hex } from '../../core/criteria/sha256';
import { utf8Encode } from '../../core/criteria/utf8';
import { writeFileAtomic } from '../../core/node/atomic-file';
import type { ExportResult } from '../../core/node/export';
import type { PackRoot } from '../../core/node/packs';
import { defaultAppPackRoots } from './services/packs';
import { builtinTemplatesDir, readTemplate, reportFontsDir } from '../../core/node/report-template';
import { toPem } from '../../core/signing/bytes';
import { newHandle } from './services/assessment-registry';
import type { AssessmentService } from './services/assessments';
import { createExportJobs, findExportWorker, workerRunner, type ExportRequest, type ExportRunner } from './services/export-jobs';
import { createIdentityService, previewKeyFileProtection, rootCa, type IdentityService, type KeyProtection } from './services/identities';

type ExportChannel = keyof typeof exportChannels;
export type ExportHandlers = { [C in ExportChannel]: (args: ArgsOf<C>) => Promise<ResultOf<C>> };

/** Extra dependencies of these handlers; every field optional (HandlerDeps extends this). */
export interface ExportHandlerDeps {
  /**
   * How signing keys are sealed: the system keychain on the desktop (safeStorageProtector,
   * asked on every use: it throws the reason when keys cannot be protected), a key file in the
   * preview (previewKeyFileProtection, also the default for the bridge host).
   */
  keyProtection?: KeyProtection;
  /** Desktop: a native dialog for the export folder; null when cancelled. */
  pickExportFolder?: () => Promise<string | null>;
  /** Desktop: shows a file in the file manager (shell.showItemInFolder). */
  revealPath?: (path: string) => void;
  /** Runs an export (default: a worker thread from export-worker.cjs). */
  exportRunner?: ExportRunner;
  /** Where pinned packs are found (shared with intake; default: the built-in criteria and `<dataDir>/packs`). */
  packRoots?: PackRoot[];
  /**
   * Desktop: registers work the app must finish before it quits. Exports register "wait for
   * the running exports", so quitting mid-export does not throw the export away.
   */
  beforeQuit?: (hook: () => Promise<unknown>) => void;
}

const DESTINATION_TTL_MS = 60 * 60 * 1000;

/** `20260301-102030` in UTC: sorts by time and is a valid folder name everywhere. */
function stamp(d: Date): string {
  return d.toISOString().replace(/\.\d+Z$/, '').replace(/[-:]/g, '').replace('T', '-');
}

/** Names an export writes, and the temporary files of its atomic writes (`.<name>.<pid>.<random>.tmp`). */
const EXPORT_OUTPUT = /^(?:(?:report\.pdf|report\.xlsx|report\.xlsx\.p7s|ca\.pem|assessment-results\.json|.+\.tfpkg)|\.(?:report\.pdf|report\.xlsx|report\.xlsx\.p7s|ca\.pem|assessment-results\.json|.+\.tfpkg)\.\d+\.[0-9a-f]+\.tmp)$/;

/**
 * Removes what a cancelled export wrote: its own new folder entirely; in a folder the user
 * chose, only export outputs written since the export started (older files stay).
 */
async function removeExportOutputs(outDir: string, ownFolder: boolean, since: number): Promise<void> {
  if (ownFolder) {
    await rm(outDir, { recursive: true, force: true }).catch(() => undefined);
    return;
  }
  for (const dir of [outDir, join(outDir, 'oscal')]) {
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names) {
      if (!EXPORT_OUTPUT.test(name)) continue;
      const path = join(dir, name);
      const st = await stat(path).catch(() => null);
      if (st?.isFile() && st.mtimeMs >= since - 1000) await unlink(path).catch(() => undefined);
    }
  }
}

function stepsFor(signed: boolean, oscal: boolean): ExportStepName[] {
  return ['workspace', 'pack', 'report-pdf', 'report-xlsx', ...(signed ? (['sign'] as const) : []), ...(oscal ? (['oscal'] as const) : []), 'package', 'done'];
}

function sentence(message: string): string {
  const m = message.trim();
  return `${m.charAt(0).toUpperCase()}${m.slice(1)}${/[.!?]$/.test(m) ? '' : '.'}`;
}

interface Outcome {
  view: ExportResultView;
  packagePath: string;
}

export function createExportHandlers(
  deps: ExportHandlerDeps & { dataDir: string; host: 'electron' | 'bridge'; systemLocale?: string },
  assessments: AssessmentService,
  overrides: { identities?: IdentityService } = {},
): ExportHandlers {
  const protection: KeyProtection = deps.keyProtection
    ? deps.keyProtection
    : deps.host === 'bridge'
      ? previewKeyFileProtection(deps.dataDir)
      : {
          kind: 'system-keychain',
          protector: () => {
            throw new Error('this installation cannot store signing keys (no key protector); sign from the CLI with a passphrase');
          },
        };
  const identities = overrides.identities ?? createIdentityService({ dataDir: deps.dataDir, protection });
  const runner = deps.exportRunner ?? workerRunner(() => findExportWorker());
  const jobs = createExportJobs<Outcome>();
  deps.beforeQuit?.(() => jobs.idle());
  const picks = new Map<string, { dir: string; at: number }>();
  const packRoots = (): PackRoot[] => deps.packRoots ?? defaultAppPackRoots(deps.dataDir);
  type TemplateEntry = ResultOf<'tfa:export:options'>['templates'][number] & { dir: string };
  let templates: Promise<TemplateEntry[]> | null = null;

  /** Built-in templates (folders holding template.yaml) with their titles; read once. */
  function listTemplates(): Promise<TemplateEntry[]> {
    templates ??= (async () => {
      const root = builtinTemplatesDir();
      if (!root) return [];
      const out: TemplateEntry[] = [];
      for (const entry of (await readdir(root, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
        if (!entry.isDirectory()) continue;
        try {
          const t = await readTemplate(join(root, entry.name));
          out.push({ name: entry.name, title: { ja: t.spec.title.ja, en: t.spec.title.en }, dir: join(root, entry.name) });
        } catch {
          // Not a template (fonts/) or a broken one: not offered.
        }
      }
      // The default first: it is what the CLI uses without --template.
      return out.sort((a, b) => Number(b.name === 'default') - Number(a.name === 'default'));
    })();
    return templates;
  }

  async function uiLanguage(): Promise<Language> {
    try {
      const s = Settings.safeParse(JSON.parse(await readFile(join(deps.dataDir, 'settings.json'), 'utf8')));
      if (s.success && s.data.language !== 'system') return s.data.language;
    } catch {
      // No settings yet: the OS language.
    }
    return (deps.systemLocale ?? '').toLowerCase().startsWith('ja') ? 'ja' : 'en';
  }

  function jobView(id: string): ExportJobView {
    const j = jobs.get(id);
    if (!j) throw new ApiFailure('not-found', 'This export is no longer known (the app was restarted): export again.');
    const end = j.endedAt ?? new Date();
    return {
      job: j.job,
      handle: j.key,
      state: j.state,
      step: j.step,
      steps: j.steps,
      startedAt: j.startedAt.toISOString(),
      elapsedMs: Math.max(0, end.getTime() - j.startedAt.getTime()),
      result: j.result?.view ?? null,
      error: j.error ? { code: j.error.code, message: sentence(j.error.message) } : null,
    };
  }

  /** The files as the screen lists them; ca.pem written beside them for the certification body. */
  async function outcome(r: ExportResult, chain: Uint8Array[] | null, revision: number): Promise<Outcome> {
    const files: ExportResultView['files'] = [];
    const add = (kind: ExportResultView['files'][number]['kind'], f: { path: string; sha256: string; size: number } | null) => {
      if (f) files.push({ kind, name: relative(r.outDir, f.path), sha256: f.sha256, size: f.size });
    };
    add('package', r.package);
    add('report-pdf', r.reportPdf);
    add('report-xlsx', r.reportXlsx);
    add('xlsx-signature', r.xlsxSignature);
    add('oscal', r.oscal);
    const root = chain ? rootCa(chain) : null;
    if (root) {
      const pem = toPem('CERTIFICATE', root.der);
      const path = join(r.outDir, 'ca.pem');
      const bytes = utf8Encode(pem);
      await writeFileAtomic(path, bytes, { mode: 0o644 });
      add('ca-certificate', { path, sha256: sha256Hex(bytes), size: bytes.length });
    } else {
      // A CA certificate of an earlier export in the same folder would vouch for nothing here.
      await unlink(join(r.outDir, 'ca.pem')).catch(() => undefined);
    }
    return {
      packagePath: r.package.path,
      view: {
        folder: r.outDir,
        files,
        packageSha256: r.package.sha256,
        signer: r.signer
          ? {
              subject: r.signer.subject,
              commonName: r.signer.commonName,
              fingerprintSha256: r.signer.fingerprintSha256,
              notAfter: r.signer.notAfter,
              caSubject: root?.info.subject ?? null,
              caFingerprintSha256: root?.info.sha256 ?? null,
            }
          : null,
        signedAt: r.signedAt,
        levels: r.levels.dimensions,
        assessmentRevision: revision,
        warnings: r.warnings.map(sentence),
      },
    };
  }

  return {
    'tfa:identities:list': () => identities.list(),
    'tfa:identities:create': (args) => identities.create(args),
    'tfa:identities:import': (args) => identities.import(args),
    'tfa:identities:remove': ({ id }) => identities.remove(id),
    'tfa:identities:caCertificate': ({ id }) => identities.caCertificate(id),

    async 'tfa:export:options'({ handle }) {
      const source = await assessments.get(handle);
      const { identities: list, storage } = await identities.list();
      return {
        templates: (await listTemplates()).map(({ name, title }) => ({ name, title })),
        identities: list,
        storage,
        defaultLang: await uiLanguage(),
        defaultDestination: join(deps.dataDir, 'exports', source.document.id),
        canPickDestination: deps.pickExportFolder !== undefined,
        canReveal: deps.revealPath !== undefined,
        running: jobs.running(handle)?.job ?? null,
        last: jobs.last(handle)?.job ?? null,
      };
    },

    async 'tfa:export:start'(args) {
      const { handle, lang, identity, include, destination } = args;
      const template = args.template ?? 'default';
      if (jobs.running(handle)) throw new ApiFailure('conflict', 'An export of this assessment is already running: wait for it to finish.');
      const chosen = (await listTemplates()).find((t) => t.name === template);
      if (!chosen) throw new ApiFailure('invalid-input', `There is no report template "${template}": choose one of the templates offered.`);
      let outDirChosen: string | null = null;
      if (destination !== undefined) {
        const pick = picks.get(destination);
        picks.delete(destination);
        if (!pick || Date.now() - pick.at > DESTINATION_TTL_MS) throw new ApiFailure('not-found', 'The chosen export folder is no longer available: choose the folder again.');
        outDirChosen = pick.dir;
      }
      const at = new Date(Math.floor(Date.now() / 1000) * 1000);
      // Unlock before anything is written: a locked keychain or an expired certificate is said at once.
      const signing = identity ? await identities.unlock(identity, at) : null;
      const chain = signing ? signing.chain.map((c) => c.slice()) : null;
      const source = await assessments.exportSource(handle);
      const outDir = outDirChosen ?? join(deps.dataDir, 'exports', source.id, stamp(at));
      const request: ExportRequest = {
        workspaceDir: source.dir,
        outDir,
        lang,
        template: chosen.dir,
        fontsDir: reportFontsDir(),
        identity: signing,
        signingTime: at.toISOString(),
        include,
        timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC',
        packRoots: packRoots(),
      };
      const startedAt = Date.now();
      const job = jobs.start(handle, stepsFor(signing !== null, include.oscal), async (progress, signal) => {
        try {
          return await outcome(await runner(request, progress, signal), chain, source.revision);
        } catch (err) {
          // A cancelled export leaves nothing behind that could be mistaken for a finished one.
          if (signal.aborted) await removeExportOutputs(outDir, outDirChosen === null, startedAt);
          throw err;
        }
      });
      if (!job) throw new ApiFailure('conflict', 'An export of this assessment is already running: wait for it to finish.');
      return { job: job.job };
    },

    async 'tfa:export:status'({ job }) {
      return jobView(job);
    },

    async 'tfa:export:cancel'({ job }) {
      const j = jobs.get(job);
      if (!j) throw new ApiFailure('not-found', 'This export is no longer known: start it again.');
      if (jobs.cancel(job)) await jobs.idle();
      return jobView(job);
    },

    async 'tfa:export:reveal'({ job }) {
      if (!deps.revealPath) throw new ApiFailure('bad-request', 'Showing files in the file manager needs the desktop app; the preview lists where they are.');
      const j = jobs.get(job);
      if (!j?.result) throw new ApiFailure('not-found', 'This export has no files to show: export again.');
      deps.revealPath(j.result.packagePath);
      return null;
    },

    async 'tfa:dialogs:pickExportFolder'() {
      if (!deps.pickExportFolder) throw new ApiFailure('bad-request', 'Choosing a folder needs the desktop app; the preview exports into its data folder.');
      const dir = await deps.pickExportFolder();
      if (!dir) return null;
      const destination = newHandle();
      picks.set(destination, { dir, at: Date.now() });
      return { destination, folder: dir };
    },
  };
}
