/**
 * The one API contract between the renderer and the privileged side (Electron main, or the
 * browser bridge in `npm run preview`). Every channel is `tfa:<domain>:<verb>` with a schema
 * for its argument and its result. Main registers handlers from this table; the preload and
 * the bridge client build `window.api` from it — nobody types channel names by hand.
 *
 * The schemas and the core channels live in contract-core.ts; each feature area adds its
 * channels in its own contract-<area>.ts (they import from contract-core, never from here,
 * so there is no import cycle).
 */
import { z } from 'zod';
import { ERROR_CODES, coreChannels, type ErrorCode } from './contract-core';
import { evidenceChannels } from './contract-evidence';
import { exportChannels } from './contract-export';
import { intakeChannels } from './contract-intake';

export * from './contract-core';

/** Channel table. Add channels in the area's contract file; handlers and `window.api` follow from it. */
export const contract = {
  ...coreChannels,
  ...evidenceChannels,
  ...exportChannels,
  ...intakeChannels,
} as const;

export type Contract = typeof contract;
export type Channel = keyof Contract;
export type ArgsOf<C extends Channel> = z.input<Contract[C]['args']>;
export type ResultOf<C extends Channel> = z.output<Contract[C]['result']>;


export interface ApiError {
  code: ErrorCode;
  /** A sentence the user can act on, in the user's language. */
  message: string;
}
export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: ApiError };

export const ApiResultSchema = <T extends z.ZodType>(value: T) =>
  z.union([
    z.strictObject({ ok: z.literal(true), value }),
    z.strictObject({
      ok: z.literal(false),
      error: z.strictObject({ code: z.enum(ERROR_CODES), message: z.string() }),
    }),
  ]);

/** `tfa:packs:list` → `packsList`: the method name `window.api` exposes for a channel. */
export function methodName(channel: Channel): string {
  const [, domain, verb] = channel.split(':') as [string, string, string];
  return domain.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()) + verb[0]!.toUpperCase() + verb.slice(1);
}

/** The typed `window.api`: one named async function per channel. */
export type Api = {
  [C in Channel as ApiMethodName<C>]: (
    ...args: ArgsOf<C> extends undefined ? [] : [ArgsOf<C>]
  ) => Promise<ApiResult<ResultOf<C>>>;
};
type Capitalize1<S extends string> = S extends `${infer H}${infer T}` ? `${Uppercase<H>}${T}` : S;
type ApiMethodName<C extends string> = C extends `tfa:${infer D}:${infer V}` ? `${D}${Capitalize1<V>}` : never;

/** Thrown by handlers to return a typed error instead of `internal`. */
export class ApiFailure extends Error {
  constructor(
    public readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ApiFailure';
  }
}
