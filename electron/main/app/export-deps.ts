/**
 * What the export and identity handlers get from Electron in the desktop app: keys sealed by
 * the system keychain (safeStorage, asked on every use since a keyring can be locked later),
 * the native export-folder dialog, and showing the exported package in the file manager.
 */
import { shell } from 'electron';
import type { ExportHandlerDeps } from '../handlers-export';
import { safeStorageProtector } from '../services/safe-storage';
import type { DialogPickers } from './dialogs';

export function desktopExportDeps(dialogs: Pick<DialogPickers, 'pickExportFolder'>): ExportHandlerDeps {
  return {
    keyProtection: { kind: 'system-keychain', protector: () => safeStorageProtector() },
    pickExportFolder: () => dialogs.pickExportFolder(),
    revealPath: (p) => shell.showItemInFolder(p),
  };
}
