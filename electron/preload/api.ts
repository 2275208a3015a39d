/**
 * Builds `window.api` from the contract: one named function per channel, nothing else.
 * What main sends back is parsed with the channel's result schema before the renderer sees
 * it, so a compromised or buggy main cannot hand the UI data of the wrong shape.
 */
import { ApiResultSchema, contract, methodName, type ApiResult, type Channel } from '../../core/api/contract';

export type Invoke = (channel: Channel, args: unknown) => Promise<unknown>;
export type ApiMethod = (args?: unknown) => Promise<ApiResult<unknown>>;

function failure(message: string): ApiResult<never> {
  return { ok: false, error: { code: 'internal', message } };
}

export function buildApi(invoke: Invoke): Readonly<Record<string, ApiMethod>> {
  const api: Record<string, ApiMethod> = {};
  for (const channel of Object.keys(contract) as Channel[]) {
    const schema = ApiResultSchema(contract[channel].result);
    api[methodName(channel)] = async (args?: unknown) => {
      let raw: unknown;
      try {
        raw = await invoke(channel, args);
      } catch {
        return failure('TF Assessor could not reach its background process. Restart the app; your saved work is safe.');
      }
      const parsed = schema.safeParse(raw);
      return parsed.success
        ? (parsed.data as ApiResult<unknown>)
        : failure(`TF Assessor received an invalid answer for ${channel}. Please report this.`);
    };
  }
  return Object.freeze(api);
}
