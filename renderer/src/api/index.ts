// The one way the renderer reaches the privileged side. In Electron the preload exposes
// window.api; in the browser preview there is none and we talk to the bridge over HTTP.
// Every method resolves to an ApiResult and never rejects, so stores need no try/catch.
import './zod-jitless';
import { contract, methodName, type Api, type ApiResult, type Channel } from '../../../core/api/contract';
import { createBridgeClient } from './bridge';
import { currentToken, takeTokenFromLocation } from './token';

let bridgeClient: Api | undefined;

/**
 * Call once at start-up, before the first API call: takes the bridge token from the URL.
 * In the preview, pasting the printed address into a tab that lost its token (after a
 * reload) changes only the fragment, so the page is not reloaded: `onNewToken` lets the app
 * fetch what it could not load before.
 */
export function initApi(onNewToken?: () => void): void {
  if (window.api) return;
  takeTokenFromLocation();
  window.addEventListener('hashchange', () => {
    const before = currentToken();
    const after = takeTokenFromLocation();
    if (after && after !== before) onNewToken?.();
  });
}

function backend(): Api {
  // Read window.api on every call rather than caching it: the preload defines it before any
  // script runs, and tests replace it between cases.
  if (window.api) return window.api;
  bridgeClient ??= createBridgeClient({ token: currentToken });
  return bridgeClient;
}

function safe(channel: Channel): (args?: unknown) => Promise<ApiResult<unknown>> {
  const name = methodName(channel);
  return async (...args: unknown[]) => {
    try {
      const method = (backend() as unknown as Record<string, (...a: unknown[]) => Promise<ApiResult<unknown>>>)[name];
      if (typeof method !== 'function') {
        return { ok: false, error: { code: 'internal', message: `This version of the app does not provide ${channel}.` } };
      }
      return await method(...args);
    } catch (err) {
      return { ok: false, error: { code: 'internal', message: err instanceof Error ? err.message : String(err) } };
    }
  };
}

export const api: Api = Object.freeze(
  Object.fromEntries((Object.keys(contract) as Channel[]).map((channel) => [methodName(channel), safe(channel)])),
) as unknown as Api;
