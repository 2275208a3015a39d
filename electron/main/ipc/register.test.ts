import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { contract } from '../../../core/api/contract';
import { createHandlers, type Handlers } from '../handlers';

type Listener = (event: unknown, args: unknown) => Promise<unknown>;
const ipcMain = vi.hoisted(() => {
  const listeners = new Map<string, Listener>();
  return {
    listeners,
    handle: vi.fn((channel: string, l: Listener) => {
      if (listeners.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
      listeners.set(channel, l);
    }),
    removeHandler: vi.fn((channel: string) => listeners.delete(channel)),
  };
});
vi.mock('electron', () => ({ ipcMain }));

const { registerApi } = await import('./register');

const appFrame = { senderFrame: { url: 'app://tf-assessor/index.html', parent: null } };
const untrusted = [
  { senderFrame: null },
  { senderFrame: { url: 'about:blank', parent: null } },
  { senderFrame: { url: 'file:///x/index.html', parent: null } },
  { senderFrame: { url: 'app://tf-assessor.evil/', parent: null } },
  { senderFrame: { url: 'app://tf-assessor/index.html', parent: { url: 'app://tf-assessor/' } } },
];

let dataDir: string;
let handlers: Handlers;
let unregister: () => void;

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'tfa-ipc-'));
  handlers = createHandlers({
    dataDir,
    host: 'electron',
    version: '1.2.3',
    platform: 'linux',
    systemLocale: 'ja-JP',
    listPacks: async () => [],
  });
  unregister = registerApi(handlers);
});

afterEach(async () => {
  unregister();
  await rm(dataDir, { recursive: true, force: true });
});

const call = (channel: string, event: unknown, args?: unknown) => ipcMain.listeners.get(channel)!(event, args);

describe('registerApi', () => {
  it('registers exactly the contract channels, and unregisters them', () => {
    expect([...ipcMain.listeners.keys()].sort()).toEqual(Object.keys(contract).sort());
    unregister();
    expect(ipcMain.listeners.size).toBe(0);
    unregister = registerApi(handlers);
  });

  it('runs the real handler for the app window', async () => {
    await expect(call('tfa:app:info', appFrame)).resolves.toEqual({
      ok: true,
      value: { name: 'TF Assessor', version: '1.2.3', platform: 'linux', systemLanguage: 'ja', host: 'electron' },
    });
  });

  it.each(untrusted.map((e) => [e.senderFrame?.url ?? 'no frame', e]))('refuses %s with forbidden, on every channel', async (_name, event) => {
    for (const channel of Object.keys(contract)) {
      const result = (await call(channel, event, { language: 'en' })) as { ok: boolean; error?: { code: string } };
      expect(result.ok).toBe(false);
      expect(result.error?.code).toBe('forbidden');
    }
  });

  it('an untrusted sender cannot write: settings stay untouched on disk', async () => {
    await call('tfa:settings:set', { senderFrame: { url: 'about:blank', parent: null } }, { language: 'en' });
    await expect(readFile(path.join(dataDir, 'settings.json'), 'utf8')).rejects.toThrow();
    const ok = await call('tfa:settings:set', appFrame, { language: 'en' });
    expect(ok).toEqual({ ok: true, value: { language: 'en' } });
    expect(JSON.parse(await readFile(path.join(dataDir, 'settings.json'), 'utf8'))).toEqual({ language: 'en' });
  });

  it('validates arguments through dispatch', async () => {
    const result = (await call('tfa:settings:set', appFrame, { language: 'fr' })) as { ok: boolean; error?: { code: string } };
    expect(result).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    const extra = (await call('tfa:settings:set', appFrame, { language: 'en', admin: true })) as { ok: boolean; error?: { code: string } };
    expect(extra).toMatchObject({ ok: false, error: { code: 'bad-request' } });
  });
});
