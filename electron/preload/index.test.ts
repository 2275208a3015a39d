import { describe, expect, it, vi } from 'vitest';
import { contract, methodName, type Channel } from '../../core/api/contract';
import { APP_COMMAND_CHANNEL, INTAKE_FILE_CHANNEL } from '../common/private-channels';

const electron = vi.hoisted(() => ({
  contextBridge: { exposeInMainWorld: vi.fn() },
  ipcRenderer: { invoke: vi.fn(), send: vi.fn(), sendSync: vi.fn(), on: vi.fn(), removeListener: vi.fn() },
  webUtils: { getPathForFile: vi.fn() },
}));
vi.mock('electron', () => electron);

await import('./index');

describe('preload', () => {
  const exposed = Object.fromEntries(electron.contextBridge.exposeInMainWorld.mock.calls as [string, Record<string, unknown>][]);
  const api = exposed.api!;

  it('exposes window.api, and beside it only window.intake (registerFile) and window.commands (onCommand)', () => {
    expect(Object.keys(exposed).sort()).toEqual(['api', 'commands', 'intake']);
    expect(Object.keys(exposed.intake!)).toEqual(['registerFile']);
    expect(Object.keys(exposed.commands!)).toEqual(['onCommand']);
  });

  it('window.intake looks the path up itself and sends it on the private channel, never the contract', async () => {
    const file = { name: 'policy.pdf' };
    electron.webUtils.getPathForFile.mockReturnValueOnce('/home/u/policy.pdf');
    electron.ipcRenderer.invoke.mockResolvedValueOnce({ ok: true, value: { source: 'src1', name: 'policy.pdf', size: 3 } });
    const registerFile = exposed.intake!.registerFile as (a: string, f: unknown) => Promise<unknown>;
    await expect(registerFile('h1', file)).resolves.toEqual({ ok: true, value: { source: 'src1', name: 'policy.pdf', size: 3 } });
    expect(electron.webUtils.getPathForFile).toHaveBeenCalledWith(file);
    expect(electron.ipcRenderer.invoke).toHaveBeenLastCalledWith(INTAKE_FILE_CHANNEL, { assessment: 'h1', path: '/home/u/policy.pdf' });
    expect(Object.keys(contract)).not.toContain(INTAKE_FILE_CHANNEL);
  });

  it('window.commands passes on only listed command names, without the IPC event', () => {
    const received: unknown[] = [];
    const stop = (exposed.commands!.onCommand as (cb: (...a: unknown[]) => void) => () => void)((...args) => received.push(args));
    const [[channel, listener]] = electron.ipcRenderer.on.mock.calls as [[string, (e: unknown, n: unknown) => void]];
    expect(channel).toBe(APP_COMMAND_CHANNEL);
    listener({ sender: 'ipc' }, 'go.nextBlocking');
    listener({ sender: 'ipc' }, 'shell.openExternal');
    listener({ sender: 'ipc' }, { toString: () => 'edit.undo' });
    expect(received).toEqual([['go.nextBlocking']]);
    stop();
    expect(electron.ipcRenderer.removeListener).toHaveBeenCalledWith(APP_COMMAND_CHANNEL, listener);
    electron.ipcRenderer.on.mockClear();
  });

  it('window.api has exactly the contract method names, each a function', () => {
    expect(Object.keys(api).sort()).toEqual((Object.keys(contract) as Channel[]).map(methodName).sort());
    for (const value of Object.values(api)) expect(typeof value).toBe('function');
  });

  it('talks to main only through ipcRenderer.invoke on the contract channel', async () => {
    electron.ipcRenderer.invoke.mockClear();
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
