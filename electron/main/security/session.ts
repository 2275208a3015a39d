/**
 * Session-wide settings: no permission is ever granted and no network request leaves the
 * renderer (the app works fully offline; its own files come from app://).
 *
 * #region SECURITY-SENSITIVE — session.test.ts pins each handler.
 */
import type { Session } from 'electron';

/** Permission requests (camera, notifications, clipboard-read, ...): always refused. */
export function denyPermissionRequest(_webContents: unknown, _permission: string, callback: (granted: boolean) => void): void {
  callback(false);
}

/** Synchronous permission checks: always false. */
export function denyPermissionCheck(): boolean {
  return false;
}

/** Schemes the renderer could use to reach the network; every request to them is cancelled. */
export const BLOCKED_REQUEST_URLS: readonly string[] = Object.freeze([
  'http://*/*',
  'https://*/*',
  'ws://*/*',
  'wss://*/*',
  'ftp://*/*',
]);

export type HardenableSession = Pick<
  Session,
  'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler'
> & {
  webRequest: Pick<Session['webRequest'], 'onBeforeRequest'>;
};

export function hardenSession(session: HardenableSession): void {
  session.setPermissionRequestHandler(denyPermissionRequest);
  session.setPermissionCheckHandler(denyPermissionCheck);
  // USB / HID / serial devices.
  session.setDevicePermissionHandler(() => false);
  session.webRequest.onBeforeRequest({ urls: [...BLOCKED_REQUEST_URLS] }, (_details, callback) => callback({ cancel: true }));
}
// #endregion
