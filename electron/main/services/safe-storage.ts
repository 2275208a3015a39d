/**
 * Signing keys at rest in the desktop app: sealed by Electron's safeStorage (macOS
 * Keychain, Windows DPAPI, the Secret Service or KWallet on Linux). Refuses instead of
 * degrading: when encryption is unavailable, or on Linux when no keyring is found and
 * Electron would fall back to 'basic_text' (a hard-coded password, i.e. no protection).
 */
import { safeStorage } from 'electron';
import type { KeyProtector } from '../../../core/node/identity-store';
import { KeyProtectionError } from '../../../core/node/identity-store';

/** The part of Electron's safeStorage used here (injectable for tests). */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  getSelectedStorageBackend?(): string;
}

/** Why keys cannot be protected on this machine; shown to the user as is. */
export class SafeStorageUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SafeStorageUnavailableError';
  }
}

function assertUsable(storage: SafeStorageLike, platform: NodeJS.Platform): void {
  if (!storage.isEncryptionAvailable()) {
    throw new SafeStorageUnavailableError('the system keychain is not available, so signing keys cannot be stored encrypted; unlock the keychain or sign from the CLI with a passphrase');
  }
  if (platform === 'linux') {
    const backend = storage.getSelectedStorageBackend?.() ?? 'unknown';
    if (backend === 'basic_text' || backend === 'unknown') {
      throw new SafeStorageUnavailableError(
        `no system keyring was found (safeStorage backend "${backend}"), so keys would be stored with a fixed password; start GNOME Keyring or KWallet, or sign from the CLI with a passphrase`,
      );
    }
  }
}

/**
 * A KeyProtector over Electron's safeStorage. Checks availability when created and before
 * every use (a keyring can be locked later). Call after the app is ready.
 */
export function safeStorageProtector(storage: SafeStorageLike = safeStorage, platform: NodeJS.Platform = process.platform): KeyProtector {
  assertUsable(storage, platform);
  return {
    kind: 'electron-safe-storage',
    async protect(plain) {
      assertUsable(storage, platform);
      // safeStorage seals strings; base64 keeps the key bytes intact through it.
      return new Uint8Array(storage.encryptString(Buffer.from(plain).toString('base64')));
    },
    async unprotect(sealed) {
      assertUsable(storage, platform);
      let text: string;
      try {
        text = storage.decryptString(Buffer.from(sealed));
      } catch (e) {
        throw new KeyProtectionError(`the system keychain could not open the key (${e instanceof Error ? e.message : String(e)}); it may belong to another user or machine`);
      }
      return new Uint8Array(Buffer.from(text, 'base64'));
    },
  };
}
