import { beforeEach, describe, expect, it, vi } from 'vitest';

const state = vi.hoisted(() => ({ available: true, backend: 'gnome_libsecret', decryptFails: false }));

// Electron cannot run here; the mock behaves like safeStorage: strings in, opaque bytes out.
vi.mock('electron', () => ({
  safeStorage: {
    isEncryptionAvailable: () => state.available,
    getSelectedStorageBackend: () => state.backend,
    encryptString: (s: string) => Buffer.from(`sealed:${Buffer.from(s).toString('hex')}`),
    decryptString: (b: Buffer) => {
      if (state.decryptFails) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
      const t = b.toString();
      if (!t.startsWith('sealed:')) throw new Error('not sealed');
      return Buffer.from(t.slice(7), 'hex').toString();
    },
  },
}));

import { KeyProtectionError } from '../../../core/node/identity-store';
import { safeStorageProtector, SafeStorageUnavailableError } from './safe-storage';

beforeEach(() => {
  state.available = true;
  state.backend = 'gnome_libsecret';
  state.decryptFails = false;
});

describe('safeStorageProtector', () => {
  it('seals bytes through safeStorage and opens them again', async () => {
    const p = safeStorageProtector(undefined, 'linux');
    expect(p.kind).toBe('electron-safe-storage');
    const secret = Uint8Array.from({ length: 300 }, (_, i) => (i * 13) & 255);
    const sealed = await p.protect(secret);
    expect(Buffer.from(sealed).toString().startsWith('sealed:')).toBe(true);
    expect(await p.unprotect(sealed)).toEqual(secret);
  });

  it('refuses when encryption is not available', () => {
    state.available = false;
    expect(() => safeStorageProtector(undefined, 'darwin')).toThrow(SafeStorageUnavailableError);
    expect(() => safeStorageProtector(undefined, 'darwin')).toThrow(
      'the system keychain is not available, so signing keys cannot be stored encrypted; unlock the keychain or sign from the CLI with a passphrase',
    );
  });

  it.each(['basic_text', 'unknown'])('refuses the Linux "%s" backend (no real keyring)', (backend) => {
    state.backend = backend;
    expect(() => safeStorageProtector(undefined, 'linux')).toThrow(
      `no system keyring was found (safeStorage backend "${backend}"), so keys would be stored with a fixed password; start GNOME Keyring or KWallet, or sign from the CLI with a passphrase`,
    );
    // The backend only matters on Linux.
    expect(() => safeStorageProtector(undefined, 'win32')).not.toThrow();
  });

  it('refuses to seal once the keyring went away, and explains a key it cannot open', async () => {
    const p = safeStorageProtector(undefined, 'linux');
    const sealed = await p.protect(Uint8Array.of(1, 2, 3));
    state.backend = 'basic_text';
    await expect(p.protect(Uint8Array.of(1))).rejects.toThrow(SafeStorageUnavailableError);
    state.backend = 'kwallet5';
    state.decryptFails = true;
    await expect(p.unprotect(sealed)).rejects.toThrow(KeyProtectionError);
    await expect(p.unprotect(sealed)).rejects.toThrow(/it may belong to another user or machine$/);
  });
});
