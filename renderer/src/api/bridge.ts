// window.api for the browser preview: the same contract as the Electron preload, carried
// over HTTP to the bridge (electron/bridge/server.ts). Responses are parsed with the
// contract's schemas, as the preload does, so a misbehaving server cannot hand the UI data
// of the wrong shape.
import {
  contract,
  methodName,
  ApiResultSchema,
  type Api,
  type ApiError,
  type ApiResult,
  type Channel,
} from '../../../core/api/contract';

export interface BridgeClientOptions {
  /**
   * The per-run token from the preview address; null when the page was opened without it.
   * Read on every call, so a token that arrives later (the address pasted again) is used.
   */
  token: () => string | null;
  fetch?: typeof fetch;
}

export const TOKEN_HEADER = 'X-TFA-Token';

function failure(code: ApiError['code'], message: string): ApiResult<never> {
  return { ok: false, error: { code, message } };
}

export function createBridgeClient(options: BridgeClientOptions): Api {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);

  async function call(channel: Channel, args: unknown): Promise<ApiResult<unknown>> {
    const token = options.token();
    if (!token) {
      return failure('forbidden', 'The preview session token is missing: open the address printed by npm run preview (it ends with #token=…).');
    }
    let response: Response;
    try {
      response = await doFetch(`/api/${channel}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', [TOKEN_HEADER]: token },
        body: JSON.stringify({ args }),
        credentials: 'omit',
        cache: 'no-store',
      });
    } catch {
      return failure('io', 'Could not reach the preview bridge. Is npm run preview still running?');
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      return failure('internal', `The preview bridge sent an unreadable response for ${channel} (HTTP ${response.status}).`);
    }
    const parsed = ApiResultSchema(contract[channel].result).safeParse(body);
    if (!parsed.success) {
      return failure('internal', `The preview bridge sent an unexpected response for ${channel} (HTTP ${response.status}).`);
    }
    return parsed.data as ApiResult<unknown>;
  }

  const client: Record<string, (args?: unknown) => Promise<ApiResult<unknown>>> = {};
  for (const channel of Object.keys(contract) as Channel[]) {
    client[methodName(channel)] = (args?: unknown) => call(channel, args);
  }
  return Object.freeze(client) as unknown as Api;
}
