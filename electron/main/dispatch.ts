/**
 * Validates a call against the contract, runs its handler and turns every outcome into an
 * `ApiResult`. Shared by the IPC wrapper and the browser bridge; callers must have checked
 * who is calling before they get here.
 */
import { contract, ApiFailure, type ApiResult, type Channel } from '../../core/api/contract';
import type { Handlers } from './handlers';

export function isChannel(name: unknown): name is Channel {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(contract, name);
}

export async function dispatch(handlers: Handlers, channel: Channel, rawArgs: unknown): Promise<ApiResult<unknown>> {
  const spec = contract[channel];
  const args = spec.args.safeParse(rawArgs);
  if (!args.success) {
    const issue = args.error.issues[0];
    const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
    return { ok: false, error: { code: 'bad-request', message: `Invalid request for ${channel}${where}: ${issue?.message ?? 'bad arguments'}` } };
  }
  try {
    const handler = handlers[channel] as (a: unknown) => Promise<unknown>;
    const value = await handler(args.data);
    // Results are checked too: a handler bug must not leak unexpected data to the renderer.
    const checked = spec.result.safeParse(value);
    if (!checked.success) {
      return { ok: false, error: { code: 'internal', message: `The app produced an invalid result for ${channel}. Please report this.` } };
    }
    return { ok: true, value: checked.data };
  } catch (err) {
    if (err instanceof ApiFailure) return { ok: false, error: { code: err.code, message: err.message } };
    const e = err as NodeJS.ErrnoException;
    if (e?.code === 'ENOSPC') return { ok: false, error: { code: 'disk-full', message: 'The disk is full. Free some space; your work is kept in memory until it can be saved.' } };
    if (e?.code === 'EROFS' || e?.code === 'EACCES' || e?.code === 'EPERM') return { ok: false, error: { code: 'read-only', message: `Cannot write to ${e.path ?? 'the folder'}: it is read-only or not permitted. Choose a writable folder.` } };
    return { ok: false, error: { code: 'internal', message: err instanceof Error ? err.message : String(err) } };
  }
}
