import { describe, expect, it, vi } from 'vitest';
import { BLOCKED_REQUEST_URLS, denyPermissionCheck, denyPermissionRequest, hardenSession } from './session';

type RequestHandler = (wc: unknown, perm: string, cb: (granted: boolean) => void, details: unknown) => void;
type CheckHandler = (wc: unknown, perm: string, origin: string, details: unknown) => boolean;
type DeviceHandler = (details: unknown) => boolean;
type BeforeRequest = (details: { url: string }, cb: (r: { cancel: boolean }) => void) => void;

interface Captured {
  request?: RequestHandler;
  check?: CheckHandler;
  device?: DeviceHandler;
  filter?: { urls: string[] };
  onRequest?: BeforeRequest;
}

function fakeSession(): Captured {
  const s: Captured = {};
  const session = {
    setPermissionRequestHandler: (h: RequestHandler) => (s.request = h),
    setPermissionCheckHandler: (h: CheckHandler) => (s.check = h),
    setDevicePermissionHandler: (h: DeviceHandler) => (s.device = h),
    webRequest: {
      onBeforeRequest: (filter: { urls: string[] }, h: BeforeRequest) => {
        s.filter = filter;
        s.onRequest = h;
      },
    },
  };
  hardenSession(session as never);
  return s;
}

const PERMISSIONS = ['media', 'geolocation', 'notifications', 'clipboard-read', 'clipboard-sanitized-write', 'openExternal', 'fullscreen', 'hid', 'serial', 'usb', 'fileSystem', 'unknown'];

describe('hardenSession', () => {
  it('denies every permission request, whoever asks', () => {
    const s = fakeSession();
    expect(s.request).toBe(denyPermissionRequest);
    for (const perm of PERMISSIONS) {
      const cb = vi.fn();
      s.request!({}, perm, cb, { requestingUrl: 'app://tf-assessor/index.html' });
      expect(cb).toHaveBeenCalledExactlyOnceWith(false);
    }
  });

  it('answers every permission check with false, even for the app origin', () => {
    const s = fakeSession();
    expect(s.check).toBe(denyPermissionCheck);
    for (const perm of PERMISSIONS) expect(s.check!(null, perm, 'app://tf-assessor', {})).toBe(false);
  });

  it('grants no device access', () => {
    expect(fakeSession().device!({ deviceType: 'usb', origin: 'app://tf-assessor' })).toBe(false);
  });

  it('cancels every http(s), ws(s) and ftp request the renderer makes', () => {
    const s = fakeSession();
    expect(s.filter!.urls).toEqual(['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*', 'ftp://*/*']);
    expect(BLOCKED_REQUEST_URLS).toEqual(s.filter!.urls);
    const cb = vi.fn();
    s.onRequest!({ url: 'https://telemetry.example/' }, cb);
    expect(cb).toHaveBeenCalledExactlyOnceWith({ cancel: true });
  });
});
