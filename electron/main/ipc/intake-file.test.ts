// The private drag-and-drop channel with the real assessment service on temp folders; only
// Electron's ipcMain is faked (the binary cannot run here).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { INTAKE_FILE_CHANNEL } from '../../common/private-channels';
import { createAssessmentService, type AssessmentService } from '../services/assessments';
import { createPackLoader } from '../services/packs';

type Listener = (event: unknown, args: unknown) => Promise<unknown>;
const ipcMain = vi.hoisted(() => {
  const listeners = new Map<string, Listener>();
  return {
    listeners,
    handle: vi.fn((channel: string, l: Listener) => listeners.set(channel, l)),
    removeHandler: vi.fn((channel: string) => listeners.delete(channel)),
  };
});
vi.mock('electron', () => ({ ipcMain }));

const { registerIntakeFileChannel } = await import('./intake-file');

const appFrame = { senderFrame: { url: 'app://tf-assessor/index.html', parent: null } };
let root: string;
let dataDir: string;
let service: AssessmentService;
let unregister: () => void;

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'tfa-drop-ipc-'));
  dataDir = path.join(root, 'data');
  service = createAssessmentService({
    dataDir,
    actor: 'Sato Hanako',
    loadPack: createPackLoader({ builtinDir: path.join(process.cwd(), 'criteria'), userDir: path.join(dataDir, 'packs') }),
    workspace: { snapshotDelayMs: 10, retryDelayMs: 20 },
  });
  unregister = registerIntakeFileChannel(service);
});
afterEach(async () => {
  unregister();
  await service.closeAll().catch(() => undefined);
  await rm(root, { recursive: true, force: true });
});

const send = (event: unknown, args: unknown) => ipcMain.listeners.get(INTAKE_FILE_CHANNEL)!(event, args);

async function openAssessment(): Promise<string> {
  const view = await service.create({
    organization: { legalName: '株式会社サンプルID', identifiers: [] },
    service: { name: 'サンプルID', description: '' },
    pack: { id: 'jp-idtf', version: '2.0.0' },
    type: 'third-party',
    roles: ['IdP'],
    capabilities: [],
    targets: {},
  });
  return view.handle;
}

describe('the drag-and-drop channel', () => {
  it('registers a dropped file as a source that tfa:evidence:add then stores', async () => {
    const handle = await openAssessment();
    const file = path.join(root, 'ログ抜粋.txt');
    await writeFile(file, 'login failures: 3');
    const r = (await send(appFrame, { assessment: handle, path: file })) as { ok: true; value: { source: string; name: string; size: number } };
    expect(r).toEqual({ ok: true, value: { source: expect.stringMatching(/^[A-Za-z0-9_-]+$/), name: 'ログ抜粋.txt', size: 17 } });
    const added = await service.addEvidence({ handle, source: r.value.source, criteria: ['AAL-02'] });
    expect(added.document.criteria['AAL-02']!.evidence).toEqual([added.added.hash]);
    // Unregistering removes the channel.
    unregister();
    expect(ipcMain.listeners.has(INTAKE_FILE_CHANNEL)).toBe(false);
    unregister = () => undefined;
  });

  it('checks the sender before reading anything, like the API', async () => {
    const registerDroppedFile = vi.spyOn(service, 'registerDroppedFile');
    for (const event of [{ senderFrame: null }, { senderFrame: { url: 'about:blank', parent: null } }, { senderFrame: { url: 'app://tf-assessor/', parent: {} } }]) {
      await expect(send(event, { assessment: 'h', path: '/etc/passwd' })).resolves.toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
    expect(registerDroppedFile).not.toHaveBeenCalled();
  });

  it('refuses malformed requests, closed assessments, the data folder and non-regular files', async () => {
    const handle = await openAssessment();
    await expect(send(appFrame, { assessment: handle })).resolves.toMatchObject({ ok: false, error: { code: 'bad-request' } });
    await expect(send(appFrame, { assessment: handle, path: '/x', extra: 1 })).resolves.toMatchObject({ ok: false, error: { code: 'bad-request' } });
    await expect(send(appFrame, 'nonsense')).resolves.toMatchObject({ ok: false, error: { code: 'bad-request' } });
    const file = path.join(root, 'a.txt');
    await writeFile(file, 'a');
    await expect(send(appFrame, { assessment: 'not-open', path: file })).resolves.toMatchObject({ ok: false, error: { code: 'conflict' } });
    await expect(send(appFrame, { assessment: handle, path: path.join(dataDir, 'assessments.json') })).resolves.toMatchObject({
      ok: false,
      error: { code: 'invalid-input', message: expect.stringMatching(/own data folder/) },
    });
    await expect(send(appFrame, { assessment: handle, path: root })).resolves.toMatchObject({ ok: false, error: { code: 'invalid-input', message: expect.stringMatching(/not a regular file/) } });
  });
});
