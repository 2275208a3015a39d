// The desktop wiring of the export handlers, with a fake `electron` (the runtime cannot run
// here): keys go through safeStorage and are refused without a real keyring; the package is
// shown with shell.showItemInFolder; the folder comes from the native dialog.
import { beforeEach, describe, expect, it, vi } from 'vitest';

const electron = vi.hoisted(() => ({
  safeStorage: {
    backend: 'gnome_libsecret',
    isEncryptionAvailable: vi.fn(() => true),
    getSelectedStorageBackend() {
      return this.backend;
    },
    encryptString: vi.fn((s: string) => Buffer.from(`sealed:${s}`)),
    decryptString: vi.fn((b: Buffer) => b.toString().replace(/^sealed:/, '')),
  },
  shell: { showItemInFolder: vi.fn() },
}));
vi.mock('electron', () => electron);

const { desktopExportDeps } = await import('./export-deps');

beforeEach(() => {
  electron.safeStorage.backend = 'gnome_libsecret';
  electron.shell.showItemInFolder.mockReset();
});

describe('desktop export wiring', () => {
  const deps = desktopExportDeps({ pickExportFolder: async () => '/home/u/提出' });

  it('seals keys with the system keychain, and refuses when Linux has no keyring', async () => {
    expect(deps.keyProtection?.kind).toBe('system-keychain');
    const p = deps.keyProtection!.protector();
    const sealed = await p.protect(new Uint8Array([1, 2, 3]));
    expect(Buffer.from(sealed).toString()).toBe('sealed:AQID');
    expect([...(await p.unprotect(sealed))]).toEqual([1, 2, 3]);
    electron.safeStorage.backend = 'basic_text';
    // A protector is asked for on every use: a keyring that went away is noticed.
    expect(() => deps.keyProtection!.protector()).toThrow(/basic_text/);
  });

  it('reveals the package with the file manager and picks the folder with the native dialog', async () => {
    deps.revealPath!('/home/u/提出/pkg.tfpkg');
    expect(electron.shell.showItemInFolder).toHaveBeenCalledWith('/home/u/提出/pkg.tfpkg');
    await expect(deps.pickExportFolder!()).resolves.toBe('/home/u/提出');
  });
});
