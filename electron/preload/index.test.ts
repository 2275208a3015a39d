import { describe, expect, it, vi } from 'vitest';
import { contract, methodName, type Channel } from '../../core/api/contract';

const electron = vi.hoisted(() => ({
  contextBridge: { exposeInMainWorld: vi.fn() },
  ipcRenderer: { invoke: vi.fn(), send: vi.fn(), sendSync: vi.fn(), on: vi.fn() },
}));
vi.mock('electron', () => electron);

await import('./index');

describe('preload', () => {
  const [[key, api]] = electron.contextBridge.exposeInMainWorld.mock.calls as [[string, Record<string, unknown>]];

  it('exposes one object, window.api, and nothing else', () => {
    expect(electron.contextBridge.exposeInMainWorld).toHaveBeenCalledOnce();
    expect(key).toBe('api');
  });

  it('window.api has exactly the contract method names, each a function', () => {
    expect(Object.keys(api).sort()).toEqual((Object.keys(contract) as Channel[]).map(methodName).sort());
    for (const value of Object.values(api)) expect(typeof value).toBe('function');
  });

  it('talks to main only through ipcRenderer.invoke on the contract channel', async () => {
    electron.ipcRenderer.invoke.mockResolvedValueOnce({ ok: true, value: [] });
    await expect((api.packsList as () => Promise<unknown>)()).resolves.toEqual({ ok: true, value: [] });
    expect(electron.ipcRenderer.invoke).toHaveBeenCalledExactlyOnceWith('tfa:packs:list', undefined);
    expect(electron.ipcRenderer.send).not.toHaveBeenCalled();
    expect(electron.ipcRenderer.sendSync).not.toHaveBeenCalled();
    expect(electron.ipcRenderer.on).not.toHaveBeenCalled();
  });

  it('a malformed answer from main reaches the renderer as an error result', async () => {
    electron.ipcRenderer.invoke.mockResolvedValueOnce({ ok: true, value: [{ id: 42 }] });
    await expect((api.packsList as () => Promise<unknown>)()).resolves.toMatchObject({ ok: false, error: { code: 'internal' } });
  });
});
