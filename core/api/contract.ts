/**
 * The one API contract between the renderer and the privileged side (Electron main, or the
 * browser bridge in `npm run preview`). Every channel is `tfa:<domain>:<verb>` with a schema
 * for its argument and its result. Main registers handlers from this table; the preload and
 * the bridge client build `window.api` from it — nobody types channel names by hand.
 */
import { z } from 'zod';

export const Language = z.enum(['ja', 'en']);
export type Language = z.infer<typeof Language>;

export const Settings = z.strictObject({
  /** `system` follows the OS language. */
  language: z.enum(['system', 'ja', 'en']),
});
export type Settings = z.infer<typeof Settings>;

export const AppInfo = z.strictObject({
  name: z.string(),
  version: z.string(),
  platform: z.string(),
  /** The OS language resolved to a product language. */
  systemLanguage: Language,
  /** `electron` in the desktop app, `bridge` in `npm run preview`. */
  host: z.enum(['electron', 'bridge']),
});
export type AppInfo = z.infer<typeof AppInfo>;

export const RecentAssessment = z.strictObject({
  /** Opaque handle; never a filesystem path the renderer could forge. */
  handle: z.string(),
  organization: z.string(),
  service: z.string(),
  pack: z.string(),
  updatedAt: z.string(),
});
export type RecentAssessment = z.infer<typeof RecentAssessment>;

export const PackSummary = z.strictObject({
  id: z.string(),
  version: z.string(),
  hash: z.string(),
  title: z.strictObject({ ja: z.string(), en: z.string() }),
  origin: z.enum(['builtin', 'user']),
  criteriaCount: z.number().int(),
  dimensions: z.array(z.string()),
});
export type PackSummary = z.infer<typeof PackSummary>;

const Void = z.undefined();

/** Channel table. Add channels here; handlers and `window.api` follow from it. */
export const contract = {
  'tfa:app:info': { args: Void, result: AppInfo },
  'tfa:settings:get': { args: Void, result: Settings },
  'tfa:settings:set': { args: Settings.partial(), result: Settings },
  'tfa:assessments:listRecent': { args: Void, result: z.array(RecentAssessment) },
  'tfa:packs:list': { args: Void, result: z.array(PackSummary) },
} as const;

export type Contract = typeof contract;
export type Channel = keyof Contract;
export type ArgsOf<C extends Channel> = z.input<Contract[C]['args']>;
export type ResultOf<C extends Channel> = z.output<Contract[C]['result']>;

export const ERROR_CODES = [
  'bad-request',
  'forbidden',
  'not-found',
  'conflict',
  'io',
  'disk-full',
  'read-only',
  'invalid-input',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

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
